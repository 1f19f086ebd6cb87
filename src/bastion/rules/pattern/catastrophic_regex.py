"""PAT811: a constant regular expression with nested unbounded quantifiers, matched against run-time text."""

from __future__ import annotations

import ast
import string
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext

with warnings.catch_warnings():
    # The parser moved to `re._parser` in 3.11 and kept this name as a deprecated alias; `re._parser` has no stubs.
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants
    import sre_parse

# Functions of `re` and of the `regex` package (same signatures), by the position of the text they search.
_SUBJECT_ARGUMENT = {
    "match": 1,
    "search": 1,
    "fullmatch": 1,
    "findall": 1,
    "finditer": 1,
    "split": 1,
    "sub": 2,
    "subn": 2,
}
_MATCHERS = frozenset(f"{module}.{name}" for module in ("re", "regex") for name in _SUBJECT_ARGUMENT)
_COMPILERS = frozenset({"re.compile", "regex.compile"})
# Regexes longer than this are not parsed (the parser is recursive; a pattern this long is generated, not written).
_MAX_PATTERN = 2_000
_SHOWN = 60
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)


class CatastrophicRegex(AstRule):
    """## What it does
    Finds constant regular expressions (literals, or module constants) compiled with `re.compile` or matched with
    `re.match`, `search`, `fullmatch`, `findall`, `finditer`, `sub`, `subn` or `split` against text that is not a
    constant, where a repetition `+`, `*` or `{n,}` holds another unbounded repetition that can make up a whole
    round of the outer one by itself: `(a+)+`, `(\\w+\\s?)*`, `(?:[a-z]+|-)+`. The same calls of the `regex`
    package count. A mandatory separator between the rounds (`(,\\w+)*`) makes the split unambiguous and is not
    reported; possessive and atomic groups (Python 3.11+) are not repetitions that backtrack. Overlapping
    alternatives (`(a|a)*`) and polynomial cases (`\\d+\\d+$`) are not looked for.

    ## Why is this bad?
    Python's `re` backtracks: on a string that almost matches (`"aaaaaaaaaaaaaaaaaaaaaaaaaaaa!"` for `^(a+)+$`) it
    tries every way of splitting the run between the inner and the outer repetition, 2^n of them. One request of a
    few dozen characters keeps a worker busy for minutes (ReDoS); a handful stop the service.

    ## Example
    ```python
    import re

    USERNAME = re.compile(r"^([a-zA-Z0-9]+\\s?)*$")


    def valid(name):
        return USERNAME.match(name) is not None
    ```

    ## Use instead
    ```python
    import re

    USERNAME = re.compile(r"^[a-zA-Z0-9]+(?: [a-zA-Z0-9]+)*$")


    def valid(name):
        return len(name) <= 64 and USERNAME.match(name) is not None
    ```
    Write each round so it must start with something the previous one cannot end with, bound the input's length,
    or use an engine that does not backtrack (`google-re2`).

    ## References
    - [OWASP: Regular expression Denial of Service](https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS)
    - [Python: re, possessive quantifiers and atomic groups](https://docs.python.org/3/library/re.html#regular-expression-syntax)
    - [CWE-1333: Inefficient Regular Expression Complexity](https://cwe.mitre.org/data/definitions/1333.html)
    """

    code = "PAT811"
    slug = "catastrophic-regex"
    summary = "Regular expression with nested repetition (catastrophic backtracking)"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (1333, 400)
    fix_hint = "make each round of the outer repetition unambiguous, bound the input length, or use google-re2"
    tags = ("dos", "regex")
    node_types = (ast.Call,)
    callees = _MATCHERS | _COMPILERS

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        callee = ctx.call_name or ""
        pattern = _argument(node, 0, "pattern")
        if pattern is None:
            return
        if callee in _MATCHERS:
            subject = _argument(node, _SUBJECT_ARGUMENT[callee.rsplit(".", 1)[1]], "string")
            if subject is None or _is_constant(ctx.constant(subject)):
                return
        value = ctx.constant(pattern)
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if not isinstance(value, str) or len(value) > _MAX_PATTERN:
            return
        if nested_repetition(value):
            shown = value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"
            yield ctx.finding(
                self,
                node,
                f"the pattern {shown!r} repeats a part that itself repeats without bound: on text that almost "
                "matches, backtracking tries exponentially many splits",
            )


