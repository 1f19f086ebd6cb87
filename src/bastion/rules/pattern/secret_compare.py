"""PAT405: secrets compared with `==` instead of a constant-time comparison."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.fix import Applicability, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._naming import KEY_QUALIFIERS, METADATA_WORDS, PASSWORD_WORDS, words
from bastion.semantic.calls import last_name
from bastion.semantic.constants import UNKNOWN

# A value named with one of these is a secret digest on its own: comparing it leaks through timing.
_STRONG = frozenset({"signature", "sig", "hmac", "mac", "secret", "apikey", "otp", "csrf"})
# A hash or digest is a secret when its name says of what (`password_hash`, `token_digest`); on its own
# (`content_hash`, `classifier_hash`) it is a fingerprint of data, compared to detect a change.
_HASH_WORDS = frozenset({"hash", "hashed", "digest"})
_HASH_OF_SECRET = PASSWORD_WORDS | KEY_QUALIFIERS | {"token", "key", "secret", "reset", "otp"}
# Comparisons in these methods define equality between objects; nothing attacker-timed comes in.
_EQUALITY_METHODS = frozenset({"__eq__", "__ne__", "__hash__"})
# Names that are secrets only when the other side is one too (`token == expected_token`).
_WEAK = PASSWORD_WORDS | {"token", "nonce", "key"}
# `password1 != password2`, `password == confirm_password`: checking a form, not a stored secret.
_CONFIRMATION = frozenset({"confirm", "confirmation", "repeat", "repeated", "again", "1", "2", "new", "old", "retype"})
_DIGEST_METHODS = frozenset({"hexdigest", "digest"})
_NONE, _WEAK_SECRET, _STRONG_SECRET = 0, 1, 2


class SecretCompare(AstRule):
    """## What it does
    Finds `==` and `!=` comparisons of secrets: signatures, HMACs, digests, password hashes, API keys, CSRF or
    one-time codes, and tokens compared with other tokens. Comparisons with a constant (`token == ""`) and test
    files are not reported, nor these, where nothing an attacker chooses is timed: a hash or digest of content
    (`content_hash`, `blake2b(data).hexdigest()`; a hash is a secret when its name says of what, `password_hash`,
    or it is keyed, `hmac.new(...)`), a value read from the session compared with one the server computes (not
    with request data), comparisons inside `__eq__`, and conditions an ORM turns into SQL: a model's column
    compared with a value (`ApiKey.token == value`) or a comparison given to `filter`/`where` (also inside
    `and_`/`or_`), which the database evaluates.

    ## Why is this bad?
    `==` on strings stops at the first differing character, so it answers a little faster the earlier the
    guess goes wrong. Measured over many requests, that difference lets an attacker recover a signature or
    token one character at a time, without ever knowing the key.

    ## Example
    ```python
    import hashlib
    import hmac


    def valid_webhook(body, key, signature):
        expected = hmac.new(key, body, hashlib.sha256).hexdigest()
        return expected == signature
    ```

    ## Use instead
    ```python
    import hashlib
    import hmac


    def valid_webhook(body, key, signature):
        expected = hmac.new(key, body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)
    ```
    `secrets.compare_digest` is the same function; Django has `constant_time_compare`.

    ## Fix safety
    The fix writes `hmac.compare_digest(a, b)` (`not hmac.compare_digest(a, b)` for `!=`) and adds `import hmac`
    once. It is unsafe: `compare_digest` takes two `str` of ASCII characters or two bytes-like values, and raises
    `TypeError` where `==` answered `False`: a `None` (a missing header: `request.headers.get(...)`), a `str`
    against `bytes`, or a non-ASCII string an attacker sends. Check for a missing value first, and encode both
    sides (`.encode()`) when they may hold any character.

    ## References
    - [Python docs: hmac.compare_digest](https://docs.python.org/3/library/hmac.html#hmac.compare_digest)
    - [CWE-208: Observable Timing Discrepancy](https://cwe.mitre.org/data/definitions/208.html)
    """

    code = "PAT405"
    slug = "secret-compared-with-equals"
    summary = "Secret compared with `==` instead of `hmac.compare_digest`"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (208,)
    fix_hint = "compare secrets with hmac.compare_digest(a, b)"
    fix = FixAvailability.ALWAYS
    fix_applicability = Applicability.UNSAFE
    node_types = (ast.Compare,)

    def check(self, node: ast.Compare, ctx: ModuleContext) -> Iterator[Finding]:
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return
        left, right = node.left, node.comparators[0]
        if _plain(left, ctx) or _plain(right, ctx) or is_test_path(ctx.path):
            return
        if ctx.scope.function_name in _EQUALITY_METHODS or _session_against_server_value(left, right, ctx):
            return
        if _builds_query(left, right, ctx):
            return
        kinds = (_secret_kind(left, ctx), _secret_kind(right, ctx))
        if _STRONG_SECRET in kinds or kinds == (_WEAK_SECRET, _WEAK_SECRET):
            yield ctx.finding(
                self,
                node,
                "secret compared with `==`: the time it takes reveals how much matched",
                fix=_constant_time(node, ctx),
            )


def _constant_time(node: ast.Compare, ctx: ModuleContext) -> Fix | None:
    """`a == b` -> `hmac.compare_digest(a, b)`; `a != b` -> `not hmac.compare_digest(a, b)`."""
    editor = ctx.editor
    reference = editor.import_reference("hmac", "compare_digest", ctx.scope, node)
    if reference is None:
        return None
    operands = [_argument(editor.source(side), side) for side in (node.left, node.comparators[0])]
    call = f"{reference.expression}({', '.join(operands)})"
    negated = isinstance(node.ops[0], ast.NotEq)
    edits = [editor.replace(node, f"not {call}" if negated else call)]
    if reference.edit is not None:
        edits.append(reference.edit)
    return Fix(f"Compare in constant time with `{reference.expression}`", Applicability.UNSAFE, tuple(edits))


def _argument(source: str, node: ast.expr) -> str:
    """An operand as a call argument: a bare tuple or yield needs the parentheses the comparison had around it."""
    return f"({source})" if isinstance(node, (ast.Tuple, ast.Yield, ast.YieldFrom, ast.GeneratorExp)) else source


def _plain(expr: ast.expr, ctx: ModuleContext) -> bool:
    """A side that is no secret: a constant, an ALL_CAPS name (an enum or setting), a length or type."""
    if isinstance(expr, ast.Constant) or ctx.constant(expr) is not UNKNOWN:
        return True
    if isinstance(expr, ast.Name) and expr.id.isupper():
        return True
    if isinstance(expr, ast.Attribute) and expr.attr.isupper():
        return True
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in ("len", "type", "bool")


def _secret_kind(expr: ast.expr, ctx: ModuleContext) -> int:
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr == "get" and expr.args:
            # `headers.get("X-Api-Key")` reads the value stored under that name.
            return _secret_kind(ast.Subscript(value=func.value, slice=expr.args[0]), ctx)
        if isinstance(func, ast.Attribute) and func.attr in _DIGEST_METHODS:
            return _digest_kind(func.value, ctx)
        if ctx.qualified_name(func) == "builtins.hash":
            return _NONE  # Python's object hash, not a digest
        name = last_name(func)
        called = set(words(name))
        # `hash_password(p)`, `sign(body)`, `compute_signature(...)`: the call produces a secret digest.
        if called & {"hash", "sign", "signature", "digest", "hmac"} and not called & {"check", "verify", "compare"}:
            return _STRONG_SECRET
        return _NONE
    if isinstance(expr, ast.Name):
        identifier = expr.id
    elif isinstance(expr, ast.Attribute):
        identifier = expr.attr
    elif isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, str):
        identifier = expr.slice.value
    else:
        return _NONE
    parts = words(identifier)
    if any(word in METADATA_WORDS and word not in _HASH_WORDS for word in parts):
        return _NONE
    if any(word in _STRONG for word in parts):
        return _STRONG_SECRET
    if any(word in _HASH_WORDS for word in parts):
        return _STRONG_SECRET if any(word in _HASH_OF_SECRET for word in parts) else _NONE
    if any(word in _CONFIRMATION for word in parts):
        return _NONE
    if "key" in parts:
        return _STRONG_SECRET if any(word in KEY_QUALIFIERS for word in parts) else _NONE
    return _WEAK_SECRET if any(word in _WEAK for word in parts) else _NONE


def _digest_kind(hasher: ast.expr, ctx: ModuleContext) -> int:
    """`<hasher>.hexdigest()`: a secret when the hasher is keyed (`hmac.new(key, ...)`) or hashes a secret
    (`sha256(password)`); the digest of content (`blake2b(data)`, a running `hasher`) is a fingerprint."""
    if isinstance(hasher, ast.Name):
        bindings = ctx.scope.bindings.get(hasher.id, [])
        if len(bindings) == 1 and bindings[0].value is not None:
            hasher = bindings[0].value
        elif any(word in _STRONG for word in words(hasher.id)):
            return _STRONG_SECRET
    if not isinstance(hasher, ast.Call):
        return _NONE
    if "hmac" in (ctx.qualified_name(hasher.func) or "").split("."):
        return _STRONG_SECRET
    for argument in hasher.args:
        for part in ast.walk(argument):
            name = part.id if isinstance(part, ast.Name) else part.attr if isinstance(part, ast.Attribute) else ""
            if any(word in _HASH_OF_SECRET or word in _STRONG for word in words(name)):
                return _STRONG_SECRET
    return _NONE


# Query-building calls: a comparison given to them becomes SQL (`WHERE api_key = ?`), compared by the database.
_QUERY_METHODS = frozenset({"filter", "where", "having", "exclude", "join", "outerjoin", "on_conflict"})
_QUERY_COMBINATORS = frozenset({"and_", "or_", "not_"})


def _builds_query(left: ast.expr, right: ast.expr, ctx: ModuleContext) -> bool:
    """`Model.api_key == value` builds a SQL condition, not a comparison in Python: a side is a column of a model
    class (`ApiKey.token`, a CamelCase class and a lower-case attribute) or the comparison is given to a query's
    `filter`/`where` (through `and_`/`or_` too). The database compares, nothing in Python is timed."""
    if any(_model_column(side) for side in (left, right)):
        return True
    ancestors = ctx.ancestors
    for position in range(len(ancestors) - 2, -1, -1):
        node = ancestors[position]
        if isinstance(node, (ast.BoolOp, ast.UnaryOp, ast.keyword)):
            continue
        if isinstance(node, ast.Call):
            name = last_name(node.func)
            if name in _QUERY_COMBINATORS:
                continue
            return isinstance(node.func, ast.Attribute) and name in _QUERY_METHODS
        return False
    return False


def _model_column(expr: ast.expr) -> bool:
    return (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and expr.value.id[:1].isupper()
        and not expr.value.id.isupper()
        and expr.attr[:1].islower()
    )


def _session_against_server_value(left: ast.expr, right: ast.expr, ctx: ModuleContext) -> bool:
    """One side read from the session (signed or kept on the server, so nobody can try values against it) and
    the other not from the request: nothing an attacker chooses is timed. `session["csrf"] == request.form[...]`
    stays a finding."""
    sides = (left, right)
    return any(_reads(side, ctx, "session") for side in sides) and not any(
        _reads(side, ctx, "request") for side in sides
    )


def _reads(expr: ast.expr, ctx: ModuleContext, root: str) -> bool:
    """Whether `expr` (or the one value a local name in it was assigned) reads from the object named `root`."""
    for part in ast.walk(expr):
        if isinstance(part, ast.Name):
            if part.id == root:
                return True
            bindings = ctx.scope.bindings.get(part.id, [])
            if len(bindings) == 1 and bindings[0].value is not None:
                value = bindings[0].value
                if any(isinstance(inner, ast.Name) and inner.id == root for inner in ast.walk(value)):
                    return True
    return False
