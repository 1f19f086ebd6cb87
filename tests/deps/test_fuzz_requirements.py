"""Fuzzing the requirements parser (hypothesis): no input makes it raise; it answers with dependencies, or with
problems that name a line, and never invents a line that is not in the file. The other sources get the same
treatment with arbitrary text, and a whole scan of a fuzzed file ends without an internal error."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from bastion.core.notice import NoticeKind
from bastion.deps.model import Manifest
from bastion.deps.sources import SOURCES, parse_requirements
from tests.conftest import make_services

_FRAGMENTS = [
    "django",
    "Flask_Cors",
    "requests[socks,security]",
    "==",
    "===",
    ">=",
    "~=",
    "!=",
    "<",
    "2.19.0",
    "1.0rc1",
    "2.*",
    "abc",
    ",",
    " ; ",
    ";",
    'python_version >= "3.6"',
    "sys_platform == 'win32'",
    'extra == "docs"',
    " and ",
    "@",
    " @ ",
    "git+https://github.com/o/r.git@v1#egg=r",
    "https://user:pw@example.invalid/p-1.0.tar.gz",
    "./vendor/pkg",
    "C:\\pkg",
    "-r",
    "-c",
    "-e",
    "--requirement",
    "--constraint=",
    "-rother.txt",
    "--hash=sha256:00",
    "--hash",
    "--index-url",
    "--extra-index-url https://${TOKEN}@x.invalid/simple",
    "--require-hashes",
    "--unknown-option",
    "-Z",
    "${HOME}",
    "${",
    "#",
    " # comment",
    "\\",
    " \\",
    '"',
    "'",
    "\t",
    " ",
    "[",
    "]",
    "(",
    "\x00",
    "é",
]

requirement_like_text = st.lists(st.lists(st.sampled_from(_FRAGMENTS), max_size=8).map("".join), max_size=12).map(
    lambda lines: "\n".join(lines)
)


def _check(manifest: Manifest, text: str) -> None:
    line_count = max(1, len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))
    for dependency in manifest.dependencies:
        assert 1 <= dependency.line <= line_count
        assert "pw@" not in dependency.reference and "pw@" not in dependency.line_text
    for problem in manifest.problems:
        assert problem.message
        assert problem.line is None or 1 <= problem.line <= line_count
        assert "pw@" not in problem.message  # credentials in URLs are never repeated
    for include in manifest.includes:
        assert 1 <= include.line <= line_count


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_requirements_parser_never_raises_on_any_text(text: str) -> None:
    _check(parse_requirements(text, "requirements.txt"), text)


@settings(max_examples=400, deadline=None)
@given(requirement_like_text)
def test_requirements_parser_never_raises_on_requirement_like_text(text: str) -> None:
    _check(parse_requirements(text, "requirements.txt"), text)


@settings(max_examples=150, deadline=None)
@given(st.text(), st.sampled_from(list(SOURCES)))
def test_every_source_never_raises_on_any_text(text: str, source: object) -> None:
    manifest = source.parse(text, "x")  # type: ignore[attr-defined]
    assert isinstance(manifest, Manifest)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requirement_like_text)
def test_a_scan_of_a_fuzzed_requirements_file_has_no_internal_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "requirements.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
        (root / "requirements-dev.txt").write_text(
            "-r requirements.txt\n-c requirements.txt\ndjango==3.2.0\n", encoding="utf-8"
        )
        config = BastionConfig.model_validate({"select": ["DEP"]})
        result = scan([root], ScanOptions(config=config, root=root, jobs=1, services=make_services()))
    assert not [n for n in result.notices if n.kind is NoticeKind.INTERNAL_ERROR], result.notices
    assert not [n for n in result.notices if n.kind.blocking]
