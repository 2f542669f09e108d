"""The page stage's levers of issue 21 item 6 (stop 31): each makes the same bytes and the same reads as
the work it replaces, checked against that work."""
from __future__ import annotations

import dataclasses
import itertools
import os
import re
from pathlib import Path

from jinja2 import Environment, StrictUndefined, nodes, pass_context, pass_environment, pass_eval_context
from jinja2.runtime import Context
from markupsafe import escape

from conftest import ROOT, first_fixture_build, real
from portal import blocks, incremental, pages, pairs, parallel, rendering, routing, siteview


def indicator_pages(site) -> list[pages.Page]:
    return [p for p in pages.assemble(site, Path("content")) if p.kind == "indicator"]


def test_a_views_documents_are_made_once_and_every_read_is_noted(fixture_site):
    view = incremental.SiteView(fixture_site.site, fixture_site.translations)
    first = view.documents
    assert [d._document for d in first] == list(fixture_site.site.documents)
    view.reads.clear()
    assert view.documents is first and view.reads == {("documents", "")}
    first[0].bodies  # noqa: B018 (a read of the bodies through the kept views is noted on this view)
    assert ("bodies", first[0].id) in view.reads


def test_an_indicator_page_wraps_only_the_documents_its_values_come_from(fixture_site, monkeypatch):
    made = []

    class Counted(siteview.DocumentView):
        __slots__ = ()

        def __init__(self, document, reads) -> None:
            made.append(document.id)
            super().__init__(document, reads)

    monkeypatch.setattr(siteview, "DocumentView", Counted)
    site, shared = fixture_site.site, {}
    for page in indicator_pages(site):
        made.clear()
        view = incremental.SiteView(site, fixture_site.translations, shared)
        page.context(view)
        stating = {v.document for v in site.values if v.indicator == page.key}
        assert set(made) <= stating, page.key  # was every document of the site, for each chart
        assert {("documents", d) for d in stating} <= view.all_reads()  # the chart: a shared computation (stop 32)


# The side-by-side page as it was written before pairs.py: a macro per column, two calls a block.
OLD_PARALLEL = r'''{% extends "base.html" %}
{% block title %}{{ _("Chinese and English side by side: %(title)s", title=document.title[lang]) }}{% endblock %}
{% block description %}{{ document.summary[lang] }}{% endblock %}
{% block head %}
<script src="{{ asset('fragment.js') }}" defer></script>
{% endblock %}
{% macro column(html, block, own) %}
{% if block.kind == "heading" and own %}<h{{ block.level }}>{{ html|safe }}</h{{ block.level }}>{% elif block.kind == "heading" %}<p class="pair-heading">{{ html|safe }}</p>{% elif block.kind == "footnote" %}<div class="pair-footnote"><span class="footnote-label">[{{ notes.get(block.anchor[3:], block.anchor[3:]) }}]</span> {{ html|safe }}</div>{% elif block.kind == "paragraph" %}<p>{{ html|safe }}</p>{% else %}<p class="pair-{{ block.kind }}">{{ html|safe }}</p>{% endif %}
{% endmacro %}
{% block main %}
{% set zh_html = document.bodies.zh.html|block_map %}
{% set en_html = document.bodies.en.html|block_map %}
{% set document_url = url('document', document.id) %}
{% set pair_label = _('This paragraph in the document') %}
<article class="parallel">
  <header class="document-header">
    <p class="layer-meta">{{ document.kind[lang] }}</p>
    <h1>{{ document.title[lang] }}</h1>
    <p>{{ _("The Chinese text, which is authoritative, and this portal's English translation, block by block.") }}
      <a href="{{ url('document', document.id) }}" data-keep-fragment>{{ _("Back to the document") }}</a></p>
    {% if state.outdated %}<p class="outdated-summary">{{ _("Blocks whose Chinese text changed after they were translated are highlighted: %(count)s.", count=state.outdated|length) }}</p>{% endif %}
  </header>
  <div class="pairs">
    <div class="pair pair-head" aria-hidden="true"><p>{{ _("Chinese original") }}</p><p>{{ _("English translation") }}</p></div>
    {% for state_block in state.blocks %}
    {% set block = document.bodies.zh.block(state_block.anchor) %}
    {% set outdated = state_block.state == "outdated" %}
    <div class="pair{% if outdated %} outdated{% endif %}" id="{{ block.anchor }}"{% if outdated %} data-outdated="true"{% endif %}>
      {% if outdated %}<p class="pair-note">{{ _("Translation may be out of date: the Chinese text changed on %(date)s.", date=state_block.changed|date) }}</p>{% endif %}
      <div class="pair-zh" lang="zh-Hans">{{ column(zh_html.get(block.anchor, ""), block, lang == "zh") }}</div>
      <div class="pair-en" lang="en">{{ column(en_html.get(block.anchor, ""), block, lang == "en") }}</div>
      <a class="permalink pair-link" href="{{ document_url }}#{{ block.anchor }}" aria-label="{{ pair_label }}">¶</a>
    </div>
    {% endfor %}
    {% for block in document.bodies.en.blocks if block.anchor.startswith("fn-tn-") %}
    <div class="pair pair-tn" id="{{ block.anchor }}">
      <p class="pair-label">{{ _("Translator's note (not in the Chinese)") }}</p>
      <div class="pair-en" lang="en">{{ column(en_html.get(block.anchor, ""), block, lang == "en") }}</div>
      <a class="permalink pair-link" href="{{ url_in('document', 'en', document.id) }}#{{ block.anchor }}" hreflang="en" aria-label="{{ pair_label }}">¶</a>
    </div>
    {% endfor %}
  </div>
</article>
{% endblock %}
'''
OLD_COLUMN = OLD_PARALLEL[OLD_PARALLEL.index("{% macro"):OLD_PARALLEL.index("{% block main")]


