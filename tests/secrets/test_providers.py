"""Payload tables for every provider detector: shapes that must be flagged and look-alikes that must not."""

from __future__ import annotations

import base64
import random

import pytest

from bastion.core.severity import Severity
from bastion.secrets.engine import SecretMatch, find_secrets
from bastion.secrets.filekinds import TextKind
from bastion.secrets.providers import DETECTORS
from tests.secrets.tokens import AWS_SECRET, HEX, PROVIDER_TOKENS, checksummed, g, jwt, pem_base64, rand


def detect(line: str, path: str = "config.txt") -> list[SecretMatch]:
    return find_secrets([line], TextKind.OTHER, path, providers_only=True)


def test_every_detector_has_a_payload() -> None:
    standalone = {d.name for d in DETECTORS if d.requires_nearby is None} - {
        "aws-secret-access-key",
        "aws-secret-after-key-id",
    }
    assert standalone <= set(PROVIDER_TOKENS), standalone - set(PROVIDER_TOKENS)


@pytest.mark.parametrize("name", sorted(PROVIDER_TOKENS))
@pytest.mark.parametrize("template", ['TOKEN = "{}"', "token: {}", "{}", "curl -H 'X: {}' https://x", '"k": "{}",'])
def test_flagged_in_every_setting(name: str, template: str) -> None:
    value = PROVIDER_TOKENS[name]
    found = detect(template.format(value))
    assert [m.detector for m in found] == [name], found
    match = found[0]
    assert match.value in value and len(match.value) >= 8


