"""Chinese figures -> numbers, comparators and idiomatic English: tables of real cases from the documents."""
from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest

from conftest import edit, generate
from portal.errors import ContentErrors
from portal.figures import FigureError, chinese_numeral, english, number_in_unit, parse_figure
from portal.numbers import missing_numbers, numbers_zh, stated_numbers

# (zh as written, indicator unit zh, indicator unit en, expected English) — every row is from a seed.
ENGLISH = [
    ("突破2000亿元", "亿元", "CNY 100 million", "over CNY 200 billion"),               # 000, 003: GDP by 2026
    ("迈上2100亿元台阶", "亿元", "CNY 100 million", "reaching CNY 210 billion"),        # 001: GDP goal
    ("突破1400亿元", "亿元", "CNY 100 million", "over CNY 140 billion"),               # 000: GDP 2021
    ("突破 1300亿元", "亿元", "CNY 100 million", "over CNY 130 billion"),              # 000: retail sales
    ("近1.3万亿元", "亿元", "CNY 100 million", "nearly CNY 1.3 trillion"),            # 001: deposits and loans
    ("超1.35万亿元", "亿元", "CNY 100 million", "over CNY 1.35 trillion"),            # 002: deposits and loans
    ("8900万人次", "万人次", "10,000 visits", "89 million visits"),                    # 002: visitors
    ("5600万人次", "万人次", "10,000 visits", "56 million visits"),                    # 000: visitors a year
    ("800亿元", "亿元", "CNY 100 million", "CNY 80 billion"),                          # 002: tourist spending
    ("33万元左右", "万元", "CNY 10,000", "about CNY 330,000"),                         # 001: GDP per capita
    ("5.8万元左右", "万元", "CNY 10,000", "about CNY 58,000"),                         # 002: urban income
    ("75%以上", "%", "%", "75% or more"),                                             # 000, 001: modern services
    ("305天以上", "天", "days", "305 days or more"),                                     # 001: good air days
    ("4万人以上", "万人", "10,000 people", "40,000 people or more"),                    # 001: new jobs a year
    ("6.6万人", "万人", "10,000 people", "66,000 people"),                             # 001: new jobs
    ("27.5万人", "万人", "10,000 people", "275,000 people"),                           # 000: jobs over five years
    ("5.07万人", "万人", "10,000 people", "50,700 people"),                            # 002: new urban jobs
    ("356万平方米", "万平方米", "10,000 m²", "3.56 million m²"),                       # 001: housing renovated
    ("190万平方米", "万平方米", "10,000 m²", "1.9 million m²"),                        # 000: housing renovated
    ("11.6万平方米", "万平方米", "10,000 m²", "116,000 m²"),                           # 001: slopes greened
    ("115公里", "公里", "km", "115 km"),                                               # 000, 001: walkways
    ("19.4公里", "公里", "km", "19.4 km"),                                             # 001, 003: riverbank
    ("6左右", "%", "%", "about 6%"),                                                  # 002 annex: GDP growth
    ("5.3以内", "%", "%", "within 5.3%"),                                             # 002 annex: unemployment
    ("＞13.2", "人", "physicians", "more than 13.2 physicians"),                       # 002 annex: physicians
    ("＞28.2", "万元", "CNY 10,000", "more than CNY 282,000"),                         # 002 annex: GDP per capita
    ("＜0.01", "人/亿元", "deaths per CNY 100 million", "less than 0.01 deaths per CNY 100 million"),
    ("0.0055", "人/亿元", "deaths per CNY 100 million", "0.0055 deaths per CNY 100 million"),
    ("0.7左右", "%", "%", "about 0.7%"),                                              # 002 annex: R&D intensity
    ("38.9左右", "%", "%", "about 38.9%"),                                            # 002 annex: green coverage
    ("303", "天", "days", "303 days"),                                                 # 002 annex: good air days
    ("6000", "万美元", "USD 10,000", "USD 60 million"),                                # 002 annex: FDI 2025
    ("650", "亿元", "CNY 100 million", "CNY 65 billion"),                              # 002 annex: private economy
    ("240", "家", "enterprises", "240 enterprises"),                                   # 002 annex: high-tech firms
    ("年均增长15%以上", "%", "%", "average annual growth of 15% or more"),               # 001: R&D spending
    ("4013万元", "", "", "CNY 40.13 million"),                                         # 002: paired assistance
    ("6594.8万元", "", "", "CNY 65.948 million"),                                      # 002: wage arrears
    ("1.2万元/平方米", "", "", "CNY 12,000 per m²"),                                   # 002: output per building
    ("20余项", "", "", "more than 20"),                                                # 001: reform pilots
    ("近1/2", "-", "-", "nearly 1/2"),                                                 # 001: Fortune 500 share
    ("2.1万标箱", "", "", "21,000 TEU"),                                               # 002: containers
    ("41倍", "", "", "41 times"),                                                      # 002: FDI growth
    ("第1", "", "", "1st"),                                                            # 002: ranked 1st
    ("第12强", "", "", "12th"),                                                        # 002: building economy
    ("近300场", "", "", "nearly 300 events"),                                          # 002: cultural events
    ("超95%", "", "", "over 95%"),                                                     # 001: satisfaction
]


