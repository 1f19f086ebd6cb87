"""The HTML report's chart: findings per family, one bar each, cut into severities. Drawn here, as inline SVG
geometry, so that it shows without JavaScript and prints."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bastion.core.finding import Finding
from bastion.core.rule import FAMILIES
from bastion.core.severity import Severity

LABEL_WIDTH = 140
BAR_AREA = 280
ROW_HEIGHT = 30
BAR_HEIGHT = 20
COUNT_GAP = 8
WIDTH = LABEL_WIDTH + BAR_AREA + 50


@dataclass(frozen=True)
class Segment:
    severity: str
    count: int
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    family: str
    name: str
    total: int
    y: int
    segments: tuple[Segment, ...]

    @property
    def end(self) -> float:
        return LABEL_WIDTH + sum(segment.width for segment in self.segments)


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int = WIDTH
    row_height: int = ROW_HEIGHT
    bar_height: int = BAR_HEIGHT
    label_width: int = LABEL_WIDTH
    count_gap: int = COUNT_GAP

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW_HEIGHT

    def description(self) -> str:
        """The chart in words, for screen readers."""
        parts = []
        for bar in self.bars:
            detail = ", ".join(f"{segment.count} {segment.severity}" for segment in bar.segments)
            parts.append(f"{bar.name} {bar.total} ({detail})")
        return "Findings per family: " + "; ".join(parts) + "." if parts else "No findings."


def family_chart(findings: Sequence[Finding]) -> Chart:
    """One bar per family that has findings (in the families' usual order), segments from critical down."""
    by_family: dict[str, Counter[Severity]] = {}
    for finding in findings:
        by_family.setdefault(finding.code[:3], Counter())[finding.severity] += 1
    largest = max((sum(counts.values()) for counts in by_family.values()), default=0)
    bars: list[Bar] = []
    for family in [f for f in FAMILIES if f in by_family] + sorted(set(by_family) - set(FAMILIES)):
        counts = by_family[family]
        x = float(LABEL_WIDTH)
        segments = []
        for severity in sorted(counts, reverse=True):
            width = round(BAR_AREA * counts[severity] / largest, 2)
            segments.append(Segment(severity.label, counts[severity], x, width))
            x += width
        name = f"{family} {FAMILIES.get(family, '')}".strip()
        bars.append(Bar(family, name, sum(counts.values()), len(bars) * ROW_HEIGHT, tuple(segments)))
    return Chart(tuple(bars))
