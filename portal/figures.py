"""Chinese figures as written (突破2000亿元, 6左右, ＞13.7) parsed into numbers and rendered in English.

Everything here works on Decimal so that 6594.8万元 becomes exactly CNY 65.948 million.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from .errors import quote

MAGNITUDES = {"万亿": Decimal("1e12"), "亿": Decimal("1e8"), "万": Decimal("1e4"), "千": Decimal("1e3")}

# zh prefix -> (comparator, English words placed before the amount)
PREFIXES: dict[str, tuple[str, str]] = {
    "不低于": ("≥", "at least"),
    "不少于": ("≥", "at least"),
    "不超过": ("≤", "at most"),
    "突破": (">", "over"),
    "超过": (">", "more than"),
    "超": (">", "over"),
    "逾": (">", "over"),
    "高于": (">", "above"),
    "低于": ("<", "below"),
    "迈上": ("≥", "reaching"),
    "达到": ("=", ""),
    "达": ("=", ""),
    "近": ("≈", "nearly"),
    "约": ("≈", "about"),
    "第": ("=", ""),
    "＞": (">", "more than"),
    ">": (">", "more than"),
    "≥": ("≥", "at least"),
    "＜": ("<", "less than"),
    "<": ("<", "less than"),
    "≤": ("≤", "at most"),
}
# zh words naming what the figure measures, kept in English as words, no comparator
LEADS: dict[str, str] = {
    "年均增长": "average annual growth of",
    "增长": "growth of",
    "下降": "a fall of",
    "提高到": "raised to",
    "降低": "a reduction of",
    "连续": "for",
}
# zh suffix -> (comparator, English words before the amount, English words after it)
SUFFIXES: dict[str, tuple[str, str, str]] = {
    "以上": ("≥", "", " or more"),  # 300天以上 is 300 days or more: the sources count the 300 in
    "以内": ("≤", "within", ""),
    "以下": ("≤", "", " or less"),
    "左右": ("≈", "about", ""),
    "台阶": ("≥", "", ""),
    "级": ("≥", "reaching the", " level"),  # 千亿级: of the 100-billion class, so 100 billion or more
}
# between number and unit: 20余项 -> more than 20
INFIXES: dict[str, tuple[str, str]] = {"余": (">", "more than"), "多": (">", "more than")}

# zh unit -> (English, style); style: currency (prefix code), symbol (no plural), noun (plural form)
UNITS: dict[str, tuple[str, str]] = {
    "元": ("CNY", "currency"),
    "美元": ("USD", "currency"),
    "元/平方米": ("CNY", "currency/m²"),
    "元/人": ("CNY", "currency/worker"),
    "人/亿元": ("per CNY 100 million of GDP", "symbol"),
    "%": ("%", "percent"),
    "个百分点": ("percentage points", "noun"),
    "人次": ("visits", "noun"),
    "人": ("people", "noun"),
    "户": ("entities", "noun"),
    "家": ("", "bare"),
    "个": ("", "bare"),
    "项": ("", "bare"),
    "件": ("", "bare"),
    "张": ("", "bare"),
    "处": ("", "bare"),
    "台": ("", "bare"),
    "栋": ("buildings", "noun"),
    "套": ("units", "noun"),
    "场": ("events", "noun"),
    "场次": ("sessions", "noun"),
    "次": ("times", "noun"),
    "公里": ("km", "symbol"),
    "米": ("m", "symbol"),
    "平方米": ("m²", "symbol"),
    "平方公里": ("km²", "symbol"),
    "天": ("days", "noun"),
    "岁": ("years", "noun"),
    "年": ("years", "noun"),
    "倍": ("times", "noun"),
    "标箱": ("TEU", "symbol"),
    "吨": ("tonnes", "noun"),
    "名": ("people", "noun"),
    "辆": ("vehicles", "noun"),
    "类": ("categories", "noun"),
    "批": ("batches", "noun"),
    "小时": ("hours", "noun"),
    "分钟": ("minutes", "noun"),
    "公顷": ("ha", "symbol"),
    "亩": ("mu", "symbol"),
    "千米": ("km", "symbol"),
    "连冠": ("consecutive titles", "noun"),
    "大": ("major", "symbol"),
    **{word: ("", "bare") for word in ("份", "条", "所", "位", "株", "座", "间", "宗", "期", "强", "艘", "起", "款",
                                        "部", "本", "首", "支", "块", "片", "层", "幢", "对", "家次", "床", "届")},
}
SINGULAR = {"hours": "hour", "minutes": "minute", "vehicles": "vehicle", "categories": "category",
            "batches": "batch", "people": "person", "visits": "visit", "days": "day", "years": "year", "times": "time",
            "buildings": "building", "units": "unit", "events": "event", "sessions": "session",
            "tonnes": "tonne", "entities": "entity", "consecutive titles": "consecutive title", "percentage points": "percentage point"}

_NUMBER = r"\d+(?:\.\d+)?(?:/\d+)?"


class FigureError(ValueError):
    """A text that is not a figure this module can read."""


@dataclass(frozen=True)
class Figure:
    """A figure as written: the digits, their magnitude, unit and qualifiers."""

    number: Decimal | None
    magnitude: Decimal
    unit: str
    comparator: str | None
    before: str
    after: str
    lead: str
    fraction: str | None = None
    ordinal: bool = False

    @property
    def amount(self) -> Decimal | None:
        """The number in base units (元, 人, 平方米 …): 2000亿 -> 200000000000."""
        return None if self.number is None else self.number * self.magnitude


def _longest(text: str, table, at_start: bool = True) -> str | None:
    keys = sorted(table, key=len, reverse=True)
    for key in keys:
        if (text.startswith(key) if at_start else text.endswith(key)):
            return key
    return None


@functools.lru_cache(maxsize=16384)  # pure, and Figure is frozen: every rebuild re-reads the same few thousand
def parse_figure(text: str) -> Figure:
    """Read a zh figure such as 突破2000亿元, 6左右, 33万元左右 or ＞13.7 (words without a figure, such as a
    goal stated in words, are FigureError: site.yaml's `phrases` give their English)."""
    raw = re.sub(r"\s+", "", text)
    rest, comparators, before, after, lead = raw, [], [], [], ""
    ordinal_form = raw.startswith("第")
    while True:
        key = _longest(rest, LEADS)
        if key:
            lead, rest = LEADS[key], rest[len(key):]
            continue
        key = _longest(rest, PREFIXES)
        if key:
            comparator, words = PREFIXES[key]
            comparators.append(comparator)
            before.append(words)
            rest = rest[len(key):]
            continue
        break
    rest = spell_out_chinese_numeral(rest)
    match = re.match(_NUMBER, rest)
    if not match:
        raise FigureError(f"no number in {quote(raw)}")
    digits, rest = match.group(0), rest[match.end():]
    if len(digits) > 20:
        raise FigureError(f"the number in {quote(raw)} has too many digits")
    fraction = digits if "/" in digits else None
    if fraction and not int(digits.split("/")[1]):
        raise FigureError(f"division by zero in {quote(raw)}")
    number = Decimal(digits.split("/")[0]) / Decimal(digits.split("/")[1]) if fraction else Decimal(digits)
    key = _longest(rest, INFIXES)
    if key:
        comparators.append(INFIXES[key][0])
        before.append(INFIXES[key][1])
        rest = rest[len(key):]
    magnitude = Decimal(1)
    key = _longest(rest, MAGNITUDES)
    if key:
        magnitude, rest = MAGNITUDES[key], rest[len(key):]
    suffix = _longest(rest, SUFFIXES, at_start=False)
    while suffix:
        comparator, pre, post = SUFFIXES[suffix]
        comparators.append(comparator)
        before.append(pre)
        after.append(post)
        rest = rest[: -len(suffix)]
        suffix = _longest(rest, SUFFIXES, at_start=False)
    unit = rest
    if unit and unit not in UNITS:
        raise FigureError(f"unknown unit {quote(unit)} in {quote(raw)}")
    strong = [c for c in comparators if c != "="]
    if len(set(strong)) > 1:
        raise FigureError(f"conflicting qualifiers in {quote(raw)}")
    comparator = strong[0] if strong else "="
    return Figure(number, magnitude, unit, comparator, " ".join(w for w in before if w),
                  "".join(after), lead, fraction, ordinal=ordinal_form)


# ---- numbers written in Chinese numerals: 千亿, 百家, 两千, 六连冠, 连续五年, 十大 ------------------

CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                  "八": 8, "九": 9}
CHINESE_TENS = {"十": 10, "百": 100, "千": 1000}
_CHINESE_RUN = re.compile(f"[{''.join(CHINESE_DIGITS)}{''.join(CHINESE_TENS)}]+")


