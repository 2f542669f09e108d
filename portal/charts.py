"""Inline SVG charts drawn at build time: an indicator's values by year, one marker shape and colour per
layer (site.yaml's), targets hollow, outcomes filled; round ticks; coincident points set side by side."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from .figures import plain
from .model import Layer
INK, MUTED, GRID, FRAME = "#1d232b", "#4d5865", "#e6eaee", "#d5dbe2"


@dataclass(frozen=True)
class Size:
    """A chart's drawing box and type size, in SVG units. The page shows the SVG no narrower than
    `width` × 11 / `font` CSS pixels at 360 px (see style.css), so no text is rendered under 11 px."""

    width: int
    height: int
    font: int
    radius: float


FULL = Size(440, 280, 15, 6.5)   # indicator pages and the print edition
SMALL = Size(300, 150, 12, 5.5)  # the home page's headline panel


def _year_span(period: str) -> tuple[int, int]:
    start, _, end = period.partition("-")
    return int(start), int(end or start)


def nice_ticks(low: Decimal, high: Decimal, most: int = 5) -> list[Decimal]:
    """Round ticks (steps of 1, 2 or 5 × 10^n) covering low..high, at most `most` of them."""
    if high <= low:
        high = low + (abs(low) or Decimal(1))
    span = high - low
    magnitude = Decimal(10) ** (span.adjusted() - 1)
    for factor in (1, 2, 5, 10, 20, 50, 100):
        step = magnitude * factor
        first = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
        last = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
        if (last - first) / step + 1 <= most:
            break
    count = int((last - first) / step) + 1
    return [(first + step * n).normalize() + 0 for n in range(count)]


def value_range(numbers: list[Decimal]) -> tuple[Decimal, Decimal]:
    """The span the y axis must cover: from zero when the values are not far from it, with room above
    and below so no marker sits on the frame."""
    low, high = min(numbers), max(numbers)
    if low == high:  # one figure (or one repeated): from zero to a little beyond it
        return min(Decimal(0), low * Decimal("1.1")), max(Decimal(0), high * Decimal("1.1"))
    if low > 0 and high - low < high / 2:
        pad = (high - low) * Decimal("0.25") or high * Decimal("0.02")
        return max(Decimal(0), low - pad), high + pad
    low = min(low, Decimal(0))
    pad = (high - low) * Decimal("0.08") or Decimal(1)
    return (low if low == 0 else low - pad), high + pad


def year_ticks(first: int, last: int, room: int) -> list[int]:
    """Years to label from the first: every year when there is room, else every 2nd, 5th or 10th."""
    for step in (1, 2, 5, 10):
        years = list(range(first, last + 1, step))
        if len(years) <= room:
            return years
    return [first, last]


def marker(layer: Layer | None, kind: str, cx: float, cy: float, r: float, label: str = "") -> str:
    """One point: the layer's shape and colour (no layer: a plain ink circle); hollow for a target, filled
    for an outcome."""
    colour = layer.colour if layer else INK
    fill = "#ffffff" if kind == "target" else colour
    paint = f'fill="{fill}" stroke="{colour}" stroke-width="2"'
    title = f"<title>{escape(label)}</title>" if label else ""
    shape = layer.shape if layer else "circle"
    if shape == "circle":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" {paint}>{title}</circle>'
    if shape == "square":
        side = r * 1.7
        return (f'<rect x="{cx - side / 2:.1f}" y="{cy - side / 2:.1f}" width="{side:.1f}" height="{side:.1f}" '
                f'{paint}>{title}</rect>')
    if shape == "diamond":
        d = r * 1.3
        corners = ((cx, cy - d), (cx + d, cy), (cx, cy + d), (cx - d, cy))
    else:
        d = r * 1.25
        corners = ((cx, cy - d), (cx + d, cy + d * 0.8), (cx - d, cy + d * 0.8))
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
    return f'<polygon points="{points}" {paint}>{title}</polygon>'


def layer_stylesheet(layers: tuple[Layer, ...], files: dict[str, bytes]) -> dict[str, str]:
    """Each layer's colour as the custom property --layer of its class (.layer-<id>), which the stylesheets
    read: the file is added to `files` under a fingerprinted name, returned as the asset 'layers.css'. The
    colours are validated #rrggbb and the ids plain ids (sitemodel.py): nothing else reaches the CSS."""
    css = "".join(f".layer-{layer.id} {{ --layer: {layer.colour}; }}\n" for layer in layers)
    data = ("/* The layers' colours, from content/site.yaml */\n" + css).encode("utf-8")
    name = f"static/layers.{hashlib.sha256(data).hexdigest()[:10]}.css"
    files[name] = data
    return {"layers.css": f"/{name}"}


