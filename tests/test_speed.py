"""The speed levers of issue 21 item 6 change when work is done, never what is made: each is checked
against a fresh build of the same inputs."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE, ROOT, edit
from test_cache import project  # noqa: F401 (the fixture: a copy of everything a build reads)
from portal import (datapackage, editions, incremental, keptbodies, loading, markup, pipeline, publishing, routing,
                    search, textfiles)
from portal.errors import ContentError, ContentErrors, SourceRef
from portal.pipeline import Builder, build
from test_cache import fresh

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


VALUE_EDIT = ("values/plenary-demo.yaml", 'en: "over 2,500 enterprises"', 'en: "more than 2,500 enterprises"')
EDITS = [("documents/plenary-demo/zh.md", "取得新进展新成效", "取得新进展新成效喵"),
         ("glossary.yaml", "zh: 产业升级振兴、", "zh: 产业升级振兴，"),
         VALUE_EDIT,
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
        full.last.verified = None  # no entries known: every key taken again
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


def test_the_preview_leaves_the_data_files_to_render_deferred(project):
    builder = Builder(project, search_index=False)
    before = builder.generate().files
    edit(project.content / VALUE_EDIT[0], *VALUE_EDIT[1:])
    first = builder.generate(first={OPEN_PAGE})
    assert first.files["data/portal.json"] is before["data/portal.json"]  # kept as it was, for now
    files = builder.render_deferred()
    assert b"more than 2,500" in files["data/portal.json"]
    assert files == Builder(project, search_index=False).generate().files


def test_data_files_and_a_bundle_made_after_the_reload_replace_the_kept_ones_whole(project, bundles):
    """An indicator removed: its data files are gone after render_deferred() (not left from the kept
    set); a bundle whose files are named otherwise replaces the kept one whole."""
    indicators = project.content / "indicators/main.yaml"
    original = indicators.read_text(encoding="utf-8")
    indicators.write_text(original + "- id: extra\n  category: narrative\n  name: {zh: 额外, en: Extra}\n"
                          "  unit: {zh: 家, en: enterprises}\n", encoding="utf-8")
    builder = Builder(project)
    assert "data/indicators/extra.json" in builder.generate().files
    indicators.write_text(original, encoding="utf-8")
    renamed = lambda records: {f"pagefind/{len(records)}.json": json.dumps(records).encode()}  # noqa: E731
    search.build_index = renamed  # the monkeypatch of `bundles` undoes it
    assert "data/indicators/extra.json" in builder.generate(first={OPEN_PAGE}).files  # kept until after the reload
    files = builder.render_deferred()
    assert "data/indicators/extra.json" not in files and "pagefind/records.json" not in files
    assert files == Builder(project).generate().files


def test_a_build_failing_after_its_data_files_leaves_them_to_no_one(project, monkeypatch):
    """What a failed build would have deferred is not made by the next render_deferred(): it finishes
    the last good build, whose output the preview still serves."""
    builder = Builder(project, search_index=False)
    before = builder.generate().files
    edit(project.content / VALUE_EDIT[0], *VALUE_EDIT[1:])

    def failing(*args):
        raise ContentErrors([ContentError(SourceRef(Path("templates/base.html"), 1), "a failure for the test")])

    monkeypatch.setattr(pipeline, "check_alternates", failing)
    with pytest.raises(ContentErrors):
        builder.generate(first={OPEN_PAGE})
    monkeypatch.undo()
    assert builder.render_deferred() == before


def shape(value):
    """A parsed value with the lines its Records and Items remember, for comparing two parses."""
    if isinstance(value, loading.Record):
        return ("Record", str(value.path), value.line, value.lines, {k: shape(v) for k, v in value.items()})
    if isinstance(value, loading.Items):
        return ("Items", value.lines, [shape(v) for v in value])
    return value


def parsed_by_items(text: str, kept: dict) -> tuple:
    """What RawContent.read_yaml makes of a list file's `text` with `kept` from earlier parses: parse_list's
    answer, else (None: not one item per text) the whole parsed; or the error's message."""
    try:
        items = loading.parse_list(text, loading.list_items(text), SHOWN, kept, set())
        return shape(items if items is not None else loading.parse_yaml(text, SHOWN))
    except ContentError as error:
        return ("error", str(error))


def parsed_whole(text: str) -> tuple:
    try:
        return shape(loading.parse_yaml(text, SHOWN))
    except ContentError as error:
        return ("error", str(error))


SHOWN = Path("content/x.yaml")
LIST_FILES = sorted({p for folder in (ROOT / "content", FIXTURE) for p in folder.rglob("*.yaml")
                     if loading.list_items(p.read_text(encoding="utf-8"))})


