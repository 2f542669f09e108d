"""Search in both languages, accessibility (axe-core), CSP and third-party checks, in Chromium."""
from __future__ import annotations

import pytest

from conftest import ROOT, search_hrefs

pytestmark = pytest.mark.browser

AXE = ROOT / "node/node_modules/axe-core/axe.min.js"
TEMPLATES = ["", "indicators/", "indicators/gdp-growth/", "themes/culture-tourism/", "documents/plan2025-report/",
             "documents/", "glossary/", "search/", "data/", "print/", "404.html",
             "documents/plan2025-report/parallel/", "translation/", "goals/", "goals/fyp14.high-quality-development/", "progress/"]


@pytest.mark.parametrize(("lang", "query", "expected"), [
    ("zh", "高新技术企业", "/zh/"), ("zh", "解放碑", "/zh/documents/"),
    ("en", "New Western Land-Sea Corridor", "/en/"), ("en", "Jiefangbei", "/en/documents/")])
def test_search_finds_paragraphs_and_clicks_through(browser, served, lang, query, expected):
    page = browser.new_page()
    hrefs = search_hrefs(page, served, lang, query)
    assert any(h.startswith(expected) for h in hrefs), hrefs
    assert any("#" in h for h in hrefs), "results should point at paragraphs"
    assert page.locator("#search-results mark").count() > 0
    first = next(h for h in hrefs if "#" in h and h.startswith(expected))
    page.click(f'#search-results a[href="{first}"]')
    page.wait_for_url(f"{served}{first}")
    anchor = first.split("#", 1)[1]
    assert page.locator(f'[id="{anchor}"]').count() == 1
    page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", TEMPLATES)
def test_no_accessibility_violations(browser, served, lang, path):
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    page.goto(f"{served}/{lang}/{path}")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: "
                            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})")
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in results["violations"]]
    assert violations == []
    context.close()


@pytest.mark.parametrize("path", ["zh/", "en/indicators/", "en/indicators/gdp/", "zh/search/?q=解放碑",
                                  "en/documents/plan2025-report/", "zh/print/",
                                  "en/documents/plan2025-report/parallel/#s1-2"])
def test_no_csp_violation_and_no_third_party_request(browser, served, path):
    page = browser.new_page()
    problems, requests = [], []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{served}/{path}")
    page.wait_for_load_state("networkidle")
    assert problems == []
    assert all(url.startswith(served) or url.startswith("data:") for url in requests), requests
    page.close()


def test_keyboard_user_can_skip_to_content_and_see_focus(browser, served):
    page = browser.new_page()
    page.goto(f"{served}/en/indicators/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    page.close()


def test_the_accessibility_check_does_find_problems(browser):
    """Guard against a silent harness: axe must report a known violation."""
    page = browser.new_page()
    page.set_content('<html><body><main><img src="data:,"></main></body></html>')
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a']}})")
    assert "image-alt" in [v["id"] for v in results["violations"]]
    page.close()
