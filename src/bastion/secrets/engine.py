"""Find secrets in lines of text: provider shapes, private keys, then names and entropy; filter; de-duplicate.

1. One RE2 pass over the whole text finds every provider keyword (`ghp_`, `AKIA`, `xox` …). Only lines with a
   keyword run the matching detectors' patterns: most lines cost nothing beyond that pass.
2. Private keys (multi-line) start on lines holding `private key` / `PuTTY-User-Key-File`.
3. By file kind, generic candidates: `key = value` pairs with a secret-like key in config files (SEC203),
   Python-looking literals given to secret-like names where no syntax tree is used (SEC201's line form:
   notebooks, git history), and random-looking tokens near a secret-like name anywhere else (SEC204).
4. Each candidate goes through the named filters (`filters.judge`); then one finding per secret per place:
   a provider hit beats a generic hit on the same value, an AWS secret key absorbs its nearby key id.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from bastion.core import patterns
from bastion.core.severity import Confidence, Severity
from bastion.secrets import detectors as codes
from bastion.secrets.assignments import Assignment, config_assignments, python_line_assignments
from bastion.secrets.detectors import PAIR_DISTANCE, Detector
from bastion.secrets.entropy import looks_random
from bastion.secrets.filekinds import CONFIG_KINDS, TextKind
from bastion.secrets.filters import Candidate, Verdict, judge
from bastion.secrets.names import is_password_name, is_secret_name, split_words
from bastion.secrets.private_keys import KEYWORDS as PRIVATE_KEY_KEYWORDS
from bastion.secrets.private_keys import find_private_keys
from bastion.secrets.providers import DETECTORS
from bastion.secrets.validators import URL_DEFAULT_PAIR_NOTE, Check

_PRIVATE_KEY_SLOT = -1


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """One secret at one place. `line` is 1-based; `start`/`end` the span on that line to redact (0-based)."""

    code: str
    detector: str
    title: str
    value: str
    line: int
    start: int
    end: int
    severity: Severity
    confidence: Confidence
    name: str = ""
    note: str = ""


# -- keyword prefilter -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _KeywordIndex:
    regex: object
    sensitive: dict[str, tuple[int, ...]]
    insensitive: dict[str, tuple[int, ...]]

    def slots(self, hit: str) -> tuple[int, ...]:
        return self.sensitive.get(hit) or self.insensitive.get(hit.lower(), ())


def _build_keyword_index(detectors: Sequence[Detector]) -> _KeywordIndex:
    sensitive: dict[str, list[int]] = {}
    insensitive: dict[str, list[int]] = {}
    for slot, detector in enumerate(detectors):
        for keyword in detector.keywords:
            if detector.case_sensitive:
                sensitive.setdefault(keyword, []).append(slot)
            else:
                insensitive.setdefault(keyword.lower(), []).append(slot)
    for keyword in PRIVATE_KEY_KEYWORDS:
        insensitive.setdefault(keyword, []).append(_PRIVATE_KEY_SLOT)
    parts = []
    if insensitive:
        words = sorted(insensitive, key=len, reverse=True)
        parts.append("(?i:" + "|".join(patterns.escape(word) for word in words) + ")")
    if sensitive:
        parts.append("|".join(patterns.escape(word) for word in sorted(sensitive, key=len, reverse=True)))
    return _KeywordIndex(
        patterns.compile("|".join(parts)),
        {key: tuple(value) for key, value in sensitive.items()},
        {key: tuple(value) for key, value in insensitive.items()},
    )


_PROVIDER_INDEX = _build_keyword_index(DETECTORS)
# Lines that may give a secret-like name a value (generic detection).
_GENERIC_KEYWORDS = patterns.compile(r"(?i)pass|pwd|secret|token|key|cred|auth|bearer")


def _lines_with(regex: object, text: str) -> dict[int, list[str]]:
    """0-based line index -> the keyword hits on it, for one pass of `regex` over `text`."""
    found: dict[int, list[str]] = {}
    line = 0
    position = 0
    for match in regex.finditer(text):  # type: ignore[attr-defined]
        start = match.start()
        line += text.count("\n", position, start)
        position = start
        found.setdefault(line, []).append(match.group())
    return found


# -- provider shapes -------------------------------------------------------------------------------------------


def _provider_matches(lines: Sequence[str], text: str, path: str, validate: bool = True) -> list[SecretMatch]:
    matches: list[SecretMatch] = []
    key_lines: list[int] = []
    for index, hits in _lines_with(_PROVIDER_INDEX.regex, text).items():
        slots = {slot for hit in hits for slot in _PROVIDER_INDEX.slots(hit)}
        if _PRIVATE_KEY_SLOT in slots:
            key_lines.append(index)
            slots.discard(_PRIVATE_KEY_SLOT)
        line = lines[index]
        for slot in sorted(slots):
            matches.extend(_run_detector(DETECTORS[slot], line, index + 1, path, validate))
    matches.extend(_private_key_matches(lines, key_lines, text, path))
    return _pair_aws(matches)


def _run_detector(detector: Detector, line: str, number: int, path: str, validate: bool) -> Iterable[SecretMatch]:
    group = detector.secret_group
    for match in detector.compiled.finditer(line):
        value = match.group(group)
        if not value:
            continue
        severity, note = detector.severity, ""
        if detector.check is not None and validate:
            outcome = detector.check(value)
            if outcome is Check.INVALID:
                continue
            if outcome is Check.WEAK:
                severity, note = Severity.LOW, "expired"
        verdict, reason = judge(Candidate(value, generic=False, line=line, path=path))
        if verdict is Verdict.DROP:
            continue
        if detector.weak_context is not None and severity is Severity.HIGH:
            weak = detector.weak_context(match)
            if weak is not None:
                severity, note = weak
        if detector.test_key:
            note = note or "test-mode key"
        if verdict is Verdict.LOW:
            severity, note = Severity.LOW, note or reason
        yield SecretMatch(
            detector.code,
            detector.name,
            detector.title,
            value,
            number,
            match.start(group),
            match.end(group),
            severity,
            detector.confidence,
            note=note,
        )


def _pair_aws(matches: list[SecretMatch]) -> list[SecretMatch]:
    """An AWS secret key near its key id is one finding, critical; a secret that needs an id and has none goes."""
    ids = [m for m in matches if m.detector == "aws-access-key-id"]
    if not any(m.detector.startswith("aws-secret") for m in matches):
        return matches
    result: list[SecretMatch] = []
    absorbed: set[int] = set()
    for match in matches:
        if not match.detector.startswith("aws-secret"):
            continue
        near = [m for m in ids if abs(m.line - match.line) <= PAIR_DISTANCE]
        needs_id = match.detector == "aws-secret-access-key-near-id"
        if needs_id and not near:
            continue
        if near:
            absorbed.update(id(m) for m in near)
            severity = Severity.LOW if match.severity is Severity.LOW else Severity.CRITICAL
            note = match.note or f"with its access key id on line {near[0].line}"
            match = replace(match, detector="aws-secret-access-key", severity=severity, note=note)
        result.append(match)
    result.extend(m for m in matches if not m.detector.startswith("aws-secret") and id(m) not in absorbed)
    return result


def _private_key_matches(lines: Sequence[str], key_lines: Sequence[int], text: str, path: str) -> list[SecretMatch]:
    found = []
    service_account = '"service_account"' in text and '"private_key"' in text
    for block in find_private_keys(lines, key_lines):
        verdict, reason = judge(Candidate(block.value, generic=False, line=lines[block.line - 1], path=path))
        if verdict is Verdict.DROP:
            continue
        kind = f"{block.kind} " if block.kind and block.kind != "ENCRYPTED" else ""
        title = "Google service-account private key" if service_account else f"{kind}private key"
        severity = Severity.MEDIUM if block.encrypted else Severity.CRITICAL
        note = "passphrase-protected" if block.encrypted else ""
        if verdict is Verdict.LOW:
            severity, note = Severity.LOW, reason
        found.append(
            SecretMatch(
                codes.PRIVATE_KEY_CODE,
                "google-service-account" if service_account else "private-key",
                title.strip(),
                block.value,
                block.line,
                block.start,
                block.end,
                severity,
                Confidence.HIGH,
                note=note,
            )
        )
    return found


# -- generic candidates ----------------------------------------------------------------------------------------

_TOKEN = patterns.compile(r"(?:^|[^A-Za-z0-9+/_\-=])(?P<token>[A-Za-z0-9+/_\-]{16,}={0,2})")
_IDENTIFIER = patterns.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_AUTH_SCHEME = patterns.compile(r"(?i)(?:bearer|basic|token|apikey)\s+$")
_NEAR = 80
# Generic detection skips longer lines (minified code, data blobs); provider shapes still run on them.
MAX_GENERIC_LINE = 4000


def _generic_value(
    code: str, detector: str, title: str, pair: Assignment, number: int, line: str, path: str
) -> SecretMatch | None:
    if not is_secret_name(pair.name):
        return None
    value = pair.value.strip()
    if value.lower().startswith(("bearer ", "basic ", "token ")):
        scheme = value.split(None, 1)
        offset = pair.value.find(scheme[1]) if len(scheme) == 2 else 0
        value, pair = scheme[-1], Assignment(pair.name, scheme[-1], pair.start + offset, pair.end)
    verdict, reason = judge(Candidate(value, generic=True, name=pair.name, line=line, path=path))
    if verdict is Verdict.DROP:
        return None
    random_looking = looks_random(value)
    severity = Severity.HIGH if random_looking else Severity.MEDIUM
    confidence = Confidence.HIGH if random_looking else Confidence.MEDIUM
    note = ""
    if verdict is Verdict.LOW:
        severity, note = Severity.LOW, reason
    what = "password" if is_password_name(pair.name) else title
    return SecretMatch(
        code, detector, what, value, number, pair.start, pair.start + len(value), severity, confidence, pair.name, note
    )


def _assignment_matches(
    lines: Sequence[str], candidate_lines: Iterable[int], kind: TextKind, path: str, python_lines: bool
) -> list[SecretMatch]:
    found = []
    for index in candidate_lines:
        line = lines[index]
        if len(line) > MAX_GENERIC_LINE:
            continue
        if python_lines:
            pairs: Iterable[Assignment] = python_line_assignments(line)
            code, detector = codes.PYTHON_LITERAL_CODE, "python-literal"
        else:
            pairs = config_assignments(line, kind)
            code, detector = codes.CONFIG_VALUE_CODE, "config-value"
        for pair in pairs:
            # Without a syntax tree, a Python `SECRET_KEY = "…"` still belongs to SEC202.
            pair_code = codes.FRAMEWORK_SECRET_KEY_CODE if python_lines and pair.name.upper() == "SECRET_KEY" else code
            match = _generic_value(pair_code, detector, "secret", pair, index + 1, line, path)
            if match is not None:
                found.append(match)
    return found


# A value repeated from one of these keys within `_DEFAULT_PAIR_LINES` lines is a default pair: `POSTGRES_USER: shop`
# next to `POSTGRES_PASSWORD: shop`, `MARIADB_DATABASE` next to `MARIADB_ROOT_PASSWORD`.
_IDENTITY_WORDS = frozenset({"user", "username", "login", "db", "database", "dbname"})
_DEFAULT_PAIR_LINES = 8
DEFAULT_PAIR_NOTE = "default-credentials"


def _mark_default_pairs(matches: list[SecretMatch], lines: Sequence[str], kind: TextKind) -> list[SecretMatch]:
    """Config values that repeat the user or database name set beside them (`POSTGRES_USER: shop` and
    `POSTGRES_PASSWORD: shop`, `DATABASE_CREDENTIALS=shop:shop`): the default of a quick-start compose file or a
    local development stack, which anyone reading the user name knows. Not a leaked credential, so low severity
    with a note that makes the finding held back like example code."""
    marked = []
    for match in matches:
        if match.severity is not Severity.LOW and _is_default_pair(match, lines, kind):
            match = replace(match, severity=Severity.LOW, note=DEFAULT_PAIR_NOTE)
        marked.append(match)
    return marked


def _config_default_pair(match: SecretMatch) -> SecretMatch:
    """A URL whose password repeats its user name (`mysql://ctfd:ctfd@db/ctfd`) in a compose file or `.env`: the
    same quick-start default as `DATABASE_CREDENTIALS=ctfd:ctfd` beside it, held back alike."""
    if match.note == URL_DEFAULT_PAIR_NOTE:
        return replace(match, severity=Severity.LOW, note=DEFAULT_PAIR_NOTE)
    return match


def _is_default_pair(match: SecretMatch, lines: Sequence[str], kind: TextKind) -> bool:
    value = match.value.lower()
    user, colon, password = value.partition(":")
    if colon and user and user == password:
        return True
    first = max(0, match.line - 1 - _DEFAULT_PAIR_LINES)
    for line in lines[first : match.line + _DEFAULT_PAIR_LINES]:
        for pair in config_assignments(line, kind):
            words = split_words(pair.name)
            if words and words[-1] in _IDENTITY_WORDS and pair.value.strip().lower() == value:
                return True
    return False


def _near_secret_name(line: str, start: int) -> str:
    """The secret-like name (or auth scheme) that stands just before a token, or ''."""
    before = line[max(0, start - _NEAR) : start]
    if _AUTH_SCHEME.search(before):
        return "authorization"
    for identifier in reversed(_IDENTIFIER.findall(before)):
        if is_secret_name(identifier):
            return str(identifier)
    return ""


def _inside_url(line: str, start: int) -> bool:
    """A token in a URL's path or query is an id or a signature shown elsewhere, not a key given a name."""
    before = line[max(0, start - 300) : start]
    word_start = max(before.rfind(" "), before.rfind("\t"), before.rfind('"'), before.rfind("'"))
    return "://" in before[word_start + 1 :]


