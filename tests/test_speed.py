"""The speed levers of issue 21 item 6 change when work is done, never what is made: each is checked
against a fresh build of the same inputs."""
from __future__ import annotations

import json

import pytest

from conftest import edit
from test_cache import project  # noqa: F401 (the fixture: a copy of everything a build reads)
from portal import incremental, search
from portal.pipeline import Builder

OPEN_PAGE = "zh/documents/plenary-demo/index.html"


@pytest.fixture
def bundles(monkeypatch):
    """Pagefind replaced by a pure function of the records (no child process): the bundle names what it
    was made from; `bundles` counts the bundles made."""
    made = []

    def build_index(records):
        made.append(records)
        return {"pagefind/records.json": json.dumps(records, ensure_ascii=False, sort_keys=True).encode()}

    monkeypatch.setattr(search, "build_index", build_index)
    return made


def test_the_preview_leaves_the_search_records_to_render_deferred(project, bundles, monkeypatch):
    builder = Builder(project)
    builder.generate()
    document = project.content / "documents/plenary-demo/zh.md"
    edit(document, "取得新进展新成效", "取得新进展新成效喵")
    looked = []
    original = search.search_records
    monkeypatch.setattr(search, "search_records", lambda *args: looked.append(1) or original(*args))
    first = builder.generate(first={OPEN_PAGE})
    assert looked == [] and len(bundles) == 1  # the open page first: the records are not even gathered
    assert "喵".encode() not in first.files["pagefind/records.json"]  # the last bundle, for now
    files = builder.render_deferred()
    assert len(bundles) == 2
    builder.generate(first={OPEN_PAGE})
    assert builder.render_deferred() == files and len(bundles) == 2  # same records: not made again
    assert files == Builder(project).generate().files  # exactly a fresh build's output


def test_render_deferred_keeps_the_bundle_when_the_records_did_not_change(project, bundles):
    builder = Builder(project)
    builder.generate()
    edit(project.templates / "base.html", "<main", '<main data-edited="1"')  # no searchable text changes
    builder.generate(first={OPEN_PAGE})
    files = builder.render_deferred()
    assert len(bundles) == 1
    assert files == Builder(project).generate().files


def test_a_stopped_render_deferred_looks_at_the_records_on_the_next_one(project, bundles):
    builder = Builder(project)
    builder.generate()
    edit(project.content / "documents/plenary-demo/zh.md", "取得新进展新成效", "取得新进展新成效喵")
    builder.generate(first={OPEN_PAGE})
    builder.render_deferred(stop=lambda: True)
    builder.generate(first={OPEN_PAGE})  # nothing changed since, yet the bundle is still the old one
    files = builder.render_deferred()
    assert len(bundles) == 2
    assert files == Builder(project).generate().files


EDITS = [("documents/plenary-demo/zh.md", "取得新进展新成效", "取得新进展新成效喵"),
         ("glossary.yaml", "zh: 产业升级振兴、", "zh: 产业升级振兴，"),
         ("values/plenary-demo.yaml", 'en: "over 2,500 enterprises"', 'en: "more than 2,500 enterprises"'),
         ("documents/plenary-demo/zh.md", "取得新进展新成效喵", "取得新进展新成效")]


def test_pages_known_unchanged_are_those_whose_keys_are_unchanged(project, monkeypatch):
    """Verified.unchanged (a page none of whose reads changed keeps its key) renders exactly the pages
    that taking every key again renders, edit after edit, and takes fewer keys."""
    taken = []
    original = incremental.page_key
    monkeypatch.setattr(incremental, "page_key", lambda *args: taken.append(1) or original(*args))
    shortcut, full = Builder(project, search_index=False), Builder(project, search_index=False)
    shortcut.generate()
    full.generate()
    for name, old, new in EDITS:
        edit(project.content / name, old, new)
        taken.clear()
        with_shortcut = shortcut.generate()
        keys_with_shortcut = len(taken)
        full.verified = None  # no entries known: every key taken again
        taken.clear()
        without = full.generate()
        assert with_shortcut.rendered == without.rendered and with_shortcut.rendered, name
        assert with_shortcut.files == without.files == Builder(project, search_index=False).generate().files
        assert keys_with_shortcut < len(taken), name


def test_a_deferred_page_is_not_known_unchanged(project):
    """A page the preview deferred keeps its old entry: the next build takes its key again and renders it."""
    builder = Builder(project, search_index=False)
    builder.generate()
    edit(project.content / "documents/plenary-demo/zh.md", "取得新进展新成效", "取得新进展新成效喵")
    deferred = builder.generate(first={OPEN_PAGE}).deferred
    assert deferred
    again = builder.generate()
    assert {p.url for p in deferred} <= set(again.rendered)
    assert again.files == Builder(project, search_index=False).generate().files
