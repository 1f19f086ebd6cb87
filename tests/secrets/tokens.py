"""Fake credentials built at run time, so that the repository holds no secret-shaped string.

Every value is random (from a fixed seed) in the provider's shape: realistic enough for the detectors, never a
real credential. Prefixes are joined from pieces for the same reason.
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib

from bastion.secrets.validators import base62_encode

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "_-"
HEX = "0123456789abcdef"
BASE64 = ALNUM + "+/"

_random = random.Random(20261124)


def rand(length: int, alphabet: str = ALNUM) -> str:
    return "".join(_random.choice(alphabet) for _ in range(length))


def checksummed(prefix: str) -> str:
    """A GitHub/npm new-format token: 30 random characters and their CRC32 in base 62."""
    body = rand(30)
    return prefix + body + base62_encode(zlib.crc32(body.encode()))


def b64url_json(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=").decode()


def jwt(payload: dict[str, object] | None = None) -> str:
    header = b64url_json({"alg": "HS256", "typ": "JWT"})
    body = b64url_json(payload if payload is not None else {"sub": "42", "exp": 4102444800})
    return f"{header}.{body}.{rand(43, URLSAFE)}"


def pem_body(lines: int = 6) -> list[str]:
    return [rand(64, BASE64) for _ in range(lines)]


def private_key(kind: str = "RSA ") -> str:
    armour = "PRIVATE" + " KEY"
    return "\n".join([f"-----BEGIN {kind}{armour}-----", *pem_body(), f"-----END {kind}{armour}-----"])


def g(*pieces: str) -> str:
    """Join pieces: `g("gh", "p_")` keeps a prefix out of the source text."""
    return "".join(pieces)


def pem_base64(label: str) -> str:
    """A fake PEM block of `label` (`RSA PRIVATE KEY`, `CERTIFICATE`), base64-encoded on one line as a Kubernetes
    Secret's `data:` holds it."""
    body = base64.b64encode(random.Random(label).randbytes(600)).decode()
    pem = g("-----BEGIN ", label, "-----\n") + body + g("\n-----END ", label, "-----\n")
    return base64.b64encode(pem.encode()).decode()


# A docker config.json `auth` value: base64 of `user:password` (its own generator: the shared one's sequence stays).
DOCKER_LOGIN = base64.b64encode(g("ci-bot:", *random.Random("docker").choices(ALNUM, k=20)).encode()).decode()

# One fake per provider detector (name -> value), assembled at run time.
GITHUB = checksummed(g("gh", "p_"))
PROVIDER_TOKENS: dict[str, str] = {
    "aws-access-key-id": g("AK", "IA") + rand(16, string.ascii_uppercase + "234567"),
    "github-token": GITHUB,
    "github-fine-grained-token": g("github", "_pat_") + rand(22) + "_" + rand(59),
    "gitlab-token": g("gl", "pat-") + rand(20, URLSAFE),
    "gitlab-runner-registration-token": g("GR13", "48941") + rand(20, URLSAFE),
    "slack-token": g("xo", "xb-") + rand(11, string.digits) + "-" + rand(12, string.digits) + "-" + rand(24),
    "slack-app-token": g("xa", "pp-")
    + "1-A"
    + rand(10, string.ascii_uppercase + string.digits)
    + "-"
    + rand(13, string.digits)
    + "-"
    + rand(64, HEX),
    "slack-webhook": g("https://hooks.", "slack.com/services/")
    + "T"
    + rand(8, string.ascii_uppercase)
    + "/B"
    + rand(8, string.ascii_uppercase)
    + "/"
    + rand(24),
    "stripe-live-key": g("sk_", "live_") + rand(24),
    "stripe-test-key": g("sk_", "test_") + rand(24),
    "stripe-webhook-secret": g("wh", "sec_") + rand(32),
    "google-api-key": g("AI", "za") + rand(35, URLSAFE),
    "google-oauth-client-secret": g("GOC", "SPX-") + rand(28, URLSAFE),
    "azure-storage-account-key": g("AccountKey", "=") + rand(86, BASE64) + "==",
    "azure-shared-access-key": g("SharedAccessKey", "=") + rand(43, BASE64) + "=",
    "azure-sas-token": "https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=r&"
    + g("si", "g=")
    + rand(44, ALNUM + "%"),
    "azure-ad-client-secret": rand(3) + "8" + g("Q", "~") + rand(34, ALNUM + "_~.-"),
    "twilio-api-key": g("S", "K") + rand(32, HEX),
    "twilio-auth-token": g("TWILIO", "_AUTH_TOKEN") + "=" + rand(32, HEX),
    "sendgrid-api-key": g("S", "G.") + rand(22, URLSAFE) + "." + rand(43, URLSAFE),
    "mailgun-api-key": g("ke", "y-") + rand(32, HEX),
    "npm-token": checksummed(g("np", "m_")),
    "pypi-token": g("pypi-AgEI", "cHlwaS5vcmc") + rand(70, URLSAFE),
    "openai-api-key": g("sk", "-") + rand(20) + g("T3Blbk", "FJ") + rand(20),
    "openai-project-key": g("sk-", "proj-") + rand(80, URLSAFE),
    "anthropic-api-key": g("sk-", "ant-api03-") + rand(93, URLSAFE) + "AA",
    "huggingface-token": g("h", "f_") + rand(34, string.ascii_letters),
    "discord-bot-token": g("DISCORD", "_TOKEN")
    + "="
    + "M"
    + rand(25, URLSAFE)
    + "."
    + rand(6, URLSAFE)
    + "."
    + rand(30, URLSAFE),
    "discord-webhook": g("https://discord.com/api/", "webhooks/") + rand(18, string.digits) + "/" + rand(68, URLSAFE),
    "telegram-bot-token": rand(10, string.digits) + g(":A", "A") + rand(33, URLSAFE),
    "jwt": jwt(),
    "url-credentials": g("postgres://shop:", "Qw7Lp9Xv3") + "@db.internal:5432/shop",
    "connection-string-password": "Server=sql.internal;Database=shop;User Id=sa;" + g("Pass", "word=") + "Zx8Qw7Lp9;",
    "docker-registry-auth": g('"au', 'th": "') + DOCKER_LOGIN + '"',
    "base64-private-key": pem_base64("RSA PRIVATE KEY"),
}
AWS_SECRET = rand(40, BASE64)
