"""Server-side templates: where they switch escaping off, and what the code renders them with.

Two halves a rule joins by template name:
- in a Jinja2 or Django template, the values written unescaped (`{{ query|safe }}`, `|safeseq`, the variables of an
  `{% autoescape off %}` block), and whether the template renders HTML at all (an e-mail subject, a `.txt` body, a
  template with no markup is not HTML);
- in Python, the calls that render a template by name (`render_template("results.html", query=q)`,
  `render(request, "page.html", {"body": b})`, `TemplateResponse`), which context values come straight from
  the request (a request attribute, a name assigned from one in the same function, a route's path parameter, a
  Django view's URL argument), and which are rows read from the database (`Task.objects.get(pk=task_id)`,
  `get_object_or_404(Task, ...)`, `Task.query.filter_by(...)`: stored data, which users may have written);
- in Python, the model fields written from request data (`task.title = request.POST["title"]`,
  `Task(title=title)` with `title` read from the request): a stored value a user chose.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from bastion.concepts.route_security import fetched_model
from bastion.concepts.sites import callee_name, dotted, last_name, site_of
from bastion.concepts.webfacts import Site
from bastion.core import patterns
from bastion.semantic.index import Scope
from bastion.semantic.module import PythonModule

TEMPLATE_SUFFIXES = frozenset({".jinja", ".jinja2", ".j2"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".djhtml", ".xml", ".txt"})
TEMPLATE_FOLDERS = frozenset({"templates", "template", "jinja2", "jinja", "layouts", "partials", "includes"})
# `{{ value|safe }}`, `{{ items|safeseq }}`; a string literal before the filter is constant markup, not data.
_SAFE_FILTER = patterns.compile(r"\{\{-?\s*(?P<expr>[^}]*?)\|\s*(?P<filter>safe|safeseq)\b[^}]*\}\}")
# Autoescape blocks and the outputs inside them, in one left-to-right pass (no rescanning: linear in the text).
_BLOCK_TOKENS = patterns.compile(
    r"\{%-?\s*autoescape\s+(?P<value>\w+)\s*-?%\}|\{%-?\s*(?P<end>endautoescape)\s*-?%\}"
    r"|\{\{-?\s*(?P<expr>[^}]*?)\s*-?\}\}",
    ignore_case=True,
)
_FOR = patterns.compile(r"\{%-?\s*for\s+(?P<names>[\w\s,]+?)\s+in\s+(?P<iterable>[^%]+?)\s*-?%\}")
_ROOT = patterns.compile(r"^\s*\(?\s*(?P<name>[A-Za-z_]\w*)")
_MARKUP = patterns.compile(r"<(?:[A-Za-z][\w:-]*|!DOCTYPE|/[A-Za-z])[\s>/]")
# Templates that render text, not a page: mail subjects and plain bodies, SMS and push texts.
_TEXT_NAMES = patterns.compile(r"(?i)subject|(?:^|[-_.])(?:text|txt|plain|sms|push)(?:[-_.]|$)")
_REQUEST_ATTRIBUTES = frozenset(
    {
        "args",
        "form",
        "values",
        "json",
        "data",
        "get_json",
        "GET",
        "POST",
        "query_params",
        "path_params",
        "cookies",
        "COOKIES",
        "headers",
        "files",
        "FILES",
        "META",
        "environ",
        "body",
    }
)
_RENDER_CALLS = frozenset(
    {"render_template", "render", "render_to_string", "render_to_response", "TemplateResponse", "stream_template"}
)
_MAX_DEPTH = 32
_MODEL_MODULES = frozenset({"models", "model", "entities"})
_ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route"})


@dataclass(frozen=True, slots=True)
class UnescapedOutput:
    line: int
    column: int
    kind: str  # "safe", "safeseq" or "autoescape"
    expression: str  # what the filter applies to ("" for an autoescape block)
    variables: tuple[str, ...]  # context variables it reads (loop variables mapped to what they loop over)
    # The expressions written unescaped, each with its loop variable replaced by what it loops over
    # (`t.title` in `{% for t in tasks %}` is `tasks.title`), filters included (`note.text|escape`).
    expressions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TemplateOutputs:
    path: str
    renders_html: bool
    outputs: tuple[UnescapedOutput, ...]


@dataclass(frozen=True, slots=True)
class StoredValue:
    """A context key bound to a row (or rows) read from the database, and the model it was read from."""

    key: str
    model: str


@dataclass(frozen=True, slots=True)
class RenderCall:
    template: str
    site: Site
    request_variables: tuple[str, ...]  # context keys bound to request data
    stored_values: tuple[StoredValue, ...] = ()  # context keys bound to database rows


@dataclass(frozen=True, slots=True)
class WrittenField:
    """A model field the code writes from request data: `Task(title=title)`, `task.title = request.POST[...]`."""

    model: str
    field: str
    site: Site


def is_template_file(rel: str) -> bool:
    """Jinja2 files anywhere; HTML and text files under a templates folder."""
    name = rel.rsplit("/", 1)[-1]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in TEMPLATE_SUFFIXES:
        return True
    if suffix not in HTML_SUFFIXES:
        return False
    return any(folder.lower() in TEMPLATE_FOLDERS for folder in rel.split("/")[:-1])


def unescaped_outputs(rel: str, text: str) -> TemplateOutputs | None:
    if "safe" not in text and "autoescape" not in text:
        return None
    loops: dict[str, str] = {}
    for match in _FOR.finditer(text):
        root = _root(match.group("iterable"))
        for name in match.group("names").replace(",", " ").split():
            if root:
                loops[name] = root
    outputs: list[UnescapedOutput] = []
    # Open autoescape blocks, innermost last: (line, column, escaping off?, expressions written inside).
    blocks: list[tuple[int, int, bool, dict[str, None]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _SAFE_FILTER.finditer(line):
            expression = match.group("expr").strip()
            if _is_string_literal(expression):
                continue
            root = _root(expression)
            variables: tuple[str, ...] = (loops.get(root, root),) if root else ()
            outputs.append(
                UnescapedOutput(
                    number,
                    match.start() + 1,
                    match.group("filter"),
                    expression,
                    variables,
                    (_through_loops(expression, loops),),
                )
            )
        for match in _BLOCK_TOKENS.finditer(line):
            if match.group("value") is not None:
                off = match.group("value").lower() in ("off", "false")
                blocks.append((number, match.start() + 1, off, {}))
            elif match.group("end") is not None:
                if blocks:
                    _close_block(blocks.pop(), outputs)
            elif blocks and _root(match.group("expr") or ""):
                blocks[-1][3][_through_loops(match.group("expr").strip(), loops)] = None
    while blocks:
        _close_block(blocks.pop(), outputs)
    outputs.sort(key=lambda output: (output.line, output.column))
    if not outputs:
        return None
    name = rel.rsplit("/", 1)[-1]
    renders_html = not name.lower().endswith(".txt") and not _TEXT_NAMES.search(name) and bool(_MARKUP.search(text))
    return TemplateOutputs(rel, renders_html, tuple(outputs))


def _is_string_literal(expression: str) -> bool:
    """`'<br>'` or `"<hr>"`: a quoted constant, which no user can change."""
    text = expression.strip()
    return len(text) >= 2 and text[0] in "'\"" and text[-1] == text[0]


def _root(expression: str) -> str | None:
    match = _ROOT.match(expression)
    return match.group("name") if match else None


def _through_loops(expression: str, loops: dict[str, str]) -> str:
    """`t.title` read in `{% for t in tasks %}` is `tasks.title`: loop variables renamed to what they loop over."""
    root = _root(expression)
    if root is None or root not in loops:
        return expression
    start = expression.index(root)
    return expression[:start] + loops[root] + expression[start + len(root) :]


def _close_block(block: tuple[int, int, bool, dict[str, None]], outputs: list[UnescapedOutput]) -> None:
    line, column, off, expressions = block
    if off:
        variables = tuple(dict.fromkeys(root for e in expressions if (root := _root(e))))
        outputs.append(UnescapedOutput(line, column, "autoescape", "", variables, tuple(expressions)))


def find_render_calls(module: PythonModule) -> list[RenderCall]:
    index = module.index
    found: list[RenderCall] = []
    for function in module.nodes_of(ast.FunctionDef, ast.AsyncFunctionDef):
        scope = index.scope_chain(function)
        own = _shared_own_nodes(module, function)
        tainted = _request_names(function, own, is_view=_is_django_view(function, module))
        dicts = _dict_names(own)
        stored: dict[str, str] | None = None
        for node in own:
            if not isinstance(node, ast.Call) or last_name(callee_name(node, scope, index)) not in _RENDER_CALLS:
                continue
            template, context = _template_and_context(node, dicts)
            if template is None:
                continue
            if stored is None:
                stored = _stored_names(own, scope, module)
            request_variables = tuple(key for key, value in context if _from_request(value, tainted))
            stored_values = tuple(
                StoredValue(key, stored[value.id])
                for key, value in context
                if isinstance(value, ast.Name) and value.id in stored and key not in request_variables
            )
            found.append(RenderCall(template, site_of(node, module), request_variables, stored_values))
    return found


def find_written_fields(module: PythonModule, *, assigned_only: bool = False) -> list[WrittenField]:
    """Model fields written from request data in one function: `Task(title=title, ...)`, `Task.objects.create(
    title=...)` and `task.title = title` where `task` was read from the `Task` model in the same function
    (`assigned_only`: only the last kind, which no constructor of the model can transform on the way)."""
    index = module.index
    found: list[WrittenField] = []
    for function in module.nodes_of(ast.FunctionDef, ast.AsyncFunctionDef):
        own = _shared_own_nodes(module, function)
        tainted = _request_names(function, own, is_view=_is_django_view(function, module))
        if not tainted and not any(_is_request_read(node) or _binds_form(node) for node in own):
            continue
        scope = index.scope_chain(function)
        models = _stored_names(own, scope, module)
        for node in own:
            if isinstance(node, ast.Call) and not assigned_only:
                model = _constructed_model(node, scope, module)
                if model is not None:
                    found.extend(
                        WrittenField(model, keyword.arg, site_of(node, module))
                        for keyword in node.keywords
                        if keyword.arg is not None and _from_request(keyword.value, tainted)
                    )
            elif isinstance(node, ast.Assign) and _from_request(node.value, tainted):
                found.extend(
                    WrittenField(models[target.value.id], target.attr, site_of(node, module))
                    for target in node.targets
                    if isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in models
                )
    return found


def _constructed_model(call: ast.Call, scope: Scope, module: PythonModule) -> str | None:
    """`Task(...)` of a project class, `Task.objects.create(...)`: the model a new row is made of."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in ("create", "get_or_create", "update_or_create"):
        if isinstance(func.value, ast.Attribute) and func.value.attr == "objects":
            return module.index.qualified_name(func.value.value, scope) or dotted(func.value.value)
        return None
    if isinstance(func, ast.Name) and func.id[:1].isupper() and call.keywords and not call.args:
        name = module.index.qualified_name(func, scope) or func.id
        return name if "." not in name or name.startswith(module.name + ".") or _from_models_module(name) else None
    return None


