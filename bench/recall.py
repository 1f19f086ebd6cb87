"""Recall and precision of bastion on code nobody on the team wrote: labelled vulnerable apps and CodeQL's tests.

    python bench/recall.py [--mirrors DIR] [--jobs N] [--reuse DIR] [--corpus vulnapps|codeql|all]
                           [--group tuned|heldout|all] [--misses] [--write-docs SECTION] [--label TEXT]

Two corpora, both fetched into the bench cache outside this repository (`$BASTION_BENCH_CACHE`, default
`~/.cache/bastion-bench`):

- `vulnapps`: intentionally vulnerable apps pinned in `bench/vulnapps/apps.toml`, labelled by us in
  `bench/vulnapps/labels/<app>.toml` (one entry per flaw, from reading the code). Each app is scanned the way a new
  user would (`bastion scan TREE --isolated`, the offline advisory data of tests/data/osv-pypi). A flaw is *found*
  when a finding points at one of its places (`at`: `path:line`, a finding whose span covers the line, or `path:*`)
  with one of its CWEs. A finding is *true* when it finds a labelled flaw, *false* when it matches none; findings on
  flaws labelled `debatable` count neither way, and flaws with `scope = "out"` (no Python analysis can see them)
  are listed but not counted.
- `codeql`: the test files of CodeQL's Python security queries (github/codeql, MIT), each file pinned by commit in
  `bench/codeql/tests.toml` and checked by SHA-256. Their inline expectations are the labels: `$ Alert` and
  `result=BAD` (with `MISSING:`) and the older `NOT OK`/`BAD`/`unsafe` comments mark a flaw on their line;
  `SPURIOUS:` marks CodeQL's own false alarms as safe. Files with incomplete marks list `bad`/`debatable` lines in
  tests.toml. Only bastion findings with one of the query's CWEs count. Each query folder is scanned on its own,
  with no test-path policy (the files are named like tests).

Recall is found flaws over labelled ones; precision is true findings over true and false ones. `--misses` prints
every missed flaw and false finding; the held-out apps' only with `--group heldout` (whoever tunes rules must not
read them, so the default run keeps them to their tables). `--write-docs SECTION` writes the tables between
`<!-- vulnapps:SECTION:begin -->` and `<!-- vulnapps:SECTION:end -->` in docs/accuracy.md (SECTION: before/after).

Apps marked `heldout = true` in bench/vulnapps/apps.toml (labelled before bastion was ever run on them, and not tuned
to) get a table of their own, printed last, then one line for both groups together; `--write-docs SECTION` writes
them between `<!-- vulnapps:heldout-SECTION:begin -->` and its end marker.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VULNAPPS = HERE / "vulnapps"
CODEQL = HERE / "codeql"
ACCURACY = REPO / "docs" / "accuracy.md"
OSV_DATA = REPO / "tests" / "data" / "osv-pypi"
sys.path.insert(0, str(HERE / "realapps"))

from fetch import App, cache_root, default_mirrors, ensure  # noqa: E402

# Hygiene and hardening rules (HTTPS redirect, HSTS and other headers, password validators, rate limits, login
# logging, containers, CI, pins, hashes and lock files, timeouts, PATH lookups, swallowed exceptions): what they
# report is advice for production, not a flaw of these apps. Their findings count neither way here unless a label
# names them (lets-be-bad-guys' HTTPS exercise); their precision is measured on real apps (bench/realapps/).
HARDENING = frozenset(
    {
        "CFG105",
        "CFG201",
        "CFG202",
        "CFG203",
        "CFG204",
        "CFG205",
        "CFG305",
        "CFG306",
        "CFG310",
        "CFG401",
        "CFG402",
        "CFG404",
        "CFG405",
        "CFG409",
        "CFG410",
        "DEP201",
        "DEP202",
        "DEP203",
        "PAT305",
        "PAT507",
        "PAT805",
        "PAT903",
    }
)


@dataclass(frozen=True)
class Finding:
    code: str
    path: str
    line: int
    end_line: int
    cwe: frozenset[int]
    message: str

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Flaw:
    corpus: str  # app name or CodeQL query
    places: tuple[tuple[str, int | None], ...]  # (path, line); line None = any line of the file
    cwe: tuple[int, ...]
    reason: str
    debatable: bool = False
    found_by: list[Finding] = field(default_factory=list)

    def matches(self, finding: Finding) -> bool:
        if not finding.cwe & set(self.cwe):
            return False
        for path, line in self.places:
            if path == finding.path and (line is None or finding.line <= line <= max(finding.end_line, finding.line)):
                return True
        return False

    def label(self) -> str:
        path, line = self.places[0]
        return f"{path}:{'*' if line is None else line} CWE-{self.cwe[0]} {self.reason}"


@dataclass
class Score:
    flaws: int = 0
    found: int = 0
    true: int = 0
    false: int = 0

    def add(self, other: Score) -> None:
        self.flaws += other.flaws
        self.found += other.found
        self.true += other.true
        self.false += other.false

    @property
    def recall(self) -> float | None:
        return self.found / self.flaws if self.flaws else None

    @property
    def precision(self) -> float | None:
        judged = self.true + self.false
        return self.true / judged if judged else None


@dataclass
class Result:
    corpus: str
    flaws: list[Flaw]
    findings: list[Finding]
    false: list[Finding]
    out_of_scope: int


# -- scanning -------------------------------------------------------------------------------------------------------


def scan(tree: Path, jobs: int, reuse: Path | None, name: str, extra: Iterable[str] = ()) -> list[Finding]:
    report = reuse / f"{name}.json" if reuse is not None else None
    if report is None or not report.is_file():
        with tempfile.TemporaryDirectory() as scratch:
            output = Path(scratch) / "report.json"
            command = [sys.executable, "-m", "bastion", "scan", str(tree), "--no-progress", "-f", "json"]
            command += ["-o", str(output), "--db", str(OSV_DATA), "--jobs", str(jobs), *extra]
            subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            data = json.loads(output.read_text(encoding="utf-8"))
            if report is not None:
                report.parent.mkdir(parents=True, exist_ok=True)
                report.write_text(json.dumps(data), encoding="utf-8")
    else:
        data = json.loads(report.read_text(encoding="utf-8"))
    return [
        Finding(
            item["code"],
            item["path"],
            item["line"],
            item.get("end_line") or item["line"],
            frozenset(int(cwe.removeprefix("CWE-")) for cwe in item.get("cwe", [])),
            item["message"],
        )
        for item in data["findings"]
    ]


def score(corpus: str, flaws: list[Flaw], findings: list[Finding], out_of_scope: int) -> Result:
    false: list[Finding] = []
    for finding in findings:
        matched = [flaw for flaw in flaws if flaw.matches(finding)]
        for flaw in matched:
            flaw.found_by.append(finding)
        if not matched and finding.code not in HARDENING:
            false.append(finding)
    return Result(corpus, flaws, findings, false, out_of_scope)


def tally(result: Result) -> tuple[Score, dict[int, Score]]:
    """The corpus's score and its score per CWE (a flaw's first CWE; a false finding's first CWE)."""
    total = Score()
    per_cwe: dict[int, Score] = defaultdict(Score)
    for flaw in result.flaws:
        if flaw.debatable:
            continue
        cwe = per_cwe[flaw.cwe[0]]
        total.flaws += 1
        cwe.flaws += 1
        if flaw.found_by:
            total.found += 1
            cwe.found += 1
    for finding in result.findings:
        matched = [flaw for flaw in result.flaws if finding in flaw.found_by]
        real = [flaw for flaw in matched if not flaw.debatable]
        if real:  # a finding on a debatable flaw only counts neither way
            total.true += 1
            per_cwe[real[0].cwe[0]].true += 1
    for finding in result.false:
        total.false += 1
        per_cwe[min(finding.cwe) if finding.cwe else 0].false += 1
    return total, per_cwe


