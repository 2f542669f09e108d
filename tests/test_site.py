"""The fixture site as a whole: golden output, routing, language twins, determinism, atomic output, data."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURE, ROOT, check_golden, edit, generate, project_for, run_cli
from portal.pipeline import build

EXPECTED = Path(__file__).resolve().parent / "fixture" / "expected"


def test_golden_output(fixture_site):
    """The fixture builds to exactly the reviewed tree (refresh with UPDATE_GOLDEN=1, then review the diff)."""
    check_golden(fixture_site.files, EXPECTED)


def test_static_files_are_copied_byte_for_byte(fixture_site):
    files = fixture_site.files
    for source in (ROOT / "static").iterdir():
        stem, _, suffix = source.name.rpartition(".")
        copies = [n for n in files if n == source.name or re.fullmatch(rf"static/{re.escape(stem)}\.[0-9a-f]{{10}}\.{suffix}", n)]
        assert len(copies) == 1 and files[copies[0]] == source.read_bytes(), source.name


def test_two_builds_are_byte_identical(tmp_path):
    first = build(project_for(FIXTURE), tmp_path / "a")
    second = build(project_for(FIXTURE), tmp_path / "b")
    tree = lambda root: {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert first.files == second.files
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def html_pages(files: dict[str, bytes]) -> dict[str, str]:
    return {name: data.decode() for name, data in files.items()
            if name.endswith(".html") and name.startswith(("zh/", "en/"))}


def test_every_page_has_its_twin_and_the_switch_lands_on_it(fixture_site):
    pages = html_pages(fixture_site.files)
    assert len(pages) == 44  # 22 per language: the progress and What changed pages included
    for name, html in pages.items():
        lang, rest = name.split("/", 1)
        other = "en" if lang == "zh" else "zh"
        assert f"{other}/{rest}" in pages, f"{name} has no {other} twin"
        url = "/" + f"{other}/{rest}".removesuffix("index.html")
        switch = re.search(r'<a class="lang-switch" href="([^"]+)" hreflang="([^"]+)"', html)
        assert switch and switch.group(1) == url, name
        assert switch.group(2) == ("en" if other == "en" else "zh-Hans")
        assert f'<html lang="{"zh-Hans" if lang == "zh" else "en"}">' in html
        for hreflang in ("zh-Hans", "en", "x-default"):
            assert f'rel="alternate" hreflang="{hreflang}"' in html


def test_urls_are_the_same_in_both_languages(fixture_site):
    files = fixture_site.files
    zh = sorted(n[3:] for n in files if n.startswith("zh/"))
    en = sorted(n[3:] for n in files if n.startswith("en/"))
    assert zh == en


def test_sitemap_lists_alternates_and_root_offers_both_languages(fixture_site):
    files = fixture_site.files
    sitemap = files["sitemap.xml"].decode()
    assert sitemap.count("<url>") == 42  # 21 pages per language, 404 excluded
    assert 'hreflang="zh-Hans" href="https://yuzhong-plans.netlify.app/zh/documents/plenary-demo/"' in sitemap
    root = files["index.html"].decode()
    assert 'href="/zh/"' in root and 'href="/en/"' in root
    assert "页面未找到" in files["404.html"].decode() and "Page not found" in files["404.html"].decode()


@pytest.mark.slow
def test_failed_build_leaves_site_untouched(content, tmp_path):
    site = tmp_path / "site"
    build(project_for(content), site)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    edit(content / "documents/plenary-demo/zh.md", "{: #g1-p1 }", "{: #g1-p1 }\n\n<b>bold</b>")
    result = run_cli("--content", str(content), "build", "--out", str(site))
    assert result.returncode == 1
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-")]


@pytest.mark.slow
def test_cli_build_prints_one_summary_line(tmp_path):
    result = run_cli("--content", str(FIXTURE), "build", "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"built 22 zh, 22 en pages, 10 records, \d+ files in \d+\.\d\d s\n", result.stdout)


def test_portal_json_schema(fixture_site):
    data = json.loads(fixture_site.files["data/portal.json"])
    assert list(data) == ["layers", "documents", "indicators", "values", "goals", "assessments"]
    assert data["layers"][2] == {"id": "plenary", "name": {"zh": "区委十三届二次全会", "en": "2nd plenary session"},
                                 "period": "2023-2027"}
    assert list(data["documents"][0]) == ["id", "source_file", "layer", "title", "date"]
    assert data["documents"][0]["date"] is None  # undated in the source
    indicator = next(i for i in data["indicators"] if i["id"] == "rd-intensity")
    assert indicator["category"] == {"zh": "推动高质量发展", "en": "Promoting high-quality development"}
    assert indicator["attribute"] == "expected"
    value = data["values"][0]
    assert list(value) == ["id", "indicator", "document", "kind", "period", "text", "number", "comparator", "source"]
    assert value["text"] == {"zh": "迈上2100亿元台阶", "en": "reaching CNY 210 billion"}
    assert value["number"] == 2100 and value["comparator"] == "≥"
    assert value["source"] == {"anchor": "g1-p1", "quote": "地区生产总值迈上2100亿元台阶"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_csv_round_trips_with_bom(lang, fixture_site):
    data = fixture_site.files[f"data/values.{lang}.csv"]
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == ["demo.gdp.2027.target", "demo.software-enterprises.2022.outcome"]
    assert rows[0]["quote"] == "地区生产总值迈上2100亿元台阶"
    assert rows[0]["text"] == ("迈上2100亿元台阶" if lang == "zh" else "reaching CNY 210 billion")
    assert rows[0]["url"].endswith(f"/{lang}/documents/plenary-demo/#g1-p1")


def test_glossary_terms_link_on_first_use_in_each_language(fixture_site):
    files = fixture_site.files
    for lang, text in (("zh", "七新"), ("en", "Seven Renewals")):
        html = files[f"{lang}/documents/plenary-demo/index.html"].decode()
        assert f'<a class="term" href="/{lang}/glossary/#seven-renewals" ' in html
        assert re.search(rf'class="term"[^>]*>{text}</a>', html)


def test_document_page_has_toc_footnotes_permalinks_and_provenance(fixture_site):
    html = fixture_site.files["en/documents/plenary-demo/index.html"].decode()
    assert '<nav class="toc"' in html and 'href="#goals"' in html
    assert ('<a aria-label="Link to this paragraph" class="permalink" href="#g1-p1" title="Link to this paragraph">¶</a>'
            in html)
    assert "Original title" in html and 'lang="zh-Hans">区委十三届二次全会精神解读（节选）' in html
    assert "the Chinese text is authoritative" in html


def test_the_tests_builds_of_edited_copies_equal_a_fresh_build(content, fixture_site):
    """conftest.generate() takes the UI strings and compiled templates from the first build: it must
    build the unedited fixture byte for byte as a builder starting from nothing did."""
    published = {name: data for name, data in fixture_site.files.items() if not name.startswith("cards/")}
    assert generate(content).files == published  # the tests' builds draw no sharing cards (the preview's way)
