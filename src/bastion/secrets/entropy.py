"""Does a string look random? Shannon entropy compared with what a random string of its length and alphabet has.

Raw Shannon entropy grows with length (a 12-character random string cannot exceed log2(12) = 3.58 bits per
character), so a fixed threshold (detect-secrets: 4.5 for base64, 3.0 for hex) misses short keys and flags long
prose. Here a token is random-looking when its entropy reaches `RANDOMNESS_RATIO` of the mean entropy of truly
random strings of the same length over the same alphabet, and it mixes character classes the way keys do.
The ratio and the minimum lengths were tuned on a corpus (see bench/secrets_entropy_corpus.py): string
literals near secret-like names in installed packages (negatives) against generated keys (positives).
"""

from __future__ import annotations

import functools
import math
import random
import string
from collections import Counter

from bastion.core import patterns

HEX_ALPHABET = "0123456789abcdef"
BASE64_ALPHABET = string.ascii_letters + string.digits + "+/"
ALNUM_ALPHABET = string.ascii_letters + string.digits

# Tuned on the corpus described in the module docstring (bench/secrets_entropy_corpus.py prints the table):
# 99.7% of generated keys reach the ratio; with the word check below, 98.7% of keys and 7.3% of the corpus's
# 16+ character mixed tokens (identifiers, paths, data) remain candidates, against 42% on entropy alone.
RANDOMNESS_RATIO = 0.88
MIN_LENGTH = 16
MIN_HEX_LENGTH = 24
# A token whose letters mostly form word-like runs (4+ letters with a vowel: `Python2TracebackLexer`,
# `org/html/rfc7231`) is an identifier or a path, however high its entropy.
WORD_RUN = 4
WORD_SHARE = 0.6
_LETTER_RUNS = patterns.compile(r"[A-Z]?[a-z]+|[A-Z]+")
_VOWELS = frozenset("aeiouyAEIOUY")
_SAMPLES = 48


def shannon_entropy(text: str) -> float:
    """Bits per character."""
    if not text:
        return 0.0
    length = len(text)
    return -sum(count / length * math.log2(count / length) for count in Counter(text).values())


@functools.lru_cache(maxsize=512)
def random_entropy(length: int, alphabet_size: int) -> float:
    """Mean entropy of random strings of `length` over `alphabet_size` symbols (a fixed-seed simulation)."""
    generator = random.Random(length * 1000 + alphabet_size)
    symbols = [chr(0x100 + i) for i in range(alphabet_size)]
    total = sum(shannon_entropy("".join(generator.choices(symbols, k=length))) for _ in range(_SAMPLES))
    return total / _SAMPLES


def _alphabet_size(token: str) -> int:
    lower = token.lower()
    if all(c in HEX_ALPHABET for c in lower) and (token == lower or token == token.upper()):
        return 16
    if all(c in ALNUM_ALPHABET for c in token):
        return 62
    return 64


def is_hex(token: str) -> bool:
    return bool(token) and all(c in "0123456789abcdefABCDEF" for c in token)


def mixes_classes(token: str) -> bool:
    """Keys mix digits and letters; identifiers, words and numbers do not."""
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    return has_digit and has_alpha


def looks_like_words(token: str) -> bool:
    """Most letters of `token` sit in word-like runs: an identifier, a path, a slug."""
    letters = sum(char.isalpha() for char in token)
    if not letters:
        return True
    covered = sum(
        len(run) for run in _LETTER_RUNS.findall(token) if len(run) >= WORD_RUN and not _VOWELS.isdisjoint(run)
    )
    return covered >= WORD_SHARE * letters


def looks_random(token: str) -> bool:
    """Whether `token` (no spaces) looks like a generated key rather than a word, identifier or number."""
    length = len(token)
    if length < MIN_LENGTH or not mixes_classes(token) or looks_like_words(token):
        return False
    size = _alphabet_size(token)
    if size == 16 and length < MIN_HEX_LENGTH:
        return False
    return shannon_entropy(token) >= RANDOMNESS_RATIO * random_entropy(min(length, 256), size)


def randomness(token: str) -> float:
    """Entropy as a fraction of a random string's of the same shape (for tuning and messages)."""
    if not token:
        return 0.0
    return shannon_entropy(token) / random_entropy(min(len(token), 256), _alphabet_size(token))
