"""File names that are not UTF-8: a POSIX file name is bytes, and a pull request can add one.

Such a name used to end every scan with an internal error (RE2 and JSON cannot encode the lone surrogates Python
uses for those bytes), so a single oddly named file blinded the whole scan. The file must be scanned like any
other, its path shown with the odd bytes escaped (`\\xe9`), in every format, and the matchers (`.gitignore`,
`exclude`) must still apply to it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bastion.source.discovery import displayable_name
from tests.hostile.attack import bastion_command, clean_environment

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes as a name")

FORMATS = ("text", "json", "sarif", "html", "github", "gitlab", "junit")
INJECTION = b"import os\n\n\ndef run():\n    os.system(input())\n"


def _tree(root: Path) -> Path:
    """A project with a flaw in a file whose name and whose directory's name are not UTF-8, an ignored file with
    such a name, and an ordinary file."""
    (root / ".git").mkdir(parents=True)  # .gitignore files are read in a repository
    directory = os.path.join(os.fsencode(root), b"caf\xe9")
    os.mkdir(directory)
    with open(os.path.join(directory, b"__init__.py"), "wb"):
        pass
    with open(os.path.join(directory, b"t\xff\xfeche.py"), "wb") as stream:
        stream.write(INJECTION)
    with open(os.path.join(os.fsencode(root), b"ignored\xff.py"), "wb") as stream:
        stream.write(INJECTION)
    (root / ".gitignore").write_bytes(b"ignored*.py\n")
    (root / "plain.py").write_text("import yaml\n\n\ndef load(text):\n    return yaml.load(text)\n", encoding="utf-8")
    return root


def _scan(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    root = _tree(tmp_path / "project")
    return subprocess.run(
        [*bastion_command(), "scan", str(root), "--offline", "--no-cache", *arguments],
        cwd=root,
        env=clean_environment(tmp_path / "home"),
        capture_output=True,
        text=True,
        errors="strict",  # the output itself must be valid UTF-8
        timeout=120,
        check=False,
    )


def test_displayable_name_escapes_only_the_bytes_that_are_not_utf8() -> None:
    assert displayable_name("plain/views.py") == "plain/views.py"
    assert displayable_name("café/views.py") == "café/views.py"
    assert displayable_name(os.fsdecode(b"caf\xe9/t\xff.py")) == "caf\\xe9/t\\xff.py"


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_file_named_in_bytes_is_scanned_in_every_format(tmp_path: Path, output_format: str) -> None:
    completed = _scan(tmp_path, "--format", output_format)
    assert completed.returncode == 1, completed.stderr
    assert "internal error" not in completed.stderr
    # JSON doubles the backslash, SARIF percent-encodes it; the text formats show it as it is.
    shown = {"json": "caf\\\\xe9", "gitlab": "caf\\\\xe9", "sarif": "caf%5Cxe9"}.get(output_format, "caf\\xe9")
    assert shown in completed.stdout
    # The file `ignored\xff.py`, however escaped (not the JSON summary's `ignored_advisories` count).
    assert not re.search(r"ignored(?!_advisories)", completed.stdout), (
        "the .gitignore pattern must still match the name"
    )


def test_the_finding_in_the_oddly_named_file_is_the_same_as_in_a_plain_one(tmp_path: Path) -> None:
    report = json.loads(_scan(tmp_path, "--format", "json").stdout)
    by_path: dict[str, set[str]] = {}
    for finding in report["findings"]:
        by_path.setdefault(finding["path"], set()).add(finding["code"])
    assert "PAT202" in by_path["plain.py"]
    odd = by_path["caf\\xe9/t\\xff\\xfeche.py"]
    assert odd & {"PAT302", "TNT101", "TNT102"}, odd
