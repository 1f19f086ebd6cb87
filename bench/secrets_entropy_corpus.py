"""Tune SEC204/SEC203's randomness threshold on a corpus, and print how each candidate threshold does.

Negatives: every token of 16+ characters mixing letters and digits found in the Python, text and config files
of installed packages (by default the Django and pip installed in this environment: code, docs, translations,
test data) — identifiers, base64 data, version strings, URLs' parts, digests. Hex digests of the usual lengths are
counted apart: they are random by nature, and the `hash-digest` filter (not entropy) is what drops them.
Positives: random keys generated in the shapes services issue (alphanumeric, hex, base64, URL-safe; 16 to 64
characters), plus the bodies of the provider shapes in tests/secrets/tokens.py.

    python bench/secrets_entropy_corpus.py [DIR ...]
"""

from __future__ import annotations

import random
import re
import string
import sys
from pathlib import Path

from bastion.secrets import entropy
from bastion.secrets.entropy import looks_like_words, mixes_classes, randomness

_TOKEN = re.compile(r"[A-Za-z0-9+/_\-]{16,}={0,2}")
_SUFFIXES = {".py", ".txt", ".rst", ".md", ".json", ".yaml", ".yml", ".cfg", ".ini", ".toml", ".po", ".html", ".js"}
_DIGEST = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$")


def default_roots() -> list[Path]:
    import django
    import pip

    return [Path(django.__file__).parent, Path(pip.__file__).parent]


def negatives(roots: list[Path]) -> tuple[list[str], int]:
    tokens: set[str] = set()
    digests = 0
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix not in _SUFFIXES or not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for token in _TOKEN.findall(text):
                if not mixes_classes(token):
                    continue
                if _DIGEST.match(token.lower()):
                    digests += 1
                    continue
                tokens.add(token)
    return sorted(tokens), digests


def positives() -> list[str]:
    generator = random.Random(7)
    alphabets = {
        "alnum": string.ascii_letters + string.digits,
        "hex": "0123456789abcdef",
        "base64": string.ascii_letters + string.digits + "+/",
        "urlsafe": string.ascii_letters + string.digits + "_-",
    }
    found = []
    for alphabet in alphabets.values():
        for length in (16, 20, 24, 32, 40, 48, 64):
            for _ in range(200):
                # A seeded generator on purpose: the corpus must be the same on every run.
                token = "".join(generator.choice(alphabet) for _ in range(length))  # bastion: ignore[PAT406]
                if mixes_classes(token) and not (alphabet == alphabets["hex"] and length < entropy.MIN_HEX_LENGTH):
                    found.append(token)
    return found


def main() -> None:
    roots = [Path(arg) for arg in sys.argv[1:]] or default_roots()
    negative, digests = negatives(roots)
    positive = positives()
    print(f"corpus: {', '.join(str(r) for r in roots)}")
    print(f"negatives: {len(negative)} distinct tokens (and {digests} hex digests, left to the hash-digest filter)")
    print(f"positives: {len(positive)} generated keys")
    scored_negative = [(randomness(t), looks_like_words(t)) for t in negative if len(t) >= entropy.MIN_LENGTH]
    scored_positive = [(randomness(t), looks_like_words(t)) for t in positive]
    print(f"{'':>6} {'entropy alone':^28} {'entropy + word check (bastion)':^32}")
    print(f"{'ratio':>6} {'keys found':>11} {'corpus flagged':>15} {'keys found':>13} {'corpus flagged':>16}")
    for ratio in (0.75, 0.80, 0.84, 0.86, 0.88, 0.90, 0.92, 0.95):
        row = []
        for words_matter in (False, True):
            found = sum(s >= ratio and not (words_matter and w) for s, w in scored_positive) / len(scored_positive)
            flagged = sum(s >= ratio and not (words_matter and w) for s, w in scored_negative)
            row.append((found, flagged / max(1, len(scored_negative))))
        marker = "  <- bastion" if abs(ratio - entropy.RANDOMNESS_RATIO) < 1e-9 else ""
        print(f"{ratio:>6.2f} {row[0][0]:>11.1%} {row[0][1]:>15.1%} {row[1][0]:>13.1%} {row[1][1]:>16.1%}{marker}")
    print(
        "Flagged corpus tokens are only candidates: SEC204 also needs a secret-like name within a few words, "
        "and the filters (UUID, digest, sequence, URL path, lock file) run after."
    )


if __name__ == "__main__":
    main()