# -- vulnerable apps --------------------------------------------------------------------------------------------------


def load_apps() -> list[App]:
    with (VULNAPPS / "apps.toml").open("rb") as handle:
        table = tomllib.load(handle)
    return [App(**entry) for entry in table["app"]]


def load_labels(app: str) -> tuple[list[Flaw], int]:
    with (VULNAPPS / "labels" / f"{app}.toml").open("rb") as handle:
        entries = tomllib.load(handle)["flaw"]
    flaws: list[Flaw] = []
    out_of_scope = 0
    for entry in entries:
        if entry.get("scope", "in") == "out":
            out_of_scope += 1
            continue
        places = []
        for place in entry["at"]:
            path, _, line = place.rpartition(":")
            places.append((path, None if line == "*" else int(line)))
        debatable = entry.get("status") == "debatable"
        flaws.append(Flaw(app, tuple(places), tuple(entry["cwe"]), entry["reason"], debatable))
    return flaws, out_of_scope


def vulnapps(mirrors: Path | None, jobs: int, reuse: Path | None, heldout: bool = False) -> list[Result]:
    """The apps of one group: the first five (tuned against) or the held-out ones (`heldout = true` in apps.toml)."""
    results = []
    for app in load_apps():
        if app.heldout != heldout:
            continue
        tree = ensure(app, mirrors, group="vulnapps")
        flaws, out_of_scope = load_labels(app.name)
        findings = scan(tree, jobs, reuse, f"vulnapps-{app.name}", ["--isolated"])
        results.append(score(app.name, flaws, findings, out_of_scope))
    return results


