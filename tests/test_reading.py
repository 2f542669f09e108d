"""Reading quality: typesetting per language, tables, glossary, search, references and the books' fonts."""
from __future__ import annotations

import re
import subprocess

import pytest

from portal.glossary import index_groups, initial, sort_key
from portal.model import Block, Body, Localized, Term
from portal.references import block_labels, heading_label
from test_pdf import BOOKS, pdf_fonts, pdf_text

CJK_FAMILY = re.compile(r"CJK|Chinese|\bSC\b|PingFang|YaHei|Han Sans", re.I)


# --- references and the glossary index (no browser) ---

@pytest.mark.parametrize(("text", "lang", "label"), [
    ("（四）以更大力度促进文商旅城融合", "zh", "（四）"), ("三、2025年工作思路和具体举措", "zh", "第三部分"),
    ("附件1　2024年经济社会发展主要目标完成情况表", "zh", "附件1"), ("1 大力推进产业升级振兴", "zh", "第1部分"),
    ("(IV) Promoting the Integration of Culture", "en", "(IV)"), ("III. Work Approach", "en", "Part III"),
    ("Annex 1: Table of Completion", "en", "Annex 1"), ("Focusing on Organic Urban Renewal", "en",
                                                          "Focusing on Organic Urban Renewal"),
    ("Becoming a New Model of High-Quality Development and High-Quality Life", "en", "Becoming a New Model of High-Quality…"),
    ("重庆市渝中区人民政府关于印发报告的通知", "zh", "重庆市渝中区人民政府关于…"),
])
def test_heading_label_is_the_sources_number_or_its_first_words(text, lang, label):
    assert heading_label(text, lang) == label


def test_block_labels_count_places_below_each_heading():
    blocks = (Block("s3", "heading", "三、举措"), Block("s3-4", "heading", "（四）文商旅"),
              Block("s3-4-p1", "paragraph", "…"), Block("s3-4-p2", "paragraph", "…"),
              Block("annex-1", "heading", "附件1　完成情况表"), Block("annex-1-r1", "row", "…"),
              Block("annex-1-r2", "row", "…"), Block("fn-1", "footnote", "…"))
    body = Body("", (), blocks, 1)
    assert block_labels(body, "zh") == {"s3": "第三部分", "s3-4": "（四）", "s3-4-p1": "（四）第1段",
                                        "s3-4-p2": "（四）第2段", "annex-1": "附件1", "annex-1-r1": "附件1第1行",
                                        "annex-1-r2": "附件1第2行", "fn-1": "注1"}
    english = (Block("s3-4", "heading", "(IV) Culture"), Block("s3-4-p2", "paragraph", "…"),
               Block("annex-1", "heading", "Annex 1: Table"), Block("annex-1-r21", "row", "…"))
    assert block_labels(Body("", (), english, 0), "en") == {"s3-4": "(IV)", "s3-4-p2": "(IV) ¶1", "annex-1": "Annex 1",
                                                         "annex-1-r21": "Annex 1, row 1"}


def _term(id_: str, zh: str, en: str) -> Term:
    return Term(id_, Localized(zh, en), Localized("", ""), "doc", "p1", None)


def test_glossary_index_groups_by_pinyin_initial_in_chinese_and_by_letter_in_english():
    terms = [_term("cq", "重庆", "Chongqing"), _term("two", "两江四岸", "“Two Rivers, Four Banks”"),
             _term("one", "一区两群", "One Area, Two Clusters"), _term("n", "“1361”总体部署", "“1361” framework"),
             _term("ai", "爱心", "Ai")]
    zh = [(letter, [t.id for t in group]) for letter, _, group in index_groups(terms, "zh")]
    assert zh == [("0–9", ["n"]), ("A", ["ai"]), ("C", ["cq"]), ("L", ["two"]), ("Y", ["one"])]  # 重 is chóng
    en = [(letter, anchor, [t.id for t in group]) for letter, anchor, group in index_groups(terms, "en")]
    assert en[0] == ("0–9", "index-digits", ["n"]) and ("T", "index-T", ["two"]) in en
    assert sort_key("“Two Rivers”", "en") == "two rivers" and initial(sort_key("“1、3、5”", "zh")) == "0–9"


