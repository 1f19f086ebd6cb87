"""Is this identifier or key the name of a secret?

Names are split into words (snake_case, kebab-case, dotted, camelCase, ALLCAPS): `apiKey`, `X-Api-Key`,
`spring.datasource.password`, `DB_PASSWD`. A name is secret-like when its LAST word is a secret word
(`password`, `token`, `secret`, ...) or `key` qualified as a secret key (`api_key`, `secret_key`, `private_key`),
so that `token_type`, `password_field`, `TOKEN_URL` and `PASSWORD_MIN_LENGTH` are not; and no word says it is a
pagination cursor, a tokenizer's special token or a flag (`NextToken`, `eos_token`, `is_password`): the false
alarms bandit is known for (CONVENTIONS.md section 6.3).
"""

from __future__ import annotations

import functools
import string

_UPPER = frozenset(string.ascii_uppercase)
_LOWER = frozenset(string.ascii_lowercase)
_LOWER_OR_DIGIT = _LOWER | frozenset(string.digits)
_WORD_CHARS = _UPPER | _LOWER_OR_DIGIT

# A name ending in one of these words holds a secret value.
SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "secret",
        "token",
        "apikey",
        "credential",
        "credentials",
        "creds",
        "authorization",
        "bearer",
    }
)
# `<qualifier>_key` is a secret key; a bare `key` (dict keys, cache keys) is not.
KEY_QUALIFIERS = frozenset(
    {
        "api",
        "secret",
        "private",
        "signing",
        "sign",
        "encryption",
        "encrypt",
        "decryption",
        "master",
        "client",
        "auth",
        "access",
        "hmac",
        "jwt",
        "webhook",
        "account",
        "storage",
        "sas",
        "shared",
        "app",
        "crypto",
        "cipher",
        "aes",
        "fernet",
        "license",
    }
)
# `db_pass`, `smtp_pass`: `pass` is a password only after a word like these (`first_pass` is not).
PASS_QUALIFIERS = frozenset(
    {
        "db",
        "database",
        "mail",
        "smtp",
        "email",
        "user",
        "admin",
        "root",
        "ftp",
        "sftp",
        "ldap",
        "redis",
        "mysql",
        "postgres",
        "pg",
        "sql",
        "login",
        "account",
        "proxy",
        "vpn",
        "wifi",
        "bind",
        "ssh",
        "sudo",
        "master",
        "rabbitmq",
        "amqp",
        "mongo",
    }
)
# Words that make a `token`/`secret`/`password` name something else: a pagination cursor, a tokenizer's
# special token, a flag or a setting about the secret rather than the secret.
NOT_SECRET_CONTEXT = frozenset(
    {
        "next",
        "prev",
        "previous",
        "continuation",
        "page",
        "pagination",
        "cursor",
        "sync",
        "csrf",
        "xsrf",
        "cancel",
        "cancellation",
        "lexer",
        "parser",
        "eos",
        "bos",
        "pad",
        "unk",
        "sep",
        "cls",
        "mask",
        "special",
        "start",
        "end",
        "max",
        "min",
        "num",
        "is",
        "has",
        "use",
        "enable",
        "enabled",
        "disable",
        "require",
        "required",
        "show",
        "hide",
        "check",
        "validate",
        "verify",
        "allow",
        "forgot",
        "should",
        "no",
        "public",
    }
)
# Words glued to a secret word without a separator (`dbpassword`, `authtoken`, `nexttoken`).
_GLUED_SUFFIXES = ("password", "passwd", "passphrase", "secret", "token", "apikey")


@functools.lru_cache(maxsize=8192)
def split_words(name: str) -> tuple[str, ...]:
    """`getAPIKey2` -> ("get", "api", "key"); `X-Api-Key` -> ("x", "api", "key").

    One pass over the name (names come from the scanned tree, at any length): a word ends at a character that is
    not an ASCII letter or digit, before a capital that follows a lower-case letter or digit (`apiKey`), and before
    the last capital of a run followed by a lower-case letter (`APIKey`). Trailing digits are dropped."""
    words: list[str] = []
    start = -1
    last = len(name) - 1
    for position, char in enumerate(name):
        if char not in _WORD_CHARS:
            if start >= 0:
                _add_word(words, name[start:position])
                start = -1
            continue
        if start >= 0 and char in _UPPER:
            before = name[position - 1]
            if before in _LOWER_OR_DIGIT or (before in _UPPER and position < last and name[position + 1] in _LOWER):
                _add_word(words, name[start:position])
                start = position
        if start < 0:
            start = position
    if start >= 0:
        _add_word(words, name[start:])
    return tuple(words)


def _add_word(words: list[str], part: str) -> None:
    word = part.lower().rstrip(string.digits)
    if word:
        words.append(word)


def _glued(word: str) -> tuple[str, str] | None:
    """`dbpassword` -> ("db", "password"); None when the word is not a prefix glued to a secret word."""
    for suffix in _GLUED_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)], suffix
    if word.endswith("key") and word[:-3] in KEY_QUALIFIERS:
        return word[:-3], "key"
    return None


@functools.lru_cache(maxsize=8192)
def is_secret_name(name: str) -> bool:
    """Whether `name` (a variable, attribute, parameter, dict key or config key) names a secret value."""
    words = list(split_words(name))
    if not words:
        return False
    last = words[-1]
    glued = _glued(last)
    if last not in SECRET_WORDS and last not in ("key", "pass") and glued is not None:
        words[-1:] = [glued[0], glued[1]]
        last = glued[1]
    if any(word in NOT_SECRET_CONTEXT for word in words[:-1]):
        return False
    if last in SECRET_WORDS:
        return True
    previous = words[-2] if len(words) >= 2 else ""
    if last == "key":
        return previous in KEY_QUALIFIERS
    if last == "pass":
        return previous in PASS_QUALIFIERS
    return False


@functools.lru_cache(maxsize=8192)
def is_password_name(name: str) -> bool:
    """Narrower: the name holds a password or passphrase (messages say "password" rather than "secret")."""
    words = split_words(name)
    return bool(words) and (
        words[-1] in ("password", "passwd", "passphrase", "pwd", "pass") or words[-1].endswith("password")
    )