# -- CodeQL query tests -----------------------------------------------------------------------------------------------

_BAD_WORDS = ("NOT OK", "BAD", "unsafe", "Bad")
_SAFE_WORDS = ("OK", "GOOD", "Good", "safe")


def marked_lines(text: str) -> tuple[set[int], set[int]]:
    """Lines CodeQL's authors mark as flaws, and lines whose mark is conditional (debatable)."""
    bad: set[int] = set()
    debatable: set[int] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if "#" not in line or line.lstrip().startswith("#"):
            continue  # a mark sits on the line it judges; a comment line only introduces the next one
        comment = line[line.index("#") :]
        verdict = _inline_expectation(comment) if "$" in comment else None
        if verdict is None:
            verdict = _plain_comment(comment)
        if verdict == "bad":
            bad.add(number)
        elif verdict == "debatable":
            debatable.add(number)
    return bad, debatable


def _inline_expectation(comment: str) -> str | None:
    tags = comment.split("$", 1)[1].split("#", 1)[0].split()
    mode = ""
    alert: str | None = None
    result: str | None = None
    for tag in tags:
        if tag in ("MISSING:", "SPURIOUS:"):
            mode = tag
            continue
        name, _, value = tag.partition("=")
        if name.startswith("Alert"):
            alert = "safe" if mode == "SPURIOUS:" else "bad"
        elif name == "result":
            truly_bad = value == "BAD"
            result = "safe" if (mode == "SPURIOUS:") == truly_bad else "bad"
    return result or alert


def _plain_comment(comment: str) -> str | None:
    if "OK if" in comment or "if could be" in comment:
        return "debatable"
    if any(word in comment for word in _BAD_WORDS) and "not a tar" not in comment:
        return "bad"
    if any(word in comment for word in _SAFE_WORDS):
        return "safe"
    return None


@dataclass(frozen=True)
class TestFile:
    path: str
    commit: str
    sha256: str
    bad: tuple[int, ...] | None  # explicit labels for a file whose marks are incomplete
    debatable: tuple[int, ...]

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    def cached(self, cache: Path) -> Path:
        return cache / "codeql" / self.commit[:12] / self.path


def codeql(jobs: int, reuse: Path | None) -> list[Result]:
    with (CODEQL / "tests.toml").open("rb") as handle:
        queries = tomllib.load(handle)["query"]
    cache = cache_root()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for query in queries:
            files = [
                TestFile(f["path"], f["commit"], f["sha256"], _tuple(f.get("bad")), tuple(f.get("debatable", ())))
                for f in query["files"]
            ]
            root = Path(scratch) / query["name"]
            root.mkdir()
            config = root / "bastion.toml"  # the project root is the config's folder
            config.write_text("test-paths = []\n", encoding="utf-8")
            flaws: list[Flaw] = []
            for test in files:
                text = _fetch_test_file(test, cache)
                (root / test.name).write_text(text, encoding="utf-8")
                bad, debatable = marked_lines(text)
                if test.bad is not None:
                    bad, debatable = set(test.bad), set(test.debatable)
                cwe = tuple(query["cwe"])
                flaws.extend(Flaw(query["name"], ((test.name, line),), cwe, "marked") for line in sorted(bad))
                flaws.extend(Flaw(query["name"], ((test.name, line),), cwe, "", True) for line in sorted(debatable))
            findings = scan(root, jobs, reuse, f"codeql-{query['name']}", ["--config", str(config)])
            relevant = [finding for finding in findings if finding.cwe & set(query["cwe"])]
            results.append(score(query["name"], flaws, relevant, 0))
    return results


def _tuple(value: list[int] | None) -> tuple[int, ...] | None:
    return None if value is None else tuple(value)


def _fetch_test_file(test: TestFile, cache: Path) -> str:
    target = test.cached(cache)
    if not target.is_file():
        url = f"https://raw.githubusercontent.com/github/codeql/{test.commit}/{test.path}"
        with urllib.request.urlopen(url, timeout=30) as response:
            data = response.read()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    data = target.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != test.sha256:
        raise SystemExit(f"{target}: SHA-256 {digest} is not the pinned {test.sha256}")
    return data.decode("utf-8")