def _from_models_module(name: str) -> bool:
    """`models.Note`, `app.models.user.User`: a class imported from the project's models package."""
    return any(part in _MODEL_MODULES for part in name.split(".")[:-1])


def _stored_names(own: list[ast.AST], scope: Scope, module: PythonModule) -> dict[str, str]:
    """Names assigned a database read in this function, with the model read: `task = Task.objects.get(pk=i)`,
    `tasks = Task.objects.filter(...)`, `note = get_object_or_404(Note, pk=i)`, `post = Post.query.get(i)`."""
    found: dict[str, str] = {}
    for node in own:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        name = callee_name(node.value, scope, module.index)
        last = last_name(name)
        if not (".objects." in name or ".query." in name or last.endswith("_or_404")):
            continue
        model = fetched_model(node.value, scope, module.index)
        if model is None:
            continue
        for target in node.targets:
            if isinstance(target, ast.Name):
                found[target.id] = model
    return found


def _is_django_view(function: ast.FunctionDef | ast.AsyncFunctionDef, module: PythonModule) -> bool:
    """A module-level function of a `views` module whose first parameter is `request`: Django passes the URL's
    captured values as its other arguments."""
    arguments = function.args.args
    return (
        bool(arguments)
        and arguments[0].arg == "request"
        and function in module.tree.body
        and "views" in module.name.rsplit(".", 1)[-1]
    )


