"""Applying fixes to a text: positions, overlaps, shared edits, line endings."""

from __future__ import annotations

import pytest

from bastion.core.fix import Applicability, Edit, Fix
from bastion.fix.edits import EditOutOfRange, apply_fixes
from tests.fix.support import finding_with

TEXT = "import os\n\nvalue = load(data)\nother = load(more)\n"


def test_replacement_insertion_and_deletion() -> None:
    fixes = [
        finding_with([Edit(3, 9, 3, 13, "safe_load")], line=3),
        finding_with([Edit.insertion(2, 1, "import yaml\n")], line=2),
        finding_with([Edit(4, 1, 5, 1, "")], line=4),
    ]
    result = apply_fixes(TEXT, fixes)
    assert result.text == "import os\nimport yaml\n\nvalue = safe_load(data)\n"
    assert len(result.applied) == 3


def test_a_fix_touching_an_earlier_one_waits() -> None:
    first = finding_with([Edit(3, 9, 3, 13, "safe_load")], line=3)
    overlapping = finding_with([Edit(3, 12, 3, 19, "x")], line=3, code="PAT998")
    touching = finding_with([Edit.insertion(3, 13, "_all")], line=3, code="PAT997")
    result = apply_fixes(TEXT, [overlapping, touching, first])
    assert result.applied == (first,)
    assert result.text == TEXT.replace("value = load", "value = safe_load")


def test_the_same_edit_in_two_fixes_is_made_once() -> None:
    add_import = Edit.insertion(2, 1, "import hmac\n")
    one = finding_with([add_import, Edit(3, 9, 3, 13, "a")], line=3)
    two = finding_with([add_import, Edit(4, 9, 4, 13, "b")], line=4)
    result = apply_fixes(TEXT, [one, two])
    assert result.text == "import os\nimport hmac\n\nvalue = a(data)\nother = b(more)\n"
    assert len(result.applied) == 2


def test_edits_keep_the_files_line_endings() -> None:
    text = TEXT.replace("\n", "\r\n")
    result = apply_fixes(text, [finding_with([Edit.insertion(2, 1, "import yaml\n")], line=2)])
    assert result.text == "import os\r\nimport yaml\r\n\r\nvalue = load(data)\r\nother = load(more)\r\n"


def test_non_ascii_columns_count_characters() -> None:
    text = 'name = "é"; value = load(data)\n'
    result = apply_fixes(text, [finding_with([Edit(1, 21, 1, 25, "safe_load")])])
    assert result.text == 'name = "é"; value = safe_load(data)\n'


@pytest.mark.parametrize("edit", [Edit(9, 1, 9, 2, "x"), Edit(1, 40, 1, 41, "x")])
def test_a_position_the_file_does_not_have_is_an_error(edit: Edit) -> None:
    with pytest.raises(EditOutOfRange):
        apply_fixes(TEXT, [finding_with([edit])])


def test_fixes_reject_overlapping_edits_and_empty_applied_fixes() -> None:
    with pytest.raises(ValueError, match="overlap"):
        Fix("x", Applicability.SAFE, (Edit(1, 1, 1, 5, "a"), Edit(1, 3, 1, 4, "b")))
    with pytest.raises(ValueError, match="at least one edit"):
        Fix("x", Applicability.SAFE, ())
    assert Fix("run uv lock", Applicability.DISPLAY_ONLY, ()).edits == ()


def test_applicability_order() -> None:
    assert Applicability.SAFE.allows(Applicability.SAFE)
    assert not Applicability.SAFE.allows(Applicability.UNSAFE)
    assert Applicability.UNSAFE.allows(Applicability.SAFE) and Applicability.UNSAFE.allows(Applicability.UNSAFE)
    assert not Applicability.UNSAFE.allows(Applicability.DISPLAY_ONLY)
