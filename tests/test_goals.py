"""Goals as records: the exact errors an editor sees, the real goals, their chains in the pages and in a browser."""
from __future__ import annotations

import html as html_module
import json
import re

import pytest

from conftest import edit, real, search_hrefs
from test_errors import errors_of
from portal.chains import Chains, section_of
from portal.translation import squeeze

GOALS = "goals.yaml"


def test_a_quote_not_in_its_paragraph(content):
    edit(content / GOALS, "quote: 地区生产总值迈上2100亿元台阶}", "quote: 地区生产总值达到2100亿元}")
    assert errors_of(content) == [
        "content/goals.yaml:3: goal 'demo.gdp': quote not found in paragraph 'g1-p1' of 'plenary-demo'\n"
        "    hint: copy the words verbatim from zh.md"]


def test_an_unknown_indicator(content):
    edit(content / GOALS, "indicators: [gdp]", "indicators: [gpd]")
    assert errors_of(content) == ["content/goals.yaml:6: goal 'demo.gdp': unknown indicator 'gpd'\n"
                                  "    hint: define it under content/indicators/"]


def test_a_dangling_parent(content):
    edit(content / GOALS, "parent: demo.gdp", "parent: demo.gpd")
    assert errors_of(content) == [
        "content/goals.yaml:15: goal 'demo.services': unknown parent 'demo.gpd'\n"
        "    hint: a parent is the id of the earlier-layer goal this one takes up"]


def test_parents_in_a_cycle(content):
    edit(content / GOALS, "  themes: [economy]\n- id: demo.services", "  themes: [economy]\n  parent: demo.services\n- id: demo.services")
    assert errors_of(content) == [
        "content/goals.yaml:8: goal 'demo.gdp': its parents form a cycle back to 'demo.gdp'\n"
        "    hint: a chain runs from an earlier goal to later ones, never back",
        "content/goals.yaml:16: goal 'demo.services': its parents form a cycle back to 'demo.services'\n"
        "    hint: a chain runs from an earlier goal to later ones, never back"]


def test_a_missing_english_text(content):
    edit(content / GOALS, "  text: {zh: 现代服务业增加值占GDP比重提高到75%以上, en: Modern services value added will rise to 75% or more of GDP}",
         "  text: {zh: 现代服务业增加值占GDP比重提高到75%以上}")
    assert errors_of(content) == ["content/goals.yaml:12: goal 'demo.services': missing translation 'text.en'\n"
                                  "    hint: add the English: 'en: …'"]


def test_english_must_carry_the_figures_and_unknown_fields_are_named(content):
    edit(content / GOALS, "en: GDP will reach the CNY 210 billion mark}", "en: GDP will reach a new mark}")
    edit(content / GOALS, "  horizon: 2027\n  text: {zh: 地区", "  horizon: 2027\n  parnet: x\n  text: {zh: 地区")
    assert errors_of(content) == [
        "content/goals.yaml:5: goal 'demo.gdp': unknown field 'parnet'\n    hint: did you mean 'parent'?",
        "content/goals.yaml:6: goal 'demo.gdp': 'text.en' lacks numbers of 'text.zh': 2100亿\n"
        "    hint: carry every figure over (magnitudes may be converted: 2000亿 -> 200 billion)"]


def test_fixture_chain_page_links_each_step_to_its_paragraph(fixture_site):
    html = fixture_site.files["en/goals/demo.gdp/index.html"].decode()
    root = html.index('id="goal-demo.gdp"')
    child = html.index('id="goal-demo.services"')
    assert root < child
    assert html.count('href="/en/documents/plenary-demo/#g1-p1"') == 2
    assert 'data-indicator="gdp"' in html[root:child] and 'data-indicator="gdp"' in html[child:]


# ---- the real goals


def test_at_least_forty_goals_from_every_document():
    site = real().site
    per_document = {d.id: sum(1 for g in site.goals if g.document == d.id) for d in site.documents}
    assert len(site.goals) >= 40
    assert all(count >= 5 for count in per_document.values()), per_document


def test_every_real_quote_is_verbatim_in_its_zh_paragraph():
    site = real().site
    for goal in site.goals:
        block = site.document(goal.document).bodies["zh"].block(goal.source.anchor)
        assert block is not None and squeeze(goal.source.quote) in squeeze(block.text), goal.id


def test_real_chains_run_from_the_14th_fyp_down_the_layers():
    site = real().site
    chains = Chains(site)
    layer = {d.id: d.layer for d in site.documents}
    LAYERS = list(site.model.ids)
    for goal in site.goals:
        if goal.parent:
            parent = site.goal(goal.parent)
            assert LAYERS.index(layer[parent.document]) <= LAYERS.index(layer[goal.document]), goal.id
    hqd = site.goal("fyp14.high-quality-development")
    reached = {layer[g.document] for g in chains.members(hqd)}
    assert reached == set(LAYERS)
    assert all(layer[root.document] == "fyp14" for root in chains.roots())