def _dict_names(own: list[ast.AST]) -> dict[str, ast.expr]:
    """Names assigned a dict display in this function (`env = {"qs": q}`), the context a render call may name."""
    found: dict[str, ast.expr] = {}
    for node in own:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, (ast.Dict, ast.Call))
        ):
            found[node.targets[0].id] = node.value
    return found


def _template_and_context(call: ast.Call, dicts: dict[str, ast.expr]) -> tuple[str | None, list[tuple[str, ast.expr]]]:
    """`render_template("t.html", a=x)`, `render(request, "t.html", {"a": x})`, `TemplateResponse("t.html", {...})`,
    `render(request, "t.html", env)` with `env` a dict built in the same function."""
    template = None
    context: list[tuple[str, ast.expr]] = []
    for position, argument in enumerate(call.args):
        if template is None and isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            template = argument.value
            if position + 1 < len(call.args):
                context.extend(_dict_items(call.args[position + 1], dicts))
    for keyword in call.keywords:
        if keyword.arg in ("template_name", "name") and isinstance(keyword.value, ast.Constant):
            template = str(keyword.value.value)
        elif keyword.arg == "context":
            context.extend(_dict_items(keyword.value, dicts))
        elif keyword.arg is not None:
            context.append((keyword.arg, keyword.value))
    return template, context