def test_the_side_by_side_page_is_what_the_column_macro_made(fixture_site):
    """Every fixture document in both languages, with its translation state as built and with every block
    outdated (the fixture has no outdated block, a translator's note or a footnote beside its Chinese)."""
    builder, _ = first_fixture_build()
    environments = builder.pending[0]
    site, shared = fixture_site.site, {}
    parallels = [p for p in pages.assemble(site, Path("content")) if p.kind == "parallel"]
    assert parallels
    for page in parallels:
        env = environments[page.lang]
        for states in (fixture_site.translations, {page.key: all_outdated(fixture_site.translations[page.key])}):
            view = incremental.SiteView(site, states, shared)
            new = rendering.render_page(environments, page, view)
            document, state = view.document(page.key), view.state(page.key)
            old = env.from_string(OLD_PARALLEL).render(
                page=page, site=view, alternate=routing.url_for(page.kind, routing.other_lang(page.lang), page.key),
                document=document, state=state, notes=pages._note_marks(document.bodies["en"]))
            assert new == old, page.url
        assert 'data-outdated="true"' in new


def all_outdated(state):
    return dataclasses.replace(state, blocks=tuple(dataclasses.replace(b, state="outdated", changed="2041-03-05")
                                                   for b in state.blocks))


def test_a_column_is_what_the_macro_made_for_every_real_and_fixture_block(fixture_site):
    builder, _ = first_fixture_build()
    env = builder.pending[0]["en"]
    macro = env.from_string(OLD_COLUMN + "{{ column(html, block, own) }}")
    seen = set()
    for site in (fixture_site.site, real().site):
        for document in site.documents:
            notes = pages._note_marks(document.bodies["en"])
            for lang in ("zh", "en"):
                cut = blocks.block_map(document.bodies[lang].html)
                for block in document.bodies[lang].blocks:
                    for own in (True, False):
                        old = macro.render(html=cut.get(block.anchor, ""), block=block, own=own, notes=notes)
                        assert pairs.column(cut.get(block.anchor, ""), block, own, notes) == old
                    seen.add(block.kind)
    assert {"heading", "paragraph", "footnote", "item", "row"} <= seen
    hostile = dataclasses.replace(next(b for b in document.bodies["en"].blocks), kind='x"><script>', anchor="fn-<b>")
    assert pairs.column("<i>x</i>", hostile, False, {}) == macro.render(html="<i>x</i>", block=hostile, own=False,
                                                                         notes={})


