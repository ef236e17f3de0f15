"""An SVG chart of the rounds of a count, rendered on the server (no JavaScript).

One row per candidate, one column per round; in each cell a bar as long as the candidate's
votes at that round (all columns on one scale), with the quota as a dashed line. Bars of
elected candidates are green from the round they are elected, excluded candidates' bars end.
The figures are in each bar's <title> (shown on hover and read by screen readers).
"""

from __future__ import annotations

from fractions import Fraction
from html import escape

from rankfile.core.counting.result import CountResult

ROW = 22
COLUMN = 120
NAME_WIDTH = 210
TOP = 46
COLOURS = {"continuing": "#4a6fa5", "elected": "#2e7d32", "excluded": "#9e9e9e"}


def rounds_chart_svg(result: CountResult) -> str:
    """The chart of `result` as a standalone SVG document (a string)."""
    names = result.candidates
    rounds = result.rounds
    width = NAME_WIDTH + COLUMN * max(len(rounds), 1) + 10
    height = TOP + ROW * len(names) + 30
    peak = max(
        [v for r in rounds for v in r.tallies.values()]
        + [result.quota or Fraction(0)]
        + [Fraction(1)]
    )
    scale = Fraction(COLUMN - 14) / peak
    title = escape(result.title or "Count")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title" '
        'font-family="sans-serif" font-size="12">',
        f'<title id="chart-title">{title}: {escape(result.method)}, round by round</title>',
        f'<text x="4" y="16" font-weight="bold">{title}</text>',
    ]
    elected_at: dict[int, int] = {}
    excluded_at: dict[int, int] = {}
    for r in rounds:
        for d in r.decisions:
            if d.kind == "elected":
                elected_at.setdefault(d.candidate, r.number)
            elif d.kind == "excluded":
                excluded_at.setdefault(d.candidate, r.number)
    for index, r in enumerate(rounds):
        x = NAME_WIDTH + index * COLUMN
        parts.append(f'<text x="{x}" y="{TOP - 8}">Stage {r.number}</text>')
        quota = r.quota if r.quota is not None else result.quota
        if quota is not None:
            qx = x + int(quota * scale)
            parts.append(
                f'<line x1="{qx}" y1="{TOP - 4}" x2="{qx}" y2="{TOP + ROW * len(names)}" '
                'stroke="#c62828" stroke-dasharray="3,3"/>'
            )
    for row, name in enumerate(names):
        y = TOP + row * ROW
        label = escape(name)
        if row in elected_at:
            label += " ✓"
        parts.append(f'<text x="4" y="{y + 15}">{label}</text>')
        for index, r in enumerate(rounds):
            value = r.tallies.get(row, Fraction(0))
            if not value:
                continue
            state = "continuing"
            if row in elected_at and r.number >= elected_at[row]:
                state = "elected"
            elif row in excluded_at and r.number >= excluded_at[row]:
                state = "excluded"
            x = NAME_WIDTH + index * COLUMN
            bar = max(1, int(value * scale))
            parts.append(
                f'<rect x="{x}" y="{y + 4}" width="{bar}" height="{ROW - 8}" '
                f'fill="{COLOURS[state]}"><title>{escape(name)}, stage {r.number}: '
                f"{result.fmt(value)}</title></rect>"
            )
    if result.quota is not None:
        parts.append(
            f'<text x="4" y="{height - 10}" fill="#c62828">- - quota '
            f"{escape(result.fmt(result.quota))}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
