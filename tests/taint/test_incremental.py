"""Solving the taint project in parts (`bastion.taint.incremental`) finds exactly what the whole solve finds, on
every taint fixture and model test, with a cold memo, a warm one, after edits, and with paths cut short."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path

import pytest

from bastion.api import ScanOptions, scan
from bastion.core.codec import Codec
from bastion.core.config import BastionConfig
from bastion.rules.taint.base import TaintCollector
from bastion.taint.facts import ModuleFacts
from bastion.taint.incremental import (
    ModuleInterface,
    SolveOptions,
    _solver,
    digest_of,
    interface_of,
    link,
    link_digests,
    solve_in_parts,
    solve_whole,
)
from bastion.taint.solver import Reach
from bastion.taint.values import Label

TESTS = Path(__file__).resolve().parents[1]
TREES = [TESTS / "fixtures", TESTS / "models", TESTS.parent / "examples"]


class DictMemo:
    def __init__(self) -> None:
        self.entries: dict[str, str] = {}
        self.recalled: list[str] = []
        self.kept: list[str] = []
        self.discarded: list[str] = []

    def key(self, *parts: str) -> str:
        return hashlib.sha256("\1".join(parts).encode()).hexdigest()

    def recall(self, keys: Sequence[str]) -> Mapping[str, str]:
        self.recalled.extend(keys)
        return {key: self.entries[key] for key in keys if key in self.entries}

    def keep(self, key: str, text: str) -> None:
        self.kept.append(key)
        self.entries[key] = text

    def discard(self, key: str, what: str) -> None:
        self.discarded.append(key)
        self.entries.pop(key, None)


def _modules(root: Path) -> list[ModuleFacts]:
    config = BastionConfig(select=("TNT",))
    result = scan([root], ScanOptions(config=config, root=root, jobs=1, keep_facts=True))
    return [facts for facts in result.facts.get(TaintCollector.name, {}).values() if isinstance(facts, ModuleFacts)]


@pytest.fixture(scope="module")
def projects() -> dict[str, list[ModuleFacts]]:
    return {tree.name: _modules(tree) for tree in TREES}


def _in_parts(modules: list[ModuleFacts], memo: DictMemo, options: SolveOptions) -> tuple[object, object]:
    codec = Codec([ModuleFacts])
    texts = {module.path: codec.dumps(module) for module in modules}
    by_path = {module.path: module for module in modules}
    digests = [(path, hashlib.sha256(text.encode()).hexdigest()) for path, text in texts.items()]
    return solve_in_parts(digests, by_path.get, memo, options)


@pytest.mark.parametrize("max_depth", [12, 1, 0])
@pytest.mark.parametrize("tree", [tree.name for tree in TREES])
def test_the_parts_find_what_the_whole_finds(projects: dict[str, list[ModuleFacts]], tree: str, max_depth: int) -> None:
    modules = projects[tree]
    options = SolveOptions(environment_sources=False, max_depth=max_depth, reaches=None)
    whole = solve_whole(modules, options)
    assert whole[0], "the fixtures have taint findings"
    memo = DictMemo()
    assert _in_parts(modules, memo, options) == whole  # cold memo
    kept = len(memo.kept)
    assert kept > len(modules)  # interfaces and parts were kept
    assert _in_parts(modules, memo, options) == whole  # every part from the memo
    assert len(memo.kept) == kept


# `pick` returns its parameter along two paths; which one is found first depends on the order `alpha`, `direct` and
# `zinner` are solved in.
ORDER_HELPERS = """\
def zinner(value):
    return value.strip()


def alpha(value):
    return zinner(value)


def direct(value):
    return value.lower()


def pick(value, mode):
    if mode:
        chosen = direct(value)
    else:
        chosen = alpha(value)
    return chosen
"""
ORDER_VIEWS = """\
import os

from flask import Flask, request

from app.helpers import pick

app = Flask(__name__)


@app.route("/run")
def run():
    os.system(pick(request.args["name"], request.args.get("mode")))
