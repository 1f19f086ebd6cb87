"""Private keys: multi-line armour, one-line escaped forms, PuTTY files; headers alone are not keys."""

from __future__ import annotations

from bastion.core.severity import Severity
from bastion.secrets.engine import find_secrets
from bastion.secrets.filekinds import TextKind
from bastion.secrets.private_keys import find_private_keys
from tests.secrets.tokens import g, pem_body, private_key

ARMOUR = "PRIVATE" + " KEY"


def test_multi_line_key() -> None:
    lines = ["# deploy key", *private_key("RSA ").split("\n"), "after"]
    blocks = list(find_private_keys(lines, [1]))
    assert len(blocks) == 1 and blocks[0].line == 2 and blocks[0].kind == "RSA" and not blocks[0].encrypted
    found = find_secrets(lines, TextKind.OTHER, "id_rsa")
    assert [(m.code, m.line, m.severity) for m in found] == [("SEC102", 2, Severity.CRITICAL)]


def test_openssh_pkcs8_and_encrypted() -> None:
    for kind, encrypted in (("OPENSSH ", False), ("", False), ("ENCRYPTED ", True), ("EC ", False)):
        blocks = list(find_private_keys(private_key(kind).split("\n"), [0]))
        assert len(blocks) == 1 and blocks[0].encrypted is encrypted, kind


def test_escaped_one_line_key_in_json() -> None:
    key = private_key("").replace("\n", "\\n")
    lines = ["{", '  "type": "service_account",', f'  "private_key": "{key}\\n",', "}"]
    found = find_secrets(lines, TextKind.JSON, "sa.json")
    assert [(m.code, m.detector, m.line) for m in found] == [("SEC102", "google-service-account", 3)]
    assert found[0].title == "Google service-account private key"


def test_header_only_and_short_body_are_not_keys() -> None:
    assert not list(find_private_keys([f"-----BEGIN RSA {ARMOUR}-----"], [0]))
    short = [f"-----BEGIN RSA {ARMOUR}-----", "MIIEow...", f"-----END RSA {ARMOUR}-----"]
    assert not list(find_private_keys(short, [0]))
    unterminated = [f"-----BEGIN RSA {ARMOUR}-----", *pem_body()]
    assert not list(find_private_keys(unterminated, [0]))
    public = [g("-----BEGIN ", "PUBLIC KEY-----"), *pem_body(), g("-----END ", "PUBLIC KEY-----")]
    assert not find_secrets(public, TextKind.OTHER, "key.pub")


def test_putty_key() -> None:
    lines = [
        "PuTTY-User-Key-File-3: ssh-rsa",
        "Encryption: none",
        "Comment: deploy",
        "Public-Lines: 1",
        "AAAAB3NzaC1yc2E",
        "Private-Lines: 3",
        *pem_body(3),
        "Private-MAC: 0123",
    ]
    blocks = list(find_private_keys(lines, [0]))
    assert len(blocks) == 1 and blocks[0].kind == "PuTTY" and not blocks[0].encrypted
