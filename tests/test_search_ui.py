"""The search page in Chromium against the real Pagefind index (issue 26 item 6): the query table (each
query's expected first result, zh and en), results as you type, every result reachable, kind labels,
clean excerpts with their lang, the page at 360 px and with results under axe."""
from __future__ import annotations

import re

import pytest

from search_queries import QUERIES
from test_search_a11y import AXE

pytestmark = pytest.mark.browser

KINDS = {"zh": {"文件段落", "指标", "术语", "目标", "文件分歧", "专题", "网站页面"},
         "en": {"Document paragraph", "Indicator", "Glossary term", "Goal", "Disagreement", "Theme", "Site page"}}


def open_search(browser, served, lang):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{served}/{lang}/search/")
    return page


def wait_for_results(page):
    page.wait_for_function("() => document.querySelector('#search-status').textContent.trim() !== ''",
                           timeout=15000)


def search_for(browser, served, lang, query):
    """The search page with `query` searched by Enter, its results shown."""
    page = open_search(browser, served, lang)
    page.fill("#search-input", query)
    page.keyboard.press("Enter")
    wait_for_results(page)
    return page


def result_targets(page) -> list[str]:
    """Each result's link as the index stores it: a document paragraph without its ?hl= words."""
    hrefs = page.eval_on_selector_all("#search-results li > a", "links => links.map(a => a.getAttribute('href'))")
    return [re.sub(r"\?hl=[^#]*", "", href) for href in hrefs]


@pytest.mark.parametrize(("lang", "query", "expected"), QUERIES)
def test_the_query_finds_its_expected_result_first(browser, served, lang, query, expected):
    page = search_for(browser, served, lang, query)
    targets = result_targets(page)
    assert targets and targets[0] == expected, targets[:5]
    page.close()


def test_the_query_table_covers_what_the_issue_asks():
    kinds = {url.split("/")[2] for _, _, url in QUERIES}
    assert len(QUERIES) >= 20 and {lang for lang, _, _ in QUERIES} == {"zh", "en"}
    assert {"indicators", "glossary", "conflicts", "goals"} <= kinds
    assert ("zh", "GDP", "/zh/indicators/gdp/") in QUERIES and ("en", "GDP", "/en/indicators/gdp/") in QUERIES


# The typing delay's timers (200 ms) held in a list instead of fired by the clock: a test then says when
# typing has paused, and a slow machine cannot make it pause mid-word.
HOLD_TYPING_TIMERS = """(() => { const realSet = window.setTimeout, realClear = window.clearTimeout;
    window.heldTimers = new Map(); let next = 1e6;
    window.setTimeout = (fn, ms, ...rest) => {
      if (ms !== 200) return realSet(fn, ms, ...rest);
      next += 1; window.heldTimers.set(next, fn); return next; };
    window.clearTimeout = (id) => { window.heldTimers.delete(id); realClear(id); };
    window.fireHeldTimers = () => { const fns = [...window.heldTimers.values()]; window.heldTimers.clear();
      fns.forEach((fn) => fn()); return fns.length; };
  })();"""


def test_results_appear_as_you_type_once_typing_pauses(browser, served):
    """No Enter: each key puts the search off again (one pending search for a whole word, never one per
    key), and when typing pauses that one search runs: the live region changes once."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.add_init_script(HOLD_TYPING_TIMERS)
    page.goto(f"{served}/en/search/")
    page.evaluate("""() => { window.statusChanges = [];
        new MutationObserver(() => window.statusChanges.push(document.querySelector('#search-status').textContent))
          .observe(document.querySelector('#search-status'), {childList: true, characterData: true, subtree: true}); }""")
    page.type("#search-input", "Jiefangbei", delay=40)
    assert page.evaluate("() => window.heldTimers.size") == 1  # every earlier key's search was put off
    assert page.evaluate("() => window.statusChanges") == []   # nothing searched while typing
    assert page.evaluate("() => window.fireHeldTimers()") == 1  # typing pauses
    page.wait_for_selector("#search-results li a", timeout=15000)
    page.wait_for_function("() => window.statusChanges.length > 0", timeout=15000)
    assert result_targets(page)[0] == "/en/glossary/#jiefangbei"
    assert page.evaluate("() => window.statusChanges") == [page.text_content("#search-status")]
    assert "?q=Jiefangbei" in page.url
    page.close()


def test_enter_searches_at_once(browser, served):
    """Enter runs the search itself, not the typing delay's timer: with that timer held back (never
    fired), the results still come. No clock in the test: a slow machine only waits longer."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.add_init_script(HOLD_TYPING_TIMERS)
    page.goto(f"{served}/zh/search/")
    page.fill("#search-input", "解放碑")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li a", timeout=15000)
    assert page.evaluate("() => window.heldTimers.size") == 0  # Enter ran the search and put off none
    assert result_targets(page)[0] == "/zh/glossary/#jiefangbei"
    page.close()


