"""The books' pages as printed: the overview's timeline, goal boxes at page feet, tables continued on the next
page, and the chapters on progress against the goals. Read with poppler (pdftotext, pdftoppm) and Pillow."""
from __future__ import annotations

import io
import re
import subprocess

import pytest

from test_pdf import BOOKS, pages, pdf_text

pytestmark = pytest.mark.pdf

CHAPTERS = {"zh": {"overview": "概览", "progress": "对照全部目标", "chains": "目标链", "conflicts": "各文件的分歧",
                   "indicators": "指标"},
            "en": {"overview": "Overview", "progress": "Against every goal", "chains": "Goal chains",
                   "conflicts": "Where the plans disagree", "indicators": "Indicators"}}
ACCENT = (0x8A, 0x1C, 0x1C)  # style.css --accent: the timeline's rule and dots


def contents(path) -> dict[str, int]:
    """The contents page's entries (one-line titles) and their pages."""
    return {title: int(page) for title, page in
            re.findall(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", pdf_text(path, 2, 2), re.M)}


def chapter(path, lang, name) -> range:
    """The pages of one of the book's chapters, from the contents."""
    toc = contents(path)
    start = toc[CHAPTERS[lang][name]]
    return range(start, min(p for p in toc.values() if p > start))


def page_lines(path, page) -> list[str]:
    """A page's lines of text, the running head and the page number included."""
    return [line.strip() for line in pdf_text(path, page, page).splitlines() if line.strip()]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_timelines_dots_stay_round(real_site, lang):
    """The overview's timeline drew each dot as an ellipse the width of the date column (a grid item in
    WeasyPrint): no run of the accent colour along a line of pixels is wider than a dot."""
    from PIL import Image
    path = real_site[0] / BOOKS[lang]
    page = chapter(path, lang, "overview")[0]
    png = subprocess.run(["pdftoppm", "-r", "72", "-png", "-f", str(page), "-l", str(page), str(path)],
                         capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    pixels = image.load()
    accent = [[all(abs(c - a) < 40 for c, a in zip(pixels[x, y], ACCENT)) for x in range(width)]
              for y in range(height)]
    widest, dots = 0, 0
    for row in accent:
        runs = [len(run) for run in "".join("x" if hit else " " for hit in row).split()]
        widest = max([widest, *runs])
        dots += any(run > 4 for run in runs)  # the rule is 3 px wide; a dot row is wider
    assert dots > 0, "no timeline dot found"
    assert widest <= 12, f"a timeline dot is {widest} px wide at 72 dpi (a round one is about 7)"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_goal_box_heading_ends_a_page(real_site, lang):
    """A goal box's first line (layer · document · horizon) goes with its goal: it was left alone at the
    foot of 8 pages in each book."""
    path = real_site[0] / BOOKS[lang]
    heading = re.compile(r"·.*·\s*(by \d{4}|至\d{4}年)$")
    stranded = [(page, page_lines(path, page)[-2]) for page in chapter(path, lang, "chains")
                if heading.search(page_lines(path, page)[-2])]
    assert not stranded


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_table_continued_on_the_next_page_repeats_its_header(real_site, lang):
    """Every page with rows of the indicators' tables has their header row, and every page with rows of
    the annual plan's annex tables has theirs."""
    path = real_site[0] / BOOKS[lang]
    values_row = re.compile(r"^\S.*\b\d{4}(?:[–—]\d{4})?\s+(?:target|outcome|目标|完成)\s", re.M)
    values_head = re.compile(r"^(?:Indicator\s+Period\s+Kind\s+Value\s+Source\s+Page"
                             r"|指标\s+时期\s+类型\s+数值\s+出处\s+页码)$", re.M)
    # an annex row: its cells apart (two spaces or more), not a sentence that names an attribute
    annex_row = re.compile(r"^\d{1,2}\s{2,}\S.*\s{2,}(?:expected|binding|预期性|约束性)\s{2,}", re.M)
    annex_head = re.compile(r"^(?:No\.\s+Category\s+Indicator\s+Unit\s+Attribute"
                            r"|序号\s+指标类别\s+指标名称\s+单位\s+指标属性)", re.M)
    last_document = contents(path)  # the annex tables are in the last document, the book's last chapter
    annex_from = max(last_document.values())
    checked = 0
    for page in range(chapter(path, lang, "indicators")[0], pages(path) + 1):
        text = "\n".join(page_lines(path, page))
        for row, head in ((values_row, values_head), (annex_row, annex_head if page >= annex_from else None)):
            if head and row.search(text):
                checked += 1
                assert head.search(text), f"page {page} continues a table without its header"
    assert checked > 25


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_both_books_print_the_scorecard_the_assessments_and_the_goal_chains(real_site, lang):
    """Each in its chapter: the scorecard's caption and the rules, a goal judged with its derived share and
    required growth, and a chain running from the five-year plan proposal down to the annual plan."""
    path = real_site[0] / BOOKS[lang]
    progress = re.sub(r"\s+", "", "".join(pdf_text(path, p, p) for p in chapter(path, lang, "progress")))
    chains = re.sub(r"\s+", "", "".join(pdf_text(path, p, p) for p in chapter(path, lang, "chains")))
    if lang == "zh":
        expected = ("目标进展汇总", "如何判断目标进展", "需自2024年起年均增长4.4%，方能于2027年达成", "✗未完成")
        chain = ("“十四五”规划建议", "区第十三次党代会", "2025年年度计划")
    else:
        expected = ("Scorecard:goalsbylayer", "Howeachgoalisjudged", "needsgrowthof4.4%ayearfrom2024toreachitby2027",
                    "✗missed")
        chain = ("14thFive-YearPlanproposal", "13thPartyCongress", "2025annualplan")
    for words in expected:
        assert words in progress, words
    for words in chain:
        assert words in chains, words
