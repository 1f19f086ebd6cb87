"""PAT406: the `random` module used for tokens, passwords, keys, nonces or codes."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._naming import KEY_QUALIFIERS, words

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
        yield ctx.finding(self, node, f"`{ctx.call_name}` is predictable, but its value becomes `{purpose}`")


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