@pytest.mark.parametrize(("zh", "unit", "unit_en", "expected"), ENGLISH)
def test_english_rendering(zh, unit, unit_en, expected):
    assert english(zh, unit, unit_en) == expected


def test_the_table_has_at_least_forty_real_cases():
    assert len(ENGLISH) >= 40


# (zh, indicator unit, number in that unit, comparator)
PARSED = [
    ("突破2000亿元", "亿元", "2000", ">"), ("近1.3万亿元", "亿元", "13000", "≈"), ("6.6万人", "万人", "6.6", "="),
    ("3099人", "人", "3099", "="), ("75%以上", "%", "75", "≥"), ("5.3以内", "%", "5.3", "≤"), ("6左右", "%", "6", "≈"),
    ("＞13.7", "人", "13.7", ">"), ("＜0.01", "人/亿元", "0.01", "<"), ("迈上2100亿元台阶", "亿元", "2100", "≥"),
    ("20余项", "项", "20", ">"), ("8900万人次", "万人次", "8900", "="), ("8900万人次", "人次", "89000000", "="),
    ("近1/2", "-", "0.5", "≈"), ("第1", "", "1", "="), ("年均增长15%以上", "%", "15", "≥"),
]


@pytest.mark.parametrize(("zh", "unit", "number", "comparator"), PARSED)
def test_numbers_and_comparators_parse_in_the_indicator_unit(zh, unit, number, comparator):
    figure = parse_figure(zh)
    assert figure.comparator == comparator
    assert number_in_unit(figure, unit) == Decimal(number)


@pytest.mark.parametrize("text", ["保持全市前列", "预计完成", "口径调整", "市计划"])
def test_words_are_no_figure_to_the_engine(text):
    """The engine knows no document's phrases: site.yaml's `phrases` give a value in words its English."""
    with pytest.raises(FigureError):
        parse_figure(text)


def test_a_value_in_words_takes_its_english_from_site_yaml_phrases(content):
    values = content / "values/plenary-demo.yaml"
    edit(values, "  text: {zh: 迈上2100亿元台阶}\n  number: 2100\n  comparator: \"≥\"\n", "  text: {zh: 地区生产总值}\n")
    with pytest.raises(ContentErrors) as caught:
        generate(content)
    assert [str(e) for e in caught.value.errors] == [
        "content/values/plenary-demo.yaml:1: value 'demo.gdp.2027.target': missing translation 'text.en' "
        "('地区生产总值' cannot be rendered automatically)\n    hint: add 'en: …' under text, or the phrase's "
        "English under 'phrases' in content/site.yaml"]
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "phrases:\n  地区生产总值: GDP as a whole\n",
                         encoding="utf-8")
    value = next(v for v in generate(content).site.values if v.id == "demo.gdp.2027.target")
    assert (value.text.en, value.number, value.comparator) == ("GDP as a whole", None, None)


def test_the_real_phrases_give_the_annex_words_their_english():
    from test_real_content import site
    values = {v.id: v for v in site().values}
    assert values["plan2025.annex1.labour-productivity.2024.target"].text.en == "stay among the city’s leaders"
    assert values["plan2025.annex2.fdi.2024.outcome"].text.en == "definition changed"


@pytest.mark.parametrize("text", ["大幅增长", "12份合同", "5以内以上"])
def test_unreadable_figures_are_errors(text):
    with pytest.raises(FigureError):
        parse_figure(text)


NUMBER_CHECK = [
    ("地区生产总值突破2000亿元", "GDP will exceed CNY 200 billion", []),
    ("接待游客8900万人次", "received 89 million tourist visits", []),
    ("新增就业6.6万人", "66,000 new jobs", []),
    ("2020年12月11日通过", "adopted on 11 December 2020", []),
    ("居全市第1", "ranked 1st in the city", []),
    ("附件：1.2024年经济社会发展主要目标完成情况表", "Annexes: 1. Table of the main 2024 targets", []),
    ("增长15%以上", "growth of over 10%", ["15"]),
    ("突破2000亿元", "over CNY 20 billion", ["2000亿"]),
]


@pytest.mark.parametrize(("zh", "en", "missing"), NUMBER_CHECK)
def test_numbers_carried_into_english(zh, en, missing):
    assert missing_numbers(zh, en) == missing


