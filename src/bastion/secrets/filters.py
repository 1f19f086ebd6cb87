"""Small, named filters that tell a candidate secret from a false alarm (detect-secrets' design).

A detector proposes a candidate; each filter here looks at it and either lets it through, drops it, or keeps
it at low severity (test fixtures and example values are still worth a look: a real key pasted into a test is
still a leaked key). Filters marked `generic_only` apply to candidates found by a secret-like name or by
entropy, not to provider shapes: a UUID next to `token` is an id, but `ghp_...` is a GitHub token wherever it is.
Every filter has a payload table in tests/secrets/test_filters.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise

from bastion.core import patterns
from bastion.core.test_paths import is_test_path as default_test_path
from bastion.secrets.entropy import is_hex
from bastion.secrets.names import split_words


class Verdict(str, Enum):
    KEEP = "keep"
    DROP = "drop"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A value a detector proposes, with what the filters may look at."""

    value: str
    generic: bool
    name: str = ""
    line: str = ""
    path: str = ""


@dataclass(frozen=True)
class ValueFilter:
    name: str
    description: str
    matches: Callable[[Candidate], bool]
    verdict: Verdict
    generic_only: bool = False


# -- placeholders ----------------------------------------------------------------------------------------------

PLACEHOLDER_WORDS = frozenset(
    {
        "changeme",
        "changethis",
        "changeit",
        "replaceme",
        "placeholder",
        "todo",
        "tbd",
        "fixme",
        "yourpassword",
        "yoursecret",
        "yourtoken",
        "yourapikey",
        "yourkey",
        "mypassword",
        "mysecret",
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "none",
        "null",
        "nil",
        "undefined",
        "empty",
        "redacted",
        "hidden",
        "masked",
        "removed",
        "dummy",
        "test",
        "example",
        "sample",
        "foo",
        "bar",
        "foobar",
        "default",
        "pass",
        "notset",
        "unset",
        "secretkey",
        "accesskey",
        "insertkeyhere",
        "enteryourkey",
    }
)
_PLACEHOLDER_SHAPES = patterns.compile(
    r"^(?:"
    r"<[^<>]*>"  # <your-key>, <password>
    r"|\$\{[^}]*\}"  # ${VAR}
    r"|\$\([^)]*\)"  # $(command)
    r"|\$[A-Za-z_][A-Za-z0-9_]*"  # $VAR
    r"|%\([^)]*\)[sdr]"  # %(name)s
    r"|%[sdr]"  # %s
    r"|\{\{.*\}\}"  # {{ jinja }}
    r"|\{%.*%\}"  # {% tag %}
    r"|\{[A-Za-z_][A-Za-z0-9_.]*\}"  # {format_field}
    r"|#\{[^}]*\}"  # #{ruby}
    r"|__[A-Za-z0-9_]+__"  # __VAR__
    r"|@[A-Za-z0-9_]+@"  # @VAR@
    r"|\[\[[^\]]*\]\]"  # [[var]]
    r"|(?i:your|my|enter|insert|put|add)[_\- ]?.*(?i:here|key|token|secret|password)"  # your-api-key-here
    r")$"
)
_TEMPLATE_INSIDE = patterns.compile(r"\$\{[^}]+\}|\{\{[^}]*\}\}|%\([A-Za-z_]+\)s|%[sdr](?:[^A-Za-z0-9]|$)")


_ALPHANUMERIC = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _normalised(value: str) -> str:
    return "".join(char for char in value.lower() if char in _ALPHANUMERIC)


def is_placeholder(candidate: Candidate) -> bool:
    """A word that stands for a value to fill in: `changeme`, `your-api-key-here`, `password`, `xxx`."""
    return _normalised(candidate.value.strip()) in PLACEHOLDER_WORDS


def is_template(candidate: Candidate) -> bool:
    """A template or format field: `<your-key>`, `${VAR}`, `%(x)s`, `{{ x }}`, `{x}`, or a value built from one
    (`postgres://${USER}:${PASSWORD}@db`)."""
    value = candidate.value.strip()
    return _PLACEHOLDER_SHAPES.search(value) is not None or _TEMPLATE_INSIDE.search(value) is not None


def is_already_redacted(candidate: Candidate) -> bool:
    """What bastion itself printed (`ghp_…(40 chars)`): never redact or report it twice."""
    # A real secret does not hold the ellipsis character; a value cut at a space may lose the "chars)" tail.
    return "…" in candidate.value


# -- masked values ---------------------------------------------------------------------------------------------

_MASK_CHARS = frozenset("*xX•·#.-_0?…")


