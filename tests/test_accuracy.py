"""The accuracy apparatus: proper names held to one English form, indicator names used as named,
figures in Chinese numerals recorded, editorial marks that leave no silent change to a source."""
from __future__ import annotations

import pytest

from conftest import edit, generate
from test_errors import EN, ZH, errors_of


# ---- 1. names: one English form per glossary name; indicators called by their names --------------

def test_a_second_english_form_of_a_glossary_name_fails(content):
    edit(content / "glossary.yaml", "- id: seven-renewals", """- id: laogulou-yamen-site
  term: {zh: 老鼓楼衙署, en: Laogulou Yamen Site}
  definition: {zh: 衙署遗址。, en: The site of a yamen.}
  source: {document: plenary-demo, anchor: r1-1}
- id: seven-renewals""")
    edit(content / ZH, "渝中纳入国家区块链", "老鼓楼衙署遗址公园开园，渝中纳入国家区块链")
    edit(content / EN, "and Yuzhong was put", "the Old Drum Tower government office site opened, and Yuzhong was put")
    assert errors_of(content) == [
        "content/documents/plenary-demo/en.md:8: block 'r1-1' translates glossary term 老鼓楼衙署 without its "
        "English 'Laogulou Yamen Site'\n    hint: use the glossary's rendering"]
    edit(content / EN, "the Old Drum Tower government office site", "the Laogulou Yamen Site Park")
    generate(content)


def test_an_indicator_named_in_quotation_marks_uses_its_english_name(content):
    edit(content / ZH, "台阶，", "台阶，“研发经费投入强度”稳步提高，")
    edit(content / EN, "mark, and", "mark, “research and development spending intensity” will rise steadily, and")
    assert errors_of(content) == [
        "content/documents/plenary-demo/en.md:13: block 'g1-p1' names indicator 研发经费投入强度 without its "
        "English name 'R&D intensity'\n    hint: use the name of indicator 'rd-intensity' (or change the "
        "indicator's name.en)"]
    edit(content / EN, "research and development spending intensity", "R&D intensity")
    generate(content)


def test_an_indicator_named_in_a_table_cell_uses_its_english_name(content):
    table_zh = "\n### 附表 {#annex}\n\n| 序号 | 指标 | 目标 |\n|---|---|---|\n| 1 | 研发经费投入强度 | 0.7 |\n"
    table_en = "\n### Annex {#annex}\n\n| No. | Indicator | Target |\n|---|---|---|\n| 1 | R&D spending ratio | 0.7 |\n"
    (content / ZH).write_text((content / ZH).read_text(encoding="utf-8") + table_zh, encoding="utf-8")
    (content / EN).write_text((content / EN).read_text(encoding="utf-8") + table_en, encoding="utf-8")
    assert errors_of(content) == [
        "content/documents/plenary-demo/en.md:20: block 'annex-r1' names indicator 研发经费投入强度 without its "
        "English name 'R&D intensity'\n    hint: use the name of indicator 'rd-intensity' (or change the "
        "indicator's name.en)"]


def test_the_names_found_in_review_have_one_glossary_rendering():
    from test_real_content import site
    terms = {t.term.zh: t.term.en for t in site().terms}
    assert {name: terms.get(name) for name in ("老鼓楼衙署", "谯楼", "西部金融中心主承载区", "全国示范步行街",
                                                "世界知名商圈", "西部陆海新通道")} == {
        "老鼓楼衙署": "Laogulou Yamen Site", "谯楼": "drum tower",
        "西部金融中心主承载区": "main hub area of the Western Financial Center",
        "全国示范步行街": "National Model Pedestrian Street", "世界知名商圈": "world-famous business district",
        "西部陆海新通道": "New Western Land-Sea Corridor"}


# ---- 2. figures in Chinese numerals are figures ------------------------------------------------------

def test_a_figure_in_chinese_numerals_needs_its_number(content):
    edit(content / ZH, "迈上**2100亿元**台阶", "迈上**2100亿元**台阶，五年前已突破千亿")
    edit(content / EN, "**CNY 210 billion** mark", "**CNY 210 billion** mark (it passed CNY 100 billion five years ago)")
    (content / "values/plenary-demo.yaml").write_text((content / "values/plenary-demo.yaml").read_text(
        encoding="utf-8") + """- id: demo.gdp.2022.outcome
  indicator: gdp
  document: plenary-demo
  kind: outcome
  period: "2022"
  text: {zh: 突破千亿}
  source: {anchor: g1-p1, quote: 五年前已突破千亿}
""", encoding="utf-8")
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:23: value 'demo.gdp.2022.outcome': '突破千亿' states a figure: give "
        "number: 1000 and comparator: '>'"]
    edit(content / "values/plenary-demo.yaml", "  text: {zh: 突破千亿}\n", "  text: {zh: 突破千亿}\n  number: 100\n"
         "  comparator: '>'\n")
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:29: value 'demo.gdp.2022.outcome': number 100 does not match '突破千亿' "
        "(expected 1000 亿元)"]


# ---- 3. records: names complete, units right ---------------------------------------------------------

def test_an_indicator_name_cut_off_after_a_possessive_fails(content):
    edit(content / "indicators/main.yaml", "en: Number of software enterprises}", "en: Software enterprises as a share of the city's}")
    assert errors_of(content) == [
        "content/indicators/main.yaml:7: indicator 'software-enterprises': name.en 'Software enterprises as a share "
        "of the city's' ends in 'city's': it looks cut off\n    hint: complete the name, e.g. '… as a share of the "
        "city's total'"]


@pytest.mark.parametrize("name", ["Share of the", "GDP per", "Growth of", "Value added and"])
def test_an_indicator_name_ending_in_a_preposition_or_article_fails(content, name):
    edit(content / "indicators/main.yaml", "en: Number of software enterprises}", f"en: {name}}}")
    assert len(errors_of(content)) == 1


def test_phrasal_verbs_end_names_legitimately(content):
    edit(content / "indicators/main.yaml", "en: Number of software enterprises}", "en: Software enterprises brought in}")
    generate(content)


def test_the_records_found_in_review_are_corrected():
    from test_real_content import site
    real = site()
    assert real.indicator("gdp-per-land-area").unit.zh == "亿元/平方公里"
    grant = next(v for v in real.values if v.indicator == "gef-mercury-free-grant")
    assert (grant.kind, grant.period) == ("outcome", "2025") and "31 May 2027" in grant.note.en
    walkway = next(c for c in real.conflicts if c.indicator == "walkway-length")
    assert not any(v.endswith("outcome-2") for v in walkway.values)  # the 114.5 km caption is no evidence
