"""`bastion rules` and `bastion rule CODE`: the rule catalogue and each rule's documentation."""

from __future__ import annotations

import json
import sys

import click
from rich.markdown import Markdown
from rich.table import Table

from bastion.cli.console import stdout_console
from bastion.cli.errors import handle_errors
from bastion.core.errors import UsageError
from bastion.core.rule import FAMILIES, get_rule
from bastion.rules import load_all


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--family", help="Only this family (PAT, TNT, SEC, DEP, CFG, BST).")
@handle_errors
def rules_command(fmt: str, family: str | None) -> None:
    """List every rule: code, slug, severity, CWE and summary."""
    rules = load_all()
    if family:
        family = family.upper()
        if family not in FAMILIES:
            raise UsageError(f"unknown family {family!r}; expected one of {', '.join(FAMILIES)}")
        rules = [rule for rule in rules if rule.family() == family]
    if fmt == "json":
        payload = [
            {
                "code": rule.code,
                "slug": rule.slug,
                "family": rule.family(),
                "severity": rule.severity.label,
                "confidence": rule.confidence.label,
                "cwe": [f"CWE-{n}" for n in rule.cwe],
                "summary": rule.summary,
                "default_enabled": rule.default_enabled,
                "bandit": list(rule.bandit),
                "ruff": list(rule.ruff),
            }
            for rule in rules
        ]
        click.echo(json.dumps(payload, indent=2))
        return
    console = stdout_console(width=None if sys.stdout.isatty() else 200)
    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
    for column in ("code", "slug", "severity", "CWE", "summary"):
        table.add_column(column, overflow="fold")
    for rule in rules:
        cwe = ", ".join(f"CWE-{n}" for n in rule.cwe)
        summary = rule.summary + ("" if rule.default_enabled else " (opt-in)")
        table.add_row(rule.code, rule.slug, rule.severity.label, cwe, summary)
    console.print(table)
    console.print(f"{len(rules)} rules")


@click.command("rule")
@click.argument("code")
@handle_errors
def rule_command(code: str) -> None:
    """Print the full documentation of rule CODE (or its slug)."""
    rules = load_all()
    rule = get_rule(code) or next((r for r in rules if r.slug == code.lower()), None)
    if rule is None:
        raise UsageError(f"unknown rule {code!r}; `bastion rules` lists them")
    cwe = ", ".join(f"CWE-{n}" for n in rule.cwe)
    header = (
        f"# {rule.code} {rule.slug}\n\n{rule.summary}\n\n"
        f"Severity: {rule.severity.label} · Confidence: {rule.confidence.label} · {cwe}"
        + (f" · bandit {', '.join(rule.bandit)}" if rule.bandit else "")
        + (f" · ruff {', '.join(rule.ruff)}" if rule.ruff else "")
        + ("" if rule.default_enabled else " · opt-in (select it explicitly)")
        + "\n\n"
    )
    text = header + rule.documentation() + "\n"
    if sys.stdout.isatty():
        stdout_console().print(Markdown(text))
    else:
        click.echo(text, nl=False)