def test_more_results_reaches_every_gdp_result_in_english(browser, served):
    page = search_for(browser, served, "en", "GDP")
    total = int(re.search(r"of (\d+) results", page.text_content("#search-status")).group(1))
    assert total >= 42 and page.locator("#search-results li").count() == 20
    page.click("#search-more")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length === 40")
    assert page.evaluate("() => document.activeElement.closest('li') === "
                         "document.querySelectorAll('#search-results li')[20]")  # focus on the first new result
    while page.is_visible("#search-more"):  # by keyboard: the button, then Enter
        shown = page.locator("#search-results li").count()
        page.focus("#search-more")
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => document.querySelectorAll('#search-results li').length > {shown}")
    targets = result_targets(page)
    assert len(targets) == total == len(set(targets)) and len(targets) >= 42
    assert targets[41]
    assert page.text_content("#search-status").strip() == f"{total} results"
    page.close()


@pytest.mark.parametrize(("lang", "query"), [("zh", "GDP"), ("en", "GDP"), ("zh", "目标"), ("en", "Yuzhong Yijia"),
                                             ("zh", "预期目标"), ("en", "地区生产总值")])
def test_each_result_has_a_kind_label_and_a_clean_excerpt(browser, served, lang, query):
    page = search_for(browser, served, lang, query)
    items = page.eval_on_selector_all("#search-results li", """items => items.map(li => ({
        kind: li.querySelector('.result-kind').textContent,
        title: li.querySelector('.result-title').textContent,
        excerpt: li.querySelector('p') ? li.querySelector('p').textContent : ''}))""")
    assert items
    for item in items:
        assert item["kind"] in KINDS[lang], item
        assert "|" not in item["excerpt"] and "\u200b" not in item["excerpt"], item
        assert not re.search(r"[\u3400-\u9fff]\.(?!\d)", item["excerpt"]), item
        assert not item["excerpt"].startswith(item["title"]), item  # the title is not repeated
    page.close()


def test_injected_text_in_the_other_language_has_its_lang(browser, served):
    page = search_for(browser, served, "en", "GDP")
    chinese = page.eval_on_selector_all('#search-results p [lang="zh-Hans"]', "spans => spans.map(s => s.textContent)")
    assert "地区生产总值" in chinese
    bare = page.evaluate(r"""() => [...document.querySelectorAll('#search-results p')].flatMap(p => {
        const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT); const out = [];
        while (walker.nextNode()) if (/[\u4e00-\u9fff]/.test(walker.currentNode.nodeValue)
            && !walker.currentNode.parentElement.closest('[lang="zh-Hans"]')) out.push(walker.currentNode.nodeValue);
        return out; })""")
    assert bare == []
    page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_search_page_with_results_fits_360_px_and_passes_axe(browser, served, lang):
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 800})  # axe is inline
    page = context.new_page()
    page.goto(f"{served}/{lang}/search/?q=GDP")
    page.wait_for_selector("#search-results li a", timeout=15000)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert page.is_visible("#search-more")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: "
                            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})")
    assert [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in results["violations"]] == []
    context.close()
