"""`bastion config | head -1`: a reader that goes away ends every command quietly, with no traceback and no
"internal error" (exit 141, as a shell reports for a process whose pipe closed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bastion.cli.errors import CLOSED_PIPE_EXIT
from tests.foundation.conftest import write_tree

COMMANDS = (
    ("config",),
    ("rules",),
    ("rule", "PAT101"),
    ("scan", "{project}", "--isolated", "--offline"),
    ("deps", "{project}", "--isolated", "--offline"),
    ("checklist", "{project}", "--isolated", "--offline"),
    ("secrets", "{project}", "--isolated"),
)


def test_every_command_ends_quietly_when_its_reader_goes_away(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {"app.py": "import os\nos.system(input())\n", "requirements.txt": "x\n"})
    environment = {key: value for key, value in os.environ.items() if key != "BASTION_DEBUG"}
    started = []
    for command in COMMANDS:
        arguments = [part.format(project=project) for part in command]
        process = subprocess.Popen(
            [sys.executable, "-m", "bastion", *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
        )
        # Closed before the command writes anything: its first write meets a pipe with no reader.
        assert process.stdout is not None
        process.stdout.close()
        started.append((arguments, process))
    for arguments, process in started:
        _, stderr = process.communicate(timeout=120)
        assert stderr.decode() == "", f"bastion {' '.join(arguments)} wrote to stderr"
        assert process.returncode == CLOSED_PIPE_EXIT, f"bastion {' '.join(arguments)}"
