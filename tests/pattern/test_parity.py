"""docs/parity.md is generated from the rules and docs/parity-peers.toml, and every peer id is answered for."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from bastion.core.rule import Rule
from bastion.core.severity import Severity

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "parity.py"


def _parity() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bastion_parity_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


parity = _parity()


def test_every_peer_id_is_covered_or_explained() -> None:
    peers = parity.load_peer_ids()
    assert not parity.problems(peers)
    tools = {peer.tool for peer in peers}
    assert tools == {"bandit", "ruff"}
    # The whole catalogue is listed, not a sample: bandit 1.9 has B101 ... B704, ruff S101 ... S704.
    codes = {peer.code for peer in peers}
    assert {"B101", "B615", "B704", "S101", "S704", "B309"} <= codes


def test_parity_doc_is_up_to_date() -> None:
    text = parity.render(parity.load_peer_ids())
    assert parity.DOC.read_text(encoding="utf-8") == text, "docs/parity.md is stale: run python scripts/parity.py"


def test_an_unexplained_id_is_reported() -> None:
    peers = parity.load_peer_ids()
    stripped = [parity.PeerId(p.tool, p.code, p.name, (), None, None) if p.code == "B101" else p for p in peers]
    assert any("B101" in problem for problem in parity.problems(stripped))


def test_a_rule_naming_an_unknown_peer_id_is_reported() -> None:
    class Stray(Rule):
        slug = "stray"
        severity = Severity.LOW
        bandit = ("B999",)

    Stray.code = "PAT999"  # not registered: set after class creation
    problems = parity.problems(parity.load_peer_ids(), [Stray])
    assert any("B999" in problem for problem in problems)


def test_other_families_show_as_such() -> None:
    text = parity.render(parity.load_peer_ids())
    b105 = next(line for line in text.splitlines() if line.startswith("| B105 "))
    assert "SEC" in b105
    b602 = next(line for line in text.splitlines() if line.startswith("| B602 "))
    assert "PAT301" in b602
