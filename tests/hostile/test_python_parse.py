"""A giant f-string cannot hold the parser for minutes (CPython before 3.12 parses its fields in quadratic time)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from bastion.core.notice import NoticeKind
from bastion.rules.base import ScanServices
from bastion.source.python_parse import MAX_FSTRING_FIELDS, largest_fstring_fields, parse_python
from tests.hostile.adversarial import not_analysed


def test_fields_are_counted_per_fstring() -> None:
    text = "a = f'{x}{y}{{z}}'\nb = '{not} {an} {fstring}'\nc = rf\"{p}\" + F'''{q}{r}{s}'''\n"
    assert largest_fstring_fields(text) == 3
    assert largest_fstring_fields("x = (\n") == 0  # does not tokenize: nothing to count


def test_ordinary_code_with_many_braces_parses() -> None:
    text = "".join(f"d{i} = {{'k': {{'n': {i}}}}}\n" for i in range(MAX_FSTRING_FIELDS))
    assert len(parse_python(text).body) == MAX_FSTRING_FIELDS


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12 parses f-strings in linear time")
def test_giant_fstring_is_refused_quickly_and_reported(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text("value = f'" + "{a:{b}}" * 200_000 + "'\n", encoding="utf-8")
    (tmp_path / "ok.py").write_text("eval(input())\n", encoding="utf-8")
    config = BastionConfig(select=("PAT",), max_file_size=4 * 1024 * 1024)
    started = time.process_time()
    result = scan([tmp_path], ScanOptions(config=config, root=tmp_path, jobs=1, services=ScanServices(offline=True)))
    assert time.process_time() - started < 20  # parsing it would take minutes
    refused = [message for path, message in not_analysed(result, NoticeKind.PARSE_ERROR) if path == "big.py"]
    assert refused and "replacement fields" in refused[0]
    assert [f.location.path for f in result.findings if f.code.startswith("PAT")] == ["ok.py"]


@pytest.mark.skipif(sys.version_info < (3, 12), reason="refused before Python 3.12")
def test_giant_fstring_is_parsed_where_the_parser_is_linear() -> None:
    assert parse_python("value = f'" + "{a}" * (2 * MAX_FSTRING_FIELDS) + "'\n").body
