"""Inline SVG charts drawn at build time: an indicator's values by year, targets hollow, outcomes filled."""
from __future__ import annotations

from decimal import Decimal
from html import escape

from .figures import plain

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 44
LAYER_COLOURS = {"fyp14": "#8a1c1c", "congress": "#0b4f8a", "plenary": "#5b4a8a", "plan2025": "#1f6b35"}


def _year_span(period: str) -> tuple[int, int]:
    start, _, end = period.partition("-")
    return int(start), int(end or start)


def _nice_max(top: Decimal) -> Decimal:
    """A round axis maximum a little above the largest value."""
    if top <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(top))) - 1) if top >= 1 else Decimal("0.1")
    while magnitude > top:
        magnitude /= 10
    steps = (top * Decimal("1.1") / magnitude).to_integral_value(rounding="ROUND_CEILING")
    return steps * magnitude


def value_chart(chart_id: str, title: str, description: str, points: list[dict], unit: str) -> str:
    """SVG for points [{period, number, kind, layer, label}]; empty string when nothing is numeric."""
    points = [p for p in points if p["number"] is not None]
    if not points:
        return ""
    years = [y for p in points for y in _year_span(p["period"])]
    first, last = min(years), max(years)
    if first == last:
        first, last = first - 1, last + 1
    top = _nice_max(max(Decimal(p["number"]) for p in points))
    bottom = min(Decimal(0), min(Decimal(p["number"]) for p in points))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: float) -> float:
        return LEFT + (year - first) / (last - first) * plot_w

    def y(number) -> float:
        return TOP + float((top - Decimal(number)) / (top - bottom)) * plot_h

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" xmlns="http://www.w3.org/2000/svg" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#ffffff" stroke="#d5dbe2"/>']
    for step in range(5):
        level = bottom + (top - bottom) * step / 4
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
                     f'stroke="#e6eaee"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(level) + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="#4d5865">{escape(plain(level))}</text>')
    for year in range(first, last + 1):
        if (last - first) > 12 and year % 5 and year not in years:
            continue
        parts.append(f'<text x="{x(year):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="11" '
                     f'fill="#4d5865">{year}</text>')
    parts.append(f'<text x="{LEFT}" y="{TOP - 6}" font-size="11" fill="#4d5865">{escape(unit)}</text>')
    for point in sorted(points, key=lambda p: (p["period"], p["kind"])):
        start, end = _year_span(point["period"])
        colour = LAYER_COLOURS.get(point["layer"], "#1d232b")
        cy = y(point["number"])
        if start != end:
            parts.append(f'<line x1="{x(start):.1f}" x2="{x(end):.1f}" y1="{cy:.1f}" y2="{cy:.1f}" '
                         f'stroke="{colour}" stroke-width="2" stroke-dasharray="4 3"/>')
        fill = "#ffffff" if point["kind"] == "target" else colour
        parts.append(f'<circle cx="{x(end):.1f}" cy="{cy:.1f}" r="5.5" fill="{fill}" stroke="{colour}" '
                     f'stroke-width="2"><title>{escape(point["label"])}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)
