"""CFG206: `set_cookie(...)` without `secure`, `httponly` or `samesite`."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.fix import Applicability, Edit, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.config._cookies import cookie_cwes
from bastion.semantic.calls import has_kwargs_splat, keyword
from bastion.semantic.constants import UNKNOWN

_METHODS = frozenset({"set_cookie", "set_signed_cookie"})
# Cookies that scripts must read by design (double-submit CSRF tokens) are not asked for HttpOnly.
_SCRIPT_READABLE = patterns.compile(r"csrf|xsrf", ignore_case=True)
_TEST_PATH = patterns.compile(r"(^|/)(tests?|testing)/|(^|/)test_[^/]*\.py$|_test\.py$|(^|/)conftest\.py$")
_ASGI_PACKAGES = ("starlette", "fastapi")
# Cookie names that say the cookie proves who the user is or what they may do: high when unprotected. A cookie
# with another known name holds a preference (`theme`, `lang`): low. A name built at run time: medium.
_SENSITIVE = patterns.compile(
    r"sess|token|auth|jwt|sid|uid|ident|user|role|admin|remember|login|access|refresh|api[-_]?key|secret|perm",
    ignore_case=True,
)


class SetCookieWithoutFlags(AstRule):
    """## What it does
    Finds `response.set_cookie(...)` and Django's `set_signed_cookie(...)` called without `secure=True`, without
    `httponly=True` (except for CSRF cookies meant to be read by scripts), or without `samesite` (Starlette's
    default `"lax"` counts). Test code and test clients (`client.set_cookie`) are skipped. Severity follows what
    the cookie holds: high for a session, token, identity or role cookie (`session_id`, `auth_token`, `remember_me`,
    `role`) that scripts can read (no HttpOnly), medium when such a cookie lacks only Secure or SameSite or when the
    name is built at run time, low for a preference (`theme`, `lang`) or another constant value. A cookie whose
    value is a constant yes/no (`set_cookie("is_authorized", "true")`, a UI flag the front end reads) is not
    reported: it holds one public bit, nothing to steal. Each finding names the missing flags and carries their own
    CWEs (Secure 614, HttpOnly 1004, SameSite 1275).

    ## Why is this bad?
    Flask, Werkzeug and Django set none of these flags unless asked. A cookie without `Secure` is sent over plain
    HTTP, without `HttpOnly` it is readable by any injected script, and without `SameSite` it rides along on
    cross-site requests.

    ## Example
    ```python
    from flask import make_response


    def remember(token):
        response = make_response("ok")
        response.set_cookie("token", token)
        return response
    ```

    ## Use instead
    ```python
    from flask import make_response


    def remember(token):
        response = make_response("ok")
        response.set_cookie("token", token, secure=True, httponly=True, samesite="Lax")
        return response
    ```

    ## Fix safety
    The fix passes the missing flags: `secure=True`, `httponly=True`, `samesite="Lax"` (a `False` or `None`
    written there is replaced). It is unsafe: a Secure cookie is no longer sent over plain HTTP (a development
    server without TLS loses its session), an HttpOnly cookie can no longer be read by the page's scripts, and a
    Lax cookie is no longer sent with cross-site POSTs (a payment provider posting back, a form on another
    domain). Check each before applying.

    ## References
    - [Flask: Set-Cookie options](https://flask.palletsprojects.com/en/stable/web-security/#set-cookie-options)
    - [MDN: Set-Cookie](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie)
    - [CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute](https://cwe.mitre.org/data/definitions/614.html)
    - [CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag](https://cwe.mitre.org/data/definitions/1004.html)
    """

    code = "CFG206"
    slug = "set-cookie-without-flags"
    summary = "`set_cookie` without `secure`, `httponly` or `samesite`"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (614, 1004, 1275)
    fix_hint = "pass secure=True, httponly=True and samesite='Lax' (or 'Strict')"
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.UNSAFE
    tags = ("cookies",)
    node_types = (ast.Call,)

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in _METHODS:
            return
        if has_kwargs_splat(node) or len(node.args) > 2 or _TEST_PATH.search(ctx.path):
            return
        receiver = ast.unparse(func.value)
        if "client" in receiver.lower() or _expires_it(node, ctx) or _boolean_flag(node, ctx):
            return
        missing = []
        if not _is_true(keyword(node, "secure"), ctx):
            missing.append("Secure")
        name = ctx.constant(node.args[0]) if node.args else ctx.constant(keyword(node, "key"))
        readable = isinstance(name, str) and bool(_SCRIPT_READABLE.search(name))
        if not readable and not _is_true(keyword(node, "httponly"), ctx):
            missing.append("HttpOnly")
        samesite = keyword(node, "samesite")
        if samesite is None:
            if not _imports_asgi(ctx):
                missing.append("SameSite")
        else:
            value = ctx.constant(samesite)
            if value is None or (isinstance(value, str) and value.lower() == "none"):
                missing.append("SameSite")
        if missing:
            severity = _severity(node, name, missing, ctx)
            what = f"cookie `{name}`" if isinstance(name, str) else "cookie"
            yield ctx.finding(
                self,
                node,
                f"{what} set without {', '.join(missing)}",
                severity=severity,
                fix=_with_flags(node, missing, ctx),
                properties=cookie_cwes(*missing),
            )


def _severity(node: ast.Call, name: object, missing: list[str], ctx: ModuleContext) -> Severity:
    """By what the cookie holds: a constant (a UI flag such as `is_authorized=true`) or a preference (`theme`) is
    low; a session, token, identity or role cookie readable by scripts (no HttpOnly) is high, and medium when only
    Secure or SameSite is missing (HTTPS and browsers' Lax default often cover those); a computed name is medium."""
    value = node.args[1] if len(node.args) > 1 else keyword(node, "value")
    if value is not None and ctx.constant(value) is not UNKNOWN:
        return Severity.LOW
    if not isinstance(name, str):
        return Severity.MEDIUM
    if not _SENSITIVE.search(name):
        return Severity.LOW
    return Severity.HIGH if "HttpOnly" in missing else Severity.MEDIUM


_FLAG_VALUES = {"Secure": ("secure", "True"), "HttpOnly": ("httponly", "True"), "SameSite": ("samesite", '"Lax"')}


def _with_flags(node: ast.Call, missing: list[str], ctx: ModuleContext) -> Fix | None:
    """The missing flags passed: a weak value written there replaced, the others added after the arguments."""
    editor = ctx.editor
    edits: list[Edit] = []
    added: list[str] = []
    for flag in missing:
        name, value = _FLAG_VALUES[flag]
        written = keyword(node, name)
        if written is None:
            added.append(f"{name}={value}")
        elif isinstance(written, ast.Constant):
            edits.append(editor.replace(written, value))
        else:
            return None  # a computed value: someone decides it at run time
    if added:
        edit = editor.add_keyword(node, ", ".join(added))
        if edit is None:
            return None
        edits.append(edit)
    return Fix(f"Set the cookie's {', '.join(missing)} flag(s)", Applicability.UNSAFE, tuple(edits))


_BOOLEAN_WORDS = frozenset({"true", "false", "yes", "no", "on", "off"})


def _boolean_flag(call: ast.Call, ctx: ModuleContext) -> bool:
    """`set_cookie("is_access_token_expired", "true")`: a constant yes/no the front end reads to adjust the page.
    It holds one public bit, nothing to steal or protect (a server that trusted it for access is PAT605's)."""
    value = call.args[1] if len(call.args) > 1 else keyword(call, "value")
    folded = ctx.constant(value) if value is not None else UNKNOWN
    return folded is True or folded is False or (isinstance(folded, str) and folded.lower() in _BOOLEAN_WORDS)


def _expires_it(call: ast.Call, ctx: ModuleContext) -> bool:
    """A cookie set to expire at once (how `delete_cookie` is written) carries nothing to protect."""
    max_age = ctx.constant(keyword(call, "max_age"))
    expires = ctx.constant(keyword(call, "expires"))
    return max_age == 0 or expires == 0 or (isinstance(expires, str) and "1970" in expires)


def _is_true(value: ast.expr | None, ctx: ModuleContext) -> bool:
    if value is None:
        return False
    folded = ctx.constant(value)
    return folded is UNKNOWN or bool(folded)


def _imports_asgi(ctx: ModuleContext) -> bool:
    for statement in ctx.module.tree.body:
        if isinstance(statement, ast.ImportFrom) and (statement.module or "").startswith(_ASGI_PACKAGES):
            return True
        if isinstance(statement, ast.Import) and any(a.name.startswith(_ASGI_PACKAGES) for a in statement.names):
            return True
    return False