@pytest.mark.parametrize("path", LIST_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_a_list_file_parsed_item_by_item_is_the_whole_parsed(path):
    """Every list file of the real and fixture content, and each with one item edited and parsed alone
    (the others kept), gives what parsing the whole gives: values, lines and the records' places."""
    text = path.read_text(encoding="utf-8")
    kept: dict = {}
    assert parsed_by_items(text, kept) == parsed_whole(text)  # cold: parsed whole, items kept
    assert parsed_by_items(text, kept) == parsed_whole(text)  # every item kept
    items = loading.list_items(text)
    for number in sorted({0, len(items) // 2, len(items) - 1}):
        line, item = items[number]
        edited = text.replace(item, item.replace(":", ":  ", 1) + "# an edit\n", 1)
        assert parsed_by_items(edited, dict(kept)) == parsed_whole(edited)


@pytest.mark.parametrize("text", [
    '- id: a\n  text: "one\n- two"\n- id: b\n',  # a '-' at column 0 inside a quoted text: not an item
    "- id: a\n  text: 'one\n- two'\n- id: b\n",
    "- id: a\n  list: [1,\n- 2]\n- id: b\n",
    "# a comment\n\n- id: a\n# between\n-\tid: b\n-\n  id: c\n",  # '-' then a tab, or alone on its line
    "- id: a\n  id: b\n- id: c\n",  # an error: the whole's message
    "- id: a\n- &x {id: b}\n",
    "- id: a\n  text: |\n    - one\n- id: b\n",
])
def test_tricky_lists_parse_item_by_item_as_whole(text):
    whole = parsed_whole(text)
    assert parsed_by_items(text, {}) == whole
    kept: dict = {}
    parsed_by_items(text.replace("id: b", "id: z"), kept)  # kept items of a neighbouring version
    assert parsed_by_items(text, kept) == whole


@pytest.mark.parametrize("text", ["---\n- id: a\n", "id: a\n", "  - id: a\n", "- a\n\u2028- b\n", ""])
def test_what_is_not_plainly_a_top_level_list_is_parsed_whole(text):
    assert loading.list_items(text) is None


def test_a_new_process_takes_the_bodies_from_the_cache_while_labels_and_library_are_the_same(project, tmp_path,
                                                                                            monkeypatch):
    site, folder = tmp_path / "site", tmp_path / "cache"
    build(project, site, search_index=False, cache_dir=folder)
    rendered = []
    original = markup.Renderer.render
    monkeypatch.setattr(markup.Renderer, "render", lambda *args: rendered.append(1) or original(*args))
    warm = Builder(project, search_index=False, cache_dir=folder).generate()  # as a new process starts
    assert rendered == [] and warm.files == fresh(project)
    catalog = project.root / "i18n/en/LC_MESSAGES/messages.po"
    edit(catalog, 'msgid "Link to this paragraph"\nmsgstr "Link to this paragraph"',
         'msgid "Link to this paragraph"\nmsgstr "Link here"')
    relabelled = Builder(project, search_index=False, cache_dir=folder).generate()
    assert rendered and relabelled.files == fresh(project)
    rendered.clear()
    edit(catalog, 'msgstr "Link here"', 'msgstr "Link to this paragraph"')
    monkeypatch.setattr(keptbodies.markdown, "__version__", "0.0")  # another Python-Markdown
    assert Builder(project, search_index=False, cache_dir=folder).generate().files == fresh(project) and rendered


def test_only_bodies_whose_json_form_reads_back_exactly_are_saved(project):
    builder = Builder(project, search_index=False)
    builder.generate()
    saved = keptbodies.saved_bodies(builder.bodies[1])
    assert len(saved["items"]) == 2  # the fixture's document in both languages
    for key, item in saved["items"]:
        assert repr(keptbodies._body(item)) == repr(builder.bodies[1][key[0]].used[tuple(key)][0])
    body = builder.bodies[1]["zh"].used[tuple(saved["items"][0][0])][0]
    odd = dataclasses.replace(body, toc=({"id": "x", "children": ()},))  # a tuple would come back a list
    builder.bodies[1]["zh"].used[tuple(saved["items"][0][0])] = (odd, [])
    builder.bodies[1]["zh"].forms.clear()  # its form is made once per process: make it again
    assert len(keptbodies.saved_bodies(builder.bodies[1])["items"]) == 1


def test_templates_compiled_before_forking_leave_a_broken_unused_one_to_no_page(project):
    """compile_templates loads every template before the workers fork; one that does not compile and
    that no page uses changes nothing, and one a page uses fails as it did (same message, serial or not)."""
    (project.templates / "unused.html").write_text("{% if %}", encoding="utf-8")
    assert Builder(project, search_index=False, parallel_min=0).generate().files == fresh(project)
    edit(project.templates / "base.html", "<main", "{% if %}<main")
    messages = []
    for parallel_min in (0, 10**9):
        with pytest.raises(ContentErrors) as failed:
            Builder(project, search_index=False, parallel_min=parallel_min).generate()
        messages.append(str(failed.value))
    assert messages[0] == messages[1] and "templates/base.html" in messages[0]


def test_read_text_screens_the_same_bytes_once_and_refuses_every_time(tmp_path, monkeypatch):
    screened = []
    monkeypatch.setattr(textfiles, "SCREENED", {})  # nothing kept from other tests' reads
    original = textfiles.character_problem
    monkeypatch.setattr(textfiles, "character_problem", lambda text: screened.append(1) or original(text))
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_bytes("\ufeff一段文字\r\nA line".encode("utf-8"))
    bad.write_bytes("a\u202eb".encode("utf-8"))
    first, second = textfiles.read_text(good, Path("good.md")), textfiles.read_text(good, Path("good.md"))
    assert first == second == "一段文字\nA line"
    assert len(screened) == 1
    for _ in range(2):
        with pytest.raises(ContentError, match="bidirectional"):
            textfiles.read_text(bad, Path("bad.md"))
    assert len(screened) == 3


@pytest.mark.slow  # three builds of the real portal (its annex tables are what quoted rows are)
def test_a_page_quoting_a_table_row_reads_that_row_not_the_whole_body(tmp_path):
    """A quoted row's page (its cells under their columns' headings) reads the row's text and its table's
    headings alone: a paragraph edited elsewhere in the document leaves it as it was (the preview deferred
    689 such pages for a paragraph before), and an edited heading makes it again, as a fresh build does."""
    for folder in ("content", "templates", "static", "i18n"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    project, page = pipeline.Project(tmp_path), "en/indicators/good-air-days/index.html"
    builder = Builder(project, search_index=False)
    builder.generate()
    body = tmp_path / "content/documents/plan2025-report"
    edit(body / "zh.md", "。", "。改")
    generated = builder.generate(first={"zh/documents/plan2025-report/index.html"})
    made_again = {routing.output_path(p.url) for p in generated.deferred} | {
        routing.output_path(url) for url in generated.rendered}
    assert page not in made_again
    assert len(generated.deferred) < 60
    builder.render_deferred()
    edit(body / "en.md", "| Expected target for 2024 |", "| Target set for 2024 |")
    generated = builder.generate()
    assert '<th scope="row">Target set for 2024</th>' in generated.files[page].decode()
    assert generated.files == Builder(project, search_index=False).generate().files


def test_the_preview_checks_citations_feeds_and_package_after_the_reload(project, monkeypatch):
    """Before the reload the preview takes the last citation files, feeds and data package unchecked; after
    it, render_deferred() takes them again while their key is the same, else makes them: as a fresh build."""
    made = []
    original = publishing._reuse_files
    monkeypatch.setattr(publishing, "_reuse_files", lambda *args: made.append(1) or original(*args))
    builder = Builder(project, search_index=False)
    builder.generate()
    for name, old, new, remade in (("templates/base.html", "<main", '<main data-edit="1"', []),  # nothing they show
                                   ("content/values/plenary-demo.yaml", "text: {zh: 突破2500家, en: ",
                                    "note: {zh: 注释, en: A note}\n  text: {zh: 突破2500家, en: ", [1])):
        edit(project.root / name, old, new)
        made.clear()
        builder.generate(first={OPEN_PAGE})
        assert made == [] and len(builder.later) == 2, name  # the data files, then citations, feeds, package
        files = builder.render_deferred()
        assert made == remade, name
        assert files == Builder(project, search_index=False).generate().files, name


def test_the_citations_key_takes_the_data_files_digests_the_build_holds(project, monkeypatch):
    """The key of the citation files, feeds and package reads the data files' digests that data_files() took of
    those very bytes (no file hashed again each rebuild); it is the key a hashing of every data file gives."""
    builder = Builder(project, search_index=False)
    site = builder.generate().site
    line = publishing.timeline(site, editions.load(project.content))
    last = builder.last
    data = {name: digest for name, digest in last.data[2].items() if name in datapackage.data_of(last.files)}
    assert data, "the fixture has data files"
    hashed, sha256 = [], hashlib.sha256
    monkeypatch.setattr(hashlib, "sha256", lambda data=b"": hashed.append(data) or sha256(data))
    files, entry = publishing.reuse_files(site, line, last.files, site.model.base_url, last.reuse, last.file,
                                          builder.engine, last.data[2])
    assert entry == last.reuse and files.keys() == set(last.reuse[1])
    assert not any(last.files[name] in hashed for name in data)
    _, unknown = publishing.reuse_files(site, line, last.files, site.model.base_url, None, last.file,
                                        builder.engine, {})
    assert unknown[0] == entry[0]
