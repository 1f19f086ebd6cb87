"""Code excerpts: the lines around each finding that the HTML report shows, redacted like the snippets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bastion.api import ScanOptions, scan
from bastion.api.excerpts import MAX_SPAN_SHOWN, attach_excerpts
from bastion.core.config import BastionConfig
from bastion.core.finding import Finding, Location, SourceLine
from bastion.core.result import ScanResult
from bastion.core.severity import Confidence, Severity
from bastion.secrets.scrub import scrub_lines
from bastion.source.discovery import discover
from tests.secrets.tokens import PROVIDER_TOKENS, private_key, rand


def _scan(folder: Path, *, excerpt_lines: int = 2, select: tuple[str, ...] = ()) -> ScanResult:
    config = BastionConfig.model_validate({"select": list(select)} if select else {})
    return scan([folder], ScanOptions(config=config, root=folder, jobs=1, excerpt_lines=excerpt_lines))


def _numbers(finding: Finding) -> list[int]:
    return [line.number for line in finding.excerpt]


def _finding(path: str, line: int, end_line: int | None = None, code: str = "PAT101", snippet: str = "") -> Finding:
    return Finding(code, "m", Location(path, line, 1, end_line), Severity.HIGH, Confidence.HIGH, snippet=snippet)


def _attach(folder: Path, findings: list[Finding], radius: int = 2) -> list[Finding]:
    files = discover([folder], folder, []).files
    return attach_excerpts(findings, files, radius=radius, max_size=1_000_000)


def test_lines_around_the_finding(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("\n".join(f"x{n} = {n}" for n in range(1, 11)) + "\n", encoding="utf-8")
    first, middle, last, wide = _attach(
        tmp_path, [_finding("app.py", 1), _finding("app.py", 5), _finding("app.py", 10), _finding("app.py", 2, 9)]
    )
    assert _numbers(first) == [1, 2, 3]
    assert _numbers(middle) == [3, 4, 5, 6, 7]
    assert middle.excerpt[2] == SourceLine(5, "x5 = 5")
    # The empty "line" after the last newline is left out.
    assert _numbers(last) == [8, 9, 10]
    # A long span shows its first lines only, then the context after them.
    assert _numbers(wide) == list(range(1, 2 + MAX_SPAN_SHOWN + 2))
    (none,) = _attach(tmp_path, [_finding("app.py", 5)], radius=0)
    assert _numbers(none) == [5]


def test_no_excerpt_when_the_file_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "blob.py").write_bytes(b"\x00\x01binary")
    missing, binary, outside = _attach(
        tmp_path, [_finding("gone.py", 1), _finding("blob.py", 1), _finding("blob.py", 99)]
    )
    assert missing.excerpt == () and binary.excerpt == () and outside.excerpt == ()
    with pytest.raises(ValueError, match="radius"):
        _attach(tmp_path, [], radius=-1)


def test_scans_attach_excerpts_only_when_asked(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import os\n\n\ndef run(x):\n    os.system(x)\n", encoding="utf-8")
    assert all(not finding.excerpt for finding in _scan(tmp_path, excerpt_lines=0).findings)
    (finding,) = _scan(tmp_path, select=("PAT302",)).findings
    assert _numbers(finding) == [3, 4, 5]
    assert finding.excerpt[-1].text == "    os.system(x)"


def test_a_reported_secret_line_is_shown_redacted_in_every_excerpt(tmp_path: Path) -> None:
    password = rand(24)
    (tmp_path / "settings.py").write_text(
        f'DEBUG = True\nDB_PASSWORD = "{password}"\nimport yaml\nyaml.load(open("c"))\n', encoding="utf-8"
    )
    result = _scan(tmp_path)
    codes = {f.code for f in result.findings}
    assert "SEC201" in codes and len(codes) > 1, codes
    for finding in result.findings:
        shown = "\n".join(line.text for line in finding.excerpt)
        assert password not in shown, finding.code
        if 2 in _numbers(finding):
            assert password[:4] + "…" in shown


def test_lines_a_secret_rule_reported_show_its_snippet(tmp_path: Path) -> None:
    """Whatever a secret rule found (even what the generic redaction would miss) shows only as its snippet."""
    (tmp_path / "app.py").write_text("a = 1\nplain = 'opaque value'\nmore = 'x'\nb = 2\nc = 3\n", encoding="utf-8")
    secret = _finding("app.py", 2, 3, code="SEC201", snippet="plain = 'opaq…(12 chars)'")
    (other, sec) = _attach(tmp_path, [_finding("app.py", 4), secret])
    assert [line.text for line in other.excerpt] == ["plain = 'opaq…(12 chars)'", "…", "b = 2", "c = 3"]
    assert sec.excerpt[1].text == "plain = 'opaq…(12 chars)'" and sec.excerpt[2].text == "…"


def test_private_key_lines_never_reach_an_excerpt(tmp_path: Path) -> None:
    key = private_key("RSA ")
    body = key.split("\n")[1:-1]
    token = PROVIDER_TOKENS["github-token"]
    (tmp_path / "deploy.py").write_text(
        f'import os\nos.system(os.environ["CMD"])\nKEY = """{key}"""\n'
        f'eval(input())\nTOKEN = "{token}"\neval(input())\n',
        encoding="utf-8",
    )
    result = _scan(tmp_path)
    assert {f.code for f in result.findings} >= {"SEC102", "PAT302"}
    for finding in result.findings:
        shown = "\n".join(line.text for line in finding.excerpt)
        assert not [line for line in body if line in shown], finding.code
        assert token not in shown, finding.code


def test_scrub_lines_hides_every_line_of_a_key_block() -> None:
    key = private_key("EC ")
    lines = ["before", *f"K = '''{key}'''".split("\n"), "after"]
    cleaned = scrub_lines(lines, "keys.py")
    assert cleaned[0] == "before" and cleaned[-1] == "after"
    assert cleaned[1].startswith("K = '''----") and "…" in cleaned[1]
    assert all(line.startswith("…") for line in cleaned[2:-1])
    assert cleaned[-2].endswith("'''")
    assert scrub_lines(["nothing here"], "a.py") == ["nothing here"]
