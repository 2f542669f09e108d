"""Where the documents disagree: the conflict records' schema errors, the disagreements page over the real
content, the links to it from indicator pages, the per-indicator data files and the book's chapter."""
from __future__ import annotations

import json
import re
from html import unescape

import pytest

from conftest import edit, real
from portal.model import CONFLICT_KINDS
from test_errors import errors_of

CONFLICTS = "conflicts.yaml"


# --- schema errors, each with its exact `path:line: message` ---------------------------------------

def test_unknown_kind(content):
    edit(content / CONFLICTS, "  kind: framing\n", "  kind: naming\n")
    assert errors_of(content) == [
        "content/conflicts.yaml:16: conflict 'seven-renewals-review': field 'kind' is 'naming', not one of "
        "level, horizon, scope, cumulative-vs-annual, unit, framing"]


def test_side_quote_must_be_verbatim_in_its_paragraph(content):
    edit(content / CONFLICTS, "quote: 大力推进产业升级振兴", "quote: 大力推进产业升级振新")
    assert errors_of(content) == [
        "content/conflicts.yaml:26: conflict 'seven-renewals-review': quote not found in paragraph 'r1' of "
        "'plenary-demo'\n    hint: copy the words verbatim from zh.md"]


def test_side_anchor_must_exist(content):
    edit(content / CONFLICTS, "anchor: r1\n", "anchor: r9\n")
    assert errors_of(content) == [
        "content/conflicts.yaml:25: conflict 'seven-renewals-review': anchor 'r9' not found in document "
        "'plenary-demo'\n    hint: use an anchor from the document's zh.md"]


def test_unknown_value_id(content):
    edit(content / CONFLICTS, "values: [demo.gdp.2027.target]", "values: [demo.gdp.2026.target]")
    assert errors_of(content) == [
        "content/conflicts.yaml:7: conflict 'gdp-goal-and-services-share': unknown value 'demo.gdp.2026.target'"]


def test_side_with_an_unknown_document(content):
    edit(content / CONFLICTS, "    - document: plenary-demo\n      anchor: g1-p1",
         "    - document: plenary-dmeo\n      anchor: g1-p1")
    assert errors_of(content) == [
        "content/conflicts.yaml:9: conflict 'gdp-goal-and-services-share': unknown document 'plenary-dmeo'\n"
        "    hint: one of: plenary-demo"]


def test_comparable_must_be_true_or_false(content):
    edit(content / CONFLICTS, "  comparable: false\n", "  comparable: maybe\n")
    assert errors_of(content) == [
        "content/conflicts.yaml:4: conflict 'gdp-goal-and-services-share': field 'comparable' must be "
        "true/false, not text"]


def test_a_conflict_needs_two_sides(content):
    edit(content / CONFLICTS, "  values: [demo.gdp.2027.target]\n", "")
    assert errors_of(content) == [
        "content/conflicts.yaml:2: conflict 'gdp-goal-and-services-share': a conflict needs at least two values "
        "or sides\n    hint: list value ids under 'values' and statements under 'sides'"]


def test_side_text_needs_both_languages(content):
    edit(content / CONFLICTS, "text: {zh: 回顾一年时称“七新”, en: The review of the year names the Seven Renewals}",
         "text: {zh: 回顾一年时称“七新”}")
    assert errors_of(content) == [
        "content/conflicts.yaml:23: conflict 'seven-renewals-review': missing translation 'text.en'\n"
        "    hint: add the English: 'en: …'"]


def test_a_conflict_concerns_its_indicator_and_its_values_indicators(fixture_site):
    site = fixture_site.site
    concerns = {c.id: c.indicators for c in site.conflicts}
    assert concerns == {"gdp-goal-and-services-share": ("gdp",), "seven-renewals-review": ()}


def test_portal_json_conflicts_carry_id_kind_and_comparable(fixture_site):
    data = json.loads(fixture_site.files["data/portal.json"])
    gdp = next(i for i in data["indicators"] if i["id"] == "gdp")
    assert gdp["conflicts"] == [{
        "id": "gdp-goal-and-services-share", "kind": "level", "comparable": False,
        "title": {"zh": "地区生产总值目标与现代服务业比重", "en": "The GDP goal and the modern services share"},
        "values": ["demo.gdp.2027.target"],
        "sides": [{"document": "plenary-demo", "anchor": "g1-p1", "quote": "现代服务业增加值占GDP比重提高到75%以上",
                   "text": {"zh": "现代服务业增加值占GDP比重提高到75%以上",
                            "en": "Modern services value added at 75% or more of GDP"}}],
        "note": {"zh": "一个是总量，一个是比重。", "en": "One is a total and the other a share."}}]


