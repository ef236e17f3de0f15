"""A server-rendered SVG bar chart of members in good standing and delegates per branch.

No JavaScript and no library: plain SVG text that prints, scales with the page and reads
aloud (role="img" with <title> and <desc>; the page shows the same figures as a table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 420  # viewBox units; the page caps the drawing at about this many CSS pixels × 1.2
BAR_SPACE = 360  # the longest bar; the rest of the width holds the figure after it
LABEL = 22
BAR = 15
GAP = 4
ROW = LABEL + 2 * BAR + GAP + 14
LEGEND = 34
MEMBERS_FILL = "#5b6770"
DELEGATES_FILL = "#a3262a"


@dataclass(frozen=True)
class ChartRow:
    name: str
    members: int
    delegates: int


def _length(value: int, largest: int) -> int:
    if value <= 0 or largest <= 0:
        return 0
    return max(1, (value * BAR_SPACE + largest // 2) // largest)  # integers: stable output


def bar_chart(rows: Sequence[ChartRow], *, chart_id: str, title: str) -> SafeString:
    """The chart as inline SVG markup (escaped, safe to put in a template)."""
    most_members = max((row.members for row in rows), default=0)
    most_delegates = max((row.delegates for row in rows), default=0)
    height = LEGEND + ROW * len(rows)
    description = (
        "For each branch, two bars: members in good standing (grey) and delegates (red). "
        "Each kind of bar is scaled to its own largest value, so two bars of the same length "
        "mean the branch's share of delegates equals its share of members. "
        + "; ".join(
            f"{row.name}: {row.members} members, {row.delegates} "
            f"delegate{'s' if row.delegates != 1 else ''}"
            for row in rows
        )
        + "."
    )
    parts = []
    for index, row in enumerate(rows):
        top = LEGEND + index * ROW
        members_y = top + LABEL
        delegates_y = members_y + BAR + GAP
        members_length = _length(row.members, most_members)
        delegates_length = _length(row.delegates, most_delegates)
        parts.append(
            format_html(
                '<g><text x="0" y="{}" class="chart-label">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" class="chart-value">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" class="chart-value">{}</text></g>',
                top + LABEL - 6,
                row.name,
                members_y,
                members_length,
                BAR,
                MEMBERS_FILL,
                members_length + 5,
                members_y + BAR - 2,
                row.members,
                delegates_y,
                delegates_length,
                BAR,
                DELEGATES_FILL,
                delegates_length + 5,
                delegates_y + BAR - 2,
                row.delegates,
            )
        )
    legend = format_html(
        '<g class="chart-legend">'
        '<rect x="0" y="6" width="14" height="14" fill="{}"></rect>'
        '<text x="20" y="18">Members in good standing</text>'
        '<rect x="240" y="6" width="14" height="14" fill="{}"></rect>'
        '<text x="260" y="18">Delegates</text></g>',
        MEMBERS_FILL,
        DELEGATES_FILL,
    )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" '
        'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg" '
        'font-family="system-ui, sans-serif" font-size="15">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        legend,
        format_html_join("", "{}", ((part,) for part in parts)) if parts else mark_safe(""),
    )
