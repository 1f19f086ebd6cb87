"""The analysis state: what is known of every variable (and `obj.attr` path) at one point of a function.

Branches, loops and `try` copy the state and join the copies again. A copy of a plain dict costs the number of
variables, and module-level code can bind a hundred thousand names: copying and joining at every `if` made the
analysis of a large flat module quadratic. A `State` therefore keeps its bindings in layers that copies share:
frozen dicts (newest first, never changed once frozen) under the state's own dict of recent writes. A copy freezes
the own dict and shares every layer; layers of similar size are merged (so there are about log2(n) of them and
each binding is copied O(log n) times in all); a join compares only the layers the two states do not share.
A binding set to `None` in a newer layer hides an older one (the variable was deleted).
"""

from __future__ import annotations

from collections.abc import Iterator

from bastion.taint.values import Value, join

_MISSING = object()


class State:
    __slots__ = ("layers", "own", "paths")

    def __init__(
        self,
        layers: tuple[dict[str, Value | None], ...] = (),
        own: dict[str, Value | None] | None = None,
        paths: dict[str, set[str]] | None = None,
    ) -> None:
        self.layers = layers  # frozen, newest first, shared with other states
        self.own: dict[str, Value | None] = {} if own is None else own
        # Every `a.b.c` key written in the function, under each of its prefixes (`a`, `a.b`), shared by all the
        # states of one function: assigning `a` forgets `a.b` without scanning every binding.
        self.paths: dict[str, set[str]] = {} if paths is None else paths

    def get(self, key: str) -> Value | None:
        found = self.own.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        for layer in self.layers:
            found = layer.get(key, _MISSING)
            if found is not _MISSING:
                return found  # type: ignore[return-value]
        return None

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __setitem__(self, key: str, value: Value) -> None:
        if "." in key:
            parts = key.split(".")
            for size in range(1, len(parts)):
                self.paths.setdefault(".".join(parts[:size]), set()).add(key)
        self.own[key] = value

    def pop(self, key: str) -> None:
        if self.get(key) is not None:
            self.own[key] = None

    def forget_attributes(self, key: str) -> None:
        """`key` is rebound: what was known of `key.attr` paths no longer holds."""
        for path in self.paths.get(key, ()):
            self.pop(path)

    def copy(self) -> State:
        if self.own:
            layers = (self.own, *self.layers)
            while len(layers) > 1 and 2 * len(layers[0]) >= len(layers[1]):
                merged = {**layers[1], **layers[0]}
                if len(layers) == 2:  # nothing older left for a deletion to hide
                    merged = {key: value for key, value in merged.items() if value is not None}
                layers = (merged, *layers[2:])
            self.layers = layers
            self.own = {}
        return State(self.layers, {}, self.paths)

    def items(self) -> Iterator[tuple[str, Value]]:
        seen: set[str] = set()
        for layer in (self.own, *self.layers):
            for key, value in layer.items():
                if key not in seen:
                    seen.add(key)
                    if value is not None:
                        yield key, value

    def differing_keys(self, other: State) -> set[str]:
        """Keys whose binding may differ between the two states: those of the layers they do not share."""
        shared = self._shared_count(other)
        keys: set[str] = set(self.own)
        keys.update(other.own)
        for layer in self.layers[: len(self.layers) - shared]:
            keys.update(layer)
        for layer in other.layers[: len(other.layers) - shared]:
            keys.update(layer)
        return keys

    def shared_layers(self, other: State) -> tuple[dict[str, Value | None], ...]:
        return self.layers[len(self.layers) - self._shared_count(other) :]

    def _shared_count(self, other: State) -> int:
        """How many of the oldest layers the two states share (a copy shares all of its original's)."""
        mine, theirs = self.layers, other.layers
        shared = 0
        limit = min(len(mine), len(theirs))
        while shared < limit and mine[len(mine) - 1 - shared] is theirs[len(theirs) - 1 - shared]:
            shared += 1
        return shared


def same_taint(before: State, after: State | None) -> bool:
    """Whether a loop pass changed no variable's taint (so that another pass would find nothing new)."""
    if after is None:
        return True
    for key in after.differing_keys(before):
        value = after.get(key)
        if value is None:
            continue
        previous = before.get(key)
        if previous is value:
            continue
        if previous is None or previous.all_labels() != value.all_labels():
            return False
    return True


def join_states(*states: State | None) -> State | None:
    """The state where paths meet: each variable's values joined (a variable bound on one path only keeps it)."""
    present = [state for state in states if state is not None]
    if not present:
        return None
    merged = present[0]
    for other in present[1:]:
        merged = _join_two(merged, other)
    return merged


def _join_two(left: State, right: State) -> State:
    own: dict[str, Value | None] = {}
    for key in left.differing_keys(right):
        a = left.get(key)
        b = right.get(key)
        if a is None or b is None:
            own[key] = a if a is not None else b
        elif a is not b:
            own[key] = join(a, b)
        else:
            own[key] = a
    return State(left.shared_layers(right), own, left.paths)
