"""Rules, one class per file, grouped by family: pattern/, taint/, secrets/, deps/, config/, meta/.

Defining a rule class registers it; `load_all()` imports every rule module so that the registry is complete.
"""

from __future__ import annotations

import importlib
import pkgutil

from bastion.core.rule import Rule, all_rules

_FRAMEWORK_MODULES = frozenset({"base", "runner"})
_loaded = False


def load_all() -> list[type[Rule]]:
    """Import every rule module (once) and return every registered rule, sorted by code."""
    global _loaded
    if not _loaded:
        for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
            if info.name.rsplit(".", 1)[-1] in _FRAMEWORK_MODULES:
                continue
            importlib.import_module(info.name)  # bastion: ignore[PAT102] bastion's own rule modules
        _loaded = True
    return all_rules()
