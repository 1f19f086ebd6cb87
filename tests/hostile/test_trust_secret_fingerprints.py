"""Attack: use a committed baseline (or a SARIF upload) to confirm a guessed weak password offline.

A secret finding's fingerprint was SHA-256 over the rule, the file, the scope and an unsalted SHA-256 of the value:
with the prefix and length the report shows, anyone holding the baseline tested a dictionary of guesses in
microseconds each. The value now goes through scrypt (N = 2^14, r = 8) salted with the file's path: stable across
machines and runs, new when the value changes, and each guess costs the scrypt work, per file.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from bastion.core.secret_identity import secret_fingerprint
from tests.hostile.trust_support import run_bastion, write_files

WEAK = "hunter2" + "hunter2"  # a weak password an attacker would have in a dictionary
SETTINGS = f'DB_PASSWORD = "{WEAK}"\n'
COMPOSE = f"services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: {WEAK}\n"
_GUESSES = ["password", "letmein", "hunter2", WEAK, "correcthorse"]


def _old_fingerprint(code: str, path: str, scope: str, context: str) -> str:
    """The version 1 scheme, as an attacker holding the baseline would compute it for each guess."""
    key = "\0".join((code, path, scope, context))
    return hashlib.sha256(f"{key}\0{1}".encode()).hexdigest()[:32]


def _baseline(tmp_path: Path, project: Path, name: str = "baseline.json") -> dict:  # type: ignore[type-arg]
    target = tmp_path / name
    done = run_bastion(
        ["scan", str(project), "--isolated", "--offline", "--write-baseline", str(target), "--no-progress"],
        home=tmp_path / "home",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    baseline: dict = json.loads(target.read_text(encoding="utf-8"))  # type: ignore[type-arg]
    return baseline


def _entry(baseline: dict, code: str) -> dict:  # type: ignore[type-arg]
    (entry,) = [e for e in baseline["findings"] if e["code"] == code]
    return entry  # type: ignore[no-any-return]


def test_a_baseline_no_longer_confirms_a_guessed_password(tmp_path: Path) -> None:
    project = write_files(tmp_path / "project", {"settings.py": SETTINGS, "docker-compose.yml": COMPOSE})
    baseline = _baseline(tmp_path, project)
    text = json.dumps(baseline)
    assert WEAK not in text and hashlib.sha256(WEAK.encode()).hexdigest() not in text
    contexts = [f"secret-sha256:{hashlib.sha256(guess.encode()).hexdigest()}" for guess in _GUESSES]
    for code, path in (("SEC201", "settings.py"), ("SEC203", "docker-compose.yml")):
        fingerprint = _entry(baseline, code)["fingerprint"]
        # The old offline check, over a dictionary holding the right password, finds nothing now.
        tried = {_old_fingerprint(code, path, scope, context) for context in contexts for scope in ("", "settings")}
        assert fingerprint not in tried, f"{code}: the baseline confirms a guess with unsalted SHA-256"
    assert _baseline(tmp_path, project, "again.json") == baseline  # stable run to run (and machine to machine)


def test_each_guess_costs_the_scrypt_work_per_file() -> None:
    started = time.process_time()
    first = secret_fingerprint(WEAK + "x", "settings.py")
    spent = time.process_time() - started
    assert spent > 0.003, f"one fingerprint took {spent * 1000:.1f} ms of CPU: not a slow hash"
    assert first != secret_fingerprint(WEAK + "x", "config/settings.py")  # salted by the file: no shared table
    assert first == secret_fingerprint(WEAK + "x", "settings.py")


def test_a_rotated_secret_is_a_new_finding(tmp_path: Path) -> None:
    project = write_files(tmp_path / "project", {"settings.py": SETTINGS})
    baseline = tmp_path / "baseline.json"
    _baseline(tmp_path, project)
    (project / "settings.py").write_text(SETTINGS.replace(WEAK, WEAK[::-1]), encoding="utf-8")
    done = run_bastion(
        ["scan", str(project), "--isolated", "--offline", "--baseline", str(baseline), "-f", "json"],
        home=tmp_path / "home",
    )
    report = json.loads(done.stdout)
    assert [f["code"] for f in report["findings"]] == ["SEC201"]  # the new value is not accepted by the old entry
    assert report["summary"]["stale_baseline_entries"] == 1


def test_a_version_1_baseline_keeps_its_secret_entries_with_a_notice(tmp_path: Path) -> None:
    project = write_files(tmp_path / "project", {"settings.py": SETTINGS, "app.py": "eval(input())\n"})
    current = _baseline(tmp_path, project)
    # The same baseline as bastion 0.1.0 wrote it: version 1, the secret's entry under its SHA-256 fingerprint.
    old = json.loads(json.dumps(current))
    old["version"] = 1
    secret = _entry(old, "SEC201")
    secret["fingerprint"] = _old_fingerprint(
        "SEC201", "settings.py", "", f"secret-sha256:{hashlib.sha256(WEAK.encode()).hexdigest()}"
    )
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    done = run_bastion(
        ["scan", str(project), "--isolated", "--offline", "--baseline", str(path), "-f", "json"],
        home=tmp_path / "home",
    )
    report = json.loads(done.stdout)
    assert done.returncode == 0, report["findings"]  # nothing comes back as new
    assert report["summary"]["baselined"] == len(current["findings"])
    assert report["summary"]["stale_baseline_entries"] == 0
    assert any("version 1" in n["message"] and "--write-baseline" in n["message"] for n in report["notices"])
