"""Generate docs/rules/: one page per rule (`CODE.md`, what SARIF's helpUri links to) and an index (`README.md`),
from the rule classes themselves.

    python scripts/rule_docs.py            # rewrite docs/rules/
    python scripts/rule_docs.py --check    # exit 1 when a page is missing, stale or left over
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bastion.report.rule_pages import rule_page, rules_index
from bastion.rules import load_all

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "docs" / "rules"
INDEX = "README.md"


def expected_pages() -> dict[str, str]:
    rules = load_all()
    pages = {f"{rule.code}.md": rule_page(rule) for rule in rules}
    pages[INDEX] = rules_index(rules)
    return pages


def differences(pages: dict[str, str]) -> list[str]:
    present = {path.name for path in PAGES.glob("*.md")} if PAGES.is_dir() else set()
    found = [f"docs/rules/{name} is for no rule; remove it" for name in sorted(present - set(pages))]
    for name, text in sorted(pages.items()):
        path = PAGES / name
        if name not in present:
            found.append(f"docs/rules/{name} is missing")
        elif path.read_text(encoding="utf-8") != text:
            found.append(f"docs/rules/{name} is out of date")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="fail when docs/rules/ is not what the rules say")
    args = parser.parse_args(argv)
    pages = expected_pages()
    if args.check:
        problems = differences(pages)
        for problem in problems:
            print(f"rule_docs: {problem}; run `python scripts/rule_docs.py`", file=sys.stderr)
        return 1 if problems else 0
    PAGES.mkdir(parents=True, exist_ok=True)
    for stale in {path.name for path in PAGES.glob("*.md")} - set(pages):
        (PAGES / stale).unlink()
    for name, text in pages.items():
        (PAGES / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
