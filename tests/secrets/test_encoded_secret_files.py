"""Secrets in the encoded shapes deployment files hold: a docker `config.json` login (`auths` -> `auth`, base64 of
`user:password`) and a Kubernetes Secret whose `data:` holds a base64 PEM private key. Scanned through the API as a
user's tree; every value is built at run time, and none may appear whole in the findings."""

from __future__ import annotations

import json
from pathlib import Path

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from bastion.rules.base import ScanServices
from tests.secrets.tokens import DOCKER_LOGIN, pem_base64


def _scan(root: Path) -> list[tuple[str, int, str, str]]:
    config = BastionConfig.model_validate({"select": ["SEC"]})
    result = scan([root], ScanOptions(config=config, root=root, jobs=1, services=ScanServices(offline=True)))
    return sorted((f.location.path, f.location.line, f.code, f.message) for f in result.findings)


def test_docker_login_and_kubernetes_private_key_are_found_redacted(tmp_path: Path) -> None:
    (tmp_path / ".docker").mkdir()
    (tmp_path / ".docker" / "config.json").write_text(
        json.dumps({"auths": {"registry.example.com": {"auth": DOCKER_LOGIN}}}, indent=2)
    )
    key = pem_base64("RSA PRIVATE KEY")
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "tls.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-tls\ntype: kubernetes.io/tls\ndata:\n"
        f"  tls.crt: {pem_base64('CERTIFICATE')}\n  tls.key: {key}\n"
    )
    found = _scan(tmp_path)
    assert [(path, line, code) for path, line, code, _ in found] == [
        (".docker/config.json", 4, "SEC101"),
        ("deploy/tls.yaml", 8, "SEC102"),
    ]
    assert all(DOCKER_LOGIN not in message and key not in message for *_, message in found)


def test_certificates_and_non_logins_are_not_secrets(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"auths": {"r.example.com": {"auth": ""}}, "auth": "oauth2"}))
    (tmp_path / "ca.yaml").write_text(f"data:\n  ca.crt: {pem_base64('CERTIFICATE')}\n")
    assert _scan(tmp_path) == []
