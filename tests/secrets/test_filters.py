"""Payload tables for every named filter: what it must catch and what it must let through."""

from __future__ import annotations

import pytest

from bastion.secrets.filters import BY_NAME, FILTERS, Candidate, Verdict, judge
from tests.secrets.tokens import g, rand

# filter name -> (values it must match, values it must not match); candidates are generic unless said.
TABLE: dict[str, tuple[list[Candidate], list[Candidate]]] = {
    "documentation-key": (
        [
            Candidate(g("AKIAIOSFODNN7", "EXAMPLE"), False),
            Candidate(g("wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY"), False),
        ],
        [Candidate(g("AK", "IA") + rand(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), False)],
    ),
    "masked": (
        [
            Candidate("********", True),
            Candidate("xxxxxxxxxx", True),
            Candidate(g("sk_live_", "x" * 12), False),
            Candidate("••••••", True),
            Candidate("…", True),
        ],
        [Candidate("hunter2-dev", True), Candidate(rand(20), True)],
    ),
    "placeholder": (
        [
            Candidate(v, True)
            for v in (
                "changeme",
                "CHANGE_ME",
                "change-me",
                "replace_me",
                "your_password",
                "TODO",
                "password",
                "secret",
                "null",
                "dummy",
            )
        ],
        [Candidate("changeme-2024-prod-Xk9", True), Candidate("hunter2-dev", True)],
    ),
    "template": (
        [
            Candidate(v, True)
            for v in (
                "<your-key>",
                "${VAR}",
                "$DB_PASSWORD",
                "%(password)s",
                "{{ api_token }}",
                "{api_key}",
                "your-api-key-here",
                "postgres://u:${PW}@db/x",
                "%s",
            )
        ],
        [Candidate("p@ss{word}x-not-a-field!", True), Candidate("hunter2-dev", True)],
    ),
    "environment-reference": (
        [
            Candidate(v, True)
            for v in (
                "os.environ['X']",
                "os.getenv('X')",
                "${{ secrets.DEPLOY_TOKEN }}",
                "!vault |",
                "ENC[AES256_GCM,data:x]",
                "arn:aws:secretsmanager:eu-west-1:1:secret:x",
                "vault:secret/data/app#token",
                "/run/secrets/db_password",
                "op://vault/item/field",
                "@Microsoft.KeyVault(SecretUri=https://x)",
                "%DB_PASSWORD%",
            )
        ],
        [Candidate("hunter2-dev", True), Candidate("environment", True)],
    ),
    "lockfile-digest": (
        [
            Candidate(rand(64, "0123456789abcdef"), True, line='"hash": "x"', path="poetry.lock"),
            Candidate(rand(86), True, line='"integrity": "sha512-x"', path="web/package-lock.json"),
        ],
        [Candidate(rand(64, "0123456789abcdef"), True, line='"hash": "x"', path="settings.json")],
    ),
    "not-a-value": (
        [
            Candidate(v, True, name="password")
            for v in (
                "true",
                "False",
                "1234",
                "DB_PASSWORD",
                "settings.SECRET_KEY",
                "https://auth.example.org",
                "/etc/app/secret",
                "abc",
                "Enter your password:",
                "please type the password here",
                "get_secret()",
                "str",
            )
        ]
        + [
            Candidate("_auth_user_id", True, name="SESSION_KEY"),
            Candidate("set-password", True, name="url_token"),
            Candidate("not in", True, name="token"),
            Candidate("CHECK", True, name="token"),
        ],
        [
            Candidate("hunter2-dev", True, name="password"),
            Candidate("correct horse", True, name="passphrase"),
            Candidate("letmein", True, name="password"),
            Candidate("tok-1234-abcd", True, name="api_token"),
            # Letters only, but drawn at random: a credential, not a lexer token.
            Candidate(g("dsShJHmslj", "cJqKKwoTKxNGMm"), True, name="API_TOKEN"),
            Candidate(g("qWeRtYuIoP", "aSdFgHjKlZ"), True, name="access_token"),
        ],
    ),
    "names-itself": (
        [
            Candidate("password", True, name="PASSWORD"),
            Candidate("api-key", True, name="API_KEY"),
            Candidate("SECRET_KEY", False, name="secret_key"),
            Candidate("secretKey", False, name="SECRET_KEY"),
        ],
        [
            Candidate("SECRET_KEY_2024_x9", False, name="secret_key"),
            Candidate("hunter2-dev", True, name="password"),
            Candidate("password", True),
        ],
    ),
    "uuid": (
        [Candidate("123e4567-e89b-12d3-a456-426614174000", True)],
        [Candidate("123e4567e89b12d3a456426614174000x", True)],
    ),
    "hash-digest": (
        [
            Candidate(rand(40, "0123456789abcdef"), True, name="commit_sha"),
            Candidate(rand(64, "0123456789abcdef"), True, line="sha256 checksum of the file"),
            Candidate("sha256:" + rand(64, "0123456789abcdef"), True),
        ],
        [Candidate(rand(40, "0123456789abcdef"), True, name="api_token")],
    ),
    "sequential": (
        [Candidate(v, True) for v in ("abcdefghijkl", "0123456789", "qwertyuiop", "abcabcabcabc", "zyxwvutsr")],
        [Candidate("hunter2-dev", True), Candidate(rand(20), True)],
    ),
    "already-redacted": (
        [Candidate("ghp_…(40 chars)", False), Candidate("hu…(11 chars)", True)],
        [Candidate("ghp_" + "A" * 36, True)],
    ),
    "ui-text": (
        [
            Candidate("Hasło", True, name="password", path="frontend/lang/messages/pl-PL.json"),
            Candidate("Gruppen-Token", True, name="group-token", path="app/locales/de.json"),
            Candidate("Mot de passe", True, name="password", path="i18n/fr_FR.yml"),
            Candidate("Passwort", True, name="password", path="web/messages.de.json"),
            Candidate("Contraseña", True, name="password", path="locale/es/LC_MESSAGES/django.po"),
        ],
        [
            Candidate("hunter2-dev", True, name="password", path="config/settings.json"),
            Candidate("hunter2-dev", True, name="password", path="deploy/prod.yml"),
            Candidate("hunter2-dev", True, name="password", path="config/database.json"),
            Candidate("hunter2-dev", True, name="password", path="app/languages.py"),
            Candidate("hunter2-dev", True, name="password", path="config/db.json"),
            Candidate("hunter2-dev", True, name="password", path="app.json"),
            Candidate("hunter2-dev", True, name="password", path="deploy/dev.yml"),
        ],
    ),
    "test-or-example": (
        [
            Candidate("real-looking-9", True, path="tests/test_api.py"),
            Candidate("x", True, path="conftest.py"),
            Candidate("dummy-key-123", True),
            Candidate("fake_token_9", True),
            Candidate("not-a-real-password", True),
            Candidate("x", True, path="config/.env.example"),
            Candidate("test-secret", True),
        ],
        [Candidate("hunter2-dev", True, path="src/app.py"), Candidate("latest-pass", True, path="app/contest.py")],
    ),
}