MUST_NOT_FLAG: list[tuple[str, str]] = [
    ("aws-access-key-id", g("AKIAIOSFODNN7", "EXAMPLE")),  # AWS's documentation key
    ("aws-access-key-id", g("AK", "IA") + rand(15, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")),  # one short
    ("aws-access-key-id", "x" + g("AK", "IA") + rand(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")),  # inside a word
    ("github-token", g("gh", "p_") + rand(36)),  # checksum does not match: never issued
    ("github-token", g("gh", "p_") + rand(30)),  # too short
    ("github-token", g("gh", "p_") + "x" * 36),  # masked
    ("github-fine-grained-token", g("github", "_pat_") + rand(20)),
    ("gitlab-token", g("gl", "pat-") + "abc"),
    ("slack-token", g("xo", "xb-") + "your-token-here"),
    ("slack-webhook", g("https://hooks.", "slack.com/services/") + "T000/B000"),
    ("stripe-live-key", g("pk_", "live_") + rand(24)),  # publishable: public by design
    ("stripe-live-key", g("sk_", "live_") + "x" * 24),  # masked
    ("stripe-live-key", g("sk_", "live_") + "<your-key>"),
    ("google-api-key", g("AI", "za") + rand(20)),
    ("azure-storage-account-key", g("AccountKey", "=") + "${STORAGE_KEY}"),
    ("twilio-api-key", g("S", "K") + rand(31, HEX)),
    ("sendgrid-api-key", g("S", "G.") + rand(10)),
    ("mailgun-api-key", g("ke", "y-") + "value"),
    ("npm-token", g("np", "m_") + rand(36)),  # checksum does not match
    ("pypi-token", g("py", "pi-") + rand(60)),  # not a macaroon for pypi.org
    ("openai-api-key", g("sk", "-") + rand(48)),  # legacy shape without the marker: left to generic rules
    ("anthropic-api-key", g("sk-", "ant-api03-") + rand(20)),
    ("huggingface-token", g("h", "f_") + rand(20)),
    ("telegram-bot-token", rand(10, "0123456789") + ":" + rand(35)),
    ("docker-registry-auth", g('"au', 'th": "') + base64.b64encode(b"no separator here").decode() + '"'),  # not a login
    ("docker-registry-auth", '"auth": "' + "".join(random.Random("auth").choices(HEX, k=24)) + '"'),  # no user:password
    ("docker-registry-auth", '"auth": "Bearer"'),
    ("base64-private-key", pem_base64("CERTIFICATE")),  # certificates are public
    ("base64-private-key", pem_base64("PUBLIC KEY")),
    (
        "base64-private-key",
        base64.b64encode(g("-----BEGIN RSA PRIVATE ", "KEY-----\n", "x" * 40).encode()).decode(),
    ),  # no END
    ("jwt", g("ey", "J") + rand(20) + "." + g("ey", "J") + rand(20) + "." + rand(30)),  # does not decode
    ("url-credentials", "postgres://user:password@localhost/db"),  # placeholder password
    ("url-credentials", "postgres://shop:${DB_PASSWORD}@db/shop"),  # template
    ("url-credentials", "https://user@example.org/"),  # no password
    ("connection-string-password", "Server=db;User Id=sa;Password={password};"),
]


@pytest.mark.parametrize(("detector", "line"), MUST_NOT_FLAG)
def test_not_flagged(detector: str, line: str) -> None:
    found = [m for m in detect(f'value = "{line}"') if m.detector == detector]
    assert not found, found


def test_github_checksum_is_what_keeps_a_token() -> None:
    token = checksummed(g("gh", "p_"))
    assert detect(token)
    broken = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert not detect(broken)


def test_stripe_test_key_and_expired_jwt_are_low() -> None:
    assert detect(PROVIDER_TOKENS["stripe-test-key"])[0].severity is Severity.LOW
    assert detect(PROVIDER_TOKENS["stripe-live-key"])[0].severity is Severity.CRITICAL
    expired = jwt({"sub": "1", "exp": 1500000000})
    assert detect(expired)[0].severity is Severity.LOW


def test_aws_pair_is_one_critical_finding() -> None:
    key_id = PROVIDER_TOKENS["aws-access-key-id"]
    lines = [f"aws_access_key_id = {key_id}", f"aws_secret_access_key = {AWS_SECRET}"]
    found = find_secrets(lines, TextKind.INI, "credentials")
    assert [(m.detector, m.line, m.severity) for m in found] == [("aws-secret-access-key", 2, Severity.CRITICAL)]
    assert "line 1" in found[0].note


def test_aws_secret_key_without_aws_context_needs_a_nearby_key_id() -> None:
    alone = find_secrets([f"secret = {AWS_SECRET}"], TextKind.OTHER, "notes.txt", providers_only=True)
    assert not alone
    key_id = PROVIDER_TOKENS["aws-access-key-id"]
    near = find_secrets([f"id = {key_id}", f"secret = {AWS_SECRET}"], TextKind.OTHER, "notes.txt", providers_only=True)
    assert [m.detector for m in near] == ["aws-secret-access-key"]


def test_aws_csv_credentials_on_one_line() -> None:
    key_id = PROVIDER_TOKENS["aws-access-key-id"]
    found = detect(f"deploy,{key_id},{AWS_SECRET}", "credentials.csv")
    assert [m.detector for m in found] == ["aws-secret-access-key"]
    assert found[0].severity is Severity.CRITICAL


def test_aws_id_alone_is_medium() -> None:
    assert detect(PROVIDER_TOKENS["aws-access-key-id"])[0].severity is Severity.MEDIUM


def test_localhost_and_test_paths_are_low_not_dropped() -> None:
    token = PROVIDER_TOKENS["stripe-live-key"]
    assert detect(token, "tests/test_billing.py")[0].severity is Severity.LOW
    assert detect(token, "src/billing.py")[0].severity is Severity.CRITICAL


def test_long_lines_cannot_hang_the_scan() -> None:
    # RE2 is linear: a pathological line of near-matches costs milliseconds, not minutes.
    line = (g("xo", "xb-") + "1-") * 20000 + "!" + ("a:" * 50000) + "://" + ":" * 50000
    assert isinstance(detect(line), list)
