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
_STRONG = frozenset({"signature", "sig", "digest", "hmac", "mac", "secret", "apikey", "otp", "csrf", "hash", "hashed"})
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
    files are not reported.

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
            return _STRONG_SECRET
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
    if any(word in METADATA_WORDS and word not in ("hash", "hashed", "digest") for word in parts):
        return _NONE
    if any(word in _STRONG for word in parts):
        return _STRONG_SECRET
    if any(word in _CONFIRMATION for word in parts):
        return _NONE
    if "key" in parts:
        return _STRONG_SECRET if any(word in KEY_QUALIFIERS for word in parts) else _NONE
    return _WEAK_SECRET if any(word in _WEAK for word in parts) else _NONE