def test_every_filter_has_a_table() -> None:
    assert set(TABLE) == {f.name for f in FILTERS}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_filter_table(name: str) -> None:
    value_filter = BY_NAME[name]
    must, must_not = TABLE[name]
    wrong = [c for c in must if not value_filter.matches(c)]
    assert not wrong, f"{name} should match: {wrong}"
    wrong = [c for c in must_not if value_filter.matches(c)]
    assert not wrong, f"{name} should not match: {wrong}"


def test_judge_drops_keeps_and_downgrades() -> None:
    assert judge(Candidate("changeme", True))[0] is Verdict.DROP
    assert judge(Candidate("hunter2-dev", True, name="password", path="app.py")) == (Verdict.KEEP, "")
    assert judge(Candidate("hunter2-dev", True, name="password", path="tests/test_x.py")) == (
        Verdict.LOW,
        "test-or-example",
    )


def test_generic_only_filters_spare_provider_shapes() -> None:
    # A UUID-shaped value found by a provider pattern is not dropped by the (generic-only) uuid filter.
    candidate = Candidate("123e4567-e89b-12d3-a456-426614174000", generic=False)
    assert judge(candidate)[0] is Verdict.KEEP
    assert judge(Candidate(candidate.value, generic=True))[0] is Verdict.DROP
