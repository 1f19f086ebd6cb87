"""Offline checks that tell a real token from a look-alike, run after a provider pattern matches.

- GitHub's 2021 token format (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm's (`npm_`) end in a CRC32 checksum of
  the 30 random characters, written in base 62 on 6 characters: a token whose checksum does not match was
  never issued (typed by hand, truncated, or a fake), so it is dropped.
- A JWT must decode: base64url header and payload that are JSON objects, the header naming an `alg`. An expired
  token (`exp` in the past) is still reported, at low severity: it may be replayable elsewhere or re-signed.
- A password in a URL to localhost is reported at low severity, one that repeats the user name at medium.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import zlib
from enum import Enum
from typing import Any

from bastion.core import patterns
from bastion.core.severity import Severity

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BASE62_VALUE = {char: position for position, char in enumerate(BASE62)}


class Check(str, Enum):
    """The outcome of a validator: keep the match, drop it, or keep it at low severity (with a reason)."""

    VALID = "valid"
    INVALID = "invalid"
    WEAK = "weak"


def base62_encode(number: int, width: int = 6) -> str:
    digits = []
    while number:
        number, remainder = divmod(number, 62)
        digits.append(BASE62[remainder])
    return "".join(reversed(digits)).rjust(width, "0")


def base62_decode(text: str) -> int | None:
    number = 0
    for char in text:
        value = _BASE62_VALUE.get(char)
        if value is None:
            return None
        number = number * 62 + value
    return number


def crc32_token_checksum(token: str) -> Check:
    """`<prefix>_` + 30 random characters + 6 base-62 checksum characters (GitHub and npm since 2021)."""
    _, separator, body = token.partition("_")
    if not separator or len(body) != 36:
        return Check.INVALID
    expected = zlib.crc32(body[:30].encode("ascii", "replace"))
    return Check.VALID if base62_decode(body[30:]) == expected else Check.INVALID


def _b64url_json(segment: str) -> object:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):  # a payload nested 100,000 deep
        return None


def jwt_check(token: str, *, now: float | None = None) -> Check:
    parts = token.split(".")
    if len(parts) != 3:
        return Check.INVALID
    header, payload = _b64url_json(parts[0]), _b64url_json(parts[1])
    if not isinstance(header, dict) or not isinstance(payload, dict) or "alg" not in header:
        return Check.INVALID
    expiry = payload.get("exp")
    if isinstance(expiry, (int, float)) and expiry < (now if now is not None else time.time()):
        return Check.WEAK
    return Check.VALID


def _base64_text(value: str) -> bytes | None:
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def docker_auth_check(value: str) -> Check:
    """A docker `config.json` `auth` entry is base64 of `user:password` (or `user:token`): both parts printable
    and present, the password at least 4 characters. Anything else (a hash, a placeholder) was never a login."""
    decoded = _base64_text(value)
    if decoded is None:
        return Check.INVALID
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return Check.INVALID
    user, separator, password = text.partition(":")
    if not separator or not user or len(password) < 4 or not text.isprintable():
        return Check.INVALID
    return Check.VALID


def base64_private_key_check(value: str) -> Check:
    """Base64 of a PEM private key (a Kubernetes Secret's `tls.key`, a Helm value, an environment variable): the
    decoded text must be a private key's PEM block (not a certificate's or a public key's) with a body and an END
    line."""
    decoded = _base64_text(value)
    if decoded is None:
        return Check.INVALID
    header, _, rest = decoded.partition(b"\n")
    body, end, _ = rest.partition(b"-----END ")
    is_key = header.startswith(b"-----BEGIN ") and header.rstrip().endswith(b"PRIVATE KEY-----")
    # As for PEM text: a header alone (a placeholder, a truncated example) is not a key.
    return Check.VALID if is_key and end and len(body.strip()) >= 64 else Check.INVALID


_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "0.0.0.0", "host.docker.internal"})
# Passwords a database or broker image ships with, or that quick-start setups write: `postgres:postgres@`,
# `lnbits:postgres@localhost`, `guest:guest@rabbitmq`.
_DEFAULT_PASSWORD_WORDS = frozenset(
    {"postgres", "postgresql", "mysql", "mariadb", "root", "admin", "guest", "mongo", "mongodb", "redis", "rabbitmq"}
    | {"user", "pass", "password", "passwd", "secret", "changeme", "default", "dev", "local", "test"}
)
_PLAIN_WORDS = frozenset("abcdefghijklmnopqrstuvwxyz-_.")
LOCAL_DEFAULT_NOTE = "local-default"
URL_DEFAULT_PAIR_NOTE = "default-pair"


def is_default_password(user: str, password: str) -> bool:
    """A password anyone who reads the user name can guess: the user name itself (`ctfd:ctfd`), or plain lowercase
    words of which one is the user name or every one is a stock default (`off:off-wger`, `powersync_storage:
    powersync_secret`, `lnbits:postgres`). A digit, a capital or a symbol (`shop-Xk29fjQa`) makes it a real one."""
    if user and password.lower() == user.lower():
        return True
    if not set(password) <= _PLAIN_WORDS:
        return False
    user = user.lower()
    words = _words(password)
    known = set(_words(user)) | _DEFAULT_PASSWORD_WORDS
    return bool(words) and (all(word in known for word in words) or (user in words and len(words) <= 2))


def _words(text: str) -> list[str]:
    return [word for word in text.replace("-", " ").replace("_", " ").replace(".", " ").split() if word]


# `http://INTERNAL:8888\@PUBLIC/`: a port before a backslash-escaped `@`, the shape of URL-parser confusion examples.
_PORT_BEFORE_ESCAPE = patterns.compile(r"^[0-9]{1,5}\\+$")


def url_password_check(password: str) -> Check:
    """A URL "password" that is a port number followed by a backslash is the host:port of a parser-differential
    example (`http://internal:8080\\@public/`), not a credential."""
    return Check.INVALID if _PORT_BEFORE_ESCAPE.match(password) else Check.VALID


def local_default_credentials(match: Any) -> tuple[Severity, str] | None:
    """A URL credential that is weak evidence of a leaked secret: one for a service on the developer's own machine
    (`@localhost`: low; held back like example code when the password is a default too), or a default pair whose
    password repeats the user name (`ctfd:ctfd@db`, a quick-start compose stack: medium). None for a credential
    that may well be real."""
    user, password, host = match.group("user"), match.group("secret"), match.group("host").lower()
    default = is_default_password(user, password)
    if host in _LOOPBACK_HOSTS or host.startswith("127."):
        return Severity.LOW, LOCAL_DEFAULT_NOTE if default else "local-service"
    if default:
        return Severity.MEDIUM, URL_DEFAULT_PAIR_NOTE
    return None
