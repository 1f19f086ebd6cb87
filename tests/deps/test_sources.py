"""Each dependency source on the cases its format allows: what must be read, and what must not."""

from __future__ import annotations

import pytest

from bastion.deps.model import DependencyKind, ManifestKind
from bastion.deps.sources import parse_manifest, parse_requirements, source_for
from bastion.deps.sources.pyproject import poetry_pinned_version


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("requirements.txt", ManifestKind.REQUIREMENTS),
        ("deploy/requirements-prod.txt", ManifestKind.REQUIREMENTS),
        ("dev-requirements.txt", ManifestKind.REQUIREMENTS),
        ("requirements/base.txt", ManifestKind.REQUIREMENTS),
        ("requirements-dev.lock", ManifestKind.REQUIREMENTS),
        ("requirements.in", ManifestKind.REQUIREMENTS_IN),
        ("requirements/dev.in", ManifestKind.REQUIREMENTS_IN),
        ("pyproject.toml", ManifestKind.PYPROJECT),
        ("poetry.lock", ManifestKind.POETRY_LOCK),
        ("Pipfile.lock", ManifestKind.PIPFILE_LOCK),
        ("uv.lock", ManifestKind.UV_LOCK),
        ("pdm.lock", ManifestKind.PDM_LOCK),
        ("pylock.toml", ManifestKind.PYLOCK),
        ("pylock.dev.toml", ManifestKind.PYLOCK),
    ],
)
def test_manifest_names(path: str, kind: ManifestKind) -> None:
    source = source_for(path)
    assert source is not None and source.kind is kind


@pytest.mark.parametrize(
    "path", ["notes.txt", "MANIFEST.in", "config.h.in", "setup.cfg", "Pipfile", "package-lock.json", "pylock.a.b.toml"]
)
def test_other_files_are_not_manifests(path: str) -> None:
    assert source_for(path) is None


def test_a_stray_in_file_is_read_only_when_it_is_all_requirements() -> None:
    assert parse_manifest("Makefile.in", "CC = @CC@\nall:\n\t$(CC) main.c\n").dependencies == ()  # type: ignore[union-attr]
    assert parse_manifest("Makefile.in", "CC = @CC@\n").problems == ()  # type: ignore[union-attr]
    manifest = parse_manifest("dev.in", "pytest\nruff==0.6.0\n")
    assert manifest is not None and [d.name for d in manifest.dependencies] == ["pytest", "ruff"]
    strict = parse_manifest("requirements.in", "CC = @CC@\n")
    assert strict is not None and strict.problems  # a real requirements file: its bad line is reported


def test_requirements_lines_as_pip_reads_them() -> None:
    text = (
        "# comment \\\n"  # a comment never continues
        "django==3.2.0\n"
        "jinja2==2.10 \\\n"
        "    --hash=sha256:aa \\\n"
        "    --hash=sha256:bb\n"
        "  Flask_Cors == 3.0.8   # trailing comment\n"
        "requests[socks,security]==2.19.0; python_version >= '3.6'\n"
        "pkg==${PKG_VERSION}\n"
        "celery==5.*\n"
        "pillow===9.0.0\n"
        "urllib3>=1.24,<2\n"
        "url#fragment-is-not-a-comment==1.0\n"
    )
    manifest = parse_requirements(text, "requirements.txt")
    rows = [(d.line, d.name, d.version, d.hashes, d.extras, d.marker) for d in manifest.dependencies]
    assert rows == [
        (2, "django", "3.2.0", 0, (), ""),
        (3, "jinja2", "2.10", 2, (), ""),
        (6, "flask-cors", "3.0.8", 0, (), ""),
        (7, "requests", "2.19.0", 0, ("security", "socks"), 'python_version >= "3.6"'),
        (9, "celery", None, 0, (), ""),
        (10, "pillow", "9.0.0", 0, (), ""),
        (11, "urllib3", None, 0, (), ""),
    ]
    # `${PKG_VERSION}` is never expanded (bastion's environment is not the project's): line 8 is not audited.
    assert [(p.line, p.not_audited) for p in manifest.problems] == [(8, True), (12, True)]
    assert "`${PKG_VERSION}`" in manifest.problems[0].message
    assert manifest.anchor_line == 2