def test_indicator_json_has_the_indicator_and_its_values_as_in_portal_json(fixture_site):
    files = fixture_site.files
    portal = json.loads(files["data/portal.json"])
    for indicator in portal["indicators"]:
        own = json.loads(files[f"data/indicators/{indicator['id']}.json"])
        assert own == {"indicator": indicator,
                       "values": [v for v in portal["values"] if v["indicator"] == indicator["id"]]}


# --- the real content --------------------------------------------------------------------------------

NAMED = {  # the disagreements the content review asked for, by the figures each must show
    "good-air-ratio-88-and-days": ("88%", "305天以上", "300"),
    "rd-spending-growth-15-and-10": ("年均增长15%以上", "增长10%以上"),
    "ftz-new-entities-25000-and-1800": ("2.5万户以上", "1800家"),
    "fdi-2-5-billion-and-60-million": ("25亿美元以上", "6000万美元"),
    "trade-50-billion-and-7-3-billion": ("超500亿元", "73亿元"),
    "retail-sales-1800-and-1500": ("突破1800亿元", "突破1500亿元"),
}


def page(lang: str, path: str) -> str:
    return real().files[f"{lang}/{path}index.html"].decode("utf-8")


def section(html: str, element_id: str) -> str:
    """The element with this id, up to the next one of the same kind (articles do not nest here)."""
    start = html.index(f'id="{element_id}"')
    tag = html.rfind("<", 0, start)
    name = re.match(r"<(\w+)", html[tag:]).group(1)
    return html[tag:html.index(f"</{name}>", start)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_conflicts_page_lists_every_conflict(lang):
    html = page(lang, "conflicts/")
    listed = re.findall(r'<article class="conflict" id="conflict-([^"]+)"', html)
    assert sorted(listed) == sorted(c.id for c in real().site.conflicts)
    assert len(listed) == len(set(listed))
    assert set(NAMED) <= set(listed)
    for conflict in real().site.conflicts:
        assert unescape(conflict.title[lang]) in unescape(section(html, f"conflict-{conflict.id}"))


@pytest.mark.parametrize("conflict_id", sorted(NAMED))
def test_each_named_conflict_shows_each_side_in_its_own_words(conflict_id):
    article = unescape(section(page("zh", "conflicts/"), f"conflict-{conflict_id}"))
    for figure in NAMED[conflict_id]:
        assert figure in article
    conflict = next(c for c in real().site.conflicts if c.id == conflict_id)
    assert "不能严格比较" in article if not conflict.comparable else "可比" in article
    quotes = re.findall(r'<blockquote lang="zh-Hans">([^<]+)</blockquote>|<table class="quoted-row">', article)
    links = re.findall(r'href="/zh/documents/([^/]+)/#([^"]+)"', article)
    assert len(quotes) == len(links) >= 2  # a quoted annex row is a small table of its labelled cells


def test_every_kind_of_disagreement_is_recorded():
    assert {c.kind for c in real().site.conflicts} == set(CONFLICT_KINDS)
    framing = [c for c in real().site.conflicts if c.kind == "framing"]
    assert framing and all(c.sides and not c.indicator for c in framing)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_indicator_page_a_conflict_concerns_links_to_it(lang):
    concerned = [(i, c) for c in real().site.conflicts for i in c.indicators]
    assert len({c.id for _, c in concerned}) >= 15
    for indicator, conflict in concerned:
        html = page(lang, f"indicators/{indicator}/")
        assert f'href="/{lang}/conflicts/#conflict-{conflict.id}"' in html, (indicator, conflict.id)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_conflicts_page_is_in_the_navigation_and_on_the_home_page(lang):
    assert f'href="/{lang}/conflicts/"' in page(lang, "")
    assert f'href="/{lang}/conflicts/" aria-current="page"' in page(lang, "conflicts/")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_data_page_lists_every_indicator_with_its_csv_and_json(lang):
    html, files = page(lang, "data/"), real().files
    for indicator in real().site.indicators:
        for href in (f"/data/indicators/{indicator.id}.{lang}.csv", f"/data/indicators/{indicator.id}.json"):
            assert f'href="{href}"' in html
            assert href.lstrip("/") in files
    assert html.count("<details class=\"data-category\">") == len({i.category for i in real().site.indicators})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_book_has_the_disagreements_chapter_without_raw_anchors(lang):
    book = page(lang, "print/")
    chapter = book[book.index('id="conflicts"'):book.index('id="indicators"')]
    assert chapter.count('class="book-conflict"') == len(real().site.conflicts)
    visible = unescape(re.sub(r"<[^>]+>", " ", chapter))
    assert not re.search(r"\b(?:s\d+(?:-\d+)*|p\d+(?:-\d+)?|g\d-p\d|annex-\d-r\d+|fn-\d+)\b", visible)
    assert ("段" if lang == "zh" else "paragraph") in visible
    for href in re.findall(r'class="page-ref" href="#([^"]+)"', chapter):
        assert f'id="{href}"' in book