def _entropy_matches(lines: Sequence[str], candidate_lines: Iterable[int], path: str) -> list[SecretMatch]:
    found = []
    group = _TOKEN.groupindex["token"]
    for index in candidate_lines:
        line = lines[index]
        if len(line) > MAX_GENERIC_LINE:
            continue
        for match in _TOKEN.finditer(line):
            token = match.group("token")
            start = match.start(group)
            if not looks_random(token) or _inside_url(line, start):
                continue
            name = _near_secret_name(line, start)
            if not name:
                continue
            verdict, reason = judge(Candidate(token, generic=True, name=name, line=line, path=path))
            if verdict is Verdict.DROP:
                continue
            severity = Severity.LOW if verdict is Verdict.LOW else Severity.HIGH
            found.append(
                SecretMatch(
                    codes.HIGH_ENTROPY_CODE,
                    "high-entropy",
                    "high-entropy secret",
                    token,
                    index + 1,
                    start,
                    match.end(group),
                    severity,
                    Confidence.MEDIUM,
                    name,
                    reason if verdict is Verdict.LOW else "",
                )
            )
    return found


# -- putting it together ---------------------------------------------------------------------------------------


def _dedupe(matches: Sequence[SecretMatch]) -> list[SecretMatch]:
    """One finding per secret per place: earlier (more specific) matches win over overlapping later ones."""
    kept: list[SecretMatch] = []
    by_line: dict[int, list[SecretMatch]] = {}
    for match in matches:
        rivals = by_line.get(match.line, [])
        if any(
            (match.start < other.end and other.start < match.end)
            or match.value in other.value
            or other.value in match.value
            for other in rivals
        ):
            continue
        by_line.setdefault(match.line, []).append(match)
        kept.append(match)
    return kept


