"""Issue 27, editions: versions and dates, what changed derived from the records' snapshots, when a record
last changed, `build.py edition new`, and the Atom feeds of the changes."""
from __future__ import annotations

import re

import feedparser
import pytest

from conftest import FIXTURE, edit, generate
from portal import cache, editions
from portal.errors import ContentErrors
from portal.model import LANGS, Localized


DEFINED = "unit: {zh: 家, en: enterprises}\n  definition: {zh: 登记的软件企业数, en: Registered software enterprises}"


def page(site, path: str) -> str:
    return site.files[path].decode("utf-8")


def main_of(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def test_what_changed_is_derived_from_the_snapshots(fixture_site):
    """The fixture's edition 1.0 snapshot lacks a value, has another GDP indicator and translation, and a
    term since removed: edition 1.1 lists exactly those, in both languages."""
    en = main_of(page(fixture_site, "en/changes/index.html"))
    section = en[en.index('id="edition-1-1"'):en.index('id="edition-1-0"')]
    added = section[section.index("Added"):section.index("Changed")]
    changed = section[section.index("Changed"):section.index("Removed")]
    removed = section[section.index("Removed"):]
    assert '<a href="/en/indicators/software-enterprises/">Number of software enterprises: 2022' in added
    assert '<a href="/en/indicators/gdp/">GDP</a>' in changed and "English translation" in changed
    assert "<code>old-term</code>" in removed
    assert "The first edition: 13 records." in en
    zh = main_of(page(fixture_site, "zh/changes/index.html"))
    assert "第1.1版" in zh and "新增" in zh and "删除" in zh and "<code>old-term</code>" in zh


def test_footer_data_page_and_book_show_version_and_date(fixture_site):
    for lang, words in (("en", "Edition 1.1 of 1 December 2026"), ("zh", "第1.1版（2026年12月1日）")):
        for path in ("index.html", "documents/", "data/", "print/"):
            name = f"{lang}/{path}" if path.endswith(".html") else f"{lang}/{path}index.html"
            assert words in page(fixture_site, name), name
    assert 'class="cover-edition"' in page(fixture_site, "en/print/index.html")


def test_record_pages_show_when_they_last_changed(fixture_site):
    assert "Last changed in edition 1.1 of 1 December 2026." in page(fixture_site, "en/indicators/gdp/index.html")
    assert "Last changed in edition 1.0 of 1 November 2026." in page(fixture_site,
                                                                      "en/indicators/rd-intensity/index.html")
    # the software indicator's value was added in 1.1: the indicator page counts its values' changes too
    assert "edition 1.1" in page(fixture_site, "en/indicators/software-enterprises/index.html")
    assert "最近修改于第1.1版" in page(fixture_site, "zh/documents/plenary-demo/index.html")
    assert "Last changed in edition 1.0" in page(fixture_site, "en/goals/demo.gdp/index.html")
    assert "Last changed in edition 1.0" in page(fixture_site, "en/themes/economy/index.html")


def test_a_change_after_the_latest_edition_is_pending(content):
    edit(content / "indicators" / "main.yaml", "unit: {zh: 家, en: enterprises}", DEFINED)
    site = generate(content)
    assert "Changed since the latest edition" in page(site, "en/indicators/software-enterprises/index.html")
    assert "Last changed in edition 1.0" in page(site, "en/indicators/rd-intensity/index.html")
    changes = main_of(page(site, "en/changes/index.html"))
    assert "Not yet in an edition" in changes and "/en/indicators/software-enterprises/" in changes


def test_edition_new_snapshots_the_records_and_lists_the_edition(content):
    edit(content / "indicators" / "main.yaml", "unit: {zh: 家, en: enterprises}", DEFINED)
    current = editions.record_digests(generate(content).site)
    with pytest.raises(ContentErrors, match="version 1.1 does not follow 1.1"):
        editions.write_edition(content, "1.1", "2026-12-05", Localized("甲", "A"), current)
    editions.write_edition(content, "1.2", "2026-12-05", Localized("单位更正。", "Unit corrected."), current)
    assert editions.snapshot_path(content, "1.2").read_bytes() == editions.snapshot_json("1.2", "2026-12-05", current)
    site = generate(content)
    assert "Last changed in edition 1.2 of 5 December 2026." in page(site, "en/indicators/software-enterprises/index.html")
    section = main_of(page(site, "en/changes/index.html"))
    assert "Not yet in an edition" not in section and 'id="edition-1-2"' in section
    with pytest.raises(ContentErrors, match="nothing changed since edition 1.2"):
        editions.write_edition(content, "1.3", "2026-12-06", Localized("甲", "A"), current)


def test_edition_mistakes_are_path_line_errors(content):
    listing = content / "editions.yaml"
    edit(listing, 'version: "1.1"', 'version: "0.9"')
    with pytest.raises(ContentErrors) as caught:
        generate(content)
    assert "content/editions.yaml:6: edition '0.9': version 0.9 does not follow 1.0" in str(caught.value)
    edit(listing, 'version: "0.9"', 'version: "1.5"')
    with pytest.raises(ContentErrors) as caught:
        generate(content)
    assert "content/editions.yaml:6: edition 1.5 has no snapshot content/editions/1.5.json" in str(caught.value)
    (content / "editions" / "1.5.json").write_text('{"version": "1.5", "records": {"a/b": "xyz"}}\n')
    with pytest.raises(ContentErrors) as caught:
        generate(content)
    assert "content/editions/1.5.json:1: not a snapshot of edition 1.5" in str(caught.value)
    (content / "editions" / "1.5.json").write_text('{"version": "1.5",\n "records": [}\n')
    with pytest.raises(ContentErrors) as caught:
        generate(content)
    assert "content/editions/1.5.json:2: not valid JSON" in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_same_content_same_last_changed_whatever_the_file_order(content):
    """Digests leave out where a record is written: moving it changes nothing."""
    text = (content / "indicators" / "main.yaml").read_text(encoding="utf-8")
    (content / "indicators" / "main.yaml").write_text("\n\n" + text, encoding="utf-8")
    site = generate(content)
    assert editions.record_digests(site.site) == editions.record_digests(generate(FIXTURE).site)
    assert "Not yet in an edition" not in page(site, "en/changes/index.html")


def test_feeds_parse_and_list_the_editions(fixture_site):
    for lang in ("zh", "en"):
        feed = feedparser.parse(fixture_site.files[f"feeds/changes.{lang}.xml"])
        assert not feed.bozo, feed.bozo_exception
        assert [e.title for e in feed.entries] == (["第1.1版", "第1.0版"] if lang == "zh" else
                                                   ["Edition 1.1", "Edition 1.0"])
        assert feed.entries[0].link.endswith(f"/{lang}/changes/#edition-1-1")
        assert feed.entries[0].updated == "2026-12-01T00:00:00Z" and feed.feed.language == (
            "zh-Hans" if lang == "zh" else "en")
        indicator = feedparser.parse(fixture_site.files[f"feeds/indicators/software-enterprises.{lang}.xml"])
        assert not indicator.bozo and len(indicator.entries) == 2  # added in 1.1, and in the first edition
        untouched = feedparser.parse(fixture_site.files[f"feeds/indicators/rd-intensity.{lang}.xml"])
        assert not untouched.bozo and len(untouched.entries) == 1
    english = feedparser.parse(fixture_site.files["feeds/changes.en.xml"])
    assert "revises the translation. added: Number of software enterprises" in english.entries[0].summary
    assert re.search(r'<link rel="alternate" type="application/atom\+xml" href="/feeds/indicators/gdp.en.xml"',
                     page(fixture_site, "en/indicators/gdp/index.html"))


def test_no_editions_no_feeds_and_no_dates(content):
    (content / "editions.yaml").unlink()
    site = generate(content)
    assert not any(name.startswith("feeds/") for name in site.files)
    html = page(site, "en/indicators/gdp/index.html")
    assert "Edition" not in html and "Last changed" not in html and "citation_edition" not in html


def test_the_preview_makes_citations_feeds_and_package_after_its_pages(content):
    """Pages first: a preview build keeps the last citation files, feeds and package, and render_deferred()
    makes them as a fresh build does."""
    from conftest import project_for
    from portal.pipeline import Builder
    builder = Builder(project_for(content))
    builder.generate()
    before = builder.last.files["cite/en/portal.bib"]
    edit(content / "site.yaml", "en: Yuzhong Plans (sample)", "en: Yuzhong Plans (test)")
    builder.generate(first={"en/indicators/gdp/index.html"})
    assert builder.last.files["cite/en/portal.bib"] == before  # not yet
    assert builder.render_deferred() == generate(content).files
    assert b"Yuzhong Plans (test)" in builder.last.files["cite/en/portal.bib"]


def test_a_warm_build_takes_unchanged_records_digests_from_the_cache(content, tmp_path, monkeypatch):
    """The canonical form of a record is taken once: a new process's build reads the digests of unchanged
    records from the cache (by each record's own digest) and takes an edited record's anew; the same editions."""
    from conftest import project_for
    from portal.pipeline import Builder, build
    first = build(project_for(content), tmp_path / "site", cache_dir=tmp_path / "cache", search_index=False)
    kept = cache.load(tmp_path / "cache", Builder.engine)["records"]  # what the next process starts with
    site = first.site
    records = [*site.indicators, *site.values, *site.goals, *site.conflicts, *site.terms, *site.themes]
    assert set(kept) == {r.digest for r in records} | {d.bodies[lang].digest for d in site.documents for lang in LANGS}
    canonical, canon = [], editions._canon
    monkeypatch.setattr(editions, "_canon", lambda value: canonical.append(value) or canon(value))
    again = Builder(project_for(content), cache_dir=tmp_path / "cache", search_index=False).generate()
    assert again.files == first.files
    assert {type(v).__name__ for v in canonical if hasattr(v, "id")} == {"Document"}  # no own digest to key them
    edit(content / "values" / "plenary-demo.yaml", "text: {zh: 突破2500家, en: ",
         "note: {zh: 注释, en: A note}\n  text: {zh: 突破2500家, en: ")
    canonical.clear()
    edited = Builder(project_for(content), cache_dir=tmp_path / "cache", search_index=False).generate()
    assert [v.id for v in canonical if type(v).__name__ == "Value"] == ["demo.software-enterprises.2022.outcome"]
    assert "Changed since the latest edition" in page(edited, "en/indicators/software-enterprises/index.html")
    assert edited.files == Builder(project_for(content), search_index=False).generate().files
