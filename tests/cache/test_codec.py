"""The cache's codec: bastion's values round-trip exactly; forged data is refused, never executed."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bastion.api import ScanOptions, scan
from bastion.api.engine import AnalyzerSpec, collector_classes, result_codec
from bastion.core.codec import Codec, CodecError
from bastion.core.config import BastionConfig
from bastion.core.finding import Finding, Location
from bastion.core.severity import Confidence, Severity
from bastion.rules import load_all
from bastion.rules.base import ScanServices

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "vulnerable-flask-app"


def _codec() -> Codec:
    return result_codec(collector_classes(AnalyzerSpec(BastionConfig(), tuple(rule.code for rule in load_all()))))


def test_a_real_scan_round_trips(tmp_path: Path) -> None:
    result = scan([EXAMPLE], ScanOptions(root=EXAMPLE, jobs=1, services=ScanServices(offline=True), keep_facts=True))
    codec = _codec()
    assert result.findings
    for finding in result.findings:
        assert codec.loads(codec.dumps(finding)) == finding
    for notice in result.notices:
        assert codec.loads(codec.dumps(notice)) == notice
    assert result.facts
    for facts in result.facts.values():
        for value in facts.values():
            text = codec.dumps(value)
            again = codec.loads(text)
            assert type(again) is type(value)
            assert codec.dumps(again) == text or sorted(codec.dumps(again)) == sorted(text)


plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | st.binary(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.frozensets(st.integers() | st.text(), max_size=4)
        | st.dictionaries(st.text() | st.integers(), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(plain)
def test_any_value_round_trips_with_its_types(value: object) -> None:
    codec = Codec([])
    assert codec.loads(codec.dumps(value)) == value
    assert type(codec.loads(codec.dumps(value))) is type(value)


def test_special_floats_and_properties() -> None:
    codec = _codec()
    assert math.isinf(codec.loads(codec.dumps(float("inf"))))
    finding = Finding(
        "PAT101",
        "m",
        Location("a.py", 3),
        Severity.HIGH,
        Confidence.HIGH,
        properties={"ids": ("A", "B"), "n": 1.5, "raw": b"\x00\xff"},
    )
    assert codec.loads(codec.dumps(finding)).properties == finding.properties


@pytest.mark.parametrize(
    "text",
    [
        '{"@c": "os.system", "a": ["echo pwned"]}',
        '{"@c": "Popen", "a": []}',
        '{"@e": "Label", "v": 1}',
        '{"unexpected": 1}',
        '{"@c": "Location", "a": "not a list"}',
        '{"@c": "Location", "a": ["a.py", 1, 2, 3, 4, 5, 6, 7]}',
        '{"@b": "not base64!"}',
        '{"@n": "1e9999"}',
        '{"@d": [[["unhashable"], 1]]}',
        "[" * 100_000 + "]" * 100_000,
        "not json",
        '{"@r": 0}',
        '[{"@c": "Location", "a": ["a.py", 1]}, {"@r": 1}]',
        '[{"@c": "Location", "a": ["a.py", 1]}, {"@r": -1}]',
        '[{"@c": "Location", "a": ["a.py", 1]}, {"@r": "0"}]',
        '{"@c": "Location", "a": [7, 1]}',
    ],
)
def test_forged_or_damaged_data_is_refused(text: str) -> None:
    with pytest.raises(CodecError):
        _codec().loads(text)


def test_an_instance_met_again_is_written_once_and_decoded_as_one_object() -> None:
    codec = _codec()
    here, there = Location("a.py", 3), Location("b.py", 4)
    value = {"first": (here, there), "again": [here, here], "equal": Location("a.py", 3)}
    text = codec.dumps(value)
    assert text.count('"a.py"') == 2  # `here` once, and the equal but distinct instance once
    assert text.count('{"@r":0}') == 2
    back = codec.loads(text)
    assert back == value
    assert back["again"][0] is back["again"][1] is back["first"][0]
    assert back["equal"] is not back["first"][0]
    # Each text is whole: a later dumps does not refer to instances written by an earlier one.
    assert codec.loads(codec.dumps(here)) == here


def test_decoded_text_fields_and_empty_frozensets_are_shared() -> None:
    """Taint facts repeat their file's path in every step of every trace, and most labels clear nothing: decoded,
    equal strings of `str` fields are one object, and so is every empty frozenset (a third of Django's facts)."""
    from bastion.taint.facts import FunctionFacts
    from bastion.taint.values import Label, ParamOrigin

    codec = _codec()
    path = "".join(["pkg/", "views.py"])  # built at run time: not the constant the compiler shares
    first = FunctionFacts("pkg.views.a", path, 1, ("x",))
    second = FunctionFacts("pkg.views.b", "".join(["pkg/", "views.py"]), 2, ("x",))
    labels = (Label(ParamOrigin("x"), trace=((path, 1, 0, "assigned to `y`"),)), Label(ParamOrigin("y")))
    back = codec.loads(codec.dumps((first, second, labels)))
    assert back == (first, second, labels)
    assert back[0].path is back[1].path is back[2][0].trace[0][0]
    assert back[2][0].cleared == frozenset() and back[2][0].cleared is back[2][1].cleared is back[0].returns
    assert codec.loads(codec.dumps(frozenset({1}))) == frozenset({1})


def test_labels_equal_but_for_their_trace_keep_their_own_trace() -> None:
    from bastion.taint.values import Label, ParamOrigin

    origin = ParamOrigin("x")
    short, long = Label(origin), Label(origin, trace=(("a.py", 1, 0, "assigned to `y`"),))
    assert short == long
    codec = _codec()
    back = codec.loads(codec.dumps((short, long, long)))
    assert [label.trace for label in back] == [(), long.trace, long.trace]
    assert back[1] is back[2] and back[0].origin is back[1].origin


def test_an_unregistered_class_is_not_encoded() -> None:
    class Stranger:
        pass

    with pytest.raises(CodecError):
        _codec().dumps(Stranger())


_ENCODE_FIXTURES = """
import hashlib, sys
from pathlib import Path
from bastion.api.engine import Analyzer, AnalyzerSpec
from bastion.core.config import BastionConfig
from bastion.rules import rule_entries
from bastion.source.discovery import discover
from bastion.taint.values import Label, ParamOrigin
analyzer = Analyzer(AnalyzerSpec(BastionConfig(), tuple(entry.code for entry in rule_entries()), file_time_limit=0))
for root in map(Path, sys.argv[1:]):
    found = discover([root], root, BastionConfig().all_excludes, respect_gitignore=False)
    for file in sorted(found.files, key=lambda file: file.rel):
        if file.rel.endswith(".py"):
            entry, _ = analyzer.analyse_to_entry(file)
            assert isinstance(entry, str), file.rel
            print(root.name, file.rel, hashlib.sha256(entry.encode()).hexdigest())
kinds = frozenset(f"kind-{number}" for number in range(40))
labels = frozenset(Label(ParamOrigin(f"p{number}"), kinds) for number in range(40))
print("values", analyzer.codec.dumps((kinds, labels, {"names": set(kinds)})))
"""


def test_the_same_facts_are_the_same_text_whatever_the_hash_seed(tmp_path: Path) -> None:
    # A cache key is the digest of this text: set iteration order (string hashes are seeded per process) must not
    # leak into it, or an edit that leaves a module's facts as they were would still re-solve its taint part. These
    # fixtures' facts hold sets of sanitised kinds (each wrote them in another order under another seed).
    import os
    import subprocess
    import sys

    script = tmp_path / "encode.py"
    script.write_text(_ENCODE_FIXTURES)
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    roots = [str(fixtures / name) for name in ("TNT101", "TNT202", "TNT302", "BST001")]
    texts = []
    for seed in ("1", "2"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        completed = subprocess.run(
            [sys.executable, str(script), *roots], capture_output=True, text=True, env=environment, check=True
        )
        texts.append(completed.stdout)
    assert "values" in texts[0] and "TNT202 " in texts[0] and "BST001 " in texts[0]
    assert texts[0] == texts[1]


def test_a_set_of_instances_keeps_its_references() -> None:
    codec = _codec()
    here, there, elsewhere = Location("a.py", 3), Location("b.py", 4), Location("c.py", 1)
    value = (there, frozenset({elsewhere, here, there}), [here, elsewhere], {"s": {here}})
    text = codec.dumps(value)
    back = codec.loads(text)
    assert back == value
    assert back[2][0] in back[1] and back[2][0] is back[3]["s"].pop()
    members = {id(item) for item in back[1]}
    assert id(back[0]) in members and id(back[2][1]) in members
    # Written in one order whatever order the set was built in.
    assert codec.dumps((there, frozenset({here, there, elsewhere}), [here, elsewhere], {"s": {here}})) == text
