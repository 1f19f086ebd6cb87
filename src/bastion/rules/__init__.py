"""Rules, one class per file, grouped by family: pattern/, taint/, secrets/, deps/, config/, meta/.

Defining a rule class registers it. A scan imports only the rules it runs: `index.RULES` says, for every code,
which module defines the rule and whether it is on by default, so that the selection is decided before any rule
module is imported (`bastion scan --select SEC` does not pay for the taint engine, the web models or the
dependency audit). `load_all()` imports every rule module, for what lists them all (`bastion rules`, the docs).
`python scripts/rule_docs.py` regenerates the index with the rule pages; a test fails while it is stale.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass

from bastion.core.rule import Rule, all_rules, get_rule, set_rule_loader
from bastion.rules.index import RULES

_FRAMEWORK_MODULES = frozenset({"base", "runner", "index"})
_loaded = False


@dataclass(frozen=True)
class RuleEntry:
    """A rule as the index knows it, before its module is imported: enough to select it."""

    code: str
    module: str
    default_enabled: bool


def rule_entries() -> list[RuleEntry]:
    """Every rule in the index, and any other registered one (defined at run time, as tests do), by code."""
    entries = {code: RuleEntry(code, module, enabled) for code, (module, enabled) in RULES.items()}
    for rule in all_rules():
        entries.setdefault(rule.code, RuleEntry(rule.code, rule.__module__, rule.default_enabled))
    return [entries[code] for code in sorted(entries)]


def load_all() -> list[type[Rule]]:
    """Import every rule module (once) and return every registered rule, sorted by code."""
    global _loaded
    if not _loaded:
        import pkgutil

        for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
            if info.name.rsplit(".", 1)[-1] in _FRAMEWORK_MODULES:
                continue
            importlib.import_module(info.name)  # bastion: ignore[PAT102] bastion's own rule modules
        _loaded = True
    return all_rules()


def load_rules(codes: Iterable[str]) -> list[type[Rule]]:
    """The rules with these codes, importing their modules (and only theirs); unknown codes are left out."""
    found = [rule for code in codes if (rule := get_rule(code)) is not None]
    return sorted(set(found), key=lambda rule: rule.code)


def _import_rule(code: str) -> None:
    entry = RULES.get(code)
    if entry is not None:
        importlib.import_module(entry[0])  # bastion: ignore[PAT102] bastion's own rule modules


set_rule_loader(_import_rule)
