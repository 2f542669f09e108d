"""Sharing cards: a 1200×630 PNG per page for Open Graph and Twitter, drawn with Pillow in Noto Sans CJK.

A card says what the page is in the page's language: an indicator its latest figure, its goals and its
values as a chart; a goal chain the status of the figures that measure it; a document its title, issuer
and date; any other page its title. A card is described by a Card (plain text and numbers); its PNG is
made again only when that description (or the engine, or the font) changes: see cardcache.draw_cards."""
from __future__ import annotations

import hashlib
import html
import io
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import compare, figuretext
from .chains import Chains
from .errors import FontsMissing

WIDTH, HEIGHT = 1200, 630
FONTS = {False: Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
         True: Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")}
LATIN = {False: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
         True: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")}
# The Simplified Chinese Noto face by the names its other packagings give it: Google's "Noto Sans SC", and the
# npm package scripts/netlify-build.sh installs (@embedpdf/fonts-sc), whose family is "Noto Sans S Chinese"
SIMPLIFIED_FAMILIES = ("Noto Sans SC", "Noto Sans S Chinese")
FONT_HINT = "install the Noto CJK fonts: bash scripts/system-packages.sh pdf (Debian: fonts-noto-cjk)"
INK, MUTED, ACCENT, LINE, WASH = (29, 35, 43), (77, 88, 101), (138, 28, 28), (213, 219, 226), (244, 246, 248)
WORDS = {
    "zh": {"indicator": "指标", "goal": "目标链", "document": "文件", "latest": "最新：{period}年{kind}",
           "target": "目标", "outcome": "完成", "goals": "{n}个目标以它衡量", "edition": "第{version}版 · {date}",
           "met": "达到", "missed": "未达到", "reported": "文字报告", "qualitative": "定性目标",
           "no-target": "无可比较", "status": "衡量它的指标：", "none": "无数值指标衡量此目标",
           "number": "文号：{number}"},
    "en": {"indicator": "Indicator", "goal": "Goal chain", "document": "Document",
           "latest": "Latest: {period} {kind}", "target": "target", "outcome": "outcome",
           "goals": "measures {n} goal(s)", "edition": "Edition {version} · {date}", "met": "met", "missed": "missed",
           "reported": "reported in words", "qualitative": "qualitative target", "no-target": "nothing to compare",
           "status": "Its indicators: ", "none": "No figure measures this goal", "number": "No. {number}"},
}


def _configured_fonts() -> list[Path]:
    """The font files in the folders of the fontconfig file named by FONTCONFIG_FILE, if any."""
    config = os.environ.get("FONTCONFIG_FILE")
    try:
        text = Path(config).read_text(encoding="utf-8") if config else ""
    except OSError:
        return []
    return sorted(file for folder in re.findall(r"<dir>([^<]+)</dir>", text) if Path(folder).is_dir()
                  for file in Path(folder).rglob("*") if file.suffix.lower() in (".otf", ".ttf", ".ttc"))


@dataclass(frozen=True)
class Card:
    """What a card shows, as plain values (its repr is its cache key)."""

    lang: str
    kicker: str
    title: str
    lines: tuple[str, ...]
    figure: str  # a big figure (an indicator's latest value), or ""
    points: tuple[tuple[int, float, str, str], ...]  # (year, number, kind, layer colour "#rrggbb") of a chart, or ()
    footer: str
    address: str


def card_path(url: str) -> str:
    """The card of a page: /en/indicators/gdp/ -> cards/en/indicators/gdp.png; /zh/ -> cards/zh/index.png."""
    path = url.strip("/")
    path = path[:-len(".html")] if path.endswith(".html") else path
    return f"cards/{path if '/' in path else path + '/index'}.png"


_OG_TITLE = re.compile(rb'<meta property="og:title" content="([^"]*)"')


def page_title(page_html: bytes) -> str:
    """The page's og:title, found in its UTF-8 bytes (no byte of a multi-byte character is a quote)."""
    found = _OG_TITLE.search(page_html)
    return html.unescape(found.group(1).decode("utf-8")) if found else ""


def card_for(site, chains: Chains, values: dict, page, title: str, edition, base_url: str) -> Card:
    """The card of one page (`title` is the page's own, from its og:title)."""
    words, lang = WORDS[page.lang], page.lang
    footer = site.title[lang] + ("  ·  " + words["edition"].format(version=edition.version, date=edition.date)
                                 if edition else "")
    address = (base_url + page.url).removeprefix("https://")
    if page.kind == "indicator":
        indicator = site.indicator(page.key)
        own = values.get(page.key, [])
        numeric = [v for v in own if v.number is not None]
        outcomes = [v for v in own if v.kind == "outcome"]  # the latest outcome, else the latest target
        latest = max(outcomes or own, key=lambda v: int(v.period[-4:]), default=None)
        colours = {layer.id: layer.colour for layer in site.model.layers}
        layers = {d.id: colours.get(d.layer, "#1d232b") for d in site.documents}  # each point in its layer's colour
        goals = sum(1 for g in site.goals if page.key in g.indicators)
        # the unit of the chart's axis, as the indicator page's: in English 亿元 figures read "CNY 210 billion"
        unit, factor = figuretext.axis_unit(indicator.unit.zh, indicator.unit.en, [v.number for v in numeric], lang)
        lines = [unit]
        if latest is not None:
            lines.append(words["latest"].format(period=latest.period, kind=words[latest.kind]))
        if goals:
            lines.append(words["goals"].format(n=goals))
        points = tuple(sorted((int(v.period[-4:]), float(v.number * factor), v.kind, layers[v.document])
                              for v in numeric))
        return Card(lang, words["indicator"], indicator.name[lang], tuple(lines),
                    latest.text[lang] if latest is not None else "", points, footer, address)
    if page.kind == "goal":
        goal = site.goal(page.key)
        members = chains.members(goal)
        outcomes = {o.indicator.id: o for g in members for o in chains.step(g).outcomes}
        counts = [(status, sum(1 for o in outcomes.values() if o.status == status)) for status in compare.STATUSES]
        status = " · ".join(f"{words[s]} {n}" for s, n in counts if n)
        lines = (words["status"] + status,) if outcomes else (words["none"],)
        return Card(lang, words["goal"], goal.text[lang], lines, "", (), footer, address)
    if page.kind == "document":
        document = site.document(page.key)
        facts = [document.issuer[lang]]
        facts.append(" · ".join(part for part in (document.date or document.date_note[lang],
                                                  words["number"].format(number=document.number)
                                                  if document.number else "") if part))
        return Card(lang, words["document"] + " · " + document.kind[lang], document.title[lang], tuple(facts), "",
                    (), footer, address)
    return Card(lang, site.title[lang], title, (site.tagline[lang],), "", (), footer, address)


@lru_cache(maxsize=None)
def _font(size: int, bold: bool = False):
    """Noto Sans CJK SC (the .ttc holds JP, KR, SC, TC, HK faces: the SC one, by its name); without the
    Debian package, the Simplified Chinese Noto face of a private fontconfig file or fontconfig's own
    (Netlify: Noto Sans S Chinese from npm, see scripts/netlify-build.sh)."""
    from PIL import ImageFont
    path, index = _chinese_face(bold)
    return ImageFont.truetype(path, size, index=index)


@lru_cache(maxsize=None)
def _chinese_face(bold: bool) -> tuple[str, int]:
    from PIL import ImageFont
    path = FONTS[bold]
    if path.is_file():
        for index in range(10):
            if ImageFont.truetype(str(path), 12, index=index).getname()[0] == "Noto Sans CJK SC":
                return str(path), index
    named = {}  # a private fontconfig file's folders (Netlify: scripts/netlify-build.sh), by (family, style)
    for file in _configured_fonts():
        try:
            named.setdefault(ImageFont.truetype(str(file), 12).getname(), str(file))
        except OSError:
            continue
    style = "Bold" if bold else "Regular"
    chosen = next((named[(family, style)] for family in SIMPLIFIED_FAMILIES if (family, style) in named), None) or next(
        (f for (family, _), f in sorted(named.items()) if family in SIMPLIFIED_FAMILIES), None)
    if chosen:
        return chosen, 0
    import subprocess
    try:
        found = subprocess.run(["fc-match", "-f", "%{family}|%{file}|%{index}",
                                f"Noto Sans SC:{'bold' if bold else 'regular'}"],
                               capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        found = ""
    family, _, rest = found.partition("|")
    file, _, index = rest.partition("|")
    if any(name in family for name in ("Noto Sans CJK SC", *SIMPLIFIED_FAMILIES)) and Path(file).is_file():
        return file, int(index or 0)
    raise FontsMissing(f"sharing cards need Noto Sans CJK SC ({path}) or Noto Sans SC: {FONT_HINT}")


def look_digest() -> str:
    """What a card's pixels depend on besides its Card: this drawing code, Pillow, the font files (by name
    and size). Not the rest of the engine: a change elsewhere redraws no card."""
    import PIL
    fonts = [(p.name, p.stat().st_size if p.is_file() else None) for p in (*FONTS.values(), *LATIN.values())]
    return hashlib.sha256(repr((Path(__file__).read_bytes(), PIL.__version__, fonts)).encode()).hexdigest()


_TOKEN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]|[^\s\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+\s*|\s+")


def wrap(text: str, font, width: int, most: int) -> list[str]:
    """Lines of at most `width` pixels (Chinese breaks between characters, English between words); at most
    `most` lines, the last ending in … when the text is longer."""
    lines, line = [], ""
    for token in _TOKEN.findall(" ".join(text.split())):
        if line and font.getlength((line + token).rstrip()) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > most:
        lines = lines[:most - 1] + [cut(lines[most - 1], font, width).rstrip() + "…"]
    return lines


def figure_lines(figure: str, lang: str, width: float) -> tuple[int, list[str]]:
    """A figure is never cut: set smaller until it fits one line, else on two lines of the smallest size
    ("more than CNY 1.35 trillion and …" / "… trillion")."""
    size = next((size for size in range(60, 35, -4) if face(figure, size, True, lang).getlength(figure) <= width), 36)
    return size, wrap(figure, face(figure, size, True, lang), width, 3)


def fitted(text: str, font, width: float) -> str:
    """One line of at most `width` pixels, cut with … at the end (an address has no spaces to wrap at)."""
    if font.getlength(text) <= width:
        return text
    text = cut(text, font, width)
    return text + "…" if text else ""


def cut(text: str, font, width: float) -> str:
    """The longest start of `text` that fits `width` pixels with a … after it ("" if none does): found by
    halving, a dozen measurements for a long address instead of one per character."""
    short, long = 0, len(text) + 1  # text[:short] + "…" fits (or short is 0); text[:long] + "…" does not
    while long - short > 1:
        middle = (short + long) // 2
        if font.getlength(text[:middle] + "…") <= width:
            short = middle
        else:
            long = middle
    return text[:short]


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def face(text: str, size: int, bold: bool, lang: str):
    """English without Chinese in DejaVu Sans (Noto Sans CJK draws ’ “ ” full-width, as Chinese sets them);
    everything else in Noto Sans CJK SC."""
    if lang == "en" and not _CJK.search(text) and _is_file(LATIN[bold]):
        return _latin(size, bold)
    return _font(size, bold)


@lru_cache(maxsize=None)
def _is_file(path: Path) -> bool:
    return path.is_file()


@lru_cache(maxsize=None)
def _latin(size: int, bold: bool):
    from PIL import ImageFont
    return ImageFont.truetype(str(LATIN[bold]), size)


def draw(card: Card) -> bytes:
    """The card as PNG bytes (no time or software stamp in them: the same card, the same bytes)."""
    return encode(picture(card), card)


def picture(card: Card):
    """The card drawn in full colour (a Pillow RGB image)."""
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    pen = ImageDraw.Draw(image)
    font = lambda text, size, bold=False: face(text, size, bold, card.lang)
    pen.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    pen.rectangle((0, HEIGHT - 70, WIDTH, HEIGHT), fill=WASH)
    text_width = 620 if card.points else WIDTH - 120
    y = 54
    pen.text((60, y), card.kicker, font=font(card.kicker, 28, True), fill=ACCENT)
    y += 52
    size = 54 if len(card.title) < 40 else 44
    for line in wrap(card.title, font(card.title, size, True), text_width, 3):
        pen.text((60, y), line, font=font(card.title, size, True), fill=INK)
        y += int(size * 1.3)
    y += 14
    if card.figure:
        size, lines = figure_lines(card.figure, card.lang, text_width)
        for line in lines:
            pen.text((60, y), line, font=font(card.figure, size, True), fill=ACCENT)
            y += int(size * 1.25)
        y += 84 - int(size * 1.25)
    for text in card.lines:
        for line in wrap(text, font(text, 28), text_width, 2):
            if y > HEIGHT - 120:
                break
            pen.text((60, y), line, font=font(text, 28), fill=MUTED)
            y += 40
    if card.points:
        _chart(pen, card.points, (720, 110, 1140, 470))
        words = WORDS[card.lang]
        legend = f"○ {words['target']}   ● {words['outcome']}"
        pen.text((1140 - _font(22).getlength(legend), 514), legend, font=_font(22), fill=MUTED)
    footer = font(card.footer, 26, True)
    pen.text((60, HEIGHT - 52), card.footer, font=footer, fill=INK)
    small = font(card.address, 22)
    address = fitted(card.address, small, WIDTH - 160 - footer.getlength(card.footer))
    pen.text((WIDTH - 60 - small.getlength(address), HEIGHT - 48), address, font=small, fill=MUTED)
    return image


BLENDS = 16  # shades between a text colour and its ground: antialiased edges within 10 of 255 per channel


def palette(card: Card) -> list[tuple[int, int, int]]:
    """Every colour a card can hold: each text colour over each ground (white, the footer's wash) in BLENDS
    shades, the chart's line, and its points' layer colours (drawn solid)."""
    return list(dict.fromkeys([*_shades(), LINE, *(_rgb(point[3]) for point in card.points)]))


@lru_cache(maxsize=1)
def _shades() -> tuple[tuple[int, int, int], ...]:
    return tuple(tuple(round(ground[i] + (ink[i] - ground[i]) * step / (BLENDS - 1)) for i in range(3))
                 for ink in (INK, MUTED, ACCENT) for ground in ((255, 255, 255), WASH) for step in range(BLENDS))


def encode(image, card: Card) -> bytes:
    """The image as a palette PNG of the card's own colours (each pixel its nearest: no dithering), quickly
    compressed: a quarter of full colour's bytes, five times quicker than picking the colours from the image."""
    from PIL import Image
    colours = Image.new("P", (1, 1))
    colours.putpalette([channel for colour in palette(card) for channel in colour])
    out = io.BytesIO()
    image.quantize(palette=colours, dither=Image.Dither.NONE).save(out, "PNG", compress_level=3)
    return out.getvalue()


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    """site.yaml's "#rrggbb" (checked there) as numbers."""
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def _chart(pen, points, box) -> None:
    """The values by year: a dot per figure in its layer's colour, targets hollow, outcomes filled."""
    left, top, right, bottom = box
    pen.rectangle(box, outline=LINE, width=2)
    years = [p[0] for p in points]
    numbers = [p[1] for p in points]
    low, high = min(numbers), max(numbers)
    pad = (high - low) * 0.15 or abs(high) * 0.15 or 1.0  # the figures' own range, not from zero
    low, high = low - pad, high + pad
    first, last = min(years), max(years)
    span_x, span_y = max(last - first, 1), high - low
    place = lambda year, number: (left + 40 + (year - first) / span_x * (right - left - 80),
                                  bottom - 20 - (number - low) / span_y * (bottom - top - 40))
    if low < 0 < high:
        zero = place(first, 0.0)[1]
        pen.line((left + 20, zero, right - 20, zero), fill=LINE, width=2)
    free_from = float("-inf")  # a year label running into the one before is left out
    for year in sorted(set(years)):
        x = place(year, low)[0]
        label = str(year)
        length = _font(20).getlength(label)
        start = x - length / 2
        if start >= free_from:
            pen.text((start, bottom + 8), label, font=_font(20), fill=MUTED)
            free_from = start + length + 8
    for number in (min(numbers), max(numbers)):
        label = f"{number:g}"
        pen.text((left - 12 - _font(20).getlength(label), place(first, number)[1] - 12), label, font=_font(20),
                 fill=MUTED)
    for year, number, kind, hex_colour in points:
        x, y = place(year, number)
        colour = _rgb(hex_colour)
        if kind == "outcome":
            pen.ellipse((x - 11, y - 11, x + 11, y + 11), fill=colour)
        else:
            pen.ellipse((x - 11, y - 11, x + 11, y + 11), outline=colour, width=4)
