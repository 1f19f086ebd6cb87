"""`bastion rules` and `bastion rule CODE`: the rule catalogue and each rule's documentation."""

from __future__ import annotations

import json
import sys

import click
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from bastion.api.catalogue import find_rules
from bastion.cli.console import stdout_console
from bastion.cli.errors import handle_errors
from bastion.core import patterns
from bastion.core.errors import UsageError
from bastion.core.fix import Applicability
from bastion.core.rule import FAMILIES
from bastion.report.rule_pages import rule_page
from bastion.rules import load_all

_PEER_ID = patterns.compile(r"^[BbSs]\d{3}$")


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
                "fix": rule.fix_applicability.value,
                "fix_availability": rule.fix.value,
            }
            for rule in rules
        ]
        click.echo(json.dumps(payload, indent=2))
        return
    console = stdout_console(width=None if sys.stdout.isatty() else 200)
    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
    for column in ("code", "slug", "severity", "CWE", "fix", "summary"):
        table.add_column(column, overflow="fold")
    for rule in rules:
        cwe = ", ".join(f"CWE-{n}" for n in rule.cwe)
        summary = rule.summary + ("" if rule.default_enabled else " (opt-in)")
        fix = "" if rule.fix_applicability is Applicability.NONE else rule.fix_applicability.value
        table.add_row(rule.code, rule.slug, rule.severity.label, cwe, fix, Text(summary))
    console.print(table)
    console.print(f"{len(rules)} rules")


@click.command("rule")
@click.argument("code")
@handle_errors
def rule_command(code: str) -> None:
    """Print the documentation of rule CODE: a bastion code or slug (PAT301, subprocess-shell-true), or a bandit or
    ruff id (B602, S602), which prints every rule that covers it."""
    rules = find_rules(code)
    if not rules:
        peer = " (a bandit or ruff id no bastion rule covers: docs/parity.md says why)" if _PEER_ID.match(code) else ""
        raise UsageError(f"unknown rule {code!r}{peer}; `bastion rules` lists them")
    text = "\n".join(rule_page(rule) for rule in rules)
    if len(rules) > 1:
        text = f"{code.upper()} is covered by {len(rules)} rules: {', '.join(r.code for r in rules)}\n\n" + text
    if sys.stdout.isatty():
        stdout_console().print(Markdown(text))
    else:
        click.echo(text, nl=False)
