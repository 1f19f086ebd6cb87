"""Suppression comments: parsing, statement coverage, and peer markers mapped through rule metadata."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from bastion.source.suppressions import SuppressionOrigin, find_suppressions, parse_comment, statement_spans
from tests.foundation.conftest import run_cli, write_tree


@pytest.mark.parametrize(
    ("comment", "origin", "ids"),
    [
        ("# bastion: ignore[PAT101]", SuppressionOrigin.BASTION, ("PAT101",)),
        ("# bastion: ignore[pat101, TNT1] trusted", SuppressionOrigin.BASTION, ("PAT101", "TNT1")),
        ("# bastion: ignore", SuppressionOrigin.BASTION, ()),
        ("# nosec", SuppressionOrigin.NOSEC, ()),
        ("# nosec B602, B607", SuppressionOrigin.NOSEC, ("B602", "B607")),
        ("# nosec: B602", SuppressionOrigin.NOSEC, ("B602",)),
        ("# noqa: S602,E501", SuppressionOrigin.NOQA, ("S602",)),
        ("# pragma: allowlist secret", SuppressionOrigin.ALLOWLIST_SECRET, ()),
        ("# gitleaks:allow", SuppressionOrigin.GITLEAKS, ()),
    ],
)
def test_parse_comment(comment: str, origin: SuppressionOrigin, ids: tuple[str, ...]) -> None:
    [found] = parse_comment(comment, 3)
    assert found.origin is origin and found.ids == ids and found.line == 3


@pytest.mark.parametrize("comment", ["# noqa", "# noqa: E501", "# this is not nosecure", "# bastion rocks"])
def test_comments_that_are_not_suppressions(comment: str) -> None:
    assert parse_comment(comment, 1) == []


def test_markers_inside_strings_are_not_comments() -> None:
    source = 'text = "# bastion: ignore[PAT101]"\nother = 1  # bastion: ignore[PAT302]\n'
    found = find_suppressions(source, python_tree=ast.parse(source))
    assert [(s.line, s.ids) for s in found] == [(2, ("PAT302",))]


def test_a_suppression_covers_its_whole_statement() -> None:
    source = textwrap.dedent(
        """\
        import subprocess
        subprocess.run(
            command,
            shell=True,
        )  # bastion: ignore[PAT301]
        value = 1
        """
    )
    [suppression] = find_suppressions(source, python_tree=ast.parse(source))
    assert (suppression.first_line, suppression.last_line) == (2, 5)
    assert suppression.covers(2) and suppression.covers(4) and not suppression.covers(6)


def test_compound_statement_header_only() -> None:
    source = "def f(\n    a,\n):  # bastion: ignore\n    return a\n"
    [suppression] = find_suppressions(source, python_tree=ast.parse(source))
    assert (suppression.first_line, suppression.last_line) == (1, 3)


def test_scan_honours_every_marker_kind(tmp_path: Path) -> None:
    project = write_tree(
        tmp_path / "p",
        {
            "app.py": """\
                import os
                import subprocess


                def run(command):
                    subprocess.run(  # bastion: ignore[PAT301]
                        command,
                        shell=True,
                    )
                    subprocess.run(command, shell=True)  # nosec B602
                    subprocess.run(command, shell=True)  # noqa: S602
                    subprocess.run(command, shell=True)  # nosec B101
                    os.system(command)  # nosec
                    os.system(command)  # bastion: ignore[PAT3]
                    os.system(command)  # bastion: ignore[PAT1]
                """,
        },
    )
    result = run_cli("scan", str(project), "--isolated", "-f", "json", "--show-suppressed")
    import json

    report = json.loads(result.stdout)
    reported = sorted((f["line"], f["code"]) for f in report["findings"])
    assert reported == [(12, "PAT301"), (15, "PAT302")]
    assert len(report["suppressed"]) == 5


def test_match_statements_get_spans_for_their_cases() -> None:
    # A `match_case` has no position of its own; reading one crashed every file holding both a match statement
    # and a suppression comment (seen on a real app: the whole scan aborted).
    source = (
        "def route(command):\n"
        "    match command:\n"
        "        case ['go', direction] if direction:\n"
        "            return direction\n"
        "        case _:\n"
        "            return None\n"
        "\n"
        "TOKEN = 'x'  # nosec\n"
    )
    found = find_suppressions(source, python_tree=ast.parse(source))
    assert [s.line for s in found] == [8]
    spans = statement_spans(ast.parse(source))
    assert (2, 2) in spans  # the match header
    assert (3, 3) in spans  # the first case's pattern and guard
    assert (4, 4) in spans and (6, 6) in spans
