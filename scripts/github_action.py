"""The logic of bastion's GitHub Action (`action.yml`): scan, SARIF file, annotations, outputs, summary, exit code.

Runs under the Python the action installed bastion into (it starts `python -m bastion` with that interpreter) and
reads what GitHub gives every step: the action's inputs (`INPUT_*`, passed through `env:` in `action.yml`, never
pasted into shell code), `GITHUB_WORKSPACE`, `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_EVENT_NAME` and
`GITHUB_EVENT_PATH` (the event payload: a pull request's base commit is the default diff base). Standard library
only, so that it runs whatever the project installs. Exit code: bastion's (0 clean, 1 findings at or above
`fail-on`, 2 an error or an incomplete audit), after the outputs and the summary are written, so that the SARIF
upload that follows (`if: always()`) still happens.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

SEVERITIES = ("info", "low", "medium", "high", "critical")
MAX_LISTED = 50
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Inputs:
    paths: tuple[str, ...]
    fail_on: str
    baseline: str
    diff_base: str
    sarif_file: str
    args: tuple[str, ...]

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Inputs:
        def value(name: str, default: str = "") -> str:
            return environ.get(f"INPUT_{name}", default).strip() or default

        fail_on = value("FAIL_ON", "high").lower()
        if fail_on not in SEVERITIES[1:]:
            raise ValueError(f"fail-on must be one of {', '.join(SEVERITIES[1:])}, not {fail_on!r}")
        return cls(
            paths=tuple(value("PATHS", ".").split()),
            fail_on=fail_on,
            baseline=value("BASELINE"),
            diff_base=value("DIFF_BASE", "auto"),
            sarif_file=value("SARIF_FILE"),
            args=tuple(shlex.split(value("ARGS"))),
        )


def diff_base(inputs: Inputs, environ: Mapping[str, str]) -> str | None:
    """The ref to compare with: the input's, or, for `auto`, a pull request's base commit (none on a push)."""
    if inputs.diff_base in ("", "none"):
        return None
    if inputs.diff_base != "auto":
        return inputs.diff_base
    if environ.get("GITHUB_EVENT_NAME") not in ("pull_request", "pull_request_target"):
        return None
    try:
        event = json.loads(Path(environ["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        return str(event["pull_request"]["base"]["sha"])
    except (KeyError, OSError, TypeError, ValueError):
        return None


def scan_help(python: str) -> str:
    completed = subprocess.run(
        [python, "-m", "bastion", "scan", "--help"], capture_output=True, text=True, check=False, timeout=120
    )
    return completed.stdout


def scan_command(inputs: Inputs, base: str | None, python: str, help_text: str) -> tuple[list[str], list[str]]:
    """The `bastion scan` command line, and warnings about inputs this bastion cannot honour."""
    command = [python, "-m", "bastion", "scan", *inputs.paths, "--format", "sarif", "--output", inputs.sarif_file]
    command += ["--fail-on", inputs.fail_on, "--no-progress"]
    warnings = []
    if inputs.baseline:
        command += ["--baseline", inputs.baseline]
    if base is not None:
        if "--diff" in help_text:
            command += ["--diff", base]
        else:
            warnings.append(
                f"this bastion has no --diff: every finding is reported, not only those changed since {base}"
            )
    return command + list(inputs.args), warnings


@dataclass(frozen=True)
class Counts:
    by_severity: Mapping[str, int]
    failing: int

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


def read_results(sarif_path: Path) -> list[dict[str, Any]]:
    """The results of the SARIF file that are not suppressed (an empty list when there is no file)."""
    try:
        document = json.loads(sarif_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    results: list[dict[str, Any]] = []
    for run in document.get("runs", []):
        results += [result for result in run.get("results", []) if not result.get("suppressions")]
    return results


def severity_of(result: Mapping[str, Any]) -> str:
    severity = str(result.get("properties", {}).get("severity", "")).lower()
    if severity in SEVERITIES:
        return severity
    return {"error": "high", "warning": "medium", "note": "low"}.get(str(result.get("level", "")), "info")


def count(results: Iterable[Mapping[str, Any]], fail_on: str) -> Counts:
    severities = Counter(severity_of(result) for result in results)
    threshold = SEVERITIES.index(fail_on)
    failing = sum(number for severity, number in severities.items() if SEVERITIES.index(severity) >= threshold)
    return Counts({severity: severities.get(severity, 0) for severity in reversed(SEVERITIES)}, failing)


def location_of(result: Mapping[str, Any]) -> tuple[str, int, int]:
    try:
        physical = result["locations"][0]["physicalLocation"]
        region = physical.get("region", {})
        return (
            str(physical["artifactLocation"]["uri"]),
            int(region.get("startLine", 1)),
            int(region.get("startColumn", 1)),
        )
    except (KeyError, IndexError, TypeError, ValueError):
        return "", 0, 0


def plain(text: object, limit: int = 300) -> str:
    """Text from the scanned project, made harmless for Markdown tables and workflow commands."""
    cleaned = _CONTROL.sub(" ", str(text)).replace("|", "\\|").replace("`", "'").replace("<", "&lt;")
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def summary(inputs: Inputs, counts: Counts, results: Sequence[Mapping[str, Any]], base: str | None, code: int) -> str:
    verdict = {0: "passed", 1: "failed: findings at or above the threshold", 2: "failed: the audit did not complete"}
    lines = [
        "## bastion security scan",
        "",
        f"**{verdict.get(code, 'failed')}** (fail-on: `{inputs.fail_on}`"
        + (f", only lines changed since `{plain(base, 40)}`" if base else "")
        + (f", baseline `{plain(inputs.baseline, 80)}`" if inputs.baseline else "")
        + ")",
        "",
        "| severity | findings |",
        "| --- | --- |",
        *(f"| {severity} | {number} |" for severity, number in counts.by_severity.items()),
        f"| **total** | **{counts.total}** |",
    ]
    threshold = SEVERITIES.index(inputs.fail_on)
    failing = [result for result in results if SEVERITIES.index(severity_of(result)) >= threshold]
    if failing:
        lines += [
            "",
            f"### At or above `{inputs.fail_on}`",
            "",
            "| where | rule | severity | message |",
            "| --- | --- | --- | --- |",
        ]
        for result in failing[:MAX_LISTED]:
            path, line, _ = location_of(result)
            message = result.get("message", {}).get("text", "")
            lines.append(
                f"| `{plain(path, 120)}:{line}` | {plain(result.get('ruleId', ''), 20)} | {severity_of(result)} | "
                f"{plain(message)} |"
            )
        if len(failing) > MAX_LISTED:
            lines.append(f"\n… and {len(failing) - MAX_LISTED} more: see the code scanning alerts.")
    return "\n".join(lines) + "\n"


def _command_value(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _inside(path: Path, workspace: str) -> str | None:
    """`path` relative to the workspace, when it lies inside (the second run must not read the report as source)."""
    try:
        return path.resolve().relative_to(Path(workspace).resolve()).as_posix()
    except ValueError:
        return None


def write_outputs(path: str | None, values: Mapping[str, object]) -> None:
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            text = str(value)
            if "\n" in text:
                raise ValueError(f"output {name} has a line break")
            handle.write(f"{name}={text}\n")


def main(environ: Mapping[str, str] = os.environ, python: str = sys.executable) -> int:
    try:
        inputs = Inputs.from_environment(environ)
    except ValueError as error:
        print(f"::error title=bastion::{_command_value(str(error))}")
        return 2
    workspace = environ.get("GITHUB_WORKSPACE") or os.getcwd()
    if not inputs.sarif_file:
        # Outside the workspace by default, so that no later scan of the tree reads the report as source.
        inputs = replace(inputs, sarif_file=str(Path(environ.get("RUNNER_TEMP") or workspace) / "bastion.sarif"))
    base = diff_base(inputs, environ)
    help_text = scan_help(python)
    command, warnings = scan_command(inputs, base, python, help_text)
    for warning in warnings:
        print(f"::warning title=bastion::{_command_value(warning)}")
    Path(workspace, inputs.sarif_file).parent.mkdir(parents=True, exist_ok=True)
    print("bastion: " + shlex.join(command[1:]), flush=True)
    code = subprocess.run(command, cwd=workspace, check=False).returncode
    sarif = Path(workspace, inputs.sarif_file)
    results = read_results(sarif)
    counts = count(results, inputs.fail_on)
    # Annotations on the pull request: bastion's `--format github`, a second run over the same files and options
    # (the SARIF file, if written inside the tree, left out of it).
    annotate = [*command[: command.index("--format")], *command[command.index("--fail-on") :], "-f", "github"]
    inside = _inside(sarif, workspace)
    subprocess.run([*annotate, *(["--extend-exclude", "/" + inside] if inside else [])], cwd=workspace, check=False)
    outputs: dict[str, object] = {
        "sarif-file": str(sarif) if sarif.is_file() else "",
        "findings": counts.total,
        "failing": counts.failing,
        "exit-code": code,
        **counts.by_severity,
    }
    write_outputs(environ.get("GITHUB_OUTPUT"), outputs)
    step_summary = environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(summary(inputs, counts, results, base, code))
    return code


if __name__ == "__main__":
    raise SystemExit(main())
