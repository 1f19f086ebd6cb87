"""Entropy (length-aware randomness), the CRC32 token checksum and the JWT check."""

from __future__ import annotations

import zlib

import pytest

from bastion.secrets.entropy import looks_random, random_entropy, randomness, shannon_entropy
from bastion.secrets.validators import Check, base62_decode, base62_encode, crc32_token_checksum, jwt_check
from tests.secrets.tokens import BASE64, HEX, b64url_json, checksummed, g, jwt, rand

RANDOM = [rand(16), rand(20), rand(32), rand(40, BASE64), rand(32, HEX), rand(64, HEX), rand(24) + "-" + rand(8)]
NOT_RANDOM = [
    "ThisIsAVeryLongIdentifierName",  # letters only
    "1234567890123456789",  # digits only
    "hunter2hunter2hunter2",  # repetitive
    "password_reset_timeout_1",  # words
    "a1b2c3",  # too short
    "deadbeef1234",  # short hex
    "aaaaaaaaaaaaaaaaaaaaaaa1",
]


@pytest.mark.parametrize("token", RANDOM)
def test_random_tokens(token: str) -> None:
    assert looks_random(token), randomness(token)


@pytest.mark.parametrize("token", NOT_RANDOM)
def test_not_random(token: str) -> None:
    assert not looks_random(token), randomness(token)


def test_entropy_basics() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)
    assert random_entropy(16, 62) < random_entropy(64, 62) < 6.0


def test_base62_round_trip() -> None:
    for number in (0, 1, 61, 62, 2**32 - 1):
        assert base62_decode(base62_encode(number)) == number
    assert base62_decode("!!") is None


def test_crc32_checksum() -> None:
    token = checksummed(g("gh", "p_"))
    assert crc32_token_checksum(token) is Check.VALID
    body = token[4:34]
    wrong = g("gh", "p_") + body + base62_encode((zlib.crc32(body.encode()) + 1) % 2**32)
    assert crc32_token_checksum(wrong) is Check.INVALID
    assert crc32_token_checksum(g("gh", "p_") + "short") is Check.INVALID


def test_jwt_check() -> None:
    assert jwt_check(jwt()) is Check.VALID
    assert jwt_check(jwt({"sub": "1", "exp": 100}), now=200) is Check.WEAK
    no_alg = b64url_json({"typ": "JWT"}) + "." + b64url_json({"sub": "1"}) + "." + rand(20)
    assert jwt_check(no_alg) is Check.INVALID
    assert jwt_check(g("ey", "J") + rand(10) + "." + g("ey", "J") + rand(10) + "." + rand(10)) is Check.INVALID
    assert jwt_check("a.b") is Check.INVALID
