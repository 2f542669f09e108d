"""The site as a person uses it, in headless Chromium: language switch, print view, PDFs, live reload."""
from __future__ import annotations

import re
import subprocess
import time

import pytest

from conftest import edit, start_preview

PAGES = ["", "documents/", "documents/plan2025-report/", "indicators/", "indicators/gdp/", "themes/",
         "glossary/", "data/", "print/", "goals/", "goals/fyp14.high-quality-development/"]


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_language_switch_lands_on_the_same_page_both_ways(browser, served, path):
    page = browser.new_page()
    page.goto(f"{served}/zh/{path}")
    page.click("a.lang-switch")
    page.wait_for_url(f"{served}/en/{path}")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("a.lang-switch")
    page.wait_for_url(f"{served}/zh/{path}")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("view", ["", "parallel/"])
def test_language_switch_keeps_the_paragraph(browser, served, view):
    page = browser.new_page()
    document = "/documents/plan2025-report/"
    page.goto(f"{served}/zh{document}{view}#s1-2")
    page.click("a.lang-switch")
    page.wait_for_url(f"{served}/en{document}{view}#s1-2")
    assert page.evaluate("() => document.getElementById('s1-2').getBoundingClientRect().top") < 200
    page.click('a.permalink[href="#s3-2"]' if not view else 'a.permalink[href$="#s3-2"]')
    if view:  # the parallel view's ¶ opens the paragraph in the document; its switch then keeps it too
        page.wait_for_url(f"{served}/en{document}#s3-2")
    page.click("a.lang-switch")
    page.wait_for_url(f"{served}/zh{document}#s3-2")
    page.close()


@pytest.mark.browser
def test_document_and_parallel_view_link_each_other_at_the_paragraph(browser, served):
    page = browser.new_page()
    page.goto(f"{served}/en/documents/plan2025-report/#s1-3")
    page.click('.provenance a[href^="/en/documents/plan2025-report/parallel/"]')
    page.wait_for_url(f"{served}/en/documents/plan2025-report/parallel/#s1-3")
    page.click("a[data-keep-fragment]:not(.lang-switch)")
    page.wait_for_url(f"{served}/en/documents/plan2025-report/#s1-3")
    page.click('a.parallel-link[href="parallel/#s1-4"]')
    page.wait_for_url(f"{served}/en/documents/plan2025-report/parallel/#s1-4")
    page.close()


@pytest.mark.browser
def test_without_a_fragment_or_javascript_the_switch_is_the_plain_twin(browser, served):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{served}/zh/documents/plan2025-report/#s1-2")
    assert page.get_attribute("a.lang-switch", "href") == "/en/documents/plan2025-report/"
    context.close()


@pytest.mark.browser
def test_print_emulation_hides_navigation(browser, served):
    page = browser.new_page()
    page.goto(f"{served}/en/documents/plenary2-interpretation/")
    assert page.locator(".masthead").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".masthead").is_visible()
    assert not page.locator(".lang-switch").is_visible()
    assert not page.locator(".toc").is_visible()
    assert page.locator("h1").is_visible()
    page.close()


@pytest.mark.pdf
@pytest.mark.browser
def test_pdf_links_resolve(browser, served):
    page = browser.new_page()
    for url in ("/zh/documents/plan2025-report/", "/en/print/"):
        page.goto(served + url)
        links = page.locator('a[href$=".pdf"]')
        assert links.count() >= 1
        for index in range(links.count()):
            response = page.request.get(served + links.nth(index).get_attribute("href"))
            assert response.status == 200 and response.headers["content-type"] == "application/pdf"
            assert response.body().startswith(b"%PDF-")
    page.close()


@pytest.mark.browser
def test_matrix_filter_works_with_the_keyboard(browser, served):
    page = browser.new_page()
    page.goto(f"{served}/en/indicators/")
    rows = page.locator("tr[data-indicator]")
    total = rows.count()
    page.locator("#matrix-filter").focus()
    page.keyboard.type("air quality")
    visible = page.locator("tr[data-indicator]:not([hidden])")
    assert 0 < visible.count() < total
    assert "good-air-days" in [visible.nth(i).get_attribute("data-indicator") for i in range(visible.count())]
    page.select_option("#matrix-status", "missed")
    assert all(visible.nth(i).locator("[data-status]").get_attribute("data-status") == "missed"
               for i in range(visible.count()))
    page.close()


