"""Helpers for the `trust` hostile tests: build a tree, run the real CLI as a subprocess with a controlled
environment, and collect every output format of one scan to grep for what must not be there."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.foundation.conftest import write_tree

FORMATS = ("text", "json", "sarif", "html")


def write_files(root: Path, files: Mapping[str, str | bytes]) -> Path:
    return write_tree(root, dict(files))


def cli_environment(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment for a bastion subprocess: caches and user config under `home`, never the real
    user's; no colour switches or debug flags inherited from the developer's shell."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("BASTION_") and key not in ("NO_COLOR", "FORCE_COLOR")
    }
    environment.update(
        {
            "COLUMNS": "200",
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_CONFIG_HOME": str(home / "config"),
        }
    )
    environment.update(extra or {})
    return environment


def run_bastion(
    args: Sequence[str],
    *,
    home: Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
    preexec_fn: object = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bastion", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=cli_environment(home, env),
        timeout=timeout,
        preexec_fn=preexec_fn,  # type: ignore[arg-type]
    )


def every_format(
    args: Sequence[str], *, home: Path, out_dir: Path, env: Mapping[str, str] | None = None
) -> dict[str, tuple[int, str]]:
    """Run one scan once per report format, each written with `-o`; (exit code, report + terminal output)."""
    outputs: dict[str, tuple[int, str]] = {}
    for fmt in FORMATS:
        target = out_dir / f"report.{fmt}"
        done = run_bastion([*args, "--format", fmt, "--output", str(target), "--no-progress"], home=home, env=env)
        written = target.read_text(encoding="utf-8") if target.exists() else ""
        outputs[fmt] = (done.returncode, written + done.stdout + done.stderr)
    return outputs


SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif" / "sarif-schema-2.1.0.json"


def sarif_errors(document: object) -> list[str]:
    """Every way `document` breaks the SARIF 2.1.0 schema (with URI formats checked), as messages."""
    import json

    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, error.path))}: {error.message}" for error in validator.iter_errors(document)]