def legend_marker(layer: Layer | None, kind: str) -> str:
    """A marker on its own, for the legend beside a chart (decorative: the legend's words name it)."""
    return (f'<svg class="legend-marker" viewBox="0 0 18 18" width="18" height="18" aria-hidden="true" '
            f'xmlns="http://www.w3.org/2000/svg">{marker(layer, kind, 9, 9, 5.5)}</svg>')


def spread(positions: list[tuple[float, float]], gap: float) -> list[float]:
    """Horizontal offsets that set points side by side when they would sit on one another."""
    offsets = [0.0] * len(positions)
    clusters: list[list[int]] = []
    for index, (x, y) in enumerate(positions):
        for cluster in clusters:
            cx, cy = positions[cluster[0]]
            if abs(cx - x) < gap and abs(cy - y) < gap:
                cluster.append(index)
                break
        else:
            clusters.append([index])
    for cluster in clusters:
        for n, index in enumerate(cluster):
            offsets[index] = (n - (len(cluster) - 1) / 2) * gap
    return offsets


def value_chart(chart_id: str, title: str, description: str, points: list[dict], unit: str,
                size: Size = FULL) -> str:
    """SVG for points [{period, number, kind, layer (a Layer), label}]; empty string when nothing is numeric."""
    points = sorted((p for p in points if p["number"] is not None), key=lambda p: (p["period"], p["kind"]))
    if not points:
        return ""
    width, height, font, r = size.width, size.height, size.font, size.radius
    numbers = [Decimal(p["number"]) for p in points]
    ticks = nice_ticks(*value_range(numbers))
    bottom, top = ticks[0], ticks[-1]
    labels = [plain(t) for t in ticks]
    left = round(max(len(t) for t in labels) * font * 0.62 + font * 0.8)
    right, upper, lower = round(font * 1.2), round(font * 2.2), round(font * 2)
    plot_w, plot_h = width - left - right, height - upper - lower
    years = [y for p in points for y in _year_span(p["period"])]
    first, last = min(years), max(years)

    def x(year: float) -> float:  # half a year of room at each end, so no marker touches the frame
        return left + (year - first + 0.5) / (last - first + 1) * plot_w

    def y(number) -> float:
        return upper + float((top - Decimal(number)) / (top - bottom)) * plot_h

    parts = [f'<svg class="chart chart-{"small" if size is SMALL else "full"}" viewBox="0 0 {width} {height}" '
             f'role="img" xmlns="http://www.w3.org/2000/svg" aria-labelledby="{chart_id}-title {chart_id}-desc">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
             f'<rect x="{left}" y="{upper}" width="{plot_w}" height="{plot_h}" fill="#ffffff" stroke="{FRAME}"/>']
    text = f'font-size="{font}" fill="{MUTED}"'
    for tick, label in zip(ticks, labels):
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - font * 0.4:.1f}" y="{y(tick) + font * 0.35:.1f}" text-anchor="end" '
                     f'{text}>{escape(label)}</text>')
    room = max(1, int(plot_w / (font * 3.4)))
    for year in year_ticks(first, last, room):
        parts.append(f'<text x="{x(year):.1f}" y="{height - lower + font * 1.3:.1f}" text-anchor="middle" '
                     f'{text}>{year}</text>')
    parts.append(f'<text x="{font * 0.3:.1f}" y="{upper - font * 0.7:.1f}" {text}>{escape(unit)}</text>')
    places = [(x(_year_span(p["period"])[1]), y(p["number"])) for p in points]
    offsets = spread(places, r * 2 + 3)
    for point, (cx, cy), offset in zip(points, places, offsets):
        start, end = _year_span(point["period"])
        if start != end:
            colour = point["layer"].colour
            parts.append(f'<line x1="{x(start):.1f}" x2="{cx + offset:.1f}" y1="{cy:.1f}" y2="{cy:.1f}" '
                         f'stroke="{colour}" stroke-width="2" stroke-dasharray="4 3"/>')
        parts.append(marker(point["layer"], point["kind"], cx + offset, cy, r, point["label"]))
    parts.append("</svg>")
    return "".join(parts)