def is_masked(candidate: Candidate) -> bool:
    """`****`, `xxxxxxxx`, `sk_live_xxxxxxxxxxxx`, `••••`: shown-but-hidden values, not secrets."""
    value = candidate.value.strip()
    if not value:
        return True
    if all(char in _MASK_CHARS for char in value):
        return True
    # A provider prefix followed by a mask: `sk_live_xxxxxxxx`, `ghp_************`.
    tail = value.replace("-", "_").rsplit("_", 1)[-1]
    return len(tail) >= 6 and all(char in "*xX•" for char in tail)


# -- environment and secrets-manager references ----------------------------------------------------------------

_REFERENCE = patterns.compile(
    r"(?i)(?:"
    r"os\.environ|getenv\s*\(|environ\s*\[|environ\.get|process\.env\.|\benv\s*\(|ENV\["
    r"|\$\{\{\s*(?:secrets|env|vars)\.|!env\b|!vault\b|\$ANSIBLE_VAULT|^ENC\[|lookup\s*\("
    r"|\bvault:|vault://|op://|sm://|secret://|arn:aws:secretsmanager:|arn:aws:ssm:|^ssm:|secretsmanager"
    r"|@Microsoft\.KeyVault\(|keyvault|projects/[^/]+/secrets/|/run/secrets/|^file:"
    r"|^%[A-Za-z_][A-Za-z0-9_]*%$"
    r")"
)


def is_environment_reference(candidate: Candidate) -> bool:
    """The value says where the secret lives (environment, vault, secrets manager), not what it is."""
    return _REFERENCE.search(candidate.value) is not None


# -- not a value at all ------------------------------------------------------------------------------------------

_NUMBER = patterns.compile(r"^[+-]?\d+(?:[.,]\d+)*$")
_ENV_NAME = patterns.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_DOTTED = patterns.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?:\(\))?$")
_URL = patterns.compile(r"^[a-z][a-z0-9+.\-]*://", ignore_case=True)
_PATH = patterns.compile(r"^(?:~?/|\./|\.\./|[A-Za-z]:\\)")
_CALL = patterns.compile(r"^[A-Za-z_][\w.]*\(.*\)$")
# `_auth_user_id`, `set-password`: the name of a session key, a URL slug or a field, not a credential.
_PRIVATE_IDENTIFIER = patterns.compile(r"^_[A-Za-z0-9_]+$")
_WORDY_NAME = patterns.compile(r"^[a-z]+(?:[-_.][a-z]+){1,2}$")
_NAME_WORDS = frozenset({"password", "passwd", "token", "secret", "key", "auth", "session", "user", "id", "reset"})
# A rate limit: django-allauth's `"1/m/ip,5/h/key"`, DRF's `"100/day"`, Flask-Limiter's `"5 per minute; 50/hour"`.
_RATE = r"[0-9]+ ?(?:/|per) ?[0-9]*(?:s|sec|second|m|min|minute|h|hr|hour|d|day|w|week|mo|month|y|year)s?(?:/[a-z_]+)?"
_RATE_LIMIT = patterns.compile(rf"^{_RATE}(?:\s*[,;]\s*{_RATE})*$", ignore_case=True)
_LETTERS_ONLY = patterns.compile(r"^[A-Za-z ]+$")
_LITERALS = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null", "nil", "undefined", "n/a", "na"})
_TYPE_NAMES = frozenset({"str", "string", "bytes", "secretstr", "secretbytes", "text", "varchar", "char", "password"})
MIN_GENERIC_LENGTH = 4


def _generated_letters(value: str) -> bool:
    """Whether a run of letters looks drawn at random: long, and its case changes at least once every four letters
    (names change case at word boundaries only: `HttpRequest`, `LPAREN`, `not in`)."""
    if len(value) < 16 or " " in value:
        return False
    flips = sum(1 for left, right in pairwise(value) if left.isupper() != right.isupper())
    return flips * 4 >= len(value)


def is_not_a_value(candidate: Candidate) -> bool:
    """Booleans, numbers, names of other things (an env var, a dotted attribute, a URL, a path), rate limits and
    prose."""
    value = candidate.value.strip()
    lowered = value.lower()
    if len(value) < MIN_GENERIC_LENGTH or lowered in _LITERALS or lowered in _TYPE_NAMES:
        return True
    if _NUMBER.match(value) or _ENV_NAME.match(value) or _DOTTED.match(value) or _CALL.match(value):
        return True
    if _URL.match(value) or _PATH.match(value) or _RATE_LIMIT.match(value):
        return True
    if _PRIVATE_IDENTIFIER.match(value) or (_WORDY_NAME.match(value) and _NAME_WORDS & set(split_words(value))):
        return True
    if candidate.name and split_words(candidate.name)[-1:] == ("token",) and _LETTERS_ONLY.match(value):
        # A lexer's or parser's token (`if token == "not in"`, `"LPAREN"`), not a credential; but a long run of
        # letters whose case flips all the time was generated (`API_TOKEN='dsShJHmslj...'`), not named.
        return not _generated_letters(value)
    words = value.split()
    # Messages and prompts ("Enter your password:") are not passwords; a passphrase has no punctuation at the end.
    return len(words) >= 3 or (len(words) >= 2 and value[-1] in ":?.!")