def find_secrets(
    lines: Sequence[str],
    kind: TextKind,
    path: str,
    *,
    python_lines: Iterable[int] | None = None,
    providers_only: bool = False,
    validate: bool = True,
) -> list[SecretMatch]:
    """Every secret in `lines` (a file's lines, or lines of a notebook or a commit), sorted by place.

    `python_lines` (0-based indexes) are read as Python source line by line (SEC201's line form); the other lines
    of a notebook or a Python file seen without its syntax tree get only provider shapes and entropy.
    `providers_only` is for Python files scanned with their syntax tree, where the AST rules do the rest.
    `validate=False` keeps tokens whose checksum fails (the redaction pass hides look-alikes too).
    """
    text = "\n".join(lines)
    matches = _provider_matches(lines, text, path, validate)
    if kind in CONFIG_KINDS:
        matches = [_config_default_pair(match) for match in matches]
    if not providers_only and kind is not TextKind.LOCK:
        keyword_lines = sorted(_lines_with(_GENERIC_KEYWORDS, text))
        python_set = set(python_lines or ())
        if python_set:
            matches.extend(_assignment_matches(lines, [i for i in keyword_lines if i in python_set], kind, path, True))
        if kind in CONFIG_KINDS:
            config_matches = _assignment_matches(lines, keyword_lines, kind, path, False)
            matches.extend(_mark_default_pairs(config_matches, lines, kind))
        other_lines = [i for i in keyword_lines if i not in python_set] if python_set else keyword_lines
        if kind is not TextKind.PYTHON or python_set:
            matches.extend(_entropy_matches(lines, other_lines, path))
    ordered = sorted(matches, key=_priority)
    return sorted(_dedupe(ordered), key=lambda m: (m.line, m.start, m.code))