def test_pages_are_scheduled_list_pages_alone_first_then_each_records_pages_together(fixture_site):
    assembled = pages.assemble(fixture_site.site, Path("content"))
    chunks = parallel.schedule(assembled, 2)
    order = [i for chunk in chunks for i in chunk]
    assert sorted(order) == list(range(len(assembled)))
    lists = [i for i, page in enumerate(assembled) if not page.key]
    assert [chunk for chunk in chunks[:len(lists)]] == [[i] for i in lists]
    keys = [assembled[i].key for i in order[len(lists):]]
    assert keys == sorted(keys)  # a record's pages, both languages and every kind, one after the other
    document = fixture_site.site.documents[0].id
    assert {(assembled[i].kind, assembled[i].lang) for i in order if assembled[i].key == document} == \
        {(kind, lang) for kind in ("document", "parallel") for lang in ("zh", "en")}
    assert len(chunks) <= len(lists) + 2 * 16


def test_forked_workers_give_each_page_what_one_process_gives_and_make_shared_things_once_each(fixture_site,
                                                                                                  monkeypatch):
    builder, _ = first_fixture_build()
    environments, site, states = builder.pending[0], fixture_site.site, fixture_site.translations
    assembled = pages.assemble(site, Path("content"))
    made, counter = [], itertools.count()

    def make_view(shared):
        if not shared:  # a new `shared`: numbered within its process
            shared["made in"] = f"{os.getpid()}-{next(counter)}"
        view = incremental.SiteView(site, states, shared)
        view.reads.add(("made in", str(shared["made in"])))
        return view

    serial = dict(parallel.render_all(environments, assembled, make_view, 10**9))
    forked = dict(parallel.render_all(environments, assembled, make_view, 0, workers=2,
                                      advance=made.append))
    assert sorted(forked) == list(range(len(assembled))) and sum(made) == len(assembled)
    assert all(forked[i][0] == serial[i][0] for i in forked)
    assert len({read for _, reads in forked.values() for read in reads if read[0] == "made in"}) <= 2


def old_binds_gettext(template) -> bool:
    """rendering.binds_gettext as it was: four walks of the template."""
    names = [n.name for n in template.find_all(nodes.Name) if n.ctx != "load"]
    names += [n.name for n in template.find_all(nodes.Macro)] + [n.target for n in template.find_all(nodes.Import)]
    names += [alias if isinstance(alias, str) else alias[1] for n in template.find_all(nodes.FromImport)
              for alias in n.names]
    return "_" in names


def test_binding_gettext_is_found_in_one_walk_as_in_four():
    env = Environment(extensions=["jinja2.ext.i18n"])
    sources = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "templates").glob("*.html"))]
    sources += ['{% set _ = x %}', '{% for _ in y %}{% endfor %}', '{% macro _() %}{% endmacro %}',
                '{% macro m(_) %}{% endmacro %}', '{% import "a" as _ %}', '{% from "a" import b as _ %}',
                '{{ _("x") }}', '{% set a, _ = b %}',
                '{% with _ = 1 %}{% endwith %}', '{% set ns = namespace() %}{% set ns._ = 1 %}']
    found = [rendering.binds_gettext(env.parse(source)) for source in sources]
    assert found == [old_binds_gettext(env.parse(source)) for source in sources]
    assert found[-10:] == [True, True, True, True, True, True, False, True, True, False]


class Marked:
    """A callable class whose __call__ asks for the context."""

    @pass_context
    def __call__(self, context, word):
        return f"{context['who']}:{word}"


