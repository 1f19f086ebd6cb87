"""What a route handler does that CSRF is about: whether it changes state, and whether it authenticates the caller
by a header (an API key, a bearer token) rather than by the browser's cookie.

CSRF makes a victim's browser send a request with the victim's cookie. A handler that changes nothing (a health
check, a read-only listing) gives the attacker nothing, and one that authenticates by a header the browser does not
add on its own cannot be forged that way. Both are read from the handler's body only, conservatively: a handler
is read-only only when it stores into no attribute or item (`request.session["cart"] = ...`, `order.paid = True`)
and every call it makes is known to only read or answer (rendering, ORM reads, lookups, conversions, logging); a
writing call (`save`, `delete`, `send_mail`) or any call to a project's own helper counts as a change of state.
"""

from __future__ import annotations

import ast

from bastion.concepts.sites import dotted, walk_body
from bastion.core import patterns

# Calls known to only read or answer: rendering and responses, ORM and SQL reads, lookups, conversions, logging.
# Any other call may write (a project's helper included), so a handler is read-only only when all its calls are
# among these.
_READ_ONLY = frozenset(
    {
        "render", "render_to_response", "render_to_string", "render_template", "render_template_string",
        "TemplateResponse", "JsonResponse", "HttpResponse", "HttpResponseRedirect", "HttpResponseBadRequest",
        "HttpResponseForbidden", "HttpResponseNotFound", "HttpResponseNotAllowed", "Http404", "Response",
        "PlainTextResponse", "HTMLResponse", "jsonify", "make_response", "abort", "redirect", "reverse", "url_for",
        "get_object_or_404", "get_list_or_404", "get", "getlist", "filter", "filter_by", "exclude", "all", "values",
        "values_list", "first", "last", "count", "exists", "order_by", "select_related", "prefetch_related", "only",
        "defer", "distinct", "annotate", "aggregate", "query", "scalar", "scalars", "scalar_one",
        "scalar_one_or_none", "one", "one_or_none", "fetchone", "fetchall", "paginate", "get_page", "page", "len",
        "str", "int", "float", "bool", "list", "dict", "tuple", "sorted", "min", "max", "sum", "any", "range",
        "enumerate", "zip", "isinstance", "getattr", "hasattr", "format", "strip", "lower", "upper", "split",
        "join", "startswith", "endswith", "items", "keys", "dumps", "loads", "escape", "gettext", "_", "now",
        "today", "isoformat", "strftime", "get_json", "is_authenticated", "has_perm", "compare_digest", "hexdigest",
        "digest", "new", "sha256", "encode", "decode", "debug", "info", "warning", "error", "exception", "Q", "F",
        "Count", "Sum",
    }
)  # fmt: skip
# Header names that carry a credential: `Authorization`, `X-Api-Key`, `X-Auth-Token`, `HTTP_AUTHORIZATION`.
_CREDENTIAL_HEADER = patterns.compile(r"(?i)authorization|api[-_]?key|token|secret|signature")


def changes_state(body: list[ast.stmt]) -> bool:
    """Whether the handler may change state: a store into an attribute or an item, or any call not known to only
    read (a project's helper may write)."""
    for node in walk_body(body):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            if any(isinstance(target, (ast.Attribute, ast.Subscript)) for target in targets):
                return True
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name not in _READ_ONLY:
                return True
    return False


def authenticates_by_header(body: list[ast.stmt], request_name: str) -> bool:
    """Whether the handler reads a credential from a request header (`request.headers.get("X-Api-Key")`,
    `request.META["HTTP_AUTHORIZATION"]`): its caller proves who it is without the browser's cookie."""
    for node in walk_body(body):
        if not isinstance(node, (ast.Subscript, ast.Call)):
            continue
        if isinstance(node, ast.Subscript):
            container, key = node.value, node.slice
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
            container, key = node.func.value, node.args[0]
        else:
            continue
        where = dotted(container) or ""
        if where not in (f"{request_name}.headers", f"{request_name}.META"):
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and _CREDENTIAL_HEADER.search(key.value):
            return True
    return False


# A keyword that looks a row up by a secret (`webhook_token=token`, `secret=key`): the URL itself is the credential.
_SECRET_KEYWORD = patterns.compile(r"(?i)(^|_)(token|secret|key|hook_id)$")


def authenticates_by_url_secret(body: list[ast.stmt], parameters: tuple[str, ...]) -> bool:
    """Whether the handler finds what it acts for by a secret from its own URL (`get_object_or_404(Bot,
    webhook_token=token)` with `token` a path parameter): a capability URL, as webhooks are made; whoever knows it
    calls it directly, and the browser's cookie adds nothing a forged request could use."""
    for node in walk_body(body):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if (
                keyword.arg
                and _SECRET_KEYWORD.search(keyword.arg)
                and isinstance(keyword.value, ast.Name)
                and keyword.value.id in parameters
            ):
                return True
    return False
