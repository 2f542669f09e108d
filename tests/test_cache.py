"""Caches and parallel rendering: the same bytes as a clean single-process build, and never stale."""
from __future__ import annotations

import shutil

import pytest

from conftest import FIXTURE, ROOT, edit
from portal.errors import ContentErrors
from portal.pipeline import Builder, Project, build


def tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def project(tmp_path):
    """A copy of everything a build reads, so templates and catalogs can be edited too."""
    for folder in ("templates", "static", "i18n", "portal"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FIXTURE, tmp_path / "content")
    return Project(tmp_path)


@pytest.mark.slow
def test_parallel_and_cached_builds_equal_a_clean_serial_build(project, tmp_path):
    serial = Builder(project, search_index=False, parallel_min=10**9).generate().files
    parallel = Builder(project, search_index=False, parallel_min=0).generate().files
    assert parallel == serial
    build(project, tmp_path / "a", search_index=False, cache_dir=tmp_path / "cache")
    warm = build(project, tmp_path / "a", search_index=False, cache_dir=tmp_path / "cache")
    assert warm.rendered == []  # nothing changed, nothing re-rendered
    assert warm.files == serial
    assert tree(tmp_path / "a") == serial


def test_warm_build_writes_only_what_changed(project, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(project, site, search_index=False, cache_dir=cache)
    untouched = (site / "en/glossary/index.html").stat().st_mtime_ns
    edit(project.content / "documents/plenary-demo/en.md", "Economic strength", "Economic power")
    result = build(project, site, search_index=False, cache_dir=cache)
    # the disagreements page names each side's paragraph by its section heading, so it follows the documents
    assert sorted(result.rendered) == sorted(f"/{lang}/{path}" for lang in ("zh", "en") for path in (
        "conflicts/", "documents/plenary-demo/", "documents/plenary-demo/parallel/", "print/", "themes/economy/",
        "translation/"))
    assert "Economic power" in (site / "en/documents/plenary-demo/index.html").read_text()
    assert (site / "en/glossary/index.html").stat().st_mtime_ns == untouched


@pytest.mark.slow
@pytest.mark.parametrize("change", ["content", "template", "catalog", "stylesheet"])
def test_cache_is_never_stale(project, tmp_path, change):
    cache = tmp_path / "cache"
    build(project, tmp_path / "site", search_index=False, cache_dir=cache)
    root = project.root
    if change == "content":
        edit(root / "content/documents/plenary-demo/zh.md", "经济实力显著提升", "经济实力稳步提升")
        probe, text = "zh/documents/plenary-demo/index.html", "经济实力稳步提升"
    elif change == "template":
        edit(root / "templates/base.html", '<main id="main" tabindex="-1">', '<main id="main" tabindex="-1" class="x">')
        probe, text = "en/glossary/index.html", 'class="x"'
    elif change == "catalog":
        edit(root / "i18n/zh/LC_MESSAGES/messages.po", 'msgstr "术语表"', 'msgstr "词汇表"')
        probe, text = "zh/glossary/index.html", "词汇表"
    else:
        edit(root / "static/style.css", "--ink: #1d232b;", "--ink: #1d232c;")
        probe, text = "en/index.html", None
    fresh = Builder(Project(root), search_index=False).generate().files
    cached = build(project, tmp_path / "site", search_index=False, cache_dir=cache)
    assert cached.files == fresh
    assert tree(tmp_path / "site") == fresh
    if text:
        assert text in fresh[probe].decode()


@pytest.mark.slow
def test_quick_document_update_equals_a_full_build(project):
    """The preview's quick path (only a document text changed) gives the same site as a full build."""
    builder = Builder(project, search_index=False)
    builder.generate()
    edit(project.content / "documents/plenary-demo/zh.md", "经济实力显著提升", "经济实力稳步提升")
    quick = builder.generate(defer=("print",))
    assert sorted(quick.rendered) == sorted(f"/{lang}/{path}" for lang in ("zh", "en") for path in (
        "conflicts/", "documents/plenary-demo/", "documents/plenary-demo/parallel/", "themes/economy/", "translation/"))
    assert sorted(p.url for p in quick.deferred) == ["/en/print/", "/zh/print/"]
    builder.render_deferred()
    full = Builder(project, search_index=False).generate()
    assert quick.files == full.files


def test_quick_update_still_checks_quotes(project):
    builder = Builder(project, search_index=False)
    builder.generate()
    edit(project.content / "documents/plenary-demo/zh.md", "迈上**2100亿元**台阶", "迈上**2200亿元**台阶")
    from portal.errors import ContentErrors
    with pytest.raises(ContentErrors) as caught:
        builder.generate()
    assert [str(e).split("\n")[0] for e in caught.value.errors] == [
        "content/documents/plenary-demo/en.md:13: block 'g1-p1' lacks numbers of its zh text: 2200亿",
        "content/goals.yaml:1: goal 'demo.gdp': quote not found in paragraph 'g1-p1' of 'plenary-demo'",
        "content/values/plenary-demo.yaml:1: value 'demo.gdp.2027.target': quote not found in paragraph 'g1-p1' "
        "of 'plenary-demo'"]


def test_a_template_edit_is_read_again_for_its_ui_strings(project, tmp_path):
    """UI strings are kept per template between builds (and processes): a new string in an edited
    template must still be found, and reported when the catalogs lack it."""
    cache = tmp_path / "cache"
    build(project, tmp_path / "site", search_index=False, cache_dir=cache)
    edit(project.root / "templates/base.html", '<main id="main" tabindex="-1">',
         '<main id="main" tabindex="-1">{{ _("A string no catalog has") }}')
    with pytest.raises(ContentErrors, match="A string no catalog has"):
        build(project, tmp_path / "site", search_index=False, cache_dir=cache)
    builder = Builder(project, search_index=False, cache_dir=cache)  # a new process: the kept strings
    with pytest.raises(ContentErrors, match=r"templates/base\.html:\d+: UI string 'A string no catalog has'"):
        builder.generate()


def test_compiled_templates_are_kept_for_the_next_process(project, tmp_path):
    cache = tmp_path / "cache"
    first = build(project, tmp_path / "a", search_index=False, cache_dir=cache)
    assert list((cache / "templates").glob("*.cache"))
    again = Builder(project, search_index=False, cache_dir=cache, parallel_min=10**9)
    again.cache.pages.clear()  # render every page again, from the kept compiled templates
    assert again.generate().files == first.files


def test_a_kept_builder_after_a_template_edit_renders_it_and_still_validates_content(project, tmp_path):
    """The preview's path: a template-only edit reuses the validated site (nothing to validate again) and
    compiles only that template; an edit of content with it is validated as ever."""
    builder = Builder(project, search_index=False)
    builder.generate()
    edit(project.root / "templates/base.html", '<main id="main" tabindex="-1">',
         '<main id="main" tabindex="-1" data-edited="1">')
    again = builder.generate()
    assert 'data-edited="1"' in again.files["en/glossary/index.html"].decode()
    assert len(again.rendered) == len([p for p in again.files if p.endswith(".html")]) - 2  # all but the root pages
    edit(project.root / "templates/base.html", 'data-edited="1"', 'data-edited="2"')
    edit(project.content / "values/plenary-demo.yaml", "quote: 地区生产总值迈上2100亿元台阶", "quote: 不在段落里的引文2100亿元")
    with pytest.raises(ContentErrors, match="quote not found"):
        builder.generate()


def test_an_unchanged_build_does_not_write_its_cache_again(project, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(project, site, search_index=False, cache_dir=cache)
    stored = cache / "build-cache.pickle"
    first = stored.stat().st_mtime_ns, stored.read_bytes()
    build(project, site, search_index=False, cache_dir=cache)
    assert (stored.stat().st_mtime_ns, stored.read_bytes()) == first  # nothing changed: not saved again
    build(project, tmp_path / "elsewhere", search_index=False, cache_dir=cache)
    assert stored.read_bytes() != first[1]  # another output folder: what was written there is kept
    edit(project.content / "documents/plenary-demo/en.md", "Economic strength", "Economic power")
    changed = build(project, site, search_index=False, cache_dir=cache)
    assert changed.rendered and stored.read_bytes() != first[1]
    again = Builder(project, search_index=False, cache_dir=cache).generate()
    assert again.rendered == []  # the cache saved after the edit is the one read


def test_a_glossary_edit_validates_no_value_again_and_a_value_or_indicator_edit_does(project, monkeypatch):
    """The preview's path for a YAML edit: parts of the validation whose files did not change are
    reused; the parts that read a changed file are validated again, and a problem is never reused away."""
    from portal import valuechecks
    calls = []
    original = valuechecks.value
    monkeypatch.setattr(valuechecks, "value", lambda record, *rest: calls.append(record["id"]) or original(record, *rest))
    builder = Builder(project, search_index=False)
    builder.generate()
    assert calls
    calls.clear()
    edit(project.content / "glossary.yaml", "产业升级振兴、", "产业升级振兴（改）、")
    assert "产业升级振兴（改）" in builder.generate().files["zh/glossary/index.html"].decode()
    assert calls == []
    edit(project.content / "indicators/main.yaml", "unit: {zh: 亿元, en: CNY 100 million}",
         "unit: {zh: 万元, en: CNY 10 thousand}")  # the gdp values' figures no longer match their unit
    with pytest.raises(ContentErrors, match="does not match"):
        builder.generate()
    assert calls
    edit(project.content / "glossary.yaml", "产业升级振兴（改）、", "产业升级振兴、")  # the values' files unchanged
    with pytest.raises(ContentErrors, match="does not match"):
        builder.generate()
    edit(project.content / "indicators/main.yaml", "unit: {zh: 万元, en: CNY 10 thousand}",
         "unit: {zh: 亿元, en: CNY 100 million}")
    fresh = Builder(project, search_index=False, parallel_min=10**9).generate().files
    assert builder.generate().files == fresh


def test_the_cache_keeps_pages_by_digest_and_a_new_process_reads_only_what_it_needs(project, tmp_path):
    """Pages are not duplicated into the cache: a new process keeps the pages of the site it wrote (as
    they are there), renders again one that went missing, and writes the same site as a clean build."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    first = build(project, site, search_index=False, cache_dir=cache)
    assert b"<!doctype html>" not in (cache / "build-cache.pickle").read_bytes()
    (site / "en/glossary/index.html").unlink()
    again = build(project, site, search_index=False, cache_dir=cache)
    assert again.rendered == ["/en/glossary/"]
    assert again.files == first.files and tree(site) == first.files
    (site / "zh/glossary/index.html").write_text("changed by hand")
    third = build(project, site, search_index=False, cache_dir=cache)
    assert third.rendered == ["/zh/glossary/"] and third.files == first.files and tree(site) == first.files


@pytest.mark.slow
@pytest.mark.parametrize("parallel_min", [0, 10**9])
def test_an_unreadable_body_is_never_cached_as_an_empty_one(project, parallel_min):
    builder = Builder(project, search_index=False, parallel_min=parallel_min)
    builder.generate()
    zh = project.content / "documents/plenary-demo/zh.md"
    good = zh.read_bytes()
    zh.write_bytes(good + b"\n\xff\xfe broken\n")
    for _ in range(2):  # and not forgotten by the next rebuild either
        with pytest.raises(ContentErrors, match="not valid UTF-8"):
            builder.generate()
    zh.write_bytes(good)
    assert builder.generate().files == Builder(project, search_index=False).generate().files


def test_a_value_is_checked_again_when_what_it_cites_changes_and_odd_input_is_still_an_error(project):
    """Values are kept record by record with what they were checked against: the cited paragraph's
    text changing makes its quote be checked again; an id written as a list is reported, not a crash."""
    builder = Builder(project, search_index=False)
    builder.generate()
    zh, glossary = project.content / "documents/plenary-demo/zh.md", project.content / "glossary.yaml"
    # with a YAML edit, so that the whole content is validated (not the quick path of a document edit)
    edit(zh, "地区生产总值迈上", "地区生产总值跃上")
    edit(glossary, "产业升级振兴、", "产业升级振兴（改）、")
    with pytest.raises(ContentErrors, match=r"values/plenary-demo\.yaml:\d+: value .*quote not found"):
        builder.generate()
    edit(zh, "地区生产总值跃上", "地区生产总值迈上")
    edit(glossary, "产业升级振兴（改）、", "产业升级振兴、")
    builder.generate()
    edit(project.content / "values/plenary-demo.yaml", "indicator: gdp", "indicator: [gdp]")
    with pytest.raises(ContentErrors, match="indicator"):
        builder.generate()


def test_a_new_process_reuses_the_validated_site_only_while_content_and_catalogs_are_unchanged(project, tmp_path,
                                                                                                 monkeypatch):
    from portal import validation
    site, cache = tmp_path / "site", tmp_path / "cache"
    first = build(project, site, search_index=False, cache_dir=cache)
    runs = []
    original = validation.validate
    monkeypatch.setattr(validation, "validate", lambda *a, **k: runs.append(1) or original(*a, **k))
    again = build(project, site, search_index=False, cache_dir=cache)  # a new Builder: a new process's
    assert runs == [] and again.files == first.files
    edit(project.root / "templates/base.html", '<main id="main" tabindex="-1">', '<main id="main" tabindex="-1" class="x">')
    build(project, site, search_index=False, cache_dir=cache)
    assert runs == []  # a template is not content
    for path, old, new in (("i18n/zh/LC_MESSAGES/messages.po", 'msgstr "术语表"', 'msgstr "词汇表"'),
                           ("content/glossary.yaml", "产业升级振兴、", "产业升级振兴（改）、")):
        edit(project.root / path, old, new)
        build(project, site, search_index=False, cache_dir=cache)
        assert len(runs) == 1
        runs.clear()
    edit(project.content / "values/plenary-demo.yaml", "quote: 地区生产总值迈上2100亿元台阶", "quote: 不在段落里的引文2100亿元")
    with pytest.raises(ContentErrors, match="quote not found"):
        build(project, site, search_index=False, cache_dir=cache)


@pytest.mark.slow
def test_a_document_edit_after_a_build_from_the_cached_site_is_built_as_a_fresh_build(project, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(project, site, search_index=False, cache_dir=cache)
    builder = Builder(project, search_index=False, cache_dir=cache)  # a new process: the site comes from the cache
    builder.generate()
    edit(project.content / "documents/plenary-demo/zh.md", "经济实力显著提升", "经济实力稳步提升")
    edited = builder.generate(defer=("print",))
    edited.files.update(builder.render_deferred())
    assert edited.files == Builder(project, search_index=False).generate().files