class Holder:
    @pass_context
    def method(self, context, word):
        return f"{context.get('looped', '-')}/{word}"

    def plain(self, word):
        return word.upper()


def stops():
    raise StopIteration


CALLS = ('{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(who) }}|{{ ctx("a") }}|{{ envd("b") }}|{{ evald("c") }}|'
         '{{ marked("d") }}|{{ holder.method("e") }}|{{ holder.plain("f") }}|{{ plain("g", k=1) }}|{{ {"a": 1}.get("a") }}|'
         '{% for looped in [1, 2] %}{% set inner = looped %}{{ ctx("h") }}{{ holder.method("i") }}{% endfor %}|{% set s = ctx("j") %}{{ s }}|'
         '{{ stops() is undefined }}|{{ len([1]) }}|{{ "x".upper() }}|{{ cycler("p", "q").next() }}|'
         '{% macro w(y="d") %}[{{ caller(y) }}{{ varargs }}{{ kwargs }}]{% endmacro %}'
         '{% call(z) w("e", 1, k=2) %}{{ m(x=z) }}{% endcall %}|{% for n in [1] %}{{ m(n) }}{% endfor %}')


def test_quick_calls_call_each_kind_of_callable_as_jinjas_context_does():
    helpers = dict(ctx=pass_context(lambda context, word: f"{context.get('inner', '-')}{context['who']}{word}"),
                   envd=pass_environment(lambda env, word: f"{env.autoescape}{word}"),
                   evald=pass_eval_context(lambda eval_ctx, word: f"{eval_ctx.autoescape}{word}"),
                   marked=Marked(), holder=Holder(), plain=lambda word, k: f"{word}{k}", stops=stops, len=len)
    rendered = []
    for context_class in (Context, rendering.QuickCalls):
        env = Environment(autoescape=True, undefined=StrictUndefined)
        env.context_class = context_class
        env.globals.update(helpers)
        rendered.append(env.from_string(CALLS).render(who="<Ann>"))
    assert rendered[0] == rendered[1]
    assert "<&lt;Ann&gt;>|-&lt;Ann&gt;a|Trueb|Truec|&lt;Ann&gt;:d|-/e|F|g1|1|" in rendered[1]
    assert "|1&lt;Ann&gt;h-/i2&lt;Ann&gt;h-/i|-&lt;Ann&gt;j|True|1|X|p" in rendered[1]  # a loop's set seen
    assert "|[<e>(1,){&#39;k&#39;: 2}]|<1>" in rendered[1]  # macros, their callers, in a loop (stop 32)
    assert rendering.MACRO_TAKES_EVAL_CONTEXT  # else every macro goes through Jinja's call


def test_the_environments_use_quick_calls():
    builder, _ = first_fixture_build()
    assert all(env.context_class is rendering.QuickCalls for env in builder.pending[0].values())


def old_annotate_links(body_html: str, parallel: str, label: str) -> str:
    """annotate_blocks' links as they were made: the pattern looked up and the label escaped for each block."""
    return re.sub(r'(<a [^>]*\bclass="permalink"[^>]*\bhref="#([^"]+)"[^>]*>¶</a>)',
                  lambda m: f'{m.group(1)}<a class="parallel-link" href="{parallel}#{m.group(2)}" '
                            f'aria-label="{escape(label)}">⇄</a>', body_html)


def test_the_links_to_the_parallel_view_are_what_they_were_for_every_real_and_fixture_body(fixture_site):
    bodies = [d.bodies[lang].html for site in (fixture_site.site, real().site) for d in site.documents
              for lang in ("zh", "en")]
    for label in ("Chinese and English side by side", escape('"<&>"'), '"<&>"'):
        for body in bodies:
            assert blocks.annotate_blocks(body, (), None, "parallel/", label) == \
                old_annotate_links(body, "parallel/", label)
    assert "⇄" in blocks.annotate_blocks(bodies[0], (), None, "parallel/", "x")
