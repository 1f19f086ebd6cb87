"""PAT411: a password-reset or verification code of fewer than six random digits (guessable in a few thousand tries)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext

# Names of what a user proves they received: a reset code, an OTP, a PIN, a verification code.
_CODE_NAME = patterns.compile(
    r"(?i)(?:reset|recovery|verif\w*|confirm\w*|activation|otp|one_?time|sms|phone|email|login|mfa|2fa|auth)"
    r"_?(?:password_?)?(?:code|pin|token|otp)|\b(?:otp|pin|pin_?code|otp_?code)$"
)
_MIN_DIGITS = 6
# Calls that give one random decimal digit: `secrets.randbelow(10)`, `random.randint(0, 9)`, `choice(digits)`.
_DIGIT_CALLS = frozenset({"randbelow", "randint", "randrange", "choice", "choices"})


class ShortResetCode(AstRule):
    """## What it does
    Finds a reset, verification or one-time code (assigned to a name or attribute such as `reset_password_code`,
    `verification_code`, `otp`, `pin`) made of fewer than six random decimal digits: a join over `range(4)` of
    `secrets.randbelow(10)` / `random.randint(0, 9)` / `random.choice(string.digits)`, `random.choices(digits, k=4)`,
    or `randint(1000, 9999)`. Test code is not reported.

    ## Why is this bad?
    Four digits are 10,000 possibilities: a script tries them all in minutes, and takes over the account whose
    reset it started (CWE-640), unless every endpoint that accepts the code counts failed attempts and locks it
    (CWE-307) — which is easy to forget on one of them.

    ## Example
    ```python
    import secrets
    from datetime import datetime, timedelta


    def send_reset_code(user, db):
        user.reset_password_code = "".join(str(secrets.randbelow(10)) for _ in range(4))
        user.reset_password_code_expiry = datetime.now() + timedelta(minutes=15)
        db.commit()
    ```

    ## Use instead
    ```python
    import secrets
    from datetime import datetime, timedelta


    def send_reset_code(user, db):
        user.reset_password_code = secrets.token_urlsafe(32)  # sent as a link, not typed
        user.reset_password_code_expiry = datetime.now() + timedelta(minutes=15)
        db.commit()
    ```
    A code a person types must stay short: then give it at least six digits, a short life, and a small number of
    attempts, counted on the code itself.

    ## References
    - [OWASP: Forgot Password Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html)
    - [CWE-640: Weak Password Recovery Mechanism for Forgotten Password](https://cwe.mitre.org/data/definitions/640.html)
    """

    code = "PAT411"
    slug = "short-reset-code"
    summary = "Reset or verification code of fewer than six random digits"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (640, 307, 330)
    fix_hint = "send a long random token as a link, or use at least six digits with an attempt limit on the code"
    bandit = ()
    ruff = ()
    node_types = (ast.Assign, ast.AnnAssign)

    def check(self, node: ast.Assign | ast.AnnAssign, ctx: ModuleContext) -> Iterator[Finding]:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [_target_name(target) for target in targets]
        if node.value is None or not any(name and _CODE_NAME.search(name) for name in names):
            return
        digits = _random_digits(node.value, ctx)
        if digits is None or digits >= _MIN_DIGITS:
            return
        if is_test_path(ctx.path):
            return
        yield ctx.finding(
            self,
            node.value,
            f"the code is {digits} random digit{'s' if digits > 1 else ''}: {10**digits:,} possibilities, "
            "tried in minutes without a strict attempt limit",
        )


def _target_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return None


def _random_digits(value: ast.expr, ctx: ModuleContext) -> int | None:
    """How many random decimal digits `value` is made of, when it is one of the shapes the rule knows."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "str" and value.args:
        value = value.args[0]
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "join":
        if len(value.args) != 1:
            return None
        joined = value.args[0]
        if isinstance(joined, (ast.GeneratorExp, ast.ListComp)) and len(joined.generators) == 1:
            count = _range_count(joined.generators[0].iter, ctx)
            return count if count is not None and _one_digit(joined.elt, ctx) else None
        if isinstance(joined, ast.Call) and _call_name(joined) == "choices" and _digit_alphabet(joined.args, ctx):
            k = next((kw.value for kw in joined.keywords if kw.arg == "k"), None)
            count = ctx.constant(k)
            return count if isinstance(count, int) else None
        return None
    if isinstance(value, ast.Call) and _call_name(value) in ("randint", "randrange") and len(value.args) == 2:
        low, high = ctx.constant(value.args[0]), ctx.constant(value.args[1])
        if isinstance(low, int) and isinstance(high, int) and 0 < low < high and len(str(low)) == len(str(high)):
            return len(str(high))
    return None


def _range_count(iterable: ast.expr, ctx: ModuleContext) -> int | None:
    if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and len(iterable.args) == 1):
        return None
    count = ctx.constant(iterable.args[0]) if iterable.func.id == "range" else None
    return count if isinstance(count, int) else None


def _one_digit(element: ast.expr, ctx: ModuleContext) -> bool:
    if isinstance(element, ast.Call) and isinstance(element.func, ast.Name) and element.func.id == "str":
        element = element.args[0] if element.args else element
    if not (isinstance(element, ast.Call) and _call_name(element) in _DIGIT_CALLS):
        return False
    name = _call_name(element)
    if name == "randbelow":
        return bool(ctx.constant(element.args[0] if element.args else None) == 10)
    if name in ("randint", "randrange"):
        bounds = [ctx.constant(arg) for arg in element.args]
        return bounds in ([0, 9], [0, 10], [10])
    return _digit_alphabet(element.args, ctx)


def _digit_alphabet(args: list[ast.expr], ctx: ModuleContext) -> bool:
    if not args:
        return False
    alphabet = args[0]
    if isinstance(alphabet, ast.Attribute) and alphabet.attr == "digits":
        return True
    return bool(ctx.constant(alphabet) == "0123456789")


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
