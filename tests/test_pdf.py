"""The PDFs, checked by their text (pdftotext), fonts (pdffonts) and table of contents."""
from __future__ import annotations

import functools
import re
import subprocess

import pytest

pytestmark = pytest.mark.pdf

BOOKS = {"zh": "pdf/yuzhong-plans-briefing.zh.pdf", "en": "pdf/yuzhong-plans-briefing.en.pdf"}


def pdf_text(path, first=None, last=None) -> str:
    args = ["pdftotext", "-layout"] + (["-f", str(first), "-l", str(last)] if first else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@functools.cache
def pdf_fonts(path) -> str:
    """pdffonts' table of a PDF, read once per run (a book's takes seconds; two modules check it)."""
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.mark.parametrize("name", sorted(BOOKS.values()) + ["pdf/plan2025-report.zh.pdf", "pdf/fyp14-proposal.en.pdf"])
def test_cjk_font_embedded_and_subset(real_site, name):
    fonts = pdf_fonts(real_site[0] / name)
    cjk = [line for line in fonts.splitlines() if "CJK-SC" in line]
    assert cjk, fonts
    for line in cjk:
        assert re.match(r"[A-Z]{6}\+", line), line  # subset prefix
        assert re.search(r"\byes\s+yes\s+yes\b", line), line  # embedded, subset, unicode map
    assert "Type 3" not in fonts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing_book_text_and_size(real_site, lang):
    path = real_site[0] / BOOKS[lang]
    text = pdf_text(path)
    assert ("地区生产总值" if lang == "zh" else "渝中委发〔2020〕15号") in text  # the Chinese comes back out
    assert ("指标对照表" if lang == "zh" else "Indicator matrix") in text
    assert ("第 2 页 / 共" if lang == "zh" else "Page 2 of") in text
    assert path.stat().st_size < 5_000_000
    assert 50 < pages(path) < 400


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_table_of_contents_page_numbers_are_right(real_site, lang):
    path = real_site[0] / BOOKS[lang]
    toc = pdf_text(path, 2, 2)
    entries = re.findall(r"^\s*(\S.{3,40}?)\s*\.{3,}\s*(\d+)\s*$", toc, re.M)
    assert len(entries) >= 6, toc
    for title, page in entries:
        target = pdf_text(path, int(page), int(page))
        start = re.sub(r"\s+", "", title.rstrip(" ."))[:8]
        assert start in re.sub(r"\s+", "", target), f"{title!r} is not on page {page}"


def test_every_document_has_a_pdf_per_language(real_site):
    site = real_site[1].site
    for document in site.documents:
        for lang in ("zh", "en"):
            path = real_site[0] / f"pdf/{document.id}.{lang}.pdf"
            assert path.exists() and pages(path) >= 2
            first = re.sub(r"\s+", "", pdf_text(path, 1, 1))
            assert re.sub(r"\s+", "", document.title[lang])[:10] in first


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_books_scorecard_keeps_every_column_on_the_page(real_site, lang):
    """The scorecard's eight columns fit the page's width: the last (not measurable) was cut off at the
    right edge, heading and counts."""
    site, _ = real_site
    html = (site / lang / "print" / "index.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="scorecard">.*?</table>', html, re.S).group(0)
    heading = re.sub(r"<[^>]+>|[\s–-]+", "", re.findall(r'<th scope="col">(.*?)</th>', table, re.S)[-1])
    last_column = [row[-1] for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", table)
                   for row in [re.findall(r"<td[^>]*>(\d+)</td>", row)]]
    path = site / BOOKS[lang]
    caption = "目标进展汇总" if lang == "zh" else "Scorecard: goals by layer"
    page = next(p for p in range(1, pages(path) + 1) if caption in pdf_text(path, p, p))
    text = pdf_text(path, page, page)
    assert heading in re.sub(r"[\s–-]+", "", text)
    assert max(last_column, key=int) in re.findall(r"\d+", text)