# -- UUIDs, digests, sequences ---------------------------------------------------------------------------------

_UUID = patterns.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def names_itself(candidate: Candidate) -> bool:
    """The value is the key's own name (`FIELD_PASSWORD = "password"`, `{"secret_key": "SECRET_KEY"}`): a mapping
    from one name to another, not a credential, whatever detector proposed it."""
    return bool(candidate.name) and split_words(candidate.value.strip()) == split_words(candidate.name)


def is_uuid(candidate: Candidate) -> bool:
    return _UUID.match(candidate.value.strip()) is not None


LOCK_FILE_NAMES = frozenset(
    {
        "poetry.lock",
        "pipfile.lock",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "uv.lock",
        "pdm.lock",
        "cargo.lock",
        "composer.lock",
        "gemfile.lock",
        "go.sum",
        "pylock.toml",
    }
)
_DIGEST_PREFIX = patterns.compile(r"(?i)(?:sha(?:1|224|256|384|512)|md5|blake2b?)[:\-=]")
_DIGEST_WORDS = patterns.compile(r"(?i)hash|sha\d|md5|digest|checksum|integrity|etag|commit|revision|fingerprint")


def is_lock_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return name in LOCK_FILE_NAMES or name.endswith(".lock") or name.startswith("pylock.")


def is_lockfile_digest(candidate: Candidate) -> bool:
    """Hashes and integrity digests in lock files (`sha512-…`, `sha256:…`, `"hash": "…"`)."""
    if not is_lock_file(candidate.path):
        return False
    return bool(_DIGEST_PREFIX.search(candidate.line) or _DIGEST_WORDS.search(candidate.line)) or is_hex(
        candidate.value
    )


def is_hash_digest(candidate: Candidate) -> bool:
    """A hex digest (MD5, SHA-1/256/512) named as one, or written with its algorithm prefix."""
    value = candidate.value.strip()
    if _DIGEST_PREFIX.match(value):
        return True
    if is_hex(value) and len(value) in (32, 40, 56, 64, 96, 128):
        return bool(_DIGEST_WORDS.search(candidate.name) or _DIGEST_WORDS.search(candidate.line))
    return False


_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiopasdfghjklzxcvbnm",
    "0123456789abcdef",
)


