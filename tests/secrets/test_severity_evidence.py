"""High severity only on strong evidence: a literal that looks generated, a URL credential for a real host.
A word given to a password name or a default pair repeating the user name is medium, a URL to localhost low."""

from __future__ import annotations

from pathlib import Path

from bastion.core.severity import Severity
from tests.harness import scan_fixture
from tests.secrets.tokens import g, rand


def _severities(tmp_path: Path, code: str, text: str) -> dict[int, Severity]:
    (tmp_path / "settings.py").write_text(text, encoding="utf-8")
    result = scan_fixture(tmp_path, code)
    return {finding.location.line: finding.severity for finding in result.findings if finding.code == code}


def test_a_word_given_to_a_password_is_medium_a_generated_value_high(tmp_path: Path) -> None:
    generated = rand(24)
    text = f'create_user("admin", password="admin-{g("pa", "ss")}")\nclient = Client(token="{generated}")\n'
    assert _severities(tmp_path, "SEC201", text) == {1: Severity.MEDIUM, 2: Severity.HIGH}


def test_url_credentials_for_a_local_service_are_low_a_default_pair_medium(tmp_path: Path) -> None:
    password = rand(12)
    text = (
        f'LOCAL = "mysql://shop:{password}@localhost/shop"\n'
        'COMPOSE = "mysql://ctfd:' + g("ct", "fd") + '@db/ctfd"\n'
        f'REMOTE = "postgres://shop:{password}@db.internal:5432/shop"\n'
    )
    assert _severities(tmp_path, "SEC103", text) == {1: Severity.LOW, 2: Severity.MEDIUM, 3: Severity.HIGH}


def test_a_secret_key_in_a_testing_profile_is_held_back(tmp_path: Path) -> None:
    text = 'class TestingConfig:\n    SECRET_KEY = "AAAAAAAAAAAAAAAAAAAA"\n\n\nclass Config:\n    SECRET_KEY = "k-1"\n'
    (tmp_path / "config.py").write_text(text, encoding="utf-8")
    result = scan_fixture(tmp_path, "SEC202")
    assert [finding.location.line for finding in result.findings] == [6]
    assert [finding.location.line for finding in result.held_back] == [2]


def test_a_secret_in_a_test_runner_table_of_pyproject_is_held_back(tmp_path: Path) -> None:
    secret = rand(20)
    text = (
        "[project]\nname = 'shop'\n\n[tool.pytest_env]\n"
        f'SHOP_SECRET_KEY = "{secret}"\n\n[tool.shop.deploy]\n'
        f'api_secret = "{rand(20)}"\n'
    )
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    result = scan_fixture(tmp_path, "SEC203")
    assert [finding.location.line for finding in result.findings] == [8]
    assert [finding.location.line for finding in result.held_back] == [5]


def test_a_config_password_repeating_the_user_name_is_held_back(tmp_path: Path) -> None:
    """Quick-start compose files set the database's password to its user or database name: a default, not a leak."""
    word = g("rec", "ipes")
    text = (
        "services:\n  db:\n    environment:\n"
        f"      POSTGRES_DB: {word}\n      POSTGRES_USER: {word}\n      POSTGRES_PASSWORD: {word}\n"
        f'      DATABASE_CREDENTIALS: "{word}:{word}"\n'
        f"      ADMIN_PASSWORD: {word}-{rand(8)}\n"
    )
    (tmp_path / "docker-compose.yml").write_text(text, encoding="utf-8")
    result = scan_fixture(tmp_path, "SEC203")
    assert [finding.location.line for finding in result.findings] == [8]
    assert [finding.location.line for finding in result.held_back] == [6, 7]
    assert all(finding.severity is Severity.LOW for finding in result.held_back)


def test_default_url_credentials_of_local_and_quick_start_setups_are_held_back(tmp_path: Path) -> None:
    """Shaped like a Makefile's migration target, a helper compose file and a settings default: a default password
    (the user name, or stock words such as `postgres`) on the local machine or in a compose file is held back; the
    same default in Python settings stays reported at medium; a real password on the local machine stays low."""
    word = g("ln", "bits")
    stock = g("post", "gres")
    real = rand(12)
    (tmp_path / "Makefile").write_text(
        "migration:\n"
        f'\tDATABASE_URL="postgres://{word}:{word}@localhost:5432/migration" python tools/conv.py\n'
        f"\t# DATABASE_URL=postgres://{word}:{stock}@0.0.0.0:5432/postgres\n"
        f"\tDATABASE_URL=postgres://{word}:{real}@127.0.0.1/shop python manage.py check\n",
        encoding="utf-8",
    )
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  ui:\n    environment:\n"
        f"      ME_CONFIG_MONGODB_URL: mongodb://off:off-{g('wg', 'er')}@mongodb:27017/\n",
        encoding="utf-8",
    )
    (tmp_path / "settings.py").write_text(
        f'SYNC_URI = env.str("SYNC_URI", "postgres://sync_storage:sync_{g("sec", "ret")}@db:5432/app")\n',
        encoding="utf-8",
    )
    result = scan_fixture(tmp_path, "SEC103")
    reported = sorted((f.location.path, f.location.line, f.severity) for f in result.findings)
    held = sorted((f.location.path, f.location.line) for f in result.held_back)
    assert reported == [("Makefile", 4, Severity.LOW), ("settings.py", 1, Severity.MEDIUM)]
    assert held == [("Makefile", 2), ("Makefile", 3), ("docker-compose.yml", 4)]