def chinese_numeral(text: str) -> tuple[int, int] | None:
    """The number stated by the Chinese numerals text starts with, and how many characters they take:
    两千 -> 2000; 千 (as in 千亿) -> 1000; 十二 -> 12; 三千五百 -> 3500; 二〇一九 -> 2019 (digit by digit).
    万 and 亿 are left to the caller as magnitudes. None when text does not start with a numeral."""
    match = _CHINESE_RUN.match(text)
    if not match:
        return None
    run = match.group(0)
    if not any(c in CHINESE_TENS for c in run):
        return int("".join(str(CHINESE_DIGITS[c]) for c in run)), len(run)
    total = current = 0
    for char in run:
        if char in CHINESE_DIGITS:
            current = CHINESE_DIGITS[char]
        else:
            total += (current or 1) * CHINESE_TENS[char]
            current = 0
    return total + current, len(run)


def spell_out_chinese_numeral(text: str) -> str:
    """text with the Chinese numeral it starts with written in digits: 千亿 -> 1000亿; other text as is."""
    read = chinese_numeral(text)
    return text if read is None else f"{read[0]}{text[read[1]:]}"


def ordinal(number: Decimal) -> str:
    """1 -> 1st, 12 -> 12th, 23 -> 23rd."""
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def unit_scale(unit: str) -> tuple[str, Decimal]:
    """Split a zh unit into its base and magnitude: 亿元 -> (元, 1e8); 万人次 -> (人次, 1e4)."""
    if unit in UNITS:
        return unit, Decimal(1)
    key = _longest(unit, MAGNITUDES)
    if key and unit[len(key):] in UNITS:
        return unit[len(key):], MAGNITUDES[key]
    return unit, Decimal(1)


