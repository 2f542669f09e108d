"""A value's figure as a reader sees it: the English already carries its unit (figures.english); a zh
figure written bare in an annex cell (＞29, 6左右, 303) gets its indicator's unit, placed where Chinese puts
it (＞29万元, 6%左右, 303天), so that the zh page says as much as the en one."""
from __future__ import annotations

import re
from decimal import Decimal

from .figures import UNITS, FigureError, parse_figure, unit_scale

_DIGITS = re.compile(r"\d+(?:\.\d+)?(?:/\d+)?")
_NO_UNIT = ("", "-")


def zh_with_unit(text: str, unit: str) -> str:
    """text with unit after its number when text states a number without unit or magnitude of its own:
    ＞29 in 万元 -> ＞29万元; 5.3以内 in % -> 5.3%以内; 突破2000亿元, 突破千亿, 第1 and words stay as written."""
    if unit in _NO_UNIT:
        return text
    try:
        figure = parse_figure(text)
    except FigureError:
        return text
    if figure.number is None or figure.unit or figure.magnitude != 1 or figure.ordinal or figure.fraction:
        return text
    match = _DIGITS.search(text)
    if match is None:  # a number in Chinese numerals with no unit (十): leave it as written
        return text
    return text[:match.end()] + unit + text[match.end():]


def shown(value, unit_zh: str, lang: str) -> str:
    """The value's text in lang as pages, charts and books show it (en as generated or written)."""
    return zh_with_unit(value.text.zh, unit_zh) if lang == "zh" else value.text[lang]


_SCALES = ((Decimal("1e12"), "trillion"), (Decimal("1e9"), "billion"), (Decimal("1e6"), "million"),
           (Decimal("1e3"), "thousand"))


def axis_unit(unit_zh: str, unit_en: str, numbers: list[Decimal], lang: str) -> tuple[str, Decimal]:
    """A chart axis in the units the text uses, and the factor from the indicator's unit to it: in English
    亿元 figures of 2,100 read "CNY 210 billion", so the axis is "CNY billion" (×0.1); Chinese keeps 亿元."""
    base, scale = unit_scale(unit_zh)
    if lang == "zh" or scale == 1 or base not in UNITS or not numbers:
        return unit_en if lang == "en" else unit_zh, Decimal(1)
    english_unit, style = UNITS[base]
    largest = max(abs(n) for n in numbers) * scale
    for size, word in _SCALES:
        if largest >= size:
            label = f"{english_unit} {word}" if style.startswith("currency") else f"{word} {english_unit}".strip()
            return label, scale / size
    return english_unit or unit_en, scale
