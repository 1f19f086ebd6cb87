"""Which suppression comment silences a finding, in time that grows with the findings and comments, not their product.

A file with many findings and many suppression comments (a hostile one has a hundred thousand of each) must not
cost a pass over every comment for every finding. Comments are grouped by the statement span they cover; within
a span, each origin's comments are indexed by what they name; a finding looks up only the spans around its line.
The answer is the same as a first-to-last pass: the earliest comment (in file order) that covers the line and
matches the finding's rule.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence

from bastion.core.rule import Rule
from bastion.source.suppressions import Suppression, SuppressionOrigin


class _SpanComments:
    """The comments that cover one statement span, by what they match: position in the file's list -> comment."""

    __slots__ = ("advisories", "bare_bastion", "bare_nosec", "by_origin_id", "secret_markers")

    def __init__(self) -> None:
        self.bare_bastion: int | None = None
        self.bare_nosec: int | None = None
        # (origin, id or bastion selector) -> first position
        self.by_origin_id: dict[tuple[SuppressionOrigin, str], int] = {}
        self.secret_markers: int | None = None  # pragma: allowlist secret, gitleaks:allow (SEC rules only)
        # `bastion: ignore[PYSEC-2018-28]`: matched against a finding's advisories, one by one.
        self.advisories: list[tuple[int, Suppression]] = []

    def add(self, position: int, suppression: Suppression) -> None:
        origin = suppression.origin
        if suppression.malformed:
            return  # silences nothing
        if origin is SuppressionOrigin.BASTION:
            if not suppression.ids:
                self.bare_bastion = _first(self.bare_bastion, position)
                return
            for selector in suppression.rule_selectors:
                self._add_id(origin, selector, position)
            if suppression.advisory_ids:
                self.advisories.append((position, suppression))
        elif origin is SuppressionOrigin.NOSEC and not suppression.ids:
            self.bare_nosec = _first(self.bare_nosec, position)
        elif origin in (SuppressionOrigin.NOSEC, SuppressionOrigin.NOQA):
            for name in suppression.ids:
                self._add_id(origin, name, position)
        else:
            self.secret_markers = _first(self.secret_markers, position)

    def _add_id(self, origin: SuppressionOrigin, name: str, position: int) -> None:
        key = (origin, name)
        self.by_origin_id[key] = _first(self.by_origin_id.get(key), position)

    def first_match(
        self, code: str, rule: type[Rule] | None, names_advisory: Callable[[Suppression], bool]
    ) -> int | None:
        found = [self.bare_bastion, self.bare_nosec]
        lookup = self.by_origin_id.get
        # `bastion: ignore[PAT1]` names a prefix of the code.
        found.extend(lookup((SuppressionOrigin.BASTION, code[:size])) for size in range(len(code) + 1))
        if rule is not None:
            found.extend(lookup((SuppressionOrigin.NOSEC, name)) for name in rule.bandit)
            found.extend(lookup((SuppressionOrigin.NOQA, name)) for name in rule.ruff)
        if code.startswith("SEC"):
            found.append(self.secret_markers)
        found.extend(position for position, suppression in self.advisories if names_advisory(suppression))
        return min((position for position in found if position is not None), default=None)


def _first(current: int | None, position: int) -> int:
    return position if current is None else min(current, position)


class SuppressionIndex:
    """The suppressions of one file, ready to answer `first_match` for findings on the given lines."""

    def __init__(self, suppressions: Sequence[Suppression], finding_lines: Iterable[int]) -> None:
        self.suppressions = suppressions
        spans: dict[tuple[int, int], _SpanComments] = {}
        for position, suppression in enumerate(suppressions):
            span = (suppression.first_line, suppression.last_line)
            comments = spans.get(span)
            if comments is None:
                comments = spans[span] = _SpanComments()
            comments.add(position, suppression)
        # Only the lines that hold findings are looked up: each span is matched against them by bisection.
        lines = sorted(set(finding_lines))
        self.by_line: dict[int, list[_SpanComments]] = {}
        for (first, last), comments in spans.items():
            for line in lines[bisect.bisect_left(lines, first) : bisect.bisect_right(lines, last)]:
                self.by_line.setdefault(line, []).append(comments)

    def first_match(
        self, line: int, code: str, rule: type[Rule] | None, names_advisory: Callable[[Suppression], bool]
    ) -> Suppression | None:
        """The earliest suppression covering `line` that silences `code` (`names_advisory`: whether a comment's
        advisory ids name the finding's advisory), or None."""
        best: int | None = None
        for comments in self.by_line.get(line, ()):
            position = comments.first_match(code, rule, names_advisory)
            if position is not None and (best is None or position < best):
                best = position
        return None if best is None else self.suppressions[best]
