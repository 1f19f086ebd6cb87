"""The test-path policy: findings in test, CI, docs and example code are held back (counted, not reported) unless
asked for, then reported at info; the paths are configurable; rules about CI files are exempt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bastion.api import ScanRequest, run
from bastion.cli.main import cli
from bastion.core.config import BastionConfig
from bastion.core.severity import Severity
from bastion.core.test_paths import is_test_path
from tests.conftest import make_services
from tests.foundation.conftest import write_tree


@pytest.mark.parametrize(
    "path",
    [
        "tests/test_views.py",
        "app/tests/helpers.py",
        "conftest.py",
        "app/views_test.py",
        "api/tests.py",
        "src/paperless/tests/settings/test_parsers.py",
        "app/settings/test.py",
        "babybuddy/settings/ci.py",
        "netbox/configuration_testing.py",
        "frontend/lib/validators/password.test.ts",
        ".github/workflows/ci.yml",
        ".gitlab-ci.yml",
        ".devcontainer/Dockerfile",
        "docker/compose/docker-compose.ci-test.yml",
        "docker-compose.test.yml",
        "docker/docker-compose.dev.yml",
        "tox.ini",
        "noxfile.py",
        "Vagrantfile",
        "dev/code-generation/gen_locales.py",
        "app/core/fixtures/test-user-data.json",
        "app/core/fixtures/users.json",
        "config/test_settings.env",
        "docker/regtest/data/node/node.conf",
        "docker/regtest/docker-compose.yml",
        "babybuddy/settings/development.py",
        "docs/setup.py",
        "README.md",
        "examples/shop/app.py",
        "app/settings/production.example.py",
        ".env.example",
        "config.sample",
    ],
)
def test_test_ci_docs_and_example_paths(path: str) -> None:
    assert is_test_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "app/views.py",
        "app/latest/views.py",
        "contest.py",
        "app/settings/base.py",
        "app/settings/production.py",
        "attestation.py",
        "docker-compose.yml",
        "Dockerfile",
        "app/testimonials/views.py",
        "src/protest/models.py",
        "app/dev/views.py",
        "app/devices/models.py",
        "app/settings/local.py",
        "tools/conv.py",
        "app/fixtures.py",
        "app/latest-news.json",
        "config/settings.env",
        "docker/regtesting.conf",
        "test_project/app/views.py",
    ],
)
def test_production_paths(path: str) -> None:
    assert not is_test_path(path)


def _project(tmp_path: Path, config: str = "") -> Path:
    files = {
        "app/views.py": "import subprocess\nsubprocess.run(cmd, shell=True)\n",
        "tests/test_views.py": "import subprocess\nsubprocess.run(cmd, shell=True)\n",
        "docs/example.py": "import subprocess\nsubprocess.run(cmd, shell=True)\n",
        "scripts/smoke/check.py": "import subprocess\nsubprocess.run(cmd, shell=True)\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pytest\n",
    }
    if config:
        files["pyproject.toml"] = config
    return write_tree(tmp_path / "project", files)


def _scan(root: Path, **request: object) -> tuple[list[tuple[str, str, Severity]], int]:
    result = run(ScanRequest(paths=(root,), select=("PAT301", "CFG409"), **request), services=make_services())  # type: ignore[arg-type]
    return [(f.location.path, f.code, f.severity) for f in result.findings], len(result.held_back)


def test_findings_in_tests_and_docs_are_held_back_and_counted(tmp_path: Path) -> None:
    found, held = _scan(_project(tmp_path), isolated=True)
    assert ("app/views.py", "PAT301", Severity.HIGH) in found
    assert all(not path.startswith(("tests/", "docs/")) for path, _, _ in found)
    assert held == 2


def test_a_rule_about_ci_files_is_not_held_back(tmp_path: Path) -> None:
    found, _ = _scan(_project(tmp_path), isolated=True)
    assert (".github/workflows/ci.yml", "CFG409", Severity.INFO) in found


def test_include_tests_reports_them_at_info(tmp_path: Path) -> None:
    found, held = _scan(_project(tmp_path), isolated=True, include_tests=True)
    assert ("tests/test_views.py", "PAT301", Severity.INFO) in found
    assert ("docs/example.py", "PAT301", Severity.INFO) in found
    assert ("app/views.py", "PAT301", Severity.HIGH) in found
    assert held == 0


def test_the_policy_is_configurable(tmp_path: Path) -> None:
    extended = _project(tmp_path / "a", '[tool.bastion]\nextend-test-paths = ["scripts/smoke/"]\n')
    found, held = _scan(extended)
    assert not any(path.startswith("scripts/") for path, _, _ in found) and held == 3
    replaced = _project(tmp_path / "b", "[tool.bastion]\ntest-paths = []\n")
    found, held = _scan(replaced)
    assert ("tests/test_views.py", "PAT301", Severity.HIGH) in found and held == 0
    switched_on = _project(tmp_path / "c", "[tool.bastion]\ninclude-tests = true\n")
    found, held = _scan(switched_on)
    assert ("tests/test_views.py", "PAT301", Severity.INFO) in found and held == 0


def test_a_scanned_folder_is_not_held_back_by_its_own_name(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "repo",
        {
            "pyproject.toml": "[tool.bastion]\n",
            "examples/shop/app.py": "import subprocess\nsubprocess.run(cmd, shell=True)\n",
            "examples/shop/tests/test_app.py": "import subprocess\nsubprocess.run(cmd, shell=True)\n",
        },
    )
    result = run(ScanRequest(paths=(root / "examples" / "shop",), select=("PAT301",)), services=make_services())
    assert [f.location.path for f in result.findings] == ["examples/shop/app.py"]
    assert len(result.held_back) == 1


def test_reports_say_how_many_were_held_back(tmp_path: Path) -> None:
    root = _project(tmp_path)
    runner = CliRunner()
    text = runner.invoke(cli, ["scan", str(root), "--isolated", "--no-progress", "--select", "PAT301"])
    assert "2 in test, CI, docs or example code held back (--include-tests shows them)" in text.output
    document = runner.invoke(
        cli, ["scan", str(root), "--isolated", "--no-progress", "--select", "PAT301", "-f", "json"]
    )
    assert json.loads(document.output)["summary"]["held_back"] == 2
    shown = runner.invoke(
        cli, ["scan", str(root), "--isolated", "--no-progress", "--select", "PAT301", "-f", "json", "--include-tests"]
    )
    summary = json.loads(shown.output)["summary"]
    assert summary["held_back"] == 0 and summary["by_severity"]["info"] == 2


def test_the_default_configuration_lists_the_paths() -> None:
    config = BastionConfig()
    assert "tests/" in config.test_paths and config.include_tests is False
    assert BastionConfig.model_validate({"extend-test-paths": ["qa/"]}).all_test_paths[-1] == "qa/"


def test_test_doubles_and_test_profiles_in_production_modules_are_held_back(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app/hashing.py": """
                class FakeHasher:
                    def verify(self, signature, expected_signature):
                        return signature == expected_signature


                class Hasher:
                    def verify(self, signature, expected_signature):
                        return signature == expected_signature
            """,
            "app/config.py": 'class TestingConfig:\n    SECRET_KEY = "AAAAAAAAAAAAAAAAAAAA"\n\n\n'
            'class ContestConfig:\n    SECRET_KEY = "contest-key-1"\n',
            # Shaped like a fake wallet's key derivation beside a real password hash in the same module.
            "app/crypto.py": """
                from hashlib import pbkdf2_hmac


                def fake_privkey(secret):
                    return pbkdf2_hmac("sha256", secret.encode(), b"FakeWallet", 2048, 32).hex()


                def hash_password(password, salt):
                    return pbkdf2_hmac("sha256", password.encode(), salt, 2048, 32).hex()
            """,
        },
    )
    selected = ("PAT405", "SEC202", "PAT404")
    result = run(ScanRequest(paths=(tmp_path,), select=selected), services=make_services())
    reported = sorted((f.location.path, f.location.line) for f in result.findings)
    held = sorted((f.location.path, f.location.line) for f in result.held_back)
    assert reported == [("app/config.py", 6), ("app/crypto.py", 10), ("app/hashing.py", 9)]
    assert held == [("app/config.py", 2), ("app/crypto.py", 6), ("app/hashing.py", 4)]


def test_fixture_and_regtest_data_are_held_back_and_a_real_config_secret_is_not(tmp_path: Path) -> None:
    # Shaped like a Django app's seed users and a bitcoin regtest node's config beside a deployed service's config.
    # The values are assembled here so that this file does not trip secret scanners.
    seeded = "pbkdf2_sha256$" + "260000$" + "q8Xv2LmZ" + "$" + "Jc4w" * 11
    node = "rpc" + "Pw7Zq" + "Lx2Vm9"
    deployed = "Wq8Zp4" + "Lm2Vx7Tr5"
    write_tree(
        tmp_path,
        {
            "app/core/fixtures/test-user-data.json": json.dumps(
                [{"model": "auth.user", "pk": 2, "fields": {"username": "test", "password": seeded}}], indent=2
            ),
            "docker/regtest/data/node/node.conf": f"rpcuser=lnbits\nrpcpassword={node}\n",
            "deploy/service.env": f"DATABASE_HOST=db.internal\nDATABASE_PASSWORD={deployed}\n",
        },
    )
    result = run(ScanRequest(paths=(tmp_path,), select=("SEC203",)), services=make_services())
    assert [(f.location.path, f.location.line) for f in result.findings] == [("deploy/service.env", 2)]
    assert sorted(f.location.path for f in result.held_back) == [
        "app/core/fixtures/test-user-data.json",
        "docker/regtest/data/node/node.conf",
    ]