# --- the built pages in Chromium ---

def _style(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")


@pytest.mark.browser
def test_english_body_text_is_ragged_right_in_a_latin_face(browser, served):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{served}/en/documents/plan2025-report/")
    paragraph = ".document-body p[id]"
    align, hyphens = _style(page, paragraph, "textAlign"), _style(page, paragraph, "hyphens")
    assert align in ("left", "start") or (align == "justify" and hyphens == "auto")
    first_family = _style(page, paragraph, "fontFamily").split(",")[0]
    assert not CJK_FAMILY.search(first_family), first_family
    # a comfortable measure: about 65-80 characters a line
    chars = page.eval_on_selector(paragraph, """p => {
        const range = document.createRange(); range.selectNodeContents(p);
        const lines = range.getClientRects().length; return p.textContent.length / Math.max(lines, 1); }""")
    width = page.eval_on_selector(".document-body", "e => e.getBoundingClientRect().width")
    em = float(_style(page, ".document-body p[id]", "fontSize").rstrip("px"))
    assert 30 * em <= width <= 42 * em, (width, em, chars)
    # the contents sit beside the text on a wide screen
    toc, body = (page.eval_on_selector(s, "e => e.getBoundingClientRect().left") for s in (".toc", ".document-body"))
    assert toc > body
    page.close()


@pytest.mark.browser
def test_chinese_body_text_is_set_in_a_cjk_face_about_forty_characters_wide(browser, served):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{served}/zh/documents/plan2025-report/")
    assert CJK_FAMILY.search(_style(page, ".document-body p[id]", "fontFamily").split(",")[0])
    width = page.eval_on_selector(".document-body", "e => e.getBoundingClientRect().width")
    em = float(_style(page, ".document-body p[id]", "fontSize").rstrip("px"))
    assert 35 <= width / em <= 45
    page.close()


@pytest.mark.browser
def test_chinese_glosses_in_english_are_upright_and_normally_spaced(browser, served):
    page = browser.new_page()
    page.goto(f"{served}/en/documents/congress13-article/")
    glosses = page.locator('.document-body em[lang="zh-Hans"]')
    assert glosses.count() > 5
    for index in range(3):
        style = glosses.nth(index).evaluate("e => [getComputedStyle(e).fontStyle, getComputedStyle(e).letterSpacing,"
                                            " getComputedStyle(e).fontFamily]")
        assert style[0] == "normal" and style[1] == "normal", style
        assert CJK_FAMILY.search(style[2].split(",")[0]), style
    page.close()


@pytest.mark.browser
def test_chinese_citations_mark_titles_with_book_title_marks_not_slant(browser, served):
    page = browser.new_page()
    page.goto(f"{served}/zh/data/")
    citation = page.locator("ul.citations li").first
    assert citation.evaluate("e => getComputedStyle(e.querySelector('cite')).fontStyle") == "normal"
    text = citation.inner_text()
    assert "《" in text and "》" in text and ". " not in text, text
    page.close()


SHORT_CELL = """cells => cells.filter(c => { const t = c.innerText.trim(); return t && t.length <= 4 && !/\\s/.test(t); })
    .map(c => { const lh = parseFloat(getComputedStyle(c).lineHeight);
                const range = document.createRange(); range.selectNodeContents(c);
                const text = [...range.getClientRects()].filter(r => r.width > 0);
                const top = Math.min(...text.map(r => r.top)), bottom = Math.max(...text.map(r => r.bottom));
                return [c.innerText.trim(), (bottom - top) / lh]; })"""


@pytest.mark.parametrize(("path", "table"), [("zh/indicators/gdp-growth/", "table.values"),
                                              ("en/indicators/gdp-growth/", "table.values"),
                                              ("zh/documents/plan2025-report/", "#annex-1 ~ table")])
@pytest.mark.browser
def test_short_table_cells_stay_on_one_line_on_a_phone(browser, served, path, table):
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(f"{served}/{path}")
    heights = page.eval_on_selector_all(f"{table} th, {table} td", SHORT_CELL)
    assert len(heights) > 5
    broken = [(text, round(lines, 1)) for text, lines in heights if lines > 1.5]
    assert broken == [], broken  # 类型 is not 类/型
    page.close()


@pytest.mark.browser
def test_paragraph_link_is_named_and_copies_its_address(browser, served):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{served}/en/documents/plan2025-report/")
    link = page.locator(".document-body p[id] a.permalink").first
    assert link.get_attribute("aria-label") == "Link to this paragraph" == link.get_attribute("title")
    anchor = link.get_attribute("href")
    link.click()
    page.wait_for_selector("a.permalink.copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{served}/en/documents/plan2025-report/{anchor}"
    content = page.eval_on_selector("a.permalink.copied", "e => getComputedStyle(e, '::after').content")
    assert "Link copied" in content
    context.close()


@pytest.mark.browser
def test_search_landing_paragraph_has_the_words_marked(browser, served):
    page = browser.new_page()
    page.goto(f"{served}/en/documents/plan2025-report/?hl=Jiefangbei#s3-5-p2")
    marks = page.locator("#s3-5-p2 mark")
    assert marks.count() >= 1 and marks.first.inner_text().lower() == "jiefangbei"
    assert page.locator(".document-body mark").count() == marks.count()  # only the paragraph searched for
    page.close()


@pytest.mark.browser
def test_glossary_has_an_index_and_a_filter(browser, served):
    page = browser.new_page()
    page.goto(f"{served}/en/glossary/")
    letters = page.locator(".glossary-index a").all_inner_texts()
    assert letters[0] == "0–9" and "A" in letters and letters == sorted(letters, key=lambda l: (l != "0–9", l))
    total = page.locator(".glossary-entry").count()
    page.fill("#glossary-filter", "clusters")
    visible = page.locator(".glossary-entry:visible")
    assert 1 <= visible.count() < total
    assert "One Area, Two Clusters" in visible.all_inner_texts()[0] or any(
        "One Area, Two Clusters" in t for t in visible.all_inner_texts())
    assert page.locator(".glossary-group:visible").count() < page.locator(".glossary-group").count()
    page.goto(f"{served}/zh/glossary/")
    assert page.locator("#index-Y .glossary-entry", has_text="一区两群").count() == 1  # yī: Y
    assert page.eval_on_selector(".glossary-group", "e => e.getBoundingClientRect().width") <= 42 * 16
    page.close()


def _search(page, served, lang, query):
    page.goto(f"{served}/{lang}/search/")
    page.fill("#search-input", query)
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li a", timeout=15000)
    links = page.locator("#search-results li a")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


@pytest.mark.parametrize(("lang", "query", "expected"), [
    ("en", "PDF", "/en/data/"), ("zh", "CSV", "/zh/data/"), ("zh", "简报手册", "/zh/print/"),
    ("en", "One Area, Two Clusters", "/en/glossary/#one-area-two-clusters"),
    ("zh", "一区两群", "/zh/glossary/#one-area-two-clusters")])
@pytest.mark.browser
def test_search_finds_pages_and_puts_an_exact_term_first(browser, served, lang, query, expected):
    page = browser.new_page()
    hrefs = _search(page, served, lang, query)
    assert expected in hrefs[:2], hrefs
    if "glossary" in expected:
        assert hrefs[0] == expected
    page.close()


@pytest.mark.browser
def test_search_results_show_short_titles_sections_and_clean_excerpts(browser, served):
    page = browser.new_page()
    hrefs = _search(page, served, "en", "Jiefangbei")
    titles = page.locator("#search-results .result-title").all_inner_texts()
    # a paragraph's result is titled by its document's kind and year, never its text; a disagreement's by its
    # own title, which may name both sides ("… ten zones, or “One Core, Three Belts and Six Areas”")
    assert all(len(t) < 120 for t in titles), [t for t in titles if len(t) >= 120]
    paragraphs = page.locator("#search-results li:has(.result-section) .result-title").all_inner_texts()
    assert paragraphs and all(len(t) < 40 for t in paragraphs), paragraphs
    assert page.locator("#search-results .result-section").count() > 0
    for excerpt in page.locator("#search-results p").all_inner_texts():
        assert not re.match(r"[\s\W]", excerpt[:1] or "x"), excerpt
    for title, excerpt in zip(titles, page.locator("#search-results p").all_inner_texts()):
        assert not excerpt.startswith(title)
    assert any("?hl=Jiefangbei#" in h for h in hrefs)
    page.close()


@pytest.mark.browser
def test_goal_horizons_do_not_look_like_buttons_and_dates_fit_their_column(browser, served):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{served}/en/")
    horizon = page.locator(".horizon").first
    assert horizon.evaluate("e => getComputedStyle(e).borderStyle + getComputedStyle(e).borderRadius") in (
        "none0px", "none")
    for item in page.locator(".timeline li").all():
        date_right = item.locator("time").evaluate("e => e.getBoundingClientRect().right")
        text_left = item.locator("a").evaluate("e => e.getBoundingClientRect().left")
        assert date_right <= text_left
    page.close()


# --- the books (pdffonts, pdftotext) ---

@pytest.mark.pdf
def test_english_book_has_no_synthetic_oblique_cjk(real_site):
    fonts = pdf_fonts(real_site[0] / BOOKS["en"])
    assert "DejaVu" in fonts
    assert not re.search(r"CJK\S*-(Bold-)?Oblique|CJK\S*Italic", fonts), fonts


@pytest.mark.pdf
@pytest.mark.parametrize("name", [BOOKS["zh"], "pdf/plan2025-report.zh.pdf", "pdf/fyp14-proposal.zh.pdf"])
def test_chinese_pdfs_embed_simplified_chinese_faces_only(real_site, name):
    fonts = pdf_fonts(real_site[0] / name)
    assert "CJK-SC" in fonts
    assert not re.search(r"CJK-(JP|KR|TC|HK)", fonts), fonts


def _raw_text(path, page=None) -> str:
    """The PDF's text in content order (a table cell's lines together), whitespace collapsed."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    text = subprocess.run(["pdftotext", "-raw", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return re.sub(r"\s+", " ", text)


@pytest.mark.pdf
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_book_prints_readers_references_with_page_numbers(real_site, lang):
    path = real_site[0] / BOOKS[lang]
    text = _raw_text(path)
    assert not re.search(r"§ ?[a-z]+\d*-", text)  # no raw anchors like § s3-4-p4
    site = real_site[1].site
    value = next(v for v in site.values if v.id == "plan2025.annex1.gdp-growth.2024.target")
    document = site.document(value.document)
    label = block_labels(document.bodies[lang], lang)[value.source.anchor]
    reference = f"{document.short_title(lang)}{'，' if lang == 'zh' else ', '}{label}"
    # the reference as printed (any line breaks in it), then the Page column's number
    spaced = r"\s*".join(re.escape(c) for c in reference if not c.isspace())
    match = re.search(spaced + r"\s+(\d+)\b", text)
    assert match, reference
    target = re.sub(r"\s+", "", _raw_text(path, int(match.group(1))))
    block = next(b for b in document.bodies[lang].blocks if b.anchor == value.source.anchor)
    cells = [c.strip() for c in block.text.split("|")]  # a table row's text is its cells joined by |
    expected = cells[2] if len(cells) > 2 else block.text[:24]
    assert re.sub(r"\s+", "", expected) in target, (reference, match.group(1), expected)


@pytest.mark.pdf
def test_book_running_head_is_a_short_name(real_site):
    path = real_site[0] / BOOKS["en"]
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    last = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    head = pdf_text(path, last, last).strip().splitlines()[0].strip()
    assert head == real_site[1].site.documents[-1].short_title("en")
