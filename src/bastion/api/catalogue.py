"""Finding rules by what a user knows them as: a bastion code or slug, or a peer's id (bandit `B602`, ruff `S608`)
that the rule covers."""

from __future__ import annotations

from bastion.core.rule import Rule, get_rule
from bastion.rules import load_all


def find_rules(query: str) -> list[type[Rule]]:
    """The rules `query` names: one for a bastion code or slug; for a bandit or ruff id, every rule covering it
    (by code). Empty when nothing matches."""
    rules = load_all()
    text = query.strip()
    rule = get_rule(text) or next((r for r in rules if r.slug == text.lower()), None)
    if rule is not None:
        return [rule]
    peer_id = text.upper()
    return [r for r in rules if peer_id in r.bandit or peer_id in r.ruff]