# -- reporting ---------------------------------------------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def tables(title: str, results: list[Result], by_cwe: bool) -> str:
    lines = [f"**{title}**", "", "| corpus | flaws | found | recall | findings true/false | precision |"]
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    overall = Score()
    cwes: dict[int, Score] = defaultdict(Score)
    for result in results:
        total, per_cwe = tally(result)
        overall.add(total)
        for cwe, value in per_cwe.items():
            cwes[cwe].add(value)
        extra = f" (+{result.out_of_scope} out of scope)" if result.out_of_scope else ""
        lines.append(
            f"| {result.corpus} | {total.flaws}{extra} | {total.found} | {_percent(total.recall)} "
            f"| {total.true}/{total.false} | {_percent(total.precision)} |"
        )
    lines.append(
        f"| **all** | {overall.flaws} | {overall.found} | **{_percent(overall.recall)}** "
        f"| {overall.true}/{overall.false} | **{_percent(overall.precision)}** |"
    )
    if by_cwe:
        lines += ["", "| CWE | flaws | found | recall | findings true/false | precision |"]
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
        for cwe in sorted(cwes):
            value = cwes[cwe]
            name = f"CWE-{cwe}" if cwe else "(none)"
            lines.append(
                f"| {name} | {value.flaws} | {value.found} | {_percent(value.recall)} "
                f"| {value.true}/{value.false} | {_percent(value.precision)} |"
            )
    return "\n".join(lines) + "\n"


def totals(title: str, results: list[Result]) -> str:
    overall = Score()
    for result in results:
        overall.add(tally(result)[0])
    return (
        f"{title}: {overall.found} of {overall.flaws} flaws found, recall **{_percent(overall.recall)}**; "
        f"findings true/false {overall.true}/{overall.false}, precision **{_percent(overall.precision)}**.\n"
    )


def show_misses(results: list[Result]) -> None:
    for result in results:
        for flaw in result.flaws:
            if not flaw.found_by and not flaw.debatable:
                print(f"MISS  {result.corpus:18} {flaw.label()}")
        for finding in result.false:
            print(f"FALSE {result.corpus:18} {finding.where()} {finding.code} {finding.message[:110]}")


def write_docs(section: str, body: str) -> None:
    begin, end = f"<!-- vulnapps:{section}:begin -->", f"<!-- vulnapps:{section}:end -->"
    text = ACCURACY.read_text(encoding="utf-8") if ACCURACY.is_file() else "# Accuracy\n"
    if begin not in text:
        text = text.rstrip("\n") + f"\n\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    ACCURACY.write_text(f"{head}{begin}\n{body}{end}{tail}", encoding="utf-8")


def current_commit() -> str:
    result = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirrors", type=Path, default=default_mirrors(), help="folder of local git mirrors")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--reuse", type=Path, help="keep the JSON reports here and reuse them on the next run")
    parser.add_argument("--corpus", choices=("vulnapps", "codeql", "all"), default="all")
    parser.add_argument("--misses", action="store_true", help="print every missed flaw and false finding")
    parser.add_argument("--label", help="what produced the reports (default: this checkout's commit)")
    parser.add_argument("--write-docs", choices=("before", "after"), help="write the tables into docs/accuracy.md")
    parser.add_argument(
        "--group", choices=("tuned", "heldout", "all"), default="all", help="vulnerable apps: which group to score"
    )
    args = parser.parse_args()
    label = args.label or f"bastion at {current_commit()}"
    measured = f"Measured with {label}, default configuration.\n\n"
    body = measured
    heldout_body = ""
    if args.corpus in ("vulnapps", "all"):
        apps = vulnapps(args.mirrors, args.jobs, args.reuse) if args.group != "heldout" else []
        if apps:
            body += tables("Labelled vulnerable apps", apps, by_cwe=True) + "\n"
        heldout = vulnapps(args.mirrors, args.jobs, args.reuse, heldout=True) if args.group != "tuned" else []
        if heldout:
            title = "Held-out vulnerable apps (labelled before bastion was run on them; not tuned to)"
            heldout_body = tables(title, heldout, by_cwe=True) + "\n"
            if apps:
                heldout_body += totals("All labelled vulnerable apps, both groups", apps + heldout)
        if args.misses:
            # The held-out apps' misses are listed only when asked for by name: the default run is the one tuning
            # engineers use, and reading what a held-out app misses spends it.
            show_misses(heldout if args.group == "heldout" else apps)
    if args.corpus in ("codeql", "all") and args.group != "heldout":
        queries = codeql(args.jobs, args.reuse)
        body += tables("CodeQL's Python security query tests (per query)", queries, by_cwe=False)
        if args.misses:
            show_misses(queries)
    print(body + (f"\n{heldout_body}" if heldout_body else ""))
    if args.write_docs:
        if body != measured:
            write_docs(args.write_docs, body)
        if heldout_body:
            write_docs(f"heldout-{args.write_docs}", measured + heldout_body)


if __name__ == "__main__":
    main()
