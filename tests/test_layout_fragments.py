"""The layout's per-page work made smaller. Its fragments (fragments.py): the masthead's navigation and the
footer, rendered once a language (and kind) for a rendering of the pages, give every page the bytes and the reads it had when base.html
rendered them itself, and an edit of what they show (their templates, a catalog, the site's title, an
edition) is on every page at the next build of a kept builder. And a record page's citation, made once in
base.html for its sharing tags and its "Cite this"."""
from __future__ import annotations

from pathlib import Path

from conftest import edit, first_fixture_build
from jinja2 import DictLoader, Environment
from portal import fragments, pages, rendering
from portal.routing import output_path
from portal.siteview import SiteView
from test_cache import project, warm_equals_fresh  # noqa: F401 (project is a fixture)


def test_a_fragment_is_rendered_once_for_its_values_and_its_reads_are_each_pages():
    env, renders = Environment(loader=DictLoader({"part.html": "{{ count() }}{{ site.title }} {{ kind }}"})), []
    env.globals["count"] = lambda: renders.append(1) or ""
    fragment = fragments.fragment_renderer(env, "en")

    class Site:
        title, tagline = "The title", "A tagline"

    shared: dict = {}
    first, second, other = SiteView(Site(), {}, shared), SiteView(Site(), {}, shared), SiteView(Site(), {}, shared)
    assert fragment("part.html", first, kind="document") == "The title document"
    assert fragment("part.html", second, kind="document") == "The title document"
    assert len(renders) == 1  # the second page took the first one's
    assert fragment("part.html", other, kind="home") == "The title home"
    assert len(renders) == 2  # other values: rendered again
    for view in (first, second, other):
        assert view.reads == set() and view.all_reads() == {("title", "")}  # read through the fragment's own view
    assert fragment("part.html", SiteView(Site(), {}, {}), kind="document") == "The title document"
    assert len(renders) == 3  # a new rendering of the pages (a new `shared`): rendered anew
    zh = fragments.fragment_renderer(env, "zh")
    zh("part.html", SiteView(Site(), {}, shared), kind="document")
    assert len(renders) == 4  # each language its own


def test_every_page_takes_its_masthead_and_footer_from_one_rendering_a_language_and_kind():
    builder, generated = first_fixture_build()
    environments, digests, _ = builder.pending
    shared, kinds = {}, set()
    for page in pages.assemble(digests.site, Path("content")):
        view = SiteView(digests.site, digests.states, shared)
        assert rendering.render_page(environments, page, view).encode() == generated.files[output_path(page.url)]
        assert ("title", "") in view.all_reads()
        kinds.add((page.lang, page.kind))
    made = sorted(key for key in shared if key.startswith("fragment "))
    assert made == sorted([f"fragment {lang} _masthead.html {[('current', kind)]!r}" for lang, kind in kinds]
                          + [f"fragment {lang} _footer.html []" for lang in ("zh", "en")])


def test_a_kept_builder_shows_an_edited_masthead_or_footer_template_on_every_page(project, tmp_path):
    root = project.root
    made = warm_equals_fresh(project, tmp_path, lambda: (
        edit(root / "templates/_masthead.html", '<nav class="site-nav"', '<nav class="site-nav edited"'),
        edit(root / "templates/_footer.html", "  <p>", '  <p class="edited">')))
    assert b'<nav class="site-nav edited"' in made["en/documents/plenary-demo/index.html"]
    assert b'<p class="edited">' in made["zh/index.html"]


def test_a_kept_builder_shows_an_edited_catalog_string_in_the_navigation_and_footer(project, tmp_path):
    catalog = project.root / "i18n/en/LC_MESSAGES/messages.po"
    made = warm_equals_fresh(project, tmp_path, lambda: (
        edit(catalog, 'msgid "Disagreements"\nmsgstr "Disagreements"', 'msgid "Disagreements"\nmsgstr "Conflicts"'),
        edit(catalog, 'msgid "Data and how to cite"\nmsgstr "Data and how to cite"',
             'msgid "Data and how to cite"\nmsgstr "Data, citing"')))
    page = made["en/documents/plenary-demo/index.html"]
    assert b">Conflicts</a></li>" in page and b">Data, citing</a>" in page


def test_a_kept_builder_shows_an_edited_site_title_and_edition_in_the_masthead_and_footer(project, tmp_path):
    content = project.root / "content"
    made = warm_equals_fresh(project, tmp_path, lambda: (
        edit(content / "site.yaml", "Yuzhong Plans (sample)", "Yuzhong Plans (edited)"),
        edit(content / "editions.yaml", "2026-12-01", "2026-12-02")))
    page = made["en/indicators/gdp/index.html"]
    assert b'<a class="brand" href="/en/">Yuzhong Plans (edited)</a>' in page and b"Edition 1.1 of 2 December 2026" in page


def test_a_record_page_makes_its_citation_once_for_its_sharing_tags_and_its_cite_this(monkeypatch):
    builder, generated = first_fixture_build()
    environments, digests, _ = builder.pending
    made, shown = [], set()
    for env in environments.values():
        def counted(*args, _citation=env.globals["citation"], **kwargs):
            made.append(args[0])
            return _citation(*args, **kwargs)
        monkeypatch.setitem(env.globals, "citation", counted)
    for page in pages.assemble(digests.site, Path("content")):
        made.clear()
        html = rendering.render_page(environments, page, SiteView(digests.site, digests.states, {}))
        assert html.encode() == generated.files[output_path(page.url)]
        if 'class="cite-this"' in html and page.kind in ("document", "indicator", "goal", "data"):
            assert made == ["portal" if page.kind == "data" else page.kind], page.url
            shown.add(page.kind)
        elif page.kind != "conflicts":  # each disagreement's own citation besides the page's
            assert len(made) == 1, page.url
    assert shown == {"document", "indicator", "goal", "data"}