def test_a_zh_text_without_a_figure_does_not_read_the_english(monkeypatch):
    """Nothing to carry over, nothing missing, whatever the English states; the English is then not read
    (N=2000: no zh block has a figure, and reading each English block's numbers was most of the check)."""
    from portal import numbers
    read = []
    monkeypatch.setattr(numbers, "stated_numbers", lambda text: read.append(text) or [])
    numbers._missing_numbers.cache_clear()
    assert missing_numbers("大力推进“七新”，取得新进展新成效", "over CNY 200 billion, twice 12") == []
    assert missing_numbers("全年", "") == [] and read == []
    assert missing_numbers("突破2000亿元", "over CNY 210 billion") == ["2000亿"] and read == ["over CNY 210 billion"]
    numbers._missing_numbers.cache_clear()


def test_numbers_are_cut_where_the_patterns_cut_them():
    """The number patterns begin with a bare digit (fast to search for); they cut text as before: thousands
    groups only of three digits, a digit run that is not a group read whole, decimals and scales after it."""
    assert stated_numbers("1234,567 1,234,567.89 billion 12,34 ,123 0007 4.5thousand two-thirds") == [
        {Decimal(1234)}, {Decimal(567)}, {Decimal("1234567.89"), Decimal("1234567.89e9")}, {Decimal(12)},
        {Decimal(34)}, {Decimal(123)}, {Decimal(7)}, {Decimal("4.5"), Decimal(4500)}, {Decimal(2)}]
    assert [written for written, _ in numbers_zh("1.2024年增长6.6万人，2000余亿元，第3")] == [
        "1.2024", "6.6万", "2000余亿", "3"]


# Chinese numerals: (text, the number its leading numeral states, characters taken) — None: no numeral.
CHINESE_NUMERALS = [
    ("千亿", 1000, 1), ("两千", 2000, 2), ("百家", 100, 1), ("六连冠", 6, 1), ("五年", 5, 1), ("十大", 10, 1),
    ("十二条", 12, 2), ("二十三局", 23, 3), ("三千五百万", 3500, 4), ("一百年", 100, 2), ("二〇三五年", 2035, 4),
    ("两万", 2, 1), ("连续五年", None, 0), ("万人", None, 0), ("2000亿", None, 0),
]


@pytest.mark.parametrize(("text", "number", "length"), CHINESE_NUMERALS)
def test_chinese_numerals_read(text, number, length):
    assert chinese_numeral(text) == (None if number is None else (number, length))


# Figures written in Chinese numerals, as the documents write them:
# (zh, indicator unit zh, unit en, number in the indicator's unit, comparator, English)
CHINESE_FIGURES = [
    ("突破千亿", "亿元", "CNY 100 million", "1000", ">", "over CNY 100 billion"),            # 004 p1: GDP, retail
    ("千亿级", "亿元", "CNY 100 million", "1000", "≥", "reaching the CNY 100 billion level"),     # 000 s4-p5, 003 s1-p3
    ("百家", "家", "enterprises", "100", "=", "100"),                                        # 000 s4-p5, 003 s1-p3
    ("六连冠", "连冠", "consecutive titles", "6", "=", "6 consecutive titles"),             # 000 s3-6-p2
    ("连续五年", "年", "years", "5", "=", "for 5 years"),                                    # 001 r7-2
    ("两千", "家", "enterprises", "2000", "=", "2,000 enterprises"),
    ("十大", "", "", "10", "=", "10 major"),
    ("突破千亿", "万元", "CNY 10,000", "10000000", ">", "over CNY 100 billion"),            # magnitude kept
]


@pytest.mark.parametrize(("zh", "unit", "unit_en", "number", "comparator", "expected"), CHINESE_FIGURES)
def test_figures_in_chinese_numerals(zh, unit, unit_en, number, comparator, expected):
    figure = parse_figure(zh)
    assert (number_in_unit(figure, unit), figure.comparator) == (Decimal(number), comparator)
    assert english(zh, unit, unit_en) == expected


def test_the_number_patterns_match_as_their_plain_forms_do():
    """Seeded random texts of digits, separators, magnitudes and scales: the patterns (their first digit taken
    out of their alternatives) match exactly where and what the plain forms they were written from match."""
    from portal import numbers
    plain = {numbers._ZH_NUMBER: re.compile(r"(\d+(?:\.\d+)?)(?:余|多)?(万亿|亿|万)?"),
             numbers._EN_NUMBER: re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s*(trillion|billion|million|"
                                            r"thousand))?", re.IGNORECASE)}
    pieces = ["1", "23", "456", "7890", ",", ".", " ", "余", "多", "万", "亿", "万亿", "Billion", "thousand", "x", "٣"]
    randomness = random.Random(7)
    for _ in range(3000):
        text = "".join(randomness.choice(pieces) for _ in range(randomness.randint(1, 12)))
        for fast, slow in plain.items():
            assert [(m.span(), m.groups()) for m in fast.finditer(text)] == \
                   [(m.span(), m.groups()) for m in slow.finditer(text)], text
