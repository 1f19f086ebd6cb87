"""PAT406: the `random` module used for tokens, passwords, keys, nonces or codes."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.fix import Applicability, Edit, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._naming import KEY_QUALIFIERS, words
from bastion.semantic.calls import has_kwargs_splat

_FUNCTIONS = (
    "random",
    "randint",
    "randrange",
    "choice",
    "choices",
    "sample",
    "getrandbits",
    "randbytes",
    "uniform",
    "shuffle",
    "triangular",
)
_SECURITY_WORDS = frozenset(
    {
        "token", "tokens", "password", "passwd", "pwd", "passphrase", "secret", "nonce", "salt", "otp", "csrf",
        "apikey", "captcha", "sessionid", "pin", "totp", "hotp",
    }
)  # fmt: skip
_CODE_QUALIFIERS = frozenset(
    {"verification", "verify", "reset", "confirmation", "confirm", "activation", "auth", "login", "invite",
     "invitation", "recovery", "security", "access", "otp", "sms", "mfa", "twofa"}
)  # fmt: skip
_NOT_A_SECRET = frozenset({"count", "len", "length", "num", "size", "type", "name", "index", "idx", "delay", "jitter"})
_STATEMENTS = (ast.stmt,)


class InsecureRandom(AstRule):
    """## What it does
    Finds `random.choice`, `randint`, `random`, `getrandbits`, `sample` ... (and the same methods on a
    `random.Random()`) whose result becomes a token, password, key, salt, nonce, session id, one-time or
    verification code: by the name it is assigned or passed to, the dictionary key it is stored under, or the
    function it is returned from (`def reset_token(): return ...`). Other uses of `random` (shuffling a quiz,
    jitter, sampling) are not reported.

    ## Why is this bad?
    `random` is a Mersenne Twister: after seeing 624 outputs, its whole future (and past) can be computed. A
    password-reset token or an API key drawn from it can be predicted by anyone who has seen a few others.

    ## Example
    ```python
    import random
    import string


    def reset_token():
        return "".join(random.choice(string.ascii_letters) for _ in range(32))
    ```

    ## Use instead
    ```python
    import secrets


    def reset_token():
        return secrets.token_urlsafe(32)
    ```
    `secrets.choice`, `secrets.token_hex` and `secrets.randbelow` cover the other cases.

    ## Fix safety
    The fix draws the same kind of value from the operating system's generator: `random.choice` becomes
    `secrets.choice`, `getrandbits` `secrets.randbits`, `randrange(n)` `secrets.randbelow(n)`, `randint(a, b)`
    with literal bounds `a + secrets.randbelow(b - a + 1)`, and the other functions (`sample`, `shuffle`,
    `choices`, `random()` ...) the same method of `secrets.SystemRandom()`; `import secrets` is added once. It is
    safe: every value comes out with the same distribution, only no longer predictable. It is unsafe when the
    module calls `random.seed(...)`: code (a test, a replay) may rely on the seeded sequence, which the fix ends.
    No fix for a method of a `random.Random()` instance you created, or for a call with `*args`/`**options`.

    ## References
    - [Python docs: secrets](https://docs.python.org/3/library/secrets.html)
    - [CWE-338: Use of Cryptographically Weak PRNG](https://cwe.mitre.org/data/definitions/338.html)
    """

    code = "PAT406"
    slug = "insecure-random-for-secret"
    summary = "`random` used to make a token, password, key or code"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (338, 330)
    fix_hint = "use the secrets module (secrets.token_urlsafe, secrets.choice, secrets.randbelow)"
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.SAFE
    bandit = ("B311",)
    ruff = ("S311",)
    node_types = (ast.Call,)
    callees = frozenset(f"random.{name}" for name in _FUNCTIONS) | frozenset(
        f"random.Random().{name}" for name in _FUNCTIONS
    )

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        purpose = _purpose(ctx)
        if purpose is None:
            return
        yield ctx.finding(
            self,
            node,
            f"`{ctx.call_name}` is predictable, but its value becomes `{purpose}`",
            fix=_secrets_fix(node, ctx),
        )


def _secrets_fix(node: ast.Call, ctx: ModuleContext) -> Fix | None:
    name = (ctx.call_name or "").removeprefix("random.")
    if "." in name or has_kwargs_splat(node) or any(isinstance(arg, ast.Starred) for arg in node.args):
        return None  # a method of a Random() instance: it may be seeded on purpose
    editor = ctx.editor
    module = editor.module_reference("secrets", ctx.scope, node)
    if module is None:
        return None
    secrets = module.expression
    edits: list[Edit] = [module.edit] if module.edit is not None else []
    arguments = [editor.source(arg) for arg in node.args]
    if name == "randint" and len(node.args) == 2 and not node.keywords:
        low, high = (ctx.constant(arg) for arg in node.args)
        if type(low) is int and type(high) is int:
            draw = f"{secrets}.randbelow({high - low + 1})"
            operand = isinstance(ctx.parent, (ast.BinOp, ast.UnaryOp, ast.Attribute, ast.Subscript, ast.Compare))
            replacement = draw if low == 0 else f"({low} + {draw})" if operand else f"{low} + {draw}"
            edits.append(editor.replace(node, replacement))
            return _fix(edits, ctx)
    functions = {"choice": "choice", "getrandbits": "randbits"}
    if name == "randrange" and len(node.args) == 1 and not node.keywords:
        edits.append(editor.replace(node, f"{secrets}.randbelow({arguments[0]})"))
    elif name in functions:
        edits.append(editor.replace(node.func, f"{secrets}.{functions[name]}"))
    else:
        edits.append(editor.replace(node.func, f"{secrets}.SystemRandom().{name}"))
    return _fix(edits, ctx)


def _fix(edits: list[Edit], ctx: ModuleContext) -> Fix:
    seeded = any(
        ctx.index.qualified_name(node.func, ctx.index.module_scope) == "random.seed"
        for node in ctx.module.nodes_of(ast.Call)
    )
    applicability = Applicability.UNSAFE if seeded else Applicability.SAFE
    return Fix("Draw it from `secrets` (the operating system's generator)", applicability, tuple(edits))


def _purpose(ctx: ModuleContext) -> str | None:
    """The security-relevant name the random value ends up under, if any."""
    ancestors = ctx.ancestors
    for position in range(len(ancestors) - 2, -1, -1):
        node = ancestors[position]
        child = ancestors[position + 1]
        names: list[str] = []
        if isinstance(node, ast.keyword) and node.arg:
            names = [node.arg]
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if value is child and isinstance(key, ast.Constant) and isinstance(key.value, str):
                    names = [key.value]
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [name for target in targets for name in _target_names(target)]
        elif isinstance(node, ast.Return):
            names = [ctx.scope.function_name]
        for name in names:
            if _security_name(name):
                return name
        if isinstance(node, ast.stmt):
            break
    function = ctx.scope.function_name
    return function if function and _security_name(function) else None


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Attribute):
        return [target.attr]
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
        return [str(target.slice.value)]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    return []


def _security_name(name: str) -> bool:
    parts = set(words(name))
    if parts & _NOT_A_SECRET:
        return False
    if parts & _SECURITY_WORDS:
        return True
    if "key" in parts and parts & KEY_QUALIFIERS:
        return True
    if "session" in parts and parts & {"id", "key", "token"}:
        return True
    return "code" in parts and bool(parts & _CODE_QUALIFIERS)
