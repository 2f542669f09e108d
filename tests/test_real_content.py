"""Checks over the real content: the five documents, their translation, and every value."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import pytest

from conftest import ROOT
from portal import freshness
from portal.figures import number_in_unit, parse_figure
from portal.numbers import missing_numbers
from portal.pipeline import Builder, Project


@lru_cache(maxsize=1)
def real():
    """The real site, generated once for this module."""
    return Builder(Project(ROOT)).generate()


def site():
    return real().site


DOCUMENTS = {"fyp14-proposal": "004_c0d7b07a42471a60.txt", "congress13-news": "000_3fa1c2c032567360.txt",
             "congress13-article": "003_0d803af9f4425cb7.txt",
             "plenary2-interpretation": "001_d73406c9189b929d.txt", "plan2025-report": "002_19206d79a4b63e5c.txt"}


def test_the_real_site_builds_without_errors():
    assert real().pages["zh"] == real().pages["en"] > 100


def test_five_documents_each_from_its_seed():
    assert {d.id: d.source_file for d in site().documents} == DOCUMENTS


@pytest.mark.parametrize("doc_id", sorted(DOCUMENTS))
def test_zh_and_en_anchors_align_one_to_one(doc_id):
    document = site().document(doc_id)
    zh = [b.anchor for b in document.bodies["zh"].blocks]
    en = [b.anchor for b in document.bodies["en"].blocks if not b.anchor.startswith("fn-tn-")]
    assert zh == en
    assert len(zh) == len(set(zh))


@pytest.mark.parametrize("doc_id", sorted(DOCUMENTS))
def test_every_number_of_a_zh_block_is_in_its_en_block(doc_id):
    document = site().document(doc_id)
    en = {b.anchor: b for b in document.bodies["en"].blocks}
    problems = {b.anchor: missing_numbers(b.text, en[b.anchor].text) for b in document.bodies["zh"].blocks}
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.mark.parametrize("doc_id", sorted(DOCUMENTS))
def test_every_english_block_translates_the_current_chinese(doc_id):
    """What `build.py check --strict` enforces: no English block is outdated (en.sources.yaml is current)."""
    document = site().document(doc_id)
    problems = freshness.outdated_errors(real().translations[doc_id], document.src.path.parent)
    assert [str(p) for p in problems] == []
    assert real().translations[doc_id].count("current") == len(document.bodies["zh"].blocks)


@pytest.mark.parametrize("doc_id", sorted(DOCUMENTS))
def test_every_block_is_translated(doc_id):
    document = site().document(doc_id)
    for block in document.bodies["en"].blocks:
        assert block.text.strip(), f"empty English block {block.anchor}"


def test_no_chinese_outside_marked_elements_on_english_pages():
    for name, data in real().files.items():
        if name.startswith("en/") and name.endswith(".html"):
            html = data.decode()
            body = re.sub(r'<(\w+)[^>]*lang="zh-Hans"[^>]*>.*?</\1>', "", html, flags=re.S)
            body = re.sub(r"<title>.*?</title>|<meta[^>]*>|<[^>]+>", "", body, flags=re.S)
            assert not re.search(r"[\u3400-\u9fff]", body), f"{name}: {re.search(r'.{20}[一-鿿].{20}', body, re.S)}"


def test_plan_report_has_52_footnotes_and_both_annex_tables():
    body = site().document("plan2025-report").bodies["zh"]
    assert [b.anchor for b in body.blocks if b.kind == "footnote"] == [f"fn-{n}" for n in range(52)]
    rows = Counter(b.anchor.rsplit("-r", 1)[0] for b in body.blocks if b.kind == "row")
    assert rows == {"annex-1": 26, "annex-2": 25}


def test_traditional_characters_converted_to_simplified():
    text = " ".join(b.text for b in site().document("congress13-article").bodies["zh"].blocks)
    for traditional in "區錨實這歷經濟發個國們會與為產業":
        assert traditional not in text


def test_annex_values_complete():
    annex = [v for v in site().values if v.source.anchor.startswith("annex-")]
    by_table = Counter((v.source.anchor.split("-r")[0], v.kind) for v in annex)
    assert by_table == {("annex-1", "target"): 26, ("annex-1", "outcome"): 26,
                        ("annex-2", "target"): 25, ("annex-2", "outcome"): 25}


def all_values():
    return [pytest.param(v, id=v.id) for v in site().values]


@pytest.mark.parametrize("value", all_values())
def test_value_text_parses_to_its_number_and_comparator(value):
    indicator = site().indicator(value.indicator)
    assert value.text.zh.replace(" ", "") in value.source.quote.replace(" ", "").replace("**", "")
    block = site().document(value.document).bodies["zh"].block(value.source.anchor)
    assert re.sub(r"\s", "", value.source.quote) in re.sub(r"\s", "", block.text)
    if value.number is None:
        assert value.comparator is None
        return
    figure = parse_figure(value.text.zh)
    assert (number_in_unit(figure, indicator.unit.zh).normalize(), figure.comparator) == \
        (value.number.normalize(), value.comparator)


def test_quotes_of_values_and_goals_open_and_close_their_quotation_marks():
    """A quote is shown in quotation marks on the disagreements page, in charts and in the book: a quote
    cut inside the source's own “…” would print a stray mark."""
    for item in [*site().values, *site().goals]:
        quote = item.source.quote
        assert quote.count("“") == quote.count("”") and quote.count("‘") == quote.count("’"), item.id


def test_every_indicator_has_both_languages_and_is_used():
    used = {v.indicator for v in site().values}
    for indicator in site().indicators:
        assert indicator.name.zh and indicator.name.en and indicator.unit.zh and indicator.unit.en
        assert indicator.id in used, f"indicator {indicator.id} has no values"


def test_periods_are_well_formed():
    for value in site().values:
        start, _, end = value.period.partition("-")
        assert 2000 <= int(start) <= 2035 and (not end or int(start) < int(end) <= 2035), value.id


def test_changed_indicators_are_linked():
    pairs = {(i.predecessor, i.id) for i in site().indicators if i.predecessor}
    assert {("invention-patents-per-10k", "high-tech-enterprises"), ("fdi-growth", "fdi"),
            ("water-quality-sections", "yangtze-water-quality"),
            ("culture-tourism-performance", "culture-tourism-value-added-growth")} <= pairs


def test_gdp_goals_credited_to_the_right_documents():
    gdp = {(v.document, v.period, v.text.zh) for v in site().values if v.indicator == "gdp" and v.kind == "target"}
    assert ("congress13-news", "2026", "突破2000亿元") in gdp
    assert ("congress13-article", "2026", "突破2000亿元") in gdp
    assert ("plenary2-interpretation", "2027", "迈上2100亿元台阶") in gdp
    assert not any(doc.startswith("congress") and text.startswith("迈上2100") for doc, _, text in gdp)
