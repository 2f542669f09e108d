"""A figure's qualifier and unit are part of the figure: the English of every real value says the record's
comparator in words (300天以上 is "300 days or more", never "over 300 days"), and a zh figure written bare
in an annex cell is shown with its indicator's unit, as the English is."""
from __future__ import annotations

import re

import pytest

from conftest import real
from portal.figuretext import zh_with_unit

# comparator -> the English words that say it; a text must say its own and no other's
WORDS = {
    "≥": ("or more", "at least", "reaching", "not less than"),
    ">": ("more than", "over", "above", "exceed"),
    "≈": ("about", "around", "nearly", "approximately"),
    "≤": ("within", "at most", "or less", "no more than"),
    "<": ("less than", "below"),
}


SET_PHRASES = ("above designated size",)  # a class of enterprise (规模以上), not a comparator


def comparators_said(english: str) -> set[str]:
    """The comparators an English value text says in words ("15% or more" says ≥ and not >)."""
    said, rest = set(), f" {english.lower()} "
    for phrase in SET_PHRASES:
        rest = rest.replace(phrase, " ")
    for comparator, words in sorted(WORDS.items(), key=lambda item: -max(len(w) for w in item[1])):
        for word in sorted(words, key=len, reverse=True):
            if re.search(rf"\b{re.escape(word)}\b", rest):
                said.add(comparator)
                rest = re.sub(rf"\b{re.escape(word)}\b", " ", rest)
    return said


@pytest.mark.parametrize(("english", "said"), [
    ("300 days or more", {"≥"}), ("over 300 days", {">"}), ("more than CNY 290,000", {">"}),
    ("about 6%", {"≈"}), ("within 5.3%", {"≤"}), ("less than 0.01 deaths", {"<"}), ("66,000 people", set()),
    ("average annual growth of 15% or more", {"≥"}), ("at least 6 events", {"≥"}),
    ("reaching the CNY 100 billion level", {"≥"}), ("2,000 or more enterprises above designated size", {"≥"}),
])
def test_the_words_of_each_comparator_are_recognised(english, said):
    assert comparators_said(english) == said


def test_every_english_value_text_says_its_records_comparator():
    """Over every value of the real content: ≥ is "or more"/"at least", > is "more than"/"over", and an
    exact figure (= or no comparator) carries none of these words."""
    wrong = []
    for value in real().site.values:
        expected = set() if value.comparator in (None, "=") else {value.comparator}
        if value.number is None:
            continue  # words (预计完成, 保持全市前列) state no figure to qualify
        said = comparators_said(value.text.en)
        if said != expected:
            wrong.append(f"{value.id}: {value.text.zh} -> {value.text.en!r} says {said or 'nothing'}, "
                         f"record {value.comparator}")
    assert wrong == []


def test_no_value_generated_from_yishang_reads_over():
    texts = [v.text.en for v in real().site.values if "以上" in v.text.zh]
    assert len(texts) > 20 and not [t for t in texts if re.search(r"\bover\b", t)]


ZH_UNITS = [
    ("＞29", "万元", "＞29万元"), ("6左右", "%", "6%左右"), ("5.3以内", "%", "5.3%以内"), ("303", "天", "303天"),
    ("0.62", "%", "0.62%"), ("＜0.01", "人/亿元", "＜0.01人/亿元"), ("650", "亿元", "650亿元"),
    ("突破2000亿元", "亿元", "突破2000亿元"), ("突破千亿", "亿元", "突破千亿"), ("33万元左右", "万元", "33万元左右"),
    ("第1", "位次", "第1"), ("预计完成", "%", "预计完成"), ("近1/2", "-", "近1/2"), ("6", "", "6"),
    ("年均增长15%以上", "%", "年均增长15%以上"), ("3-5家", "家", "3-5家"),
]


@pytest.mark.parametrize(("text", "unit", "shown"), ZH_UNITS)
def test_a_bare_zh_figure_gets_its_indicators_unit(text, unit, shown):
    assert zh_with_unit(text, unit) == shown


def test_the_zh_indicator_page_shows_annex_figures_with_their_unit():
    page = real().files["zh/indicators/gdp-per-capita/index.html"].decode()
    # the values table's cell carries the unit; a quoted annex row keeps its cell as the source wrote it
    assert re.search(r'<td data-label="[^"]+">＞29万元<', page) and not re.search(r'<td data-label="[^"]+">＞29<', page)
    assert '<td lang="zh-Hans">＞29<' in page


AXES = [  # (indicator unit zh, en, numbers in it, en axis, factor) — the axis in the units the text uses
    ("亿元", "CNY 100 million", ["2100", "1400"], "CNY billion", "0.1"),        # CNY 210 billion
    ("亿元", "CNY 100 million", ["13500", "14000"], "CNY trillion", "0.0001"),  # CNY 1.35 trillion
    ("万元", "CNY 10,000", ["29", "33"], "CNY thousand", "10"),                  # CNY 290,000
    ("万人次", "10,000 visits", ["8900", "9100"], "million visits", "0.01"),     # 89 million visits
    ("万平方米", "10,000 m²", ["356", "100"], "million m²", "0.01"),            # 3.56 million m²
    ("%", "%", ["6"], "%", "1"), ("天", "days", ["303"], "days", "1"),
]


@pytest.mark.parametrize(("unit", "unit_en", "numbers", "axis", "factor"), AXES)
def test_english_chart_axes_use_the_texts_units(unit, unit_en, numbers, axis, factor):
    from decimal import Decimal

    from portal.figuretext import axis_unit
    assert axis_unit(unit, unit_en, [Decimal(n) for n in numbers], "en") == (axis, Decimal(factor))
    assert axis_unit(unit, unit_en, [Decimal(n) for n in numbers], "zh") == (unit, Decimal(1))


def test_the_english_gdp_chart_reads_in_cny_billion():
    page = real().files["en/indicators/gdp/index.html"].decode()
    start = page.index('<svg class="chart chart-full"')
    chart = page[start:page.index("</svg>", start)]
    assert ">CNY billion</text>" in chart and ">200</text>" in chart and ">2,000</text>" not in chart