def test_requirements_never_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """pip fills `${VAR}` from its environment; bastion's environment is not the project's (a CI secret would be
    printed and sent to the advisory server as a package name). Such lines are reported as not audited."""
    planted = "planted-" + "value-9f3"
    for name in ("PKG", "PKG_VERSION", "REQ_FILE", "TOKEN", "VENDOR"):
        monkeypatch.setenv(name, planted)
    text = (
        "${PKG}==1.0\n"
        "django==${PKG_VERSION}\n"
        "-r ${REQ_FILE}.txt\n"
        "--extra-index-url https://${TOKEN}@pypi.example.invalid/simple\n"
        "private @ https://${TOKEN}@files.example.invalid/private-1.0.whl\n"
        "-e ${VENDOR}/localpkg\n"
        "requests[${EXTRA}]==2.19.0\n"
        "flask==2.2.5\n"
    )
    manifest = parse_requirements(text, "requirements.txt")
    assert planted not in repr(manifest)
    problems = {p.line: p for p in manifest.problems}
    assert sorted(problems) == [1, 2, 3, 7]
    assert all(p.not_audited for p in problems.values())
    assert "`${PKG}`" in problems[1].message and "not audited" in problems[1].message
    assert "`${PKG_VERSION}`" in problems[2].message
    assert "`${REQ_FILE}`" in problems[3].message and "not followed" in problems[3].message
    assert manifest.includes == ()
    rows = [(d.line, d.name, d.version, d.kind) for d in manifest.dependencies]
    assert rows == [
        (5, "private", None, DependencyKind.URL),  # a token in a URL: the URL is not audited anyway
        (6, "localpkg", None, DependencyKind.PATH),
        (8, "flask", "2.2.5", DependencyKind.REGISTRY),
    ]


def test_requirements_options_includes_and_references() -> None:
    text = (
        "-r base.txt\n"
        "--requirement=more.txt\n"
        "-rshort.txt\n"
        "-c constraints.txt\n"
        "--constraint other-constraints.txt\n"
        "--index-url https://pypi.org/simple --trusted-host pypi.org\n"
        "--require-hashes\n"
        "-e git+https://user:secret@github.com/o/pkg.git@v1#egg=pkg-1.0\n"
        "-e ./vendor/localpkg/\n"
        "./downloads/numpy-1.9.2-cp34-none-win32.whl\n"
        "https://example.invalid/Twisted-18.9.0.tar.bz2#egg=twisted ; python_version > '3'\n"
        "tornado @ git+https://github.com/tornadoweb/tornado.git@v5.1.0\n"
        "--frobnicate\n"
        "foo==1.0 --install-option=--prefix=/x --bogus\n"
    )
    manifest = parse_requirements(text, "requirements.txt")
    assert [(i.target, i.constraint) for i in manifest.includes] == [
        ("base.txt", False),
        ("more.txt", False),
        ("short.txt", False),
        ("constraints.txt", True),
        ("other-constraints.txt", True),
    ]
    assert manifest.require_hashes
    direct = [(d.name, d.kind, d.editable, d.marker) for d in manifest.dependencies if not d.kind.auditable]
    assert direct == [
        ("pkg", DependencyKind.VCS, True, ""),
        ("localpkg", DependencyKind.PATH, True, ""),
        ("numpy", DependencyKind.PATH, False, ""),
        ("twisted", DependencyKind.URL, False, "python_version > '3'"),
        ("tornado", DependencyKind.VCS, False, ""),
    ]
    assert "secret" not in repr(manifest)  # credentials in URLs are redacted everywhere
    assert [(p.line, p.message) for p in manifest.problems] == [
        (13, "unknown option `--frobnicate`; ignored"),
        (14, "option `--bogus` is not allowed after a requirement; ignored"),
    ]


def test_a_byte_order_mark_is_not_part_of_the_first_requirement() -> None:
    manifest = parse_requirements("\ufeffdjango==3.2.0\n", "requirements.txt")
    assert [(d.name, d.version) for d in manifest.dependencies] == [("django", "3.2.0")]
    assert manifest.problems == ()


def test_generated_requirements_are_a_lock() -> None:
    compiled = (
        "# This file is autogenerated by pip-compile with Python 3.12\nflask==3.0.3\n    # via -r requirements.in\n"
    )
    assert parse_requirements(compiled, "requirements.txt").is_lock
    hashed = "flask==3.0.3 --hash=sha256:aa\nclick==8.1.7 --hash=sha256:bb\n"
    assert parse_requirements(hashed, "requirements.txt").is_lock
    assert not parse_requirements("flask==3.0.3\n", "requirements.txt").is_lock
    assert not parse_requirements("flask>=3 --hash=sha256:aa\n", "requirements.txt").is_lock
    assert parse_requirements("# generated by rye\nflask==3.0.3\n", "requirements.lock").is_lock


