"""Page rendering's speed levers of stop 32 (issue 21 item 6), each against what it replaced: values output
as escaped text, the portal's compiled templates against Jinja's own, render_page, charts and terms made
once, places in words, conflicts' sides, and the page bench (bench/pages.py)."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from jinja2 import Environment, StrictUndefined
from markupsafe import escape

from conftest import ROOT, real
from portal import incremental, pages, rendering, routing


# Stop 32: every kind of output position, with every kind of value a template outputs.
OUTPUTS = ('{{ who }}|{{ safe }}|{{ number }}|{{ none }}|{{ html_obj }}|{{ _("Skip") }}|{{ _("Hello %(name)s", name=who) }}'
           '{% macro m(x) %}<{{ x }}|{{ _("Skip") }}>{% endmacro %}|{{ m(who) }}|{{ m(safe) }}'
           '{% set block %}[{{ who }}{{ number }}]{% endset %}|{{ block }}|{{ block|length }}'
           '{% macro wrap() %}({{ caller() }}){% endmacro %}|{% call wrap() %}{{ who }}{% endcall %}'
           '{% filter upper %}{{ who }}x{% endfilter %}|{% for x in [who, safe, 3] %}{{ x }}{% endfor %}'
           '{% autoescape false %}|{{ who }}{% endautoescape %}|{{ m(who)|length }}|{{ [who]|join(",") }}')


class HTMLObject:
    def __html__(self):
        return "<b>made</b>"


def test_output_text_is_what_escape_outputs_for_every_kind_of_value():
    for value in ("", "plain", "<script>&\"'", "中文 & <b>", rendering.Markup("<i>safe</i>"), 0, 1.5, None, True,
                  HTMLObject(), ["<x>"], rendering.Markup("")):
        assert rendering.output_text(value) == str(escape(value)), value
        assert type(rendering.output_text(value)) in (str, rendering.Markup)


def test_pages_compiled_for_the_portal_output_what_jinjas_own_compiling_outputs():
    from test_cold import HOSTILE, catalog
    from jinja2 import DictLoader
    from jinja2.compiler import CodeGenerator

    rendered, codes = [], []
    for generator in (CodeGenerator, None):
        env = Environment(loader=DictLoader({"page.html": OUTPUTS}), undefined=StrictUndefined, autoescape=True,
                          extensions=["jinja2.ext.i18n"])
        rendering.install_translations(env, catalog(HOSTILE))
        env.code_generator_class = generator or env.code_generator_class
        values = dict(who="<Ann & 'Bo'>", safe=rendering.Markup("<em>x</em>"), number=7, none=None, html_obj=HTMLObject())
        rendered.append(env.get_template("page.html").render(**values))
        codes.append(env.compile(OUTPUTS, raw=True))
    assert rendered[0] == rendered[1]
    assert "&lt;Ann &amp; &#39;Bo&#39;&gt;|<em>x</em>|7|None|<b>made</b>|&lt;script&gt;跳过&lt;/script&gt; &amp; %|" \
        in rendered[1]
    assert "output_text(" in codes[1] and "escape(" not in codes[1].replace("(escape if", "")  # the volatile block
    assert "Markup('&lt;script&gt;跳过" not in codes[1]  # a translation alone is the template's text


def test_a_page_renders_as_template_render_did_and_its_errors_name_the_template_line(tmp_path):
    from jinja2 import FileSystemLoader
    from portal.errors import ContentError

    templates = {"page.html": '{{ page.kind }}|{{ lang }}|{{ alternate }}|{{ words }}|{{ site }}\n{{ shout(words) }}\n'
                              '{% if broken %}{{ words|failing }}{% endif %}'}
    (tmp_path / "page.html").write_text(templates["page.html"])
    env = rendering.PortalEnvironment(loader=FileSystemLoader(tmp_path), undefined=StrictUndefined, autoescape=True)
    env.globals.update(lang="<en>", shout=str.upper)
    env.filters["failing"] = lambda value: 1 / 0
    page = pages.Page("home", "", "en", "page.html", Path("content"), lambda site: {"words": "a & b", "broken": site})
    made = rendering.render_page({"en": env}, page, "")
    assert made == env.get_template("page.html").render(page=page, site="", alternate="/zh/", words="a & b",
                                                         broken="")
    assert made == "home|&lt;en&gt;|/zh/|a &amp; b|\nA &amp; B\n"
    assert env.get_template("page.html").globals is env.globals  # one dict, not a ChainMap copied key by key
    own = env.from_string("{{ lang }}|{{ shout('x') }}", globals={"lang": "own"})  # globals of its own
    assert own.render() == "own|X" and env.globals["lang"] == "<en>"
    with pytest.raises(TypeError):  # Jinja would add them to the environment's globals here
        env.get_template("page.html", globals={"lang": "own"})
    try:
        rendering.render_page({"en": env}, page, "yes")
    except ContentError as error:
        assert str(error.src) == "templates/page.html:3" and "ZeroDivisionError" in error.message
    else:
        raise AssertionError("a failing filter must fail the page")


def test_charts_and_related_terms_made_once_give_each_page_the_same_context_and_reads(fixture_site, monkeypatch):
    site, states = fixture_site.site, fixture_site.translations
    chosen = [p for p in pages.assemble(site, Path("content")) if p.kind in ("indicator", "print", "home")]

    def made(shared=None):
        found = []
        for page in chosen:
            view = incremental.SiteView(site, states, {} if shared is None else shared)
            context = {name: item for name, item in page.context(view).items()  # what these levers make
                       if name in ("chart", "terms", "categories", "standings")}
            found.append((repr(context), view.all_reads()))
        return found

    now, once = made(), {}  # each page its own shared things: reads made later by one (chains) are not another's
    assert [context for context, _ in made(once)] == [context for context, _ in now]
    assert any(name.startswith("chart ") for name in once) and "terms by their Chinese" in once
    assert [context for context, _ in made(once)] == [context for context, _ in now]  # taken from what was made
    # as before: each chart made on the page's own view, each page's terms looked for in every term's text
    monkeypatch.setattr(pages, "_full_chart", lambda view, i, lang: pages._chart(
        view, view.indicator(i), pages._values(view).get(i, []), lang))
    monkeypatch.setattr(pages, "_related_terms", lambda view, indicator, values: [
        t for t in view.terms if t.term.zh in indicator.name.zh + " ".join(v.source.quote for v in values)])
    assert made() == now


def old_paragraph_words(document, anchor: str, lang: str) -> str:
    """pages.paragraph_words as it was: every heading before the anchor put in words."""
    words = pages.PARAGRAPH_WORDS[lang]
    heading, counts = None, {}
    for block in document.bodies[lang].blocks:
        if block.kind == "heading":
            heading, counts = pages._heading_words(block.text, lang), {}
            if block.anchor == anchor:
                return words["heading"].format(heading=heading)
            continue
        if block.kind == "footnote":
            if block.anchor == anchor:
                return words["footnote"].format(n=pages._note_marks(document.bodies[lang])[anchor.removeprefix("fn-")])
            continue
        counts[block.kind] = counts.get(block.kind, 0) + 1
        if block.anchor == anchor:
            place = words.get(block.kind, words["paragraph"]).format(n=counts[block.kind])
            section = words["section"].format(heading=heading) if heading else words["start"]
            return section + words["join"] + place
    return anchor


def test_places_in_words_are_what_they_were_for_every_real_and_fixture_anchor(fixture_site):
    documents = [*fixture_site.site.documents, *real().site.documents]
    checked = 0
    for document in documents:
        for lang in ("zh", "en"):
            for anchor in [b.anchor for b in document.bodies[lang].blocks] + ["no-such-anchor"]:
                assert pages.paragraph_words(document, anchor, lang) == old_paragraph_words(document, anchor, lang)
                checked += 1
    assert checked > 1000
    # a heading with no words left in English (only Chinese) still reads as the opening, as it did
    heading = dataclasses.replace(documents[0].bodies["en"].blocks[0], kind="heading", text="七新", anchor="h")
    body = dataclasses.replace(documents[0].bodies["en"], blocks=(heading, *documents[0].bodies["en"].blocks[1:]))
    document = dataclasses.replace(documents[0], bodies={**documents[0].bodies, "en": body})
    for block in body.blocks[1:4]:
        assert pages.paragraph_words(document, block.anchor, "en") == old_paragraph_words(document, block.anchor, "en")


def test_the_sides_of_every_conflict_are_what_each_call_made_with_the_same_reads(fixture_site):
    for site in (fixture_site.site, real().site):
        for lang in ("zh", "en"):
            views = [incremental.SiteView(site, {}) for _ in range(2)]
            once = pages.conflicts_by_kind(views[0], lang), pages.agreements(views[0], lang)
            each = ([(kind, [{**entry, "sides": pages.value_sides(views[1], entry["conflict"].values,
                                                                  entry["conflict"].sides, lang)} for entry in entries])
                     for kind, entries in pages.conflicts_by_kind(views[1], lang)],
                    [{**entry, "sides": pages.value_sides(views[1], (entry["value"].id,) + entry["value"].consistent.others,
                                                          (), lang)} for entry in pages.agreements(views[1], lang)])
            strip = lambda made: repr(made).replace(" object at 0x", "")  # noqa: E731
            assert re.sub(r"[0-9a-f]{12}", "", strip(once)) == re.sub(r"[0-9a-f]{12}", "", strip(each))
            assert views[0].reads == views[1].reads


def test_the_page_bench_renders_what_the_build_publishes(fixture_site):
    import importlib.util
    from conftest import FIXTURE

    spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "bench" / "pages.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    environments, todo, make_view = bench.pages_of(FIXTURE)
    times: dict = {}
    made = bench.render_serially(environments, todo, make_view, times)
    assert len(made) == len(todo) > 20 and sum(len(each) for each in times.values()) == len(todo)
    for page, (data, _reads) in zip(todo, made):
        assert data == fixture_site.files[routing.output_path(page.url)], page.url