def is_sequential(candidate: Candidate) -> bool:
    """`abcdefghijkl`, `1234567890`, `qwertyuiop`, `abcabcabcabc`: keyboard runs and repeats."""
    value = candidate.value.strip().lower()
    if len(value) < 6:
        return False
    for sequence in _SEQUENCES:
        doubled = sequence + sequence
        if value in doubled or value[::-1] in doubled:
            return True
    for period in range(1, len(value) // 3 + 1):
        if value == (value[:period] * (len(value) // period + 1))[: len(value)]:
            return True
    return False


# -- documentation keys, test fixtures, example values ---------------------------------------------------------

# SHA-256 of keys published in vendors' documentation (AWS's AKIAIOSFODNN7EXAMPLE pair and its siblings, the
# jwt.io sample token, Stripe's sample test key ...). Stored as hashes so that this file is not itself a list of
# secret-shaped strings for other scanners.
DOCUMENTATION_KEY_HASHES = frozenset(
    {
        "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",  # jwt.io's sample HS256 token
        "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",  # Stripe's documentation test key
    }
)
_DOC_SUFFIX = patterns.compile(r"EXAMPLE(?:KEY)?$")


def is_documentation_key(candidate: Candidate) -> bool:
    value = candidate.value.strip()
    if _DOC_SUFFIX.search(value):
        return True  # AWS documentation keys all end in EXAMPLE / EXAMPLEKEY
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest() in DOCUMENTATION_KEY_HASHES


# Besides the test-path policy's tests, CI, docs and examples: fixture folders and template files of any kind.
_FIXTURE_DIRECTORIES = frozenset({"fixtures", "fixture", "spec", "specs"})
_TEMPLATE_FILE = patterns.compile(r"(?i)\.(?:example|sample|template|dist)$")
_EXAMPLE_VALUE = patterns.compile(
    r"(?i)example|sample|dummy|fake|placeholder|not[-_ ]?a?[-_ ]?real|do[-_ ]?not[-_ ]?use|"
    r"(?:^|[^a-z])(?:test|demo|mock)(?:[^a-z]|$)"
)


def is_test_path(path: str) -> bool:
    parts = path.lower().split("/")
    if any(part in _FIXTURE_DIRECTORIES for part in parts[:-1]) or _TEMPLATE_FILE.search(parts[-1]):
        return True
    return default_test_path(path)


# -- user-interface text --------------------------------------------------------------------------------------

_LOCALE_DIRECTORIES = frozenset({"locale", "locales", "lang", "langs", "language", "languages", "i18n", "l10n"})
_LOCALE_DIRECTORIES |= {"translations", "translation"}
# ISO 639-1 language codes: a file named after one (`de.json`, `pt-BR.yml`, `zh_Hant.json`, `messages.fr.json`) holds
# one language's strings, as do gettext catalogues.
_LANGUAGE_CODES = (
    "aa ab af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en "
    "eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja "
    "jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb "
    "nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq "
    "sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"
)
_LANGUAGES = frozenset(_LANGUAGE_CODES.split(" "))
_LOCALE_NAME = patterns.compile(
    r"(?i)(?:^|[._-])(?P<language>[a-z]{2})(?:[-_](?:[a-z]{2}|[a-z]{4}|\d{3}))?"
    r"\.(?:json|ya?ml|properties|toml|ini|arb|xlf)$"
)
_CATALOGUE = patterns.compile(r"(?i)\.(?:po|pot|xliff|strings)$")


def is_ui_text(candidate: Candidate) -> bool:
    """A translation string (`"password": "Hasło"` in `lang/pl-PL.json`): the key names a label, the value is
    what the label says. Found by where it lives: a locale folder or a file named after a language."""
    parts = candidate.path.lower().split("/")
    if any(part in _LOCALE_DIRECTORIES for part in parts[:-1]) or _CATALOGUE.search(parts[-1]):
        return True
    match = _LOCALE_NAME.search(parts[-1])
    return match is not None and match.group("language") in _LANGUAGES


def is_test_or_example(candidate: Candidate) -> bool:
    """In a test, fixture, example or docs file, or a value that says it is fake (`dummy-key`, `test_secret`)."""
    return is_test_path(candidate.path) or _EXAMPLE_VALUE.search(candidate.value) is not None


FILTERS: tuple[ValueFilter, ...] = (
    ValueFilter("documentation-key", "a key published in a vendor's documentation", is_documentation_key, Verdict.DROP),
    ValueFilter("masked", "a masked value (`****`, `xxxx`)", is_masked, Verdict.DROP),
    ValueFilter("already-redacted", "a value bastion has already redacted", is_already_redacted, Verdict.DROP),
    ValueFilter("placeholder", "a placeholder word (`changeme`, `your-key-here`)", is_placeholder, Verdict.DROP),
    ValueFilter(
        "template", "a template or format field (`<your-key>`, `${VAR}`, `{{ x }}`)", is_template, Verdict.DROP
    ),
    ValueFilter(
        "environment-reference",
        "read from the environment or a secrets manager",
        is_environment_reference,
        Verdict.DROP,
    ),
    ValueFilter("lockfile-digest", "a hash or integrity digest in a lock file", is_lockfile_digest, Verdict.DROP),
    ValueFilter("names-itself", "the key's own name, not a value", names_itself, Verdict.DROP),
    ValueFilter(
        "not-a-value", "a boolean, number, name, URL, path, rate limit or message", is_not_a_value, Verdict.DROP, True
    ),
    ValueFilter("ui-text", "a translation string in a locale file", is_ui_text, Verdict.DROP, True),
    ValueFilter("uuid", "a UUID", is_uuid, Verdict.DROP, True),
    ValueFilter("hash-digest", "a hash digest", is_hash_digest, Verdict.DROP, True),
    ValueFilter("sequential", "a keyboard run or repeated pattern", is_sequential, Verdict.DROP, True),
    ValueFilter("test-or-example", "a test fixture or example value", is_test_or_example, Verdict.LOW),
)
BY_NAME = {value_filter.name: value_filter for value_filter in FILTERS}


def judge(candidate: Candidate) -> tuple[Verdict, str]:
    """The first DROP wins; otherwise LOW if any filter says so; otherwise KEEP. Returns the filter's name too."""
    low = ""
    for value_filter in FILTERS:
        if value_filter.generic_only and not candidate.generic:
            continue
        if value_filter.matches(candidate):
            if value_filter.verdict is Verdict.DROP:
                return Verdict.DROP, value_filter.name
            low = low or value_filter.name
    return (Verdict.LOW, low) if low else (Verdict.KEEP, "")
