"""PAT512: a connection to a remote broker, cache, directory, database or mail server without TLS."""

from __future__ import annotations

import ast
import ipaddress
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qs, urlsplit

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext

# Schemes that never use TLS (their TLS twins are `rediss`, `amqps`, `ldaps`, `mqtts`).
_CLEARTEXT_SCHEMES = {"redis": "rediss", "amqp": "amqps", "ldap": "ldaps", "mqtt": "mqtts"}
# Database URLs: TLS is negotiated by default; only an explicit `sslmode=disable` (or `ssl=false`) turns it off.
_DATABASE_SCHEMES = frozenset({"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2", "mongodb"})
_TLS_OFF = {"sslmode": {"disable"}, "ssl": {"false", "0"}, "tls": {"false", "0"}}
# Names of hosts that are not on the network, or only on a private one: container and compose service names
# are single labels (`db`, `redis`), and these suffixes are internal by convention.
_INTERNAL_SUFFIXES = (".local", ".internal", ".localdomain", ".lan", ".svc", ".cluster.local", ".home.arpa", ".test")
_PLACEHOLDERS = ("example.com", "example.org", "example.net", "host", "hostname", "your-host", "server")
_SMTP = frozenset({"smtplib.SMTP"})
_MAX_URL = 2_000


class CleartextServiceConnection(AstRule):
    """## What it does
    Finds connections to remote services that travel without TLS: a `redis://`, `amqp://`, `ldap://` or
    `mqtt://` URL written in the code (their TLS forms are `rediss://`, `amqps://`, `ldaps://`, `mqtts://`), a
    PostgreSQL or MongoDB URL with `sslmode=disable` (or `ssl=false`), and `smtplib.SMTP(host)` whose `login`
    in the same function comes with no `starttls()`. Only hosts on the network count: `localhost`, loopback and
    private addresses, single-label names (compose and Kubernetes service names such as `redis` or `db`) and
    internal suffixes (`.local`, `.internal`, `.svc`) are not reported; an `ldap://` URL in a module that calls
    `start_tls` is not either.

    ## Why is this bad?
    Whoever shares the network path (another tenant of a cloud network, a compromised router, a coffee-shop Wi-Fi
    between the app and a managed service) reads the credentials in the URL or the login, the cached sessions and
    the queued jobs, and can change them in flight.

    ## Example
    ```python
    import redis

    cache = redis.Redis.from_url("redis://:s3cret@cache.prod.example-corp.net:6379/0")
    ```

    ## Use instead
    ```python
    import os

    import redis

    cache = redis.Redis.from_url(os.environ["REDIS_URL"])  # rediss://... in production
    ```

    ## References
    - [Redis: TLS](https://redis.io/docs/latest/operate/oss_and_stack/management/security/encryption/)
    - [PostgreSQL: sslmode](https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION)
    - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    """

    code = "PAT512"
    slug = "cleartext-service-connection"
    summary = "Connection to a remote broker, cache, directory, database or mail server without TLS"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (319, 311)
    fix_hint = "use the TLS form (rediss://, amqps://, ldaps://, sslmode=require, SMTP starttls()) for remote hosts"
    bandit = ()
    ruff = ()
    node_types = (ast.Constant, ast.Call)
    callees = _SMTP  # for calls only

    def check(self, node: ast.Constant | ast.Call, ctx: ModuleContext) -> Iterable[Finding]:
        # A plain function, not a generator: every string constant of every module comes here, so the cheap
        # tests come first and nothing is built for the others.
        if isinstance(node, ast.Call):
            return () if is_test_path(ctx.path) else list(self._smtp(node, ctx))
        value = node.value
        if type(value) is not str or "://" not in value or len(value) > _MAX_URL or is_test_path(ctx.path):
            return ()
        problem = _cleartext_url(value, ctx)
        return (ctx.finding(self, node, problem),) if problem is not None else ()

    def _smtp(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        host = ctx.constant(node.args[0]) if node.args else None
        if not isinstance(host, str) or not _remote(host):
            return
        function = next(
            (a for a in reversed(ctx.ancestors) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))), None
        )
        if function is None:
            return
        called = {
            n.func.attr for n in ast.walk(function) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
        }
        if "login" in called and "starttls" not in called:
            yield ctx.finding(
                self, node, f"logs in to the mail server `{host}` with no starttls(): the password travels in clear"
            )


def _cleartext_url(text: str, ctx: ModuleContext) -> str | None:
    try:
        parts = urlsplit(text.strip())
        host = parts.hostname or ""
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not _remote(host):
        return None
    if scheme in _CLEARTEXT_SCHEMES:
        if scheme == "ldap" and "start_tls" in ctx.module.document.text:
            return None
        return f"`{scheme}://` to `{host}` travels in clear text (use `{_CLEARTEXT_SCHEMES[scheme]}://`)"
    if scheme in _DATABASE_SCHEMES:
        query = {key.lower(): [v.lower() for v in values] for key, values in parse_qs(parts.query).items()}
        for key, off in _TLS_OFF.items():
            if any(v in off for v in query.get(key, [])):
                return f"the database URL to `{host}` switches TLS off (`{key}={query[key][0]}`)"
    return None


def _remote(host: str) -> bool:
    """Whether `host` is a name or address on a network beyond this machine and its private network."""
    host = host.strip("[]").lower()
    if not host or any(c in host for c in "{}$%<>") or host in _PLACEHOLDERS or host.endswith(_PLACEHOLDERS[:3]):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host and not host.endswith(_INTERNAL_SUFFIXES) and host != "localhost"
    return not (address.is_loopback or address.is_private or address.is_unspecified or address.is_link_local)