_PRIORITY = {
    codes.PRIVATE_KEY_CODE: 0,
    codes.PROVIDER_CODE: 1,
    codes.JWT_CODE: 2,
    codes.URL_CREDENTIALS_CODE: 3,
    codes.FRAMEWORK_SECRET_KEY_CODE: 4,
    codes.PYTHON_LITERAL_CODE: 5,
    codes.CONFIG_VALUE_CODE: 6,
    codes.HIGH_ENTROPY_CODE: 7,
}


def _priority(match: SecretMatch) -> tuple[int, int, int]:
    return (_PRIORITY.get(match.code, 9), -(match.end - match.start), match.line)


def has_provider_keyword(text: str) -> bool:
    """Whether `text` holds any provider keyword (the prefilter of every provider detector)."""
    return _PROVIDER_INDEX.regex.search(text) is not None  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=2048)
def shapes_in_value(value: str) -> tuple[SecretMatch, ...]:
    """Provider shapes, private keys, JWTs and URL credentials inside one string value (lines of it).

    The AST rules use it twice: to leave a literal to the provider rules when it has a provider's shape, and to
    find provider keys that were assembled from pieces (`"sk_live_" "…"`), which no text scan can see.
    """
    if len(value) < 8:
        return ()
    value = _encodable(value)
    if _PROVIDER_INDEX.regex.search(value) is None:  # type: ignore[attr-defined]
        return ()
    return tuple(_provider_matches(value.split("\n"), value, ""))


def _encodable(value: str) -> str:
    """`value` with lone surrogates (only an escape such as `"\\udcad"` makes them) replaced, since the linear-time
    engine takes UTF-8 and no secret shape holds one."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value
