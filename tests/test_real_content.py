"""Checks over the real content: one strict build that must pass, then what no build checks.

The build itself validates every document, translation and value (the tests of the fixture below prove
it rejects each kind of problem), so the real content is not re-checked item by item here: what the
build checks passes when `real()` returns, `check --strict` adds that no translation is outdated, and
the remaining tests look at what the build leaves to people (counts, chosen figures, conversions)."""
from __future__ import annotations

import re
from collections import Counter

from conftest import edit, real
from portal import freshness
from test_errors import errors_of


def site():
    return real().site


DOCUMENTS = {"fyp14-proposal": "004_c0d7b07a42471a60.txt", "congress13-news": "000_3fa1c2c032567360.txt",
             "congress13-article": "003_0d803af9f4425cb7.txt",
             "plenary2-interpretation": "001_d73406c9189b929d.txt", "plan2025-report": "002_19206d79a4b63e5c.txt"}


def test_the_real_content_passes_a_strict_build():
    """`build.py check --strict`: the build raised nothing, and every English block translates the current
    Chinese (en.sources.yaml is current) in every document."""
    generated = real()
    assert generated.pages["zh"] == generated.pages["en"] > 100
    outdated = [str(error) for document in generated.site.documents
                for error in freshness.outdated_errors(generated.translations[document.id], document.src.path.parent)]
    assert outdated == []
    current = {d.id: generated.translations[d.id].count("current") for d in generated.site.documents}
    assert current == {d.id: len(d.bodies["zh"].blocks) for d in generated.site.documents}


def test_five_documents_each_from_its_seed():
    assert {d.id: d.source_file for d in site().documents} == DOCUMENTS


# --- what the removed per-item re-checks asked of the real content, proven to be build checks ----------

VALUES = "values/plenary-demo.yaml"
EN = "documents/plenary-demo/en.md"


def test_the_build_rejects_a_value_whose_text_quote_or_figure_is_wrong(content):
    """Every value's text is words of its quote, its quote words of the cited zh paragraph, its number and
    comparator those of its text, and a text without a figure has neither: valuechecks.value,
    crossrefs.check_quote and valuechecks._check_figure reject each, all in one build."""
    values = content / VALUES
    edit(values, "text: {zh: 迈上2100亿元台阶}", "text: {zh: 迈上2200亿元台阶}")
    edit(values, "quote: 软件企业突破2500家", "quote: 软件企业数突破2500家")
    edit(values, '  number: 2500\n  comparator: ">"', '  number: 2500\n  comparator: "≥"')
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:6: value 'demo.gdp.2027.target': text '迈上2200亿元台阶' is not in its quote\n"
        "    hint: the value text must be words of the quote",  # its number no longer matching is a follow-on
        "content/values/plenary-demo.yaml:19: value 'demo.software-enterprises.2022.outcome': comparator '≥' does "
        "not match '突破2500家' (expected '>')",
        "content/values/plenary-demo.yaml:22: value 'demo.software-enterprises.2022.outcome': quote not found in "
        "paragraph 'r1-1' of 'plenary-demo'\n    hint: copy the words verbatim from zh.md"]


def test_the_build_rejects_a_number_or_comparator_for_a_text_without_a_figure(content):
    edit(content / VALUES, "text: {zh: 迈上2100亿元台阶}", 'text: {zh: 显著提升, en: "rise markedly"}')
    edit(content / VALUES, "quote: 地区生产总值迈上2100亿元台阶", "quote: 经济实力显著提升")
    assert errors_of(content) == [  # one mistake, one error
        "content/values/plenary-demo.yaml:7: value 'demo.gdp.2027.target': cannot read the figure in '显著提升': "
        "no number in '显著提升'\n    hint: write the figure as the document does, e.g. '突破2000亿元', or drop "
        "number/comparator"]


def test_the_build_rejects_a_duplicate_anchor(content):
    """Anchors are unique in each language (markup.Renderer._finish); their alignment and the numbers
    carried over are test_errors' test_anchors_misaligned_between_languages and
    test_numbers_must_carry_over_into_english (translation.body_errors)."""
    edit(content / EN, "{: #review-lead }", "{: #r1 }")
    duplicates = [e.split(": ", 1)[1] for e in errors_of(content) if "duplicate" in e]
    assert [d.split(" (first on line")[0] for d in duplicates] == ["duplicate anchor 'r1'"]
    assert duplicates[0].endswith("\n    hint: give each block its own anchor")


# --- what the build does not check -------------------------------------------------------------------

def test_every_english_block_has_text():
    """The build accepts an English heading with no words ("## {#s1}"); the real content has none."""
    empty = [f"{d.id}#{b.anchor}" for d in site().documents for b in d.bodies["en"].blocks if not b.text.strip()]
    assert empty == []


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


def test_a_replaced_indicator_names_the_document_that_changed_its_definition():
    """The annual plan report states both the old indicator (last year's outcome) and the new one (next year's
    target): that document, not merely "changed", is named on both pages, in each language's form."""
    files = real().files
    for page, lang, words in [("high-tech-enterprises", "en", "(definition changed in Annual plan report (2025))"),
                              ("invention-patents-per-10k", "en", "(definition changed in Annual plan report (2025))"),
                              ("high-tech-enterprises", "zh", "万人发明专利拥有量</a>（2025年年度计划报告调整了指标口径）")]:
        html = files[f"{lang}/indicators/{page}/index.html"]
        html = html.decode() if isinstance(html, bytes) else html
        assert words in html, (lang, page)
