"""bastion and bandit over the PAT rule fixtures: per topic, what each finds and misses.

    python bench/compare_fixtures_bandit.py

Each fixture folder marks the lines that must be reported (`# $ PATxxx`, and `# $ MISSING: PATxxx` for
bastion's known gaps) and lines that must stay clean (`# ok`). bastion runs with only that rule selected; bandit
runs on the same folder with all its tests. A bandit result counts as a find when its statement covers a marked
line (whatever bandit test fired: this is generous to bandit), and as a false alarm when it covers an `# ok` line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from _peers import ROOT, bandit_executable, bandit_version

sys.path.insert(0, str(ROOT))

from tests.harness import FIXTURES, found_lines, read_expectations, scan_fixture

TOPICS = {
    "1": "code execution",
    "2": "deserialisation",
    "3": "commands",
    "4": "hashes, passwords, randomness",
    "5": "crypto, TLS, HTTP",
    "6": "JWT",
    "7": "XML",
    "8": "web and files",
    "9": "errors, logs, templates",
}


@dataclass
class Tally:
    flaws: int = 0
    bastion_found: int = 0
    bandit_found: int = 0
    safe_lines: int = 0
    bastion_false: int = 0
    bandit_false: int = 0


def bandit_lines(folder: Path) -> set[tuple[str, int]]:
    """(file, line) for every line covered by a bandit result in the folder."""
    result = subprocess.run(
        [str(bandit_executable()), "-r", str(folder), "-f", "json", "-q"], capture_output=True, text=True, check=False
    )
    try:
        results = json.loads(result.stdout)["results"]
    except (ValueError, KeyError):
        return set()
    lines = set()
    for item in results:
        rel = Path(item["filename"]).resolve().relative_to(folder.resolve()).as_posix()
        for line in item.get("line_range") or [item["line_number"]]:
            lines.add((rel, line))
    return lines


def main() -> int:
    tallies: dict[str, Tally] = defaultdict(Tally)
    per_rule: list[str] = []
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name.startswith("PAT")):
        code = folder.name
        expectations = read_expectations(folder, code)
        flaws = {(path, line) for path, line, _ in expectations.expected | expectations.missing}
        ours = {(path, line) for path, line, _ in found_lines(scan_fixture(folder, code), code)}
        theirs = bandit_lines(folder)
        tally = tallies[code[3]]
        tally.flaws += len(flaws)
        tally.bastion_found += len(flaws & ours)
        tally.bandit_found += len(flaws & theirs)
        tally.safe_lines += len(expectations.ok_lines)
        tally.bastion_false += len(expectations.ok_lines & ours)
        tally.bandit_false += len(expectations.ok_lines & theirs)
        per_rule.append(
            f"{code}: flaws {len(flaws)}, bastion {len(flaws & ours)}, bandit {len(flaws & theirs)}; "
            f"safe lines {len(expectations.ok_lines)}, false alarms bastion {len(expectations.ok_lines & ours)}, "
            f"bandit {len(expectations.ok_lines & theirs)}"
        )
    print(f"bastion PAT fixtures vs {bandit_version()}")
    print()
    print("\n".join(per_rule))
    print()
    header = f"{'topic':<38} {'flaws':>5} {'bastion':>8} {'bandit':>7} {'safe':>5} {'FA bastion':>11} {'FA bandit':>10}"
    print(header)
    print("-" * len(header))
    total = Tally()
    for digit, topic in TOPICS.items():
        t = tallies.get(digit, Tally())
        print(f"PAT{digit}xx {topic:<31} {t.flaws:>5} {t.bastion_found:>8} {t.bandit_found:>7} {t.safe_lines:>5} "
              f"{t.bastion_false:>11} {t.bandit_false:>10}")  # fmt: skip
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(t, name))
    print("-" * len(header))
    print(f"{'total':<38} {total.flaws:>5} {total.bastion_found:>8} {total.bandit_found:>7} {total.safe_lines:>5} "
          f"{total.bastion_false:>11} {total.bandit_false:>10}")  # fmt: skip
    print("\nflaws: marked unsafe lines (incl. bastion's MISSING); FA: false alarms on lines marked `# ok`.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