def test_portal_json_lists_the_goals_after_the_values():
    data = json.loads(real().files["data/portal.json"])
    assert list(data) == ["layers", "documents", "indicators", "values", "goals", "assessments"]
    assert len(data["goals"]) == len(real().site.goals)
    for goal in data["goals"]:
        assert list(goal) == ["id", "document", "anchor", "horizon", "text", "indicators"]
        assert list(goal["text"]) == ["zh", "en"]
    gdp = next(g for g in data["goals"] if g["id"] == "congress.gdp")
    assert gdp == {"id": "congress.gdp", "document": "congress13-news", "anchor": "s2-p2", "horizon": 2026,
                   "text": {"zh": "到2026年，地区生产总值突破2000亿元", "en": "By 2026, GDP will exceed CNY 200 billion"},
                   "indicators": ["gdp"]}


def test_goals_appear_on_the_theme_and_indicator_pages_they_concern():
    files = real().files
    for lang in ("zh", "en"):
        theme = files[f"{lang}/themes/industry-services/index.html"].decode()
        assert f'href="/{lang}/goals/fyp14.high-quality-development/#goal-fyp14.digital-economy"' in theme
        indicator = files[f"{lang}/indicators/rd-intensity/index.html"].decode()
        for goal in ("fyp14.innovation", "plenary.science", "plan2025.rd-intensity"):
            assert f'#goal-{goal}"' in indicator


def test_the_book_names_sources_in_words_not_anchors():
    html = real().files["en/print/index.html"].decode()
    chapter = html[html.index('id="goal-chains"'):html.index('id="indicators"')]
    assert 'id="goal-fyp14.high-quality-development"' in chapter
    assert "#p6-2" not in chapter and "Source: Proposal of the CPC Yuzhong District Committee" in chapter
    section = section_of(real().site.document("fyp14-proposal").bodies["en"], "p6-2")
    assert section.startswith("II. Guiding thought, goals and long-range objectives for 2035")
    assert f"under “{section}”" in html_module.unescape(chapter)


@pytest.mark.browser
def test_chain_page_shows_a_14th_fyp_goal_then_later_goals_and_figures(browser, served):
    page = browser.new_page()
    page.goto(f"{served}/en/goals/fyp14.high-quality-development/")
    root = page.locator("#goal-fyp14\\.high-quality-development")
    assert "High-quality development reaches a new level" in root.locator(".goal-text").first.inner_text()
    later = root.locator("#goal-plenary\\.science")
    assert later.count() == 1 and later.is_visible()
    assert later.locator(".goal-source a").first.get_attribute("href") == \
        "/en/documents/plenary2-interpretation/#g2-p1"
    figure = later.locator(':scope > .goal-outcomes > .goal-outcome[data-indicator="rd-intensity"]')
    assert re.search(r"0\.62", figure.inner_text())
    assert figure.locator("a").nth(1).get_attribute("href").startswith("/en/documents/plan2025-report/#annex-1")
    box_root, box_later = root.bounding_box(), later.bounding_box()
    assert box_later["y"] > box_root["y"] and box_later["x"] > box_root["x"]
    page.click("#goal-plenary\\.science .goal-source a")
    page.wait_for_url("**/plenary2-interpretation/#g2-p1")
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "query"), [("en", "digital economy forefront"), ("zh", "数字经济发展走在全市前列")])
def test_search_finds_a_goal_in_its_chain(browser, served, lang, query):
    page = browser.new_page()
    hrefs = search_hrefs(page, served, lang, query)
    target = f"/{lang}/goals/fyp14.high-quality-development/#goal-fyp14.digital-economy"
    assert target in hrefs, hrefs
    page.click(f'#search-results a[href="{target}"]')
    page.wait_for_url(f"{served}{target}")
    assert page.locator('[id="goal-fyp14.digital-economy"]').is_visible()
    page.close()


def test_goal_chains_link_the_disagreements_about_their_figures():
    files = real().files
    for lang in ("zh", "en"):
        chain = files[f"{lang}/goals/fyp14.high-quality-development/index.html"].decode()
        conflicts = files[f"{lang}/conflicts/index.html"].decode()
        assert f'href="/{lang}/conflicts/#conflict-gdp-goal-level-and-year"' in chain
        assert 'id="conflict-gdp-goal-level-and-year"' in conflicts
    book = files["en/print/index.html"].decode()
    chapter = book[book.index('id="goal-chains"'):book.index('id="indicators"')]
    assert 'class="page-ref" href="#book-conflict-gdp-goal-level-and-year"' in chapter
    assert 'id="book-conflict-gdp-goal-level-and-year"' in book
