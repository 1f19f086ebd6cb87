"""bastion's secret scan against detect-secrets on the same tree: time (median of N runs) and findings.

The tree (built once under bench/corpus/secrets-bench/, git-ignored): the Django package installed in this
environment (about 2,400 files: code, templates, translations, static files) plus a small application whose
files hold planted fake credentials (built at run time) and planted traps (the peers' known false alarms:
`NextToken`, `token_type`, `None` defaults, masked `****`, placeholders, environment reads).

    pip install detect-secrets django      # for this benchmark only
    python bench/secrets_vs_detect_secrets.py [--runs 5]

Each tool scans every file with all its detectors on all cores: `bastion secrets` and
`detect-secrets scan --all-files`. A finding is keyed by (file, line).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import string
import subprocess
import sys
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TREE = HERE / "corpus" / "secrets-bench"
APP = "shopapp"

_random = random.Random(99)
ALNUM = string.ascii_letters + string.digits


def rand(length: int, alphabet: str = ALNUM) -> str:
    return "".join(_random.choice(alphabet) for _ in range(length))


def github_token() -> str:
    from bastion.secrets.validators import base62_encode

    body = rand(30)
    return "gh" + "p_" + body + base62_encode(zlib.crc32(body.encode()))


def planted_files() -> tuple[dict[str, str], set[tuple[str, int]], set[tuple[str, int]]]:
    """Files of the small app, the (path, line) of each planted secret, and of each trap."""
    stripe = "sk_" + "live_" + rand(24)
    aws_id = "AK" + "IA" + rand(16, string.ascii_uppercase + "234567")
    aws_secret = rand(40, ALNUM + "/+")
    slack = "xo" + "xb-" + rand(11, string.digits) + "-" + rand(12, string.digits) + "-" + rand(24)
    files: dict[str, list[tuple[str, str]]] = {
        f"{APP}/.env": [
            (f"STRIPE_SECRET_KEY={stripe}", "secret"),
            (f"DATABASE_PASSWORD={rand(14)}", "secret"),
            ("DEBUG=true", ""),
            ("SENTRY_DSN=${SENTRY_DSN}", "trap"),
        ],
        f"{APP}/config/settings.yaml": [
            ("aws:", ""),
            (f"  access_key_id: {aws_id}", ""),
            (f"  secret_access_key: {aws_secret}", "secret"),
            (f"  slack_token: {slack}", "secret"),
            ("  smtp_password: '********'", "trap"),
            ("  api_key: <your-api-key>", "trap"),
        ],
        f"{APP}/config/db.json": [
            ("{", ""),
            (
                '  "default": "Server=sql.internal;Database=shop;User Id=shop;' + "Pass" + f'word={rand(12)};",',
                "secret",
            ),
            ('  "token_type": "bearer"', "trap"),
            ("}", ""),
        ],
        f"{APP}/app/clients.py": [
            ("import os", ""),
            ("import boto3", ""),
            ("import requests", ""),
            (f'GITHUB_TOKEN = "{github_token()}"', "secret"),
            (f'payments = Client(api_key="{rand(32)}")', "secret"),
            (f'HEADERS = {{"X-Api-Key": "{rand(24)}"}}', "secret"),
            (f'apiSecret = "{rand(20)}"', "secret"),
            (f's3 = boto3.client("s3", aws_secret_access_key="{rand(40, ALNUM + "/+")}")', "secret"),
            (f'db = {{"password": "{rand(12)}"}}', "secret"),
            ('NextToken = "eyJwYWdlIjoyfQ"', "trap"),
            ('token_type = "bearer"', "trap"),
            ('TOKEN_URL = "https://auth.example.org/oauth/token"', "trap"),
            ('password_field = "password"', "trap"),
            ('SECRET_KEY = os.environ["SECRET_KEY"]', "trap"),
            ('pad_token = "<pad>"', "trap"),
        ],
        f"{APP}/app/auth.py": [
            (f'def login(user, password="{rand(10)}"):', "secret"),
            ("    return user", ""),
            ("", ""),
            ("", ""),
            ("def check(token, password=None):", "trap"),
            (f'    if token == "{rand(20)}":', "secret"),
            ("        return True", ""),
            ("    return False", ""),
        ],
    }
    texts: dict[str, str] = {}
    secrets: set[tuple[str, int]] = set()
    traps: set[tuple[str, int]] = set()
    for path, lines in files.items():
        texts[path] = "\n".join(text for text, _ in lines) + "\n"
        for number, (_, role) in enumerate(lines, start=1):
            if role == "secret":
                secrets.add((path, number))
            elif role == "trap":
                traps.add((path, number))
    return texts, secrets, traps


def build_tree() -> tuple[set[tuple[str, int]], set[tuple[str, int]]]:
    import django

    texts, secrets, traps = planted_files()
    if not TREE.exists():
        shutil.copytree(Path(django.__file__).parent, TREE / "django", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.rmtree(TREE / APP, ignore_errors=True)
    for path, text in texts.items():
        target = TREE / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    # The corpus lives under a git-ignored directory: make the tree its own project that does not honour that.
    (TREE / "bastion.toml").write_text("respect-gitignore = false\n", encoding="utf-8")
    return secrets, traps


def run_bastion() -> set[tuple[str, int]]:
    output = subprocess.run(
        [sys.executable, "-m", "bastion", "secrets", str(TREE), "--no-progress", "-f", "json", "--fail-on", "critical"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {(f["path"], f["line"]) for f in json.loads(output)["findings"]}


def run_detect_secrets() -> set[tuple[str, int]]:
    executable = shutil.which("detect-secrets") or str(Path(sys.executable).parent / "detect-secrets")
    output = subprocess.run(
        [executable, "-C", str(TREE), "scan", "--all-files", "."], capture_output=True, text=True, check=False
    ).stdout
    results = json.loads(output)["results"]
    return {(path, item["line_number"]) for path, items in results.items() for item in items}


def timed(function: object, runs: int) -> tuple[float, list[float], set[tuple[str, int]]]:
    durations = []
    found: set[tuple[str, int]] = set()
    for _ in range(runs):
        started = time.perf_counter()
        found = function()  # type: ignore[operator]
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), durations, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    secrets, traps = build_tree()
    files = sum(1 for path in TREE.rglob("*") if path.is_file())
    print(f"tree: {TREE} ({files} files; {len(secrets)} planted secrets, {len(traps)} planted traps)")
    rows = []
    for name, function in (("bastion secrets", run_bastion), ("detect-secrets", run_detect_secrets)):
        median, durations, found = timed(function, arguments.runs)
        rows.append((name, median, durations, found))
    print(f"{'tool':<16} {'median s':>9} {'runs (s)':<34} {'findings':>8} {'planted found':>14} {'traps flagged':>14}")
    for name, median, durations, found in rows:
        runs = " ".join(f"{d:.2f}" for d in durations)
        hits = len(found & secrets)
        flagged = len(found & traps)
        print(
            f"{name:<16} {median:>9.2f} {runs:<34} {len(found):>8} "
            f"{hits:>8}/{len(secrets):<5} {flagged:>8}/{len(traps)}"
        )
    bastion_found, detect_found = rows[0][3], rows[1][3]
    for name, found in (("bastion", bastion_found), ("detect-secrets", detect_found)):
        missed = sorted(secrets - found)
        print(f"{name} misses: {missed or 'none'}")
        print(f"{name} flags traps: {sorted(found & traps) or 'none'}")
        outside = sorted(found - secrets - traps)
        print(f"{name} other findings ({len(outside)}): {outside[:12]}{' ...' if len(outside) > 12 else ''}")
    print(f"speed: bastion takes {rows[0][1] / rows[1][1]:.2f}x detect-secrets' time (median)")


if __name__ == "__main__":
    main()