def _dict_items(node: ast.expr, dicts: dict[str, ast.expr]) -> list[tuple[str, ast.expr]]:
    if isinstance(node, ast.Name) and node.id in dicts:
        node = dicts[node.id]
    if isinstance(node, ast.Dict):
        return [
            (key.value, value)
            for key, value in zip(node.keys, node.values, strict=True)
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
        ]
    if isinstance(node, ast.Call) and dotted(node.func) == "dict":
        return [(k.arg, k.value) for k in node.keywords if k.arg is not None]
    return []


_STRING_METHODS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "title", "format", "replace", "join"})


def _is_request_read(node: ast.AST) -> bool:
    """`request.args`, `request.form`, `self.request.GET` ... (the mapping or value itself)."""
    if isinstance(node, ast.Attribute) and node.attr in _REQUEST_ATTRIBUTES:
        base = dotted(node.value) or ""
        return base == "request" or base.endswith(".request")
    return False


def _shared_own_nodes(module: PythonModule, function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """`_own_nodes(function)`, gathered once per file for both template collectors (the list is shared)."""
    known: dict[int, list[ast.AST]] = module.derived("templates.own_nodes", lambda _: {})
    own = known.get(id(function))
    if own is None:
        own = known[id(function)] = _own_nodes(function)
    return own


def _own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """The nodes of a function's body, not those of the functions and classes defined inside it (each is visited on
    its own: walking them again from every enclosing function would cost the nesting depth times the size)."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        found.append(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return found


def _request_names(
    function: ast.FunctionDef | ast.AsyncFunctionDef, own: list[ast.AST], *, is_view: bool = False
) -> set[str]:
    """Names that hold request data in `function`: a route's path parameters (a Django view's URL arguments), and
    names assigned from a request read or from another such name (two rounds, in source order)."""
    names: set[str] = set()
    decorators = {last_name(dotted(d.func if isinstance(d, ast.Call) else d) or "") for d in function.decorator_list}
    if decorators & _ROUTE_DECORATORS or is_view:
        names.update(a.arg for a in function.args.args if a.arg not in ("self", "request", "cls"))
    assignments = [node for node in own if isinstance(node, (ast.Assign, ast.AnnAssign))]
    assignments.sort(key=lambda node: (node.lineno, node.col_offset))
    for _ in range(2):
        for node in assignments:
            value = node.value
            if value is None or not _from_request(value, names):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(name for target in targets for name in _bound_names(target))
    return names


def _binds_form(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _is_form_class(node.func)


def _is_form_class(func: ast.expr) -> bool:
    name = last_name(dotted(func) or "")
    return name.endswith("Form") and name != "Form" and name[:1].isupper()


def _bound_names(target: ast.expr) -> list[str]:
    """The names an assignment binds: `a`, `a, b`, `*rest`; not the object of `card.heading = ...`."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _bound_names(element)]
    if isinstance(target, ast.Starred):
        return _bound_names(target.value)
    return []


def _from_request(node: ast.AST | None, names: set[str], depth: int = 0) -> bool:
    """Whether `node` is request data passed on as it is or as text built from it: a request read, a name that
    holds one, an item or attribute of one, a string method or an f-string over one. What a call makes of request
    data (a database row looked up by it) is not request data. Deeper than `_MAX_DEPTH` is not followed."""
    if node is None or depth > _MAX_DEPTH:
        return False
    if isinstance(node, ast.Name):
        return node.id in names
    if _is_request_read(node):
        return True
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        return _from_request(node.value, names, depth + 1)
    if isinstance(node, ast.Call):
        func = node.func
        if _is_request_read(func):
            return True  # request.get_json()
        if isinstance(func, ast.Attribute) and (func.attr in ("get", "getlist") or func.attr in _STRING_METHODS):
            return _from_request(func.value, names, depth + 1) or (
                func.attr in _STRING_METHODS and any(_from_request(a, names, depth + 1) for a in node.args)
            )
        if _is_form_class(func):
            # A form bound to the submitted data: `NoteForm(request.form)`, Flask-WTF's `NoteForm()` (which reads
            # the request itself); its fields' `.data` are what the client sent.
            return not node.args or _from_request(node.args[0], names, depth + 1)
        return dotted(func) == "str" and any(_from_request(a, names, depth + 1) for a in node.args)
    if isinstance(node, (ast.JoinedStr, ast.FormattedValue, ast.BinOp, ast.BoolOp, ast.IfExp)):
        return any(
            _from_request(child, names, depth + 1)
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.expr)
        )
    return False