"""


def test_the_solve_order_changes_no_path(projects: dict[str, list[ModuleFacts]], tmp_path: Path) -> None:
    # A label (or reach) found along several paths keeps the best one (`solver._witness`), not the first one met: a
    # warm re-solve of part of the project visits functions in another order than the whole solve.
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "helpers.py").write_text(ORDER_HELPERS)
    (tmp_path / "app" / "views.py").write_text(ORDER_VIEWS)
    options = SolveOptions(environment_sources=False, max_depth=12, reaches=None)
    shuffles = [partial(_shuffled, random.Random(seed)) for seed in range(12)]
    for modules in (_modules(tmp_path), projects["fixtures"]):
        results = []
        for order in (
            sorted,
            partial(sorted, reverse=True),
            *(shuffles if modules is not projects["fixtures"] else ()),
        ):
            solver = _solver(modules, options)
            solver.order = order
            findings = solver.solve()
            tables = (solver.fields, solver.returns, solver.reaches)
            results.append(
                (
                    findings,
                    solver.cut_short,
                    [{key: _witnessed(items) for key, items in table.items()} for table in tables],
                )
            )
        first = results[0]
        assert first[0] and all(finding.trace for finding in first[0])
        for other in results[1:]:
            assert [finding.trace for finding in other[0]] == [finding.trace for finding in first[0]]
            assert other == first


def _shuffled(generator: random.Random, names: Iterable[str]) -> list[str]:
    unique = sorted(set(names))
    return generator.sample(unique, len(unique))


def _witnessed(items: Iterable[Label | Reach] | dict[Label, Label]) -> list[str]:
    kept = items.values() if isinstance(items, dict) else items
    return sorted(
        repr((getattr(item, "origin", None), getattr(item, "param", None), getattr(item, "target", None)))
        + repr((sorted(item.cleared), item.attrs, item.trace, item.depth))
        for item in kept
    )


def test_the_project_splits_into_many_parts(projects: dict[str, list[ModuleFacts]]) -> None:
    modules = projects["models"]
    groups = link([interface_of(module) for module in modules])
    assert len(groups) > len(modules) // 4
    assert sorted(position for group in groups for position in group) == list(range(len(modules)))


FIELD_PROJECT = {
    # A class-based view keeps request data in a field; a helper elsewhere, given a handler, reads the field: the
    # two modules share nothing but the field.
    "views.py": (
        "from django.http import HttpResponse\nfrom django.views import View\n\n\nclass RunView(View):\n"
        "    def get(self, request):\n        self.command = request.GET['cmd']\n        return HttpResponse('ok')\n"
    ),
    "helpers.py": "import os\n\n\ndef run(view):\n    os.system(view.command)\n",
    "alone.py": "import os\n\n\ndef unrelated(value):\n    os.system(value)\n",
}


def test_a_field_written_in_one_module_and_read_in_another_links_them(tmp_path: Path) -> None:
    for name, text in FIELD_PROJECT.items():
        (tmp_path / name).write_text(text)
    modules = _modules(tmp_path)
    options = SolveOptions(environment_sources=False, max_depth=12, reaches=None)
    whole = solve_whole(modules, options)
    assert [(finding.path, finding.kind) for finding in whole[0]] == [("helpers.py", "command")]
    assert _in_parts(modules, DictMemo(), options) == whole
    groups = link([interface_of(module) for module in modules])
    paths = sorted(sorted(modules[position].path for position in group) for group in groups)
    assert paths == [["alone.py"], ["helpers.py", "views.py"]]


def _interface(path: str, functions: Sequence[str], calls: Sequence[str] = ()) -> ModuleInterface:
    module = path.removesuffix(".py")
    return ModuleInterface(
        paths=(path,),
        functions=tuple((f"{module}.{name}", "." in name) for name in functions),
        return_types=(),
        aliases=(),
        classes=((f"{module}.C", ()),),
        handler_classes=(),
        dependency_aliases=(),
        calls=tuple((callee, False) for callee in calls),
        annotations=(),
        reads=(),
        writes=(),
    )


def _link_digests(*interfaces: ModuleInterface) -> list[str]:
    codec = Codec([ModuleInterface])
    return link_digests([codec.dumps(interface) for interface in interfaces])


def test_the_partition_outlives_a_line_inserted_above_a_redefined_function() -> None:
    # `C.prop@3` is the getter a setter redefines: a line inserted above it renames it `C.prop@4`, which changes no
    # lookup, so the stored parts still hold.
    before = [_interface("a.py", ["C.prop@3", "C.prop", "run"]), _interface("b.py", ["go"], ["a.run"])]
    after = [_interface("a.py", ["C.prop@4", "C.prop", "run"]), before[1]]
    assert _link_digests(*before) == _link_digests(*after)
    assert link(before) == link(after)
    # A real change of the interface is still one.
    renamed = [_interface("a.py", ["C.prop@4", "C.prop", "walk"]), before[1]]
    assert _link_digests(*renamed) != _link_digests(*before)


@pytest.mark.parametrize(
    "case",
    [
        "a pattern with a piece of digits",  # `a.C().prop@1*` or `*3` could match one line and not the other
        "a pattern naming a line",
        "two modules with the name",  # names join the modules providing them: which do depends on the line
    ],
)
def test_the_lines_count_where_the_parts_could_depend_on_them(case: str) -> None:
    calls = {"a pattern with a piece of digits": ["a.C().prop*3"], "a pattern naming a line": ["a.C().prop@*"]}
    caller = ["go"]
    before_a, after_a = ["C.prop@3", "C.prop"], ["C.prop@4", "C.prop"]
    other = _interface("b.py", caller, calls.get(case, ["a.run"]))
    if case == "two modules with the name":
        other = ModuleInterface(**{**vars(_interface("a.py", before_a)), "paths": ("a/__init__.py",)})
    before = _link_digests(_interface("a.py", before_a), other)
    after = _link_digests(_interface("a.py", after_a), other)
    assert before[0] != after[0]
    # Without what makes the lines count, they are left out.
    assert _link_digests(_interface("a.py", before_a)) == _link_digests(_interface("a.py", after_a))


def test_a_damaged_interface_text_is_digested_as_it_is() -> None:
    codec = Codec([ModuleInterface])
    texts = [codec.dumps(_interface("a.py", ["C.prop@3", "C.prop"])), '{"@c": "ModuleInterface", "a": [1]} "@3"']
    assert link_digests(texts) == [digest_of(text) for text in texts]
