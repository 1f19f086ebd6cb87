"""Recognisers and the project model: settings values, split settings, app factories, pickling, parallel runs."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import pytest

from bastion.api import ScanOptions, scan
from bastion.concepts.webapp import build_model, is_development_profile
from bastion.concepts.webcollect import collect_web_facts
from bastion.concepts.webfacts import ValueSource
from bastion.core.config import BastionConfig
from bastion.semantic.module import build_module
from bastion.source.discovery import SourceFile
from bastion.source.reading import read_document
from tests.conftest import make_services

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _facts(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    collected = {}
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for path in sorted(tmp_path.rglob("*.py")):
        rel = path.relative_to(tmp_path).as_posix()
        document = read_document(SourceFile(path, rel, path.stat().st_size), max_size=1 << 20)
        facts = collect_web_facts(build_module(document, ast.parse(document.text)))
        if facts is not None:
            collected[rel] = facts
    return collected


@pytest.mark.parametrize(
    ("expression", "source", "default"),
    [
        ('"literal"', ValueSource.LITERAL, None),
        ('os.environ["DEBUG"]', ValueSource.ENV, None),
        ('os.getenv("DEBUG", "1") == "1"', ValueSource.ENV, True),
        ('os.environ.get("DEBUG", "False").lower() in ("1", "true")', ValueSource.ENV, False),
        ('os.environ.get("DEBUG") == "1"', ValueSource.ENV, False),
        ('env.bool("DEBUG", default=True)', ValueSource.ENV, True),
        ('config("DEBUG", default=False, cast=bool)', ValueSource.ENV, False),
        # The project's own helpers (issue #11: follow the helper's default).
        ('envbool("DEBUG", "True")', ValueSource.ENV, True),
        ('get_bool_from_env("APP_DEBUG", "NO")', ValueSource.ENV, False),
        ('env_flag("APP_DEBUG", default="yes")', ValueSource.ENV, "yes"),
        ('bool(strtobool(os.environ.get("DEBUG") or "True"))', ValueSource.ENV, True),
        ('strtobool(os.environ.get("DEBUG") or "False")', ValueSource.ENV, False),
        ('load_env("settings.env")', ValueSource.COMPUTED, None),
        ("compute()", ValueSource.COMPUTED, None),
    ],
)
def test_setting_sources_and_environment_defaults(
    tmp_path: Path, expression: str, source: ValueSource, default: object
) -> None:
    header = "import os\nimport environ\nfrom decouple import config\nenv = environ.Env()\n"
    facts = _facts(tmp_path, {"settings.py": f"{header}DEBUG = {expression}\n"})
    (value,) = facts["settings.py"].settings_scopes[0].settings
    assert value.source is source
    if default is not None:
        assert value.has_env_default and value.env_default == default


def test_secret_values_are_never_kept(tmp_path: Path) -> None:
    secret = "abcd" + "efgh" * 8  # bastion: ignore[SEC201] test value
    facts = _facts(tmp_path, {"settings.py": f'SECRET_KEY = "{secret}"\n'})
    dumped = pickle.dumps(facts)
    assert secret.encode() not in dumped
    (value,) = facts["settings.py"].settings_scopes[0].settings
    assert value.secret is not None and value.secret.preview == "abcd" and secret not in value.site.snippet


def test_split_settings_follow_star_imports_and_profiles(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {
            "proj/settings/base.py": 'INSTALLED_APPS = ["django.contrib.auth"]\nDEBUG = True\nMIDDLEWARE = ["a"]\n',
            "proj/settings/production.py": 'from .base import *\nDEBUG = False\nMIDDLEWARE += ["b"]\n',
            "proj/settings/dev.py": "from .base import *\n",
        },
    )
    model = build_model(facts)
    (app,) = model.apps_of("django")
    assert app.path == "proj/settings/production.py"
    config = app.configs[0]
    assert config.known_value("DEBUG") == (True, False)
    assert [name for name, _ in config.items("MIDDLEWARE") or []] == ["a", "b"]


def test_app_factory_extensions_and_blueprints_are_joined(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {
            "shop/__init__.py": (
                "from flask import Flask\nfrom shop.ext import csrf\nfrom shop.views import bp\n"
                "def create_app():\n    app = Flask(__name__)\n    csrf.init_app(app)\n"
                "    app.register_blueprint(bp)\n    return app\n"
            ),
            "shop/ext.py": "from flask_wtf.csrf import CSRFProtect\ncsrf = CSRFProtect()\n",
            "shop/views.py": (
                "from flask import Blueprint, request\nbp = Blueprint('v', __name__)\n"
                "@bp.post('/x')\ndef x():\n    return request.form['a']\n"
            ),
            "wsgi.py": "from shop import create_app\napp = create_app()\n",
        },
    )
    model = build_model(facts)
    (app,) = model.apps_of("flask")
    assert [c.kind for c in app.components] == ["csrf"]
    assert [context.route.name for context in app.routes] == ["x"]


@pytest.mark.parametrize(
    ("name", "path", "development"),
    [
        ("dev", "proj/settings/dev.py", True),
        ("local_settings", "local_settings.py", True),
        ("TestingConfig", "config.py", True),
        ("ProductionConfig", "config.py", False),
        ("settings", "tests/settings.py", True),
        ("settings", "examples/shop/settings.py", False),
        ("production", "proj/settings/production.py", False),
    ],
)
def test_development_profiles(name: str, path: str, development: bool) -> None:
    assert is_development_profile(name, path) is development


def test_parallel_and_sequential_scans_agree() -> None:
    """Facts cross process boundaries when the scan runs on several workers: the result must not change."""
    config = BastionConfig.model_validate({"select": ["CFG"]})

    def found(jobs: int) -> list[tuple[str, int, str]]:
        options = ScanOptions(config=config, root=FIXTURES, jobs=jobs, services=make_services())
        result = scan([FIXTURES], options)
        return sorted((f.location.path, f.location.line, f.code) for f in result.findings)

    sequential = found(1)
    assert sequential and found(2) == sequential
