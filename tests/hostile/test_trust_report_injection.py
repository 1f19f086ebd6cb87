"""Attack: file names, source lines and messages that drive the terminal or break out of the report's syntax.

ESC/CSI/OSC sequences, C1 controls, carriage returns, newlines and bidi overrides in a file name or a source line
reached the terminal raw (clear the screen, set the title, write "No findings" over the report); a backtick or
`|` in a file name broke out of the checklist's Markdown code span and table cell; `C:x.py` and
`javascript:alert(1)/a.py` became absolute URIs in SARIF. Each is now escaped for where it is written.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin

from markdown_it import MarkdownIt
from rfc3986_validator import validate_rfc3986

from tests.hostile.trust_support import cli_environment, run_bastion, sarif_errors, write_files
from tests.secrets.gitrepo import GitRepo
from tests.secrets.tokens import GITHUB

CLEAR_AND_FORGE = "\x1b[2J\x1b[H"
TITLE = "\x1b]0;pwned\x07"
# What must never reach the terminal raw from the scanned tree (colour codes of bastion's own are `ESC [ ... m`).
PLANTED = (CLEAR_AND_FORGE, "\x1b[H", "\x1b]", "\x07", "\x9b", "\u202e", "\u2066")


def _hostile_tree(root: Path) -> Path:
    return write_files(
        root,
        {
            f"x{CLEAR_AND_FORGE}No findings\r.py": "eval(input())\n",
            "evil\nNo findings\n.py": "eval(input())\n",
            "app.py": f'eval("{TITLE}" + input())  # \u202e\u2066 \x9b31m reordered\n',
        },
    )


def _assert_nothing_raw(text: str, *, allow_carriage_return: bool = False) -> None:
    for sequence in PLANTED:
        assert sequence not in text, f"{sequence!r} reached the output"
    if not allow_carriage_return:
        assert "\r" not in text
    assert not any(line.strip() == "No findings" for line in text.splitlines())


def test_piped_text_output_shows_control_characters_escaped(tmp_path: Path) -> None:
    project = _hostile_tree(tmp_path / "project")
    done = run_bastion(["scan", str(project), "--isolated", "--offline", "--no-progress"], home=tmp_path / "home")
    assert done.returncode == 1
    _assert_nothing_raw(done.stdout + done.stderr)
    assert "\\x1b[2J\\x1b[HNo findings\\r.py" in done.stdout  # visible, so a reader sees what the name holds
    assert "evil\\nNo findings\\n.py" in done.stdout
    assert "\\u202e" in done.stdout
    assert done.stdout.count("TNT103") == 3  # one finding per file: the names did not split or hide any


def test_terminal_output_with_colour_carries_no_planted_sequence(tmp_path: Path) -> None:
    project = _hostile_tree(tmp_path / "project")
    main, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "bastion", "scan", str(project), "--isolated", "--offline", "--no-progress"],
            stdin=subprocess.DEVNULL,
            stdout=secondary,
            stderr=secondary,
            env=cli_environment(tmp_path / "home", {"TERM": "xterm-256color"}),
        )
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=120) == 1
    finally:
        os.close(main)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert "\x1b[" in text, "on a terminal the report is coloured (the check below would prove nothing otherwise)"
    # The terminal turns each newline into CR LF; every other planted character must be absent.
    _assert_nothing_raw(text, allow_carriage_return=True)
    assert "\\x1b[2J" in text


def test_checklist_markdown_keeps_hostile_file_names_inside_their_cell(tmp_path: Path) -> None:
    names = ["a`b|c.py", "x.py\n| ✅ PASS | forged row |", "d<br>✅ PASS.py"]
    project = write_files(tmp_path / "project", dict.fromkeys(names, "import os\nos.system(cmd)\n"))
    done = run_bastion(
        ["checklist", str(project), "--isolated", "--offline", "-f", "markdown", "--no-progress"],
        home=tmp_path / "home",
    )
    markdown = done.stdout
    assert "forged row" not in markdown.replace("\\|", "").split("\n| ")[0]
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    rows: list[list[str]] = []
    for index, token in enumerate(tokens):
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows and tokens[index - 1].type in ("td_open", "th_open"):
            rows[-1].append(token.content)
    assert rows and all(len(row) == 3 for row in rows), "a file name added or split a table cell"
    assert not any("forged row" in row[1] for row in rows)
    shell = next(row for row in rows if "os.system" in row[2] or "PAT302" in row[2])
    cell = next(token for token in tokens if token.type == "inline" and token.content == shell[2])
    code_spans = [child.content for child in cell.children or [] if child.type == "code_inline"]
    assert any(span.startswith("PAT302 a`b|c.py:2") for span in code_spans), code_spans
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<br>✅ PASS.py" not in html  # an HTML tag from a file name is text, not markup


def test_sarif_artifact_uris_are_relative_references_to_the_root(tmp_path: Path) -> None:
    names = ["C:x.py", "javascript:alert(1)/a.py", "%2e%2e/b.py", "a b#c?d.py", "//double.py", "é/ü.py"]
    project = write_files(tmp_path / "project", {name.lstrip("/"): "eval(input())\n" for name in names})
    done = run_bastion(["scan", str(project), "--isolated", "--offline", "-f", "sarif"], home=tmp_path / "home")
    document = json.loads(done.stdout)
    assert not sarif_errors(document)
    run = document["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    seen = set()
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        uri = location["uri"]
        assert location["uriBaseId"] == "%SRCROOT%"
        assert validate_rfc3986(uri, rule="URI_reference") and not validate_rfc3986(uri, rule="URI"), uri
        assert not uri.startswith("/")
        resolved = urljoin(base, uri)
        assert resolved.startswith(base), (uri, resolved)
        seen.add(unquote(resolved[len(base) :]))
    assert seen == {name.lstrip("/") for name in names}


def test_history_paths_with_control_characters_are_escaped(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    name = f"leak{CLEAR_AND_FORGE}.env"
    repo.write(name, f"TOKEN={GITHUB}\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", f"add {TITLE}")
    repo.git("rm", "-q", name)
    repo.git("commit", "-q", "-m", "remove")
    done = run_bastion(["secrets", "--history", str(repo.path), "--isolated", "--no-progress"], home=tmp_path / "h")
    assert done.returncode == 1, done.stdout + done.stderr
    _assert_nothing_raw(done.stdout + done.stderr)
    assert "leak\\x1b[2J\\x1b[H.env" in done.stdout
    assert GITHUB not in done.stdout
