"""The analysis state: copies are independent, deletions hide older bindings, joins merge what differs."""

from __future__ import annotations

from bastion.taint.state import State, join_states, same_taint
from bastion.taint.values import Label, SourceOrigin, Value

TAINTED = Value(labels=frozenset({Label(SourceOrigin("remote", "request.args", "app.py", 1, 1))}))
CONSTANT = Value(const="fixed")


def test_a_copy_does_not_see_later_writes_of_its_original_nor_the_reverse() -> None:
    state = State()
    state["a"] = CONSTANT
    copy = state.copy()
    state["a"] = TAINTED
    copy["b"] = CONSTANT
    assert copy.get("a") is CONSTANT
    assert state.get("a") is TAINTED
    assert "b" not in state and "b" in copy


def test_a_deleted_binding_hides_the_older_one_and_many_copies_stay_consistent() -> None:
    state = State()
    for i in range(200):
        state[f"v{i}"] = CONSTANT
        if i % 3 == 0:
            state = state.copy()  # layers pile up and merge
    state.pop("v7")
    snapshot = state.copy()
    assert "v7" not in state and snapshot.get("v7") is None
    assert dict(snapshot.items()) == {f"v{i}": CONSTANT for i in range(200) if i != 7}


def test_rebinding_an_object_forgets_its_attribute_paths() -> None:
    state = State()
    state["request.args"] = TAINTED
    state["request.args.name"] = TAINTED
    state["other.args"] = TAINTED
    branch = state.copy()
    branch.forget_attributes("request")
    assert "request.args" not in branch and "request.args.name" not in branch
    assert "other.args" in branch and "request.args" in state


def test_a_join_keeps_a_binding_made_on_one_path_and_joins_the_others() -> None:
    state = State()
    state["shared"] = CONSTANT
    state["x"] = CONSTANT
    body = state.copy()
    orelse = state.copy()
    body["x"] = TAINTED
    body["only_body"] = CONSTANT
    joined = join_states(body, orelse)
    assert joined is not None
    assert joined.get("shared") is CONSTANT
    assert joined.get("only_body") is CONSTANT
    x = joined.get("x")
    assert x is not None and x.labels == TAINTED.labels
    assert join_states(None, body) is body and join_states(None, None) is None


def test_same_taint_notices_a_new_label_only() -> None:
    state = State()
    state["x"] = CONSTANT
    after = state.copy()
    after["y"] = Value(const=3)
    assert not same_taint(state, after)  # a new variable
    again = after.copy()
    again["y"] = Value(const=4)
    assert same_taint(after, again)  # same (no) taint
    again["x"] = TAINTED
    assert not same_taint(after, again)
    assert same_taint(state, None)