@pytest.fixture
def preview(tmp_path):
    """`build.py serve` on a copy of the fixture content, as an editor runs it."""
    process, port = start_preview(tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    content, base = tmp_path / "content", f"http://127.0.0.1:{port}"
    yield content, base, process
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.browser
def test_an_edit_reloads_the_open_page_and_errors_show_in_the_page(browser, preview):
    content, base, process = preview
    page = browser.new_page()
    page.goto(f"{base}/zh/documents/plenary-demo/")
    page.wait_for_function("() => window.LiveReload !== undefined", timeout=10000)
    zh = content / "documents/plenary-demo/zh.md"
    edit(zh, "经济实力显著提升", "经济实力大幅提升")
    page.wait_for_function("() => document.body.innerText.includes('经济实力大幅提升')", timeout=15000)
    edit(zh, "{: #g1-p1 }", "{: #g1-p1 }\n\n<script>x</script>")
    page.wait_for_selector("#build-error", timeout=15000)
    assert "content/documents/plenary-demo/zh.md:16: raw HTML is not allowed" in page.inner_text("#build-error")
    assert "经济实力大幅提升" in page.inner_text("main")  # the last good build is still shown
    edit(zh, "\n\n<script>x</script>", "")
    page.wait_for_selector("#build-error", state="detached", timeout=15000)
    page.close()


def open_live(browser, base: str, path: str):
    """A page of the preview, its live-reload socket connected, marked so that a reload would show."""
    page = browser.new_page(viewport={"width": 800, "height": 300})
    page.goto(base + path)
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol >= 7", timeout=10000)
    page.evaluate("() => { window.notReloaded = true; }")
    return page


def reloaded(page) -> bool:
    return page.evaluate("() => window.notReloaded !== true")


@pytest.mark.slow
@pytest.mark.browser
def test_an_edit_is_patched_into_the_open_page_as_a_reload_would_show_it(browser, preview):
    content, base, _process = preview
    page = open_live(browser, base, "/zh/documents/plenary-demo/")
    page.evaluate("() => window.scrollTo(0, 200)")
    assert page.evaluate("() => window.scrollY") == 200
    zh = content / "documents/plenary-demo/zh.md"
    edit(zh, "经济实力显著提升", "经济实力**大幅**提升")  # new text and a new element inside a paragraph
    page.wait_for_function("() => document.body.innerText.includes('经济实力大幅提升')", timeout=15000)
    assert not reloaded(page)
    assert page.evaluate("() => window.scrollY") == 200  # the editor stays where they were
    patched = page.inner_html("main")
    fresh = browser.new_page()
    fresh.route("**/__live/**", lambda route: route.abort())  # the page as served, no script of the preview
    fresh.goto(base + "/zh/documents/plenary-demo/")
    assert patched == fresh.inner_html("main") and "<strong>大幅</strong>" in patched
    fresh.close()
    page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_what_cannot_be_patched_safely_is_reloaded(browser, preview):
    content, base, _process = preview
    page = open_live(browser, base, "/zh/documents/plenary-demo/")
    edit(content / "documents/plenary-demo/meta.yaml", "区委十三届二次全会精神解读（节选）", "区委十三届二次全会精神解读（摘）")
    page.wait_for_function("() => document.title.includes('（摘）')", timeout=15000)  # the head changed
    assert reloaded(page)
    page.close()
    # the glossary's script keeps its entries: a new entry reloads, a changed definition is patched
    page = open_live(browser, base, "/zh/glossary/")
    glossary = content / "glossary.yaml"
    edit(glossary, "产业升级振兴、", "产业升级振兴（改）、")
    page.wait_for_function("() => document.body.innerText.includes('产业升级振兴（改）')", timeout=15000)
    assert not reloaded(page)
    entry = glossary.read_text(encoding="utf-8").split("- id: ")[1]
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n- id: " + entry.replace("seven-renewals", "seven-renewals-b", 1)
                        .replace("七新", "七新乙").replace("Seven Renewals", "Seven Renewals B"), encoding="utf-8")
    page.wait_for_function("() => document.body.innerText.includes('七新乙')", timeout=15000)
    assert reloaded(page) and page.locator("#build-error").count() == 0
    page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_the_pages_open_in_a_browser_are_rendered_before_the_reload_and_only_they(browser, preview):
    content, base, process = preview
    page = open_live(browser, base, "/zh/documents/plenary-demo/")  # served, then left for the glossary
    page.goto(base + "/zh/glossary/")
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol >= 7", timeout=10000)
    time.sleep(0.3)  # the first page's connection closed
    edit(content / "glossary.yaml", "产业升级振兴、", "产业升级振兴（改）、")
    page.wait_for_function("() => document.body.innerText.includes('产业升级振兴（改）')", timeout=15000)
    page.close()
    process.terminate()
    log = process.communicate(timeout=10)[0]
    assert re.search(r"rebuilt 1 page\(s\) \[/zh/glossary/\], \d+ more after the reload", log), log[-2000:]


@pytest.mark.slow
def test_preview_serves_only_the_site_folder(preview):
    _content, base, _process = preview
    import urllib.error
    import urllib.request
    for path in ("/../build.py", "/%2e%2e/build.py", "/zh/%2e%2e/%2e%2e/build.py", "/..%2fbuild.py",
                 "/%2e%2e%2f%2e%2e%2fportal/serve.py"):
        request = urllib.request.Request(base + path)
        try:
            status = urllib.request.urlopen(request, timeout=5).status
        except urllib.error.HTTPError as error:
            status = error.code
        assert status == 404, path
    for path, text in (("/zh/no-such-page/", "页面未找到"), ("/en/no-such-page/", "Page not found"),
                       ("/elsewhere", "Page not found")):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(base + path, timeout=5)
        assert caught.value.code == 404 and text in caught.value.read().decode(), path
    response = urllib.request.urlopen(base + "/data/portal.json", timeout=5)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    response = urllib.request.urlopen(base + "/zh/", timeout=5)
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert re.search(rb"livereload\.js", response.read())