def _argument(node: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(node.args) > position and not any(isinstance(a, ast.Starred) for a in node.args[: position + 1]):
        return node.args[position]
    return next((k.value for k in node.keywords if k.arg == keyword), None)


def _is_constant(value: Any) -> bool:
    return isinstance(value, (str, bytes))


def nested_repetition(pattern: str) -> bool:
    """Whether an unbounded repetition has a body that one inner unbounded repetition can fill alone."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(pattern)
        return _find(list(parsed.data))
    except (sre_constants.error, RecursionError, OverflowError, ValueError):
        return False  # not a pattern Python compiles, or nested deeper than is worth walking


def _find(items: list[tuple[Any, Any]]) -> bool:
    for op, av in items:
        if op in _REPEATS and av[1] == sre_constants.MAXREPEAT and _ambiguous(list(av[2])):
            return True
        if any(_find(child) for child in _children(op, av)):
            return True
    return False


def _children(op: Any, av: Any) -> list[list[tuple[Any, Any]]]:
    if op in _REPEATS:
        return [list(av[2])]
    if op == sre_constants.SUBPATTERN:
        return [list(av[3])]
    if op == sre_constants.BRANCH:
        return [list(alternative) for alternative in av[1]]
    return []


def _ambiguous(body: list[tuple[Any, Any]]) -> bool:
    r"""Whether one unbounded repetition of `body` can match a whole round while the rest matches nothing, or a
    round is an unbounded run of characters plus single characters that run could also take
    (`([-.\w]*[0-9a-zA-Z])*`: a string of letters splits into rounds in exponentially many ways)."""
    for index, (op, av) in enumerate(body):
        rest = body[:index] + body[index + 1 :]
        if _overlapping_run(op, av, rest):
            return True
        if not all(_nullable(item) for item in rest):
            continue
        if op in _REPEATS and av[1] == sre_constants.MAXREPEAT:
            return True
        if op == sre_constants.SUBPATTERN and _ambiguous(list(av[3])):
            return True
        if op == sre_constants.BRANCH and any(_ambiguous(list(alternative)) for alternative in av[1]):
            return True
    return False


def _nullable(item: tuple[Any, Any]) -> bool:
    op, av = item
    if op in _REPEATS:
        return bool(av[0] == 0) or all(_nullable(inner) for inner in av[2])
    if op == sre_constants.SUBPATTERN:
        return all(_nullable(inner) for inner in av[3])
    if op == sre_constants.BRANCH:
        return any(all(_nullable(inner) for inner in alternative) for alternative in av[1])
    return bool(op == sre_constants.AT)


# Characters tried when asking whether two one-character matchers share a character.
_PROBES = string.printable + "\u00e9\u00df\u0416\u4e2d\u00a0"


def _overlapping_run(op: Any, av: Any, rest: list[tuple[Any, Any]]) -> bool:
    """`X* Y` (or `Y X*`) where X and Y each match one character and share one: every character Y takes, the run
    could take too. The other items of the round must be nullable or such characters."""
    if op not in _REPEATS or av[1] != sre_constants.MAXREPEAT or len(av[2]) != 1:
        return False
    run = _one_character(av[2][0])
    if run is None:
        return False
    singles = [item for item in rest if not _nullable(item)]
    if not singles:
        return False
    for item in singles:
        single = _one_character(item)
        if single is None or not any(run(char) and single(char) for char in _PROBES):
            return False
    return True


def _one_character(item: tuple[Any, Any]) -> Callable[[str], bool] | None:
    """A predicate for an item that matches exactly one character (a literal, a class, `.`, `\\w`), else None."""
    op, av = item
    if op == sre_constants.LITERAL:
        return lambda char: ord(char) == av
    if op == sre_constants.NOT_LITERAL:
        return lambda char: ord(char) != av
    if op == sre_constants.ANY:
        return lambda char: char != "\n"
    if op == sre_constants.IN:
        return _in_class(list(av))
    return None


def _in_class(members: list[tuple[Any, Any]]) -> Callable[[str], bool] | None:
    negated = bool(members) and members[0][0] == sre_constants.NEGATE
    tests: list[Callable[[str], bool]] = []
    for op, av in members[1:] if negated else members:
        if op == sre_constants.LITERAL:
            tests.append(_code_range(av, av))
        elif op == sre_constants.RANGE:
            tests.append(_code_range(av[0], av[1]))
        elif op == sre_constants.CATEGORY and av in _CATEGORIES:
            tests.append(_CATEGORIES[av])
        else:
            return None
    if negated:
        return lambda char: not any(test(char) for test in tests)
    return lambda char: any(test(char) for test in tests)


def _code_range(low: int, high: int) -> Callable[[str], bool]:
    return lambda char: low <= ord(char) <= high


_CATEGORIES: dict[Any, Callable[[str], bool]] = {
    sre_constants.CATEGORY_DIGIT: lambda char: char.isdigit(),
    sre_constants.CATEGORY_NOT_DIGIT: lambda char: not char.isdigit(),
    sre_constants.CATEGORY_WORD: lambda char: char.isalnum() or char == "_",
    sre_constants.CATEGORY_NOT_WORD: lambda char: not (char.isalnum() or char == "_"),
    sre_constants.CATEGORY_SPACE: lambda char: char.isspace(),
    sre_constants.CATEGORY_NOT_SPACE: lambda char: not char.isspace(),
}
