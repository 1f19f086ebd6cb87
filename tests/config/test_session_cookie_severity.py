"""CFG205: a Secure flag left at the framework's default is info (whether the cookie travels over plain HTTP depends
on how the site is served); a flag written insecure in production settings, or HttpOnly/SameSite left off, is not."""

from __future__ import annotations

from pathlib import Path

from bastion.core.severity import Severity
from tests.foundation.conftest import write_tree
from tests.harness import scan_fixture


def _severities(root: Path) -> dict[tuple[str, int], Severity]:
    result = scan_fixture(root, "CFG205")
    return {(f.location.path, f.location.line): f.severity for f in result.findings}


def test_secure_left_at_its_default_is_info(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": (
                "from flask import Flask\n\napp = Flask(__name__)\n"
                'app.config["SESSION_COOKIE_HTTPONLY"] = True\napp.config["SESSION_COOKIE_SAMESITE"] = "Lax"\n'
            ),
            "api/main.py": (
                "from fastapi import FastAPI\nfrom starlette.middleware.sessions import SessionMiddleware\n\n"
                'api = FastAPI()\napi.add_middleware(SessionMiddleware, secret_key=KEY, same_site="lax")\n'
            ),
        },
    )
    found = _severities(tmp_path)
    assert set(found.values()) == {Severity.INFO}, found
    assert {path for path, _ in found} == {"app.py", "api/main.py"}


def test_secure_written_off_or_samesite_left_off_is_medium(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": (
                "from flask import Flask\n\napp = Flask(__name__)\n"
                'app.config["SESSION_COOKIE_SECURE"] = False\napp.config["SESSION_COOKIE_HTTPONLY"] = True\n'
            ),
        },
    )
    found = _severities(tmp_path)
    assert found and set(found.values()) == {Severity.MEDIUM}, found