def number_in_unit(figure: Figure, unit: str) -> Decimal | None:
    """The figure's number expressed in an indicator's unit (2000亿元 in 亿元 -> 2000)."""
    if figure.number is None:
        return None
    base, scale = unit_scale(_per_unit_dropped(unit, figure.unit))
    if not figure.unit:  # 6左右 in % is 6; 突破千亿 in 亿元 is 1000 (its own magnitude, the indicator's unit)
        return figure.number if figure.magnitude == 1 else figure.number * figure.magnitude / scale
    if base != figure.unit:
        return figure.number * figure.magnitude
    return figure.number * figure.magnitude / scale


def _per_unit_dropped(unit: str, written: str) -> str:
    """亿元/平方公里 read as 亿元 when the text writes only 元: 地均生产总值突破100亿元 leaves the
    indicator's "per km²" unsaid, as the source does."""
    head, slash, _ = unit.partition("/")
    return head if slash and written and head.endswith(written) and "/" not in written else unit


def plain(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros, with thousands separators: 330000 -> 330,000."""
    whole, _, frac = format(number.normalize(), "f").partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "")


def english_amount(amount: Decimal) -> str:
    """CNY-style scale words: 200000000000 -> '200 billion', 66000 -> '66,000'."""
    for scale, word in ((Decimal("1e12"), "trillion"), (Decimal("1e9"), "billion"), (Decimal("1e6"), "million")):
        if abs(amount) >= scale:
            return f"{plain(amount / scale)} {word}"
    return plain(amount)


@functools.lru_cache(maxsize=16384)
def english(text: str, unit: str = "", unit_en: str = "") -> str:
    """Render a zh figure in idiomatic English: 2000亿元 -> CNY 200 billion; 6左右 with unit % -> about 6%."""
    figure = parse_figure(text)
    zh_unit = figure.unit
    magnitude = figure.magnitude
    english_unit, style = UNITS.get(zh_unit, ("", "bare"))
    if not zh_unit and unit not in ("", "-"):
        zh_unit, scale = unit_scale(unit)
        magnitude = magnitude * scale if magnitude == 1 else magnitude  # 突破千亿 states its own magnitude
        english_unit, style = UNITS.get(zh_unit, (unit_en, "symbol"))
        if not style.startswith(("currency", "percent")) and unit_en and unit_en != "-":
            english_unit, style = unit_en, "symbol"
    if figure.ordinal:
        return " ".join(w for w in (figure.lead, figure.before, ordinal(figure.number)) if w) + figure.after
    if figure.fraction:
        amount_text = figure.fraction
    elif magnitude == 1:
        amount_text = plain(figure.number)
    else:
        amount_text = english_amount(figure.number * magnitude)
    if style.startswith("currency"):
        per = style.partition("/")[2]
        core = f"{english_unit} {amount_text}" + (f" per {per}" if per else "")
    elif style == "percent":
        core = f"{amount_text}%"
    elif style == "noun":
        noun = SINGULAR.get(english_unit, english_unit) if amount_text == "1" else english_unit
        core = f"{amount_text} {noun}"
    elif style == "symbol" and english_unit:
        core = f"{amount_text} {english_unit}"
    else:
        core = amount_text
    words = [w for w in (figure.lead, figure.before, core) if w]
    return " ".join(words) + figure.after
