"""How fast is the offline dependency audit: index build for a full-size OSV PyPI export, and the audit of a
lock file with 500 packages once the index exists (target: under 1 s).

    python bench/deps_speed.py [--advisories 18000] [--packages 500] [--runs 5]

OSV's real PyPI export (`all.zip`) cannot be downloaded here, so a synthetic one of realistic size is generated
once into bench/corpus/ from the 414 real records in tests/data/osv-pypi, in the proportions of the real export:
PYSEC-shaped clones (the records as they are), GHSA-shaped clones (with a summary, a CVSS vector and a
database severity) and MAL-shaped reports (malicious packages: one package, "introduced 0", no fix). Clones keep
their ranges and versions lists and move to synthetic package names, so the lock file's pins hit real-shaped
ranges. Printed: the export's size, the index build time (fresh cache each run), the audit time measured inside
a fresh process (index opened, lock parsed, advisories matched, fixes computed; interpreter start and imports
excluded), and the whole `bastion deps` command (everything included). Medians, with min and max; wall and CPU
seconds, since CPU time is the steadier figure on a loaded machine.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_tools import CORPUS, run_command, spread

ROOT = Path(__file__).resolve().parent.parent
SHARED_RECORDS = ROOT / "tests" / "data" / "osv-pypi"
SEED = 751
CVSS_VECTORS = (
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:L/A:N",
)


def _real_records() -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(SHARED_RECORDS.glob("PYSEC-*.json"))]


def _rename(record: dict[str, Any], identifier: str, package: str, aliases: list[str]) -> dict[str, Any]:
    clone = copy.deepcopy(record)
    clone["id"] = identifier
    clone["aliases"] = aliases
    for affected in clone.get("affected", []):
        affected["package"]["name"] = package
        affected["package"]["purl"] = f"pkg:pypi/{package}"
    return clone


def synthetic_export(path: Path, advisories: int) -> dict[str, list[str]]:
    """Write the export zip; return, per synthetic package, the versions its advisories list (for the lock)."""
    random.seed(SEED)
    real = _real_records()
    packages = [f"synpkg-{n:04d}" for n in range(max(1, advisories // 6))]
    versions: dict[str, list[str]] = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for record in real:  # the real records themselves, as the real export holds them
            archive.writestr(f"{record['id']}.json", json.dumps(record, indent=2))
        for number in range(advisories - len(real)):
            shape = random.random()
            source = random.choice(real)
            cve = f"CVE-2099-{number:05d}"
            if shape < 0.25:
                package = random.choice(packages)
                record = _rename(source, f"PYSEC-2099-{number}", package, [cve])
            elif shape < 0.55:
                package = random.choice(packages)
                ghsa = f"GHSA-{number:04x}-syn{number % 10}-{(number * 7) % 9999:04d}"
                record = _rename(source, ghsa, package, [cve, f"PYSEC-2099-{number}"])
                record["summary"] = f"Synthetic advisory {number} for {package}"
                record["severity"] = [{"type": "CVSS_V3", "score": random.choice(CVSS_VECTORS)}]
                record["database_specific"] = {"severity": "HIGH", "github_reviewed": True, "cwe_ids": ["CWE-79"]}
            else:
                package = f"malpkg-{number:05d}"
                record = {
                    "id": f"MAL-2099-{number}",
                    "summary": f"Malicious code in {package} (PyPI)",
                    "details": "This package was reported as malicious: it runs code at install time.",
                    "modified": "2024-06-01T00:00:00Z",
                    "published": "2024-06-01T00:00:00Z",
                    "affected": [
                        {
                            "package": {"ecosystem": "PyPI", "name": package, "purl": f"pkg:pypi/{package}"},
                            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
                            "versions": ["0.0.1", "0.0.2", "1.0.0"],
                        }
                    ],
                }
            for affected in record["affected"]:
                listed = affected.get("versions") or ["1.0.0"]
                versions.setdefault(package, []).extend(listed[:50])
            archive.writestr(f"{record['id']}.json", json.dumps(record, indent=2))
    temporary.replace(path)
    (path.with_suffix(".versions.json")).write_text(json.dumps(versions), encoding="utf-8")
    return versions


def lock_file(path: Path, versions: dict[str, list[str]], count: int) -> None:
    """A uv.lock with `count` packages: the 50 real packages, synthetic ones (half at a listed, vulnerable
    version, half at a version no advisory lists) and some that no advisory names at all."""
    random.seed(SEED + 1)
    real = sorted({a["package"]["name"].lower() for r in _real_records() for a in r["affected"]})
    chosen: list[tuple[str, str]] = [(name, "1.0.0") for name in real]
    synthetic = sorted(name for name in versions if name.startswith("synpkg-"))
    for name in random.sample(synthetic, min(len(synthetic), int(count * 0.8) - len(chosen))):
        listed = versions[name]
        chosen.append((name, random.choice(listed) if random.random() < 0.5 else "999.0"))
    while len(chosen) < count:
        chosen.append((f"clean-package-{len(chosen)}", "2.0.0"))
    lines = ["version = 1", 'requires-python = ">=3.11"', ""]
    for name, version in chosen[:count]:
        lines += ["[[package]]", f'name = "{name}"', f'version = "{version}"']
        lines += ['source = { registry = "https://pypi.org/simple" }', ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def measure_audit_once(lock: Path, database: Path, cache: Path) -> None:
    """In a fresh process: open the (already built) index, parse the lock, audit it. Prints seconds and counts."""
    from bastion.deps.audit import audit_packages
    from bastion.deps.model import PackageVersion
    from bastion.deps.services.offline import OfflineDatabase
    from bastion.deps.sources import parse_manifest

    started, cpu_started = time.perf_counter(), time.process_time()
    manifest = parse_manifest("uv.lock", lock.read_text(encoding="utf-8"))
    assert manifest is not None
    service = OfflineDatabase(database, cache_dir=cache)
    packages = [PackageVersion(d.name, d.version) for d in manifest.dependencies if d.version]
    reports = audit_packages(packages, service)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert service.stats is not None and not service.stats.rebuilt, "the index should have been built already"
    vulnerable = sum(1 for report in reports.values() if report.groups)
    advisories = sum(len(report.groups) for report in reports.values())
    counts = {"packages": len(packages), "vulnerable": vulnerable, "advisories": advisories}
    print(json.dumps({"seconds": elapsed, "cpu": cpu, **counts}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--advisories", type=int, default=18000)
    parser.add_argument("--packages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--measure-audit", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_audit:
        measure_audit_once(*args.measure_audit)
        return

    export = CORPUS / f"osv-pypi-synthetic-{args.advisories}.zip"
    versions_file = export.with_suffix(".versions.json")
    if export.is_file() and versions_file.is_file():
        versions = json.loads(versions_file.read_text(encoding="utf-8"))
    else:
        versions = synthetic_export(export, args.advisories)
    with zipfile.ZipFile(export) as archive:
        uncompressed = sum(info.file_size for info in archive.infolist())
        count = len(archive.infolist())
    print(
        f"export: {export.name}: {count:,} advisories, {export.stat().st_size / 1e6:.1f} MB zipped, "
        f"{uncompressed / 1e6:.1f} MB of JSON"
    )

    from bastion.deps.services.offline import OfflineDatabase

    builds, build_cpu = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as cache:
            started, cpu_started = time.perf_counter(), time.process_time()
            stats = OfflineDatabase(export, cache_dir=Path(cache)).open()
            builds.append(time.perf_counter() - started)
            build_cpu.append(time.process_time() - cpu_started)
    print(f"index build (zip -> SQLite, fresh cache each run): wall {spread(builds)}")
    print(f"  cpu {spread(build_cpu)}")
    print(f"  {stats.records:,} records read, {stats.advisories:,} (record, package) rows, {stats.withdrawn} withdrawn")

    lock_dir = CORPUS / f"lock{args.packages}"
    lock = lock_dir / "uv.lock"
    lock_file(lock, versions, args.packages)
    cache = CORPUS / "deps-cache"
    OfflineDatabase(export, cache_dir=cache).open()  # built once; every measured run reuses it
    audits, audit_cpu = [], []
    summary: dict[str, Any] = {}
    for _ in range(args.runs):
        output = subprocess.run(
            [sys.executable, __file__, "--measure-audit", str(lock), str(export), str(cache)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        summary = json.loads(output)
        audits.append(summary["seconds"])
        audit_cpu.append(summary["cpu"])
    print(
        f"audit of a {summary['packages']}-package uv.lock, index built (in a fresh process, imports excluded): "
        f"wall {spread(audits)}"
    )
    print(f"  cpu {spread(audit_cpu)}")
    print(f"  {summary['vulnerable']} vulnerable packages, {summary['advisories']} advisories reported")

    command = [sys.executable, "-m", "bastion", "deps", str(lock_dir), "--db", str(export), "--cache-dir", str(cache)]
    command += ["--isolated", "--no-progress", "-f", "json", "-o", "/dev/null"]
    whole = [run_command(command) for _ in range(args.runs)]
    print(f"`bastion deps` on it, whole process (start-up, imports, report included): {spread(whole)}")
    print(f"target: audit under 1 s once the index is built -> {'met' if statistics.median(audits) < 1 else 'NOT met'}")
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