def test_pyproject_pep621_pep735_and_poetry() -> None:
    text = """\
[project]
name = "x"
dependencies = ["fastapi==0.65.1", 'starlette>=0.14']

[project.optional-dependencies]
docs = [
    "mistune==0.8",
]

[dependency-groups]
test = ["pytest", {include-group = "lint"}, {include-group = "missing"}]
lint = ["ruff==0.6.0", {include-group = "test"}]

[tool.poetry.dependencies]
python = "^3.10"
django = "3.2"
flask = {version = "^2.0", extras = ["async"], markers = "python_version >= '3.8'"}
requests = [{version = "2.19.0", python = "<3.8"}, {version = "2.31.0", python = ">=3.8"}]
mylib = {path = "../mylib", develop = true}

[tool.poetry.group.dev.dependencies]
black = "==24.1.0"
"""
    manifest = parse_manifest("pyproject.toml", text)
    assert manifest is not None
    rows = [(d.line, d.name, d.version, d.group, d.kind) for d in manifest.dependencies]
    assert rows == [
        (3, "fastapi", "0.65.1", "", DependencyKind.REGISTRY),
        (3, "starlette", None, "", DependencyKind.REGISTRY),
        (7, "mistune", "0.8", "extra:docs", DependencyKind.REGISTRY),
        (11, "pytest", None, "group:test", DependencyKind.REGISTRY),
        (12, "ruff", "0.6.0", "group:lint", DependencyKind.REGISTRY),
        (16, "django", "3.2", "", DependencyKind.REGISTRY),
        (17, "flask", None, "", DependencyKind.REGISTRY),
        (18, "requests", "2.19.0", "", DependencyKind.REGISTRY),
        (18, "requests", "2.31.0", "", DependencyKind.REGISTRY),
        (19, "mylib", None, "", DependencyKind.PATH),
        (22, "black", "24.1.0", "group:dev", DependencyKind.REGISTRY),
    ]
    problems = sorted(p.message for p in manifest.problems)
    assert problems == [
        "dependency group `lint` includes itself",
        "dependency group `test` includes itself",
        "dependency group `test` includes unknown group `missing`",
    ]


@pytest.mark.parametrize(
    ("constraint", "pinned"),
    [
        ("1.2.3", "1.2.3"),
        ("=1.2.3", "1.2.3"),
        ("==1.2.3", "1.2.3"),
        ("^1.2", None),
        ("~1.2", None),
        ("*", None),
        ("1.2.*", None),
        (">=1,<2", None),
        ("", None),
        ("1.0 || 2.0", None),
        ("not-a-version", None),
    ],
)
def test_poetry_constraints(constraint: str, pinned: str | None) -> None:
    assert poetry_pinned_version(constraint) == pinned


def test_broken_files_are_problems_not_crashes() -> None:
    for path, text in [
        ("pyproject.toml", "[project\nname = 1"),
        ("uv.lock", "version = "),
        ("poetry.lock", "[[package]]\nversion = '1.0'\n"),
        ("Pipfile.lock", '{"default": '),
        ("pylock.toml", "[[packages]]\nname = 3\n"),
    ]:
        manifest = parse_manifest(path, text)
        assert manifest is not None
        assert manifest.problems, path
        assert manifest.dependencies == ()


def test_lock_entries_and_their_sources() -> None:
    poetry = parse_manifest(
        "poetry.lock",
        '[[package]]\nname = "a"\nversion = "1.0"\n\n[package.source]\ntype = "legacy"\nurl = "https://x.invalid"\n'
        '\n[[package]]\nname = "b"\nversion = "2.0"\n\n[package.source]\ntype = "directory"\nurl = "../b"\n',
    )
    assert poetry is not None
    assert [(d.name, d.line, d.kind) for d in poetry.dependencies] == [
        ("a", 2, DependencyKind.REGISTRY),
        ("b", 10, DependencyKind.PATH),
    ]
    uv = parse_manifest(
        "uv.lock",
        'version = 1\n[[package]]\nname = "me"\nversion = "0.1"\nsource = { virtual = "." }\n'
        '[[package]]\nname = "lib"\nversion = "1.0"\nsource = { git = "https://x.invalid/lib.git?rev=v1#abc" }\n',
    )
    assert uv is not None
    assert [(d.name, d.kind, d.version) for d in uv.dependencies] == [
        ("me", DependencyKind.PROJECT, None),
        ("lib", DependencyKind.VCS, None),
    ]
    pipfile = parse_manifest(
        "Pipfile.lock",
        '{"default": {"x": {"version": "==1.0", "markers": "os_name == \'nt\'"},'
        ' "y": {"path": ".", "editable": true}}}',
    )
    assert pipfile is not None
    assert [(d.name, d.version, d.marker, d.kind, d.editable) for d in pipfile.dependencies] == [
        ("x", "1.0", "os_name == 'nt'", DependencyKind.REGISTRY, False),
        ("y", None, "", DependencyKind.PATH, True),
    ]
