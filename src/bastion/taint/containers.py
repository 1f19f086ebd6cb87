"""Lists, dicts, sets and buffers: what `append`, `pop`, `get`, `update` ... do to what is known of them."""

from __future__ import annotations

import ast
from collections.abc import Hashable
from dataclasses import replace

from bastion.semantic.constants import UNKNOWN
from bastion.taint.facts import FieldWrite
from bastion.taint.folding import MAX_ITEMS
from bastion.taint.sinks import SinkAnalysis
from bastion.taint.state import State
from bastion.taint.values import EMPTY, Value, get_item, join, set_item, tainted, union_labels

# Methods that put their arguments into the receiver (lists, dicts, sets, buffers, config parsers ...).
_MUTATORS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "add",
        "update",
        "setdefault",
        "appendleft",
        "extendleft",
        "write",
        "writelines",
        "set",
        "put",
        "put_nowait",
        "push",
        "__setitem__",
    }
)


class ContainerAnalysis(SinkAnalysis):
    """The containers section: method calls on lists, dicts and buffers, tracked element by element."""

    def _container_method(
        self, node: ast.Call, method: str, receiver: Value, positional: list[Value], state: State
    ) -> Value | None:
        """Lists, dicts and buffers: what `append`, `pop`, `get` ... do to what we know of the receiver."""
        key = self._key(node.func.value) if isinstance(node.func, ast.Attribute) else None
        args = node.args
        if method in ("get", "set") and len(positional) >= 2 and receiver.items is None:
            # configparser-style `set(section, option, value)` / `get(section, option)`: keyed by the constants.
            found = self._keyed_access(method, key, receiver, positional, state)
            if found is not None:
                return found
        if method == "get" and receiver.keys is not None and args:
            wanted = positional[0].const
            if wanted is not UNKNOWN:
                found = get_item(receiver, wanted)
                default = positional[1] if len(positional) > 1 else EMPTY
                if found is not None and dict(receiver.keys).get(wanted) is not None:
                    return found
                return join(tainted(receiver.labels), default)
        if key is None:
            return None
        if method == "pop" and (receiver.items is not None or receiver.keys is not None):
            position = positional[0].const if positional else -1
            if (
                receiver.items is not None
                and isinstance(position, int)
                and -len(receiver.items) <= position < len(receiver.items)
            ):
                items = list(receiver.items)
                taken = items.pop(position)
                state[key] = replace(receiver, items=tuple(items), const=UNKNOWN)
                return taken
            if receiver.keys is not None and position is not UNKNOWN:
                entries = dict(receiver.keys)
                if position in entries:
                    taken = entries.pop(position)
                    state[key] = replace(receiver, keys=tuple(entries.items()))
                    return taken
            return None
        if method == "clear":
            state[key] = Value(
                items=() if receiver.items is not None else None, keys=() if receiver.keys is not None else None
            )
            return EMPTY
        if method == "copy":
            return receiver
        if len(positional) == 2 and positional[1].const is True and not receiver.tainted:
            # `parser.setFeature(feature_external_ges, True)`: the object now has that feature switched on.
            flag = self._qualified(node.args[0]) if node.args else None
            if flag is not None:
                state[key] = replace(receiver, true_keywords=receiver.true_keywords | {flag.rsplit(".", 1)[-1]})
                return EMPTY
        if method not in _MUTATORS:
            return None
        added = union_labels(positional)
        if (
            method == "append"
            and receiver.items is not None
            and not receiver.labels
            and len(receiver.items) < MAX_ITEMS
        ):
            state[key] = Value(items=(*receiver.items, positional[0] if positional else EMPTY))
            return EMPTY
        if method == "insert" and receiver.items is not None and not receiver.labels and len(positional) == 2:
            position = positional[0].const
            if isinstance(position, int):
                items = list(receiver.items)
                items.insert(position, positional[1])
                state[key] = Value(items=tuple(items))
                return EMPTY
        if method == "extend" and receiver.items is not None and positional and positional[0].items is not None:
            state[key] = Value(items=receiver.items + positional[0].items)
            return EMPTY
        if method == "update" and receiver.keys is not None and positional and positional[0].keys is not None:
            entries = dict(receiver.keys)
            entries.update(dict(positional[0].keys))
            state[key] = replace(receiver, keys=tuple(entries.items()), labels=receiver.labels | positional[0].labels)
            return EMPTY
        if method == "setdefault" and receiver.keys is not None and positional and positional[0].const is not UNKNOWN:
            entries = dict(receiver.keys)
            if positional[0].const not in entries:
                entries[positional[0].const] = positional[1] if len(positional) > 1 else EMPTY
            state[key] = replace(receiver, keys=tuple(entries.items()))
            return entries[positional[0].const]
        if method == "__setitem__" and len(positional) == 2:
            state[key] = set_item(receiver, positional[0].const, positional[1])
            return EMPTY
        if not added:
            return None
        if receiver.items is not None or receiver.keys is not None:
            state[key] = replace(receiver, labels=receiver.labels | added)
        else:
            state[key] = replace(receiver, labels=receiver.labels | added, const=UNKNOWN)
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Attribute)
            and isinstance(func.value.value, ast.Name)
            and func.value.value.id == self.self_name
            and self.class_name is not None
        ):
            self.facts.field_writes.append(FieldWrite(self.class_name, func.value.attr, added))
        if method in ("append", "add", "write", "writelines", "extend", "insert", "update", "set", "put", "push"):
            # Checked as sinks only through models; the call itself returns nothing useful.
            return EMPTY
        return None

    def _keyed_access(
        self, method: str, key: str | None, receiver: Value, positional: list[Value], state: State
    ) -> Value | None:
        wanted = positional if method == "get" else positional[:-1]
        if len(wanted) < 2 or any(part.const is UNKNOWN or not isinstance(part.const, Hashable) for part in wanted):
            return None
        entry = tuple(part.const for part in wanted)
        if method == "get":
            if receiver.keys is None:
                return None
            return dict(receiver.keys).get(entry)  # None: not such an entry, a plain `get(key, default)`
        if key is None or (receiver.tainted and receiver.keys is None):
            return None
        entries = dict(receiver.keys or ())
        entries[entry] = positional[-1]
        state[key] = replace(receiver, keys=tuple(entries.items()))
        return EMPTY
