"""Inputs built to make an analysis slow: one family per shape that has made (or could make) some pass superlinear.

Each family writes one file of about `size` bytes (under the size cap) whose cost must grow linearly with the
size: long lines, many statements, many assignments to one name, long identifiers with many case changes, many
`|` in a Dockerfile `RUN`, long comments, and so on. `tests/hostile/test_quadratic.py` scans every family at two
sizes and checks the growth; `bench/adversarial_growth.py` prints the time of every family at growing sizes.

Nothing here is secret-shaped in the source: values that look like credentials are built at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bastion.core.notice import NoticeKind
from bastion.core.result import ScanResult

# "Not analysed" notices become findings (BST1xx) once `api/scan.py` maps them: accept either form.
_NOT_ANALYSED_CODES = {NoticeKind.CUT_SHORT: "BST104", NoticeKind.PARSE_ERROR: "BST103"}


def not_analysed(result: ScanResult, kind: NoticeKind) -> list[tuple[str | None, str]]:
    """(path, message) of every notice of `kind`, or of the finding it became."""
    found = [(notice.path, notice.message) for notice in result.notices if notice.kind is kind]
    code = _NOT_ANALYSED_CODES.get(kind)
    found += [(f.location.path, f.message) for f in result.findings if code is not None and f.code == code]
    return found


@dataclass(frozen=True)
class Family:
    name: str
    # Where the file goes, relative to the scanned root: its name decides which rules read it.
    path: str
    build: Callable[[int], str]
    # The families of rules that read this file (what to --select when timing it alone).
    reads: tuple[str, ...]


def _repeat(line: str, size: int, head: str = "", tail: str = "") -> str:
    count = max(1, (size - len(head) - len(tail)) // max(1, len(line)))
    return head + line * count + tail


def _numbered(template: str, size: int, head: str = "", tail: str = "") -> str:
    parts = [head]
    total = len(head) + len(tail)
    index = 0
    while total < size:
        line = template.format(i=index, j=max(0, index - 1))
        parts.append(line)
        total += len(line)
        index += 1
    parts.append(tail)
    return "".join(parts)


def _camel_identifier(length: int) -> str:
    # A case change every character: the worst shape for splitting an identifier into words.
    return "".join("aB"[i % 2] for i in range(max(2, length)))


def _token(length: int) -> str:
    # Random-looking (high entropy), deterministic, not any provider's shape.
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    state = 12345
    chars = []
    for _ in range(length):
        state = (state * 1103515245 + 12345) % (1 << 31)
        chars.append(alphabet[state % len(alphabet)])
    return "".join(chars)


_PY = ("PAT", "TNT", "SEC", "CFG")
_FLASK_HEAD = "import os\nimport subprocess\nfrom flask import Flask, request\napp = Flask(__name__)\n"


FAMILIES: tuple[Family, ...] = (
    # -- Python: long lines --------------------------------------------------------------------------------------
    Family("py-long-string", "mod.py", lambda n: 'value = "' + "a" * n + '"\n', _PY),
    Family("py-long-comment", "mod.py", lambda n: "x = 1  # " + "word " * (n // 5) + "\n", _PY),
    Family(
        "py-long-comment-suppression", "mod.py", lambda n: "x = 1  # bastion: ignore[" + "A," * (n // 2) + "\n", _PY
    ),
    Family("py-long-nosec", "mod.py", lambda n: "x = 1  # nosec " + "B1, " * (n // 4) + "\n", _PY),
    Family("py-long-list", "mod.py", lambda n: "values = [" + "1, " * (n // 3) + "]\n", _PY),
    Family("py-long-call", "mod.py", lambda n: "f(" + "a, " * (n // 3) + ")\n", _PY),
    Family("py-long-concat-literals", "mod.py", lambda n: "value = (" + '"ab" ' * (n // 5) + ")\n", _PY),
    Family("py-long-fstring", "mod.py", lambda n: "value = f'" + "{a}b" * (n // 4) + "'\n", _PY),
    Family("py-long-dict", "mod.py", lambda n: _numbered("'k{i}': {i}, ", n, "settings = {", "}\n"), _PY),
    Family(
        "py-long-identifier",
        "mod.py",
        lambda n: f"{_camel_identifier(n // 2)} = 1\nprint({_camel_identifier(n // 2)})\n",
        _PY,
    ),
    Family(
        "py-long-secret-name",
        "mod.py",
        lambda n: f'{_camel_identifier(n)}_password = "{_token(24)}"\n',
        _PY,
    ),
    Family("py-long-token", "mod.py", lambda n: f'value = "{_token(n)}"\n', _PY),
    Family("py-long-bytes", "mod.py", lambda n: "value = b'" + "\\x00" * (n // 4) + "'\n", _PY),
    Family("py-long-sql", "mod.py", lambda n: 'cursor.execute("SELECT ' + "a, " * (n // 3) + 'b FROM t")\n', _PY),
    # -- Python: many statements -----------------------------------------------------------------------------
    Family("py-many-assignments", "mod.py", lambda n: _numbered("v{i} = {i}\n", n), _PY),
    Family("py-one-name", "mod.py", lambda n: _repeat("x = f(x)\n", n, "x = 0\n"), _PY),
    Family(
        "py-one-name-tainted",
        "mod.py",
        lambda n: _repeat("x = x + '/'\n", n, _FLASK_HEAD + "x = request.args['a']\n", "os.system(x)\n"),
        _PY,
    ),
    Family(
        "py-one-name-in-function",
        "mod.py",
        lambda n: _repeat(
            "    x = x + '/'\n",
            n,
            _FLASK_HEAD + "@app.route('/')\ndef view():\n    x = request.args['a']\n",
            "    os.system(x)\n",
        ),
        _PY,
    ),
    Family(
        "py-many-names-in-function",
        "mod.py",
        lambda n: _numbered(
            "    v{i} = v{j} + request.args['a']\n",
            n,
            _FLASK_HEAD + "@app.route('/')\ndef view():\n    v0 = ''\n",
            "    os.system(v0)\n",
        ),
        _PY,
    ),
    Family(
        "py-many-attributes",
        "mod.py",
        lambda n: _numbered("self.a{i} = self.a{j}\n", n, "class C:\n  def m(self):\n", "").replace(
            "\nself", "\n    self"
        ),
        _PY,
    ),
    Family(
        "py-many-branches",
        "mod.py",
        lambda n: _numbered(
            "    if c{i}:\n        x = x + str(c{i})\n    else:\n        y{i} = x\n",
            n,
            _FLASK_HEAD + "@app.route('/')\ndef view():\n    x = request.args['a']\n",
            "    os.system(x)\n",
        ),
        _PY,
    ),
    Family(
        "py-many-loops",
        "mod.py",
        lambda n: _numbered(
            "    for i{i} in x:\n        x = x + i{i}\n",
            n,
            _FLASK_HEAD + "@app.route('/')\ndef view():\n    x = request.args['a']\n",
            "    os.system(x)\n",
        ),
        _PY,
    ),
    Family(
        "py-many-calls", "mod.py", lambda n: _repeat("subprocess.run(cmd, shell=True)\n", n, "import subprocess\n"), _PY
    ),
    Family("py-call-chain", "mod.py", lambda n: _numbered("def f{i}(a):\n    return f{j}(a)\n", n), _PY),
    Family(
        "py-call-chain-tainted",
        "mod.py",
        lambda n: _numbered(
            "def f{i}(a):\n    return f{j}(a) + a\n",
            n,
            _FLASK_HEAD,
            "@app.route('/')\ndef view():\n    os.system(f9(request.args['a']))\n",
        ),
        _PY,
    ),
    Family(
        "py-many-functions-one-sink",
        "mod.py",
        lambda n: _numbered("def f{i}(a):\n    os.system(a)\n    return g(a)\n", n, _FLASK_HEAD),
        _PY,
    ),
    Family(
        "py-class-chain", "mod.py", lambda n: _numbered("class C{i}(C{j}):\n    pass\n", n, "class C0: pass\n"), _PY
    ),
    Family(
        "py-view-chain",
        "views.py",
        lambda n: _numbered(
            "class V{i}(V{j}):\n    def get(self, request):\n        return HttpResponse(request.GET['a'])\n",
            n,
            "from django.http import HttpResponse\nfrom django.views import View\nclass V0(View): pass\n",
        ),
        _PY,
    ),
    Family(
        "py-many-bases",
        "views.py",
        lambda n: "from django.views import View\nclass V(" + "View, " * (n // 6) + "object):\n    pass\n",
        _PY,
    ),
    Family(
        "py-many-routes",
        "app.py",
        lambda n: _numbered(
            "@app.route('/r{i}', methods=['POST'])\ndef r{i}():\n    return request.args['a']\n", n, _FLASK_HEAD
        ),
        _PY,
    ),
    Family("py-many-imports", "mod.py", lambda n: _numbered("import m{i}\nfrom p{i} import q{i} as r{i}\n", n), _PY),
    Family("py-many-decorators", "mod.py", lambda n: _repeat("@d\n", n, "", "def f():\n    pass\n"), _PY),
    Family("py-many-suppressions", "mod.py", lambda n: _repeat("eval(x)  # bastion: ignore[PAT101]\n", n), _PY),
    Family("py-many-nosec", "mod.py", lambda n: _repeat("eval(x)  # nosec B307\n", n), _PY),
    Family("py-many-secrets", "mod.py", lambda n: _repeat(f'password = "{_token(20)}"\n', n), _PY),
    Family("py-many-globals", "mod.py", lambda n: _numbered("def f{i}():\n    global g\n    g = g + {i}\n", n), _PY),
    Family(
        "py-settings-many",
        "settings.py",
        lambda n: _numbered("SETTING_{i} = 'value'\n", n, "DEBUG = True\nSECRET_KEY = 'x'\n"),
        _PY,
    ),
    Family("py-many-lambdas", "mod.py", lambda n: _repeat("f = lambda a: f(a)\n", n), _PY),
    Family("py-many-try", "mod.py", lambda n: _repeat("try:\n    x = y\nexcept Exception:\n    pass\n", n), _PY),
    # Nesting, as deep as the parser allows, repeated to reach the size.
    Family(
        "py-deep-nesting",
        "mod.py",
        lambda n: _repeat("".join("    " * d + f"if x{d}:\n" for d in range(90)) + "    " * 90 + "y = 1\n", n),
        _PY,
    ),
    Family("py-deep-parens", "mod.py", lambda n: _repeat("x = " + "(" * 180 + "1" + ")" * 180 + "\n", n), _PY),
    Family("py-long-binop", "mod.py", lambda n: _repeat("x = " + "a + " * 900 + "a\n", n), _PY),
    Family("py-long-attribute", "mod.py", lambda n: _repeat("x = a" + ".b" * 900 + "\n", n), _PY),
    # -- text families -------------------------------------------------------------------------------------------
    Family("requirements-long-comment", "requirements.txt", lambda n: "django==4.2  # " + " " * n + "x\n", ("DEP",)),
    Family("requirements-hash-comment", "requirements.txt", lambda n: "#" * n + "\n", ("DEP",)),
    Family("requirements-long-line", "requirements.txt", lambda n: "django" + "[a]" * (n // 3) + "==1\n", ("DEP",)),
    Family(
        "requirements-long-marker",
        "requirements.txt",
        lambda n: "django==1; " + "python_version>'3' and " * (n // 24) + "os_name=='nt'\n",
        ("DEP",),
    ),
    Family("requirements-many-lines", "requirements.txt", lambda n: _numbered("package{i}==1.{i}\n", n), ("DEP",)),
    Family(
        "requirements-continuations",
        "requirements.txt",
        lambda n: _repeat("--hash=sha256:00 \\\n", n, "django==1 \\\n", "\n"),
        ("DEP",),
    ),
    Family(
        "requirements-url",
        "requirements.txt",
        lambda n: "pkg @ https://example.org/" + "a/" * (n // 2) + "p.whl\n",
        ("DEP",),
    ),
    Family(
        "pyproject-many-deps",
        "pyproject.toml",
        lambda n: _numbered('  "package{i}>=1",\n', n, "[project]\nname='x'\ndependencies = [\n", "]\n"),
        ("DEP", "SEC", "CFG"),
    ),
    Family(
        "pyproject-long-string",
        "pyproject.toml",
        lambda n: '[project]\nname = "' + "a" * n + '"\n',
        ("DEP", "SEC", "CFG"),
    ),
    Family(
        "uv-lock-many",
        "uv.lock",
        lambda n: _numbered('[[package]]\nname = "p{i}"\nversion = "1.0"\n', n, "version = 1\n"),
        ("DEP",),
    ),
    Family(
        "dockerfile-pipes", "Dockerfile", lambda n: "FROM python:3.12\nRUN " + "a | " * (n // 4) + "b\n", ("CFG", "SEC")
    ),
    Family(
        "dockerfile-pipes-sh",
        "Dockerfile",
        lambda n: "FROM python:3.12\nRUN curl x " + "| sh " * (n // 5) + "\n",
        ("CFG", "SEC"),
    ),
    Family(
        "dockerfile-continuations",
        "Dockerfile",
        lambda n: _repeat("    a && \\\n", n, "FROM python:3.12\nRUN x && \\\n", "    b\n"),
        ("CFG", "SEC"),
    ),
    Family(
        "dockerfile-many-runs",
        "Dockerfile",
        lambda n: _repeat("RUN curl -s https://x.sh | sh\n", n, "FROM python:3.12\n"),
        ("CFG", "SEC"),
    ),
    Family(
        "dockerfile-long-env",
        "Dockerfile",
        lambda n: "FROM python:3.12\nENV " + "A=b " * (n // 4) + "\n",
        ("CFG", "SEC"),
    ),
    Family(
        "dockerfile-add-url",
        "Dockerfile",
        lambda n: "FROM python:3.12\nADD http://" + "a" * n + " /x\n",
        ("CFG", "SEC"),
    ),
    Family(
        "compose-many",
        "docker-compose.yml",
        lambda n: _numbered("  s{i}:\n    image: x\n    privileged: true\n", n, "services:\n"),
        ("CFG", "SEC"),
    ),
    Family(
        "compose-long-env",
        "docker-compose.yml",
        lambda n: "services:\n  a:\n    environment:\n      - PASSWORD=" + "a" * n + "\n",
        ("CFG", "SEC"),
    ),
    Family(
        "workflow-long-run",
        ".github/workflows/ci.yml",
        lambda n: (
            "on: push\njobs:\n  a:\n    steps:\n      - run: "
            + "echo ${{ github.event.issue.title }} " * (n // 38)
            + "\n"
        ),
        ("CFG", "SEC"),
    ),
    Family(
        "workflow-many-steps",
        ".github/workflows/ci.yml",
        lambda n: _repeat(
            "      - uses: actions/checkout@v4\n", n, "on: pull_request_target\njobs:\n  a:\n    steps:\n"
        ),
        ("CFG", "SEC"),
    ),
    Family("env-long-value", ".env", lambda n: "SECRET_KEY=" + _token(n) + "\n", ("SEC",)),
    Family("env-many-lines", ".env", lambda n: _numbered("KEY_{i}=" + "v" * 12 + "\n", n), ("SEC",)),
    Family("env-long-key", ".env", lambda n: _camel_identifier(n) + "_TOKEN=abc\n", ("SEC",)),
    Family("ini-long-line", "setup.cfg", lambda n: "[s]\npassword = " + "a=" * (n // 2) + "\n", ("SEC", "DEP")),
    Family("json-long-line", "config.json", lambda n: '{"password": "' + "\\u0041" * (n // 6) + '"}\n', ("SEC",)),
    Family("yaml-long-line", "config.yaml", lambda n: "password: " + "'a'" * (n // 3) + "\n", ("SEC",)),
    Family("text-long-line-quotes", "notes.txt", lambda n: "token = " + "\"'" * (n // 2) + "\n", ("SEC",)),
    Family("text-long-equals", "notes.txt", lambda n: "a" + "=" * n + "\n", ("SEC",)),
    Family("text-long-token", "notes.txt", lambda n: "key: " + _token(n) + "\n", ("SEC",)),
    Family("text-long-base64", "notes.txt", lambda n: "data: " + "QUJD" * (n // 4) + "\n", ("SEC",)),
    Family(
        "text-private-key-headers", "notes.txt", lambda n: _repeat("-----BEGIN RSA PRIVATE KEY-----\n", n), ("SEC",)
    ),
    Family("shell-long-line", "deploy.sh", lambda n: "export TOKEN=" + "$(x)" * (n // 4) + "\n", ("SEC",)),
    Family(
        "html-template", "templates/page.html", lambda n: _repeat("{% autoescape off %}{{ x|safe }}", n), ("PAT", "SEC")
    ),
    Family("markdown-long", "README.md", lambda n: "# t\n" + "`a` " * (n // 4) + "\n", ("SEC",)),
    Family(
        "notebook-many-cells",
        "nb.ipynb",
        lambda n: (
            '{"cells": ['
            + ",".join(
                ['{"cell_type": "code", "source": ["x = 1\\n"], "metadata": {}, "outputs": []}'] * max(1, n // 80)
            )
            + '], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
        ),
        ("SEC", "PAT"),
    ),
)


def family(name: str) -> Family:
    for candidate in FAMILIES:
        if candidate.name == name:
            return candidate
    raise KeyError(name)
