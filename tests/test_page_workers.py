"""The page workers' levers of issue 21 item 6 (stop 35): each makes the same bytes and the same reads as the
work it replaces, checked against that work."""
from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, Template, nodes
from markupsafe import escape

from conftest import first_fixture_build, real
from portal import compiling, incremental, pages, rendering


def environments() -> dict[str, Environment]:
    """The fixture build's environments (the portal's templates, each language's catalog)."""
    builder, _ = first_fixture_build()
    return builder.pending[0]


def test_an_environment_keeps_its_templates_in_a_dict_one_object_a_name():
    for env in environments().values():
        assert type(env.cache) is dict  # Jinja's LRU cache reordered a queue on every look-up
        names = env.list_templates(extensions=["html"])
        loaded = [env.get_template(name) for name in names]
        assert [env.get_template(name) for name in names] == loaded
        assert all(again is first for again, first in zip([env.get_template(n) for n in names], loaded))
        assert len(env.cache) == len(names)


class WrittenWhereUsed(rendering.TranslatedCodeGenerator):
    """The code generator as it was: each translation written as `Markup('…')` where it is used."""

    def translation(self, translated) -> str:
        return repr(translated)


def test_each_translation_is_a_name_of_the_module_standing_for_the_code_written_before():
    for lang, env in environments().items():
        for name in env.list_templates(extensions=["html"]):
            source, filename, _ = env.loader.get_source(env, name)
            tree = compiling.parsed(name, source)
            code = env.compile(tree, name, filename, raw=True)
            env.code_generator_class = WrittenWhereUsed
            try:
                before = env.compile(tree, name, filename, raw=True)
            finally:
                env.code_generator_class = rendering.TranslatedCodeGenerator
            names = dict(re.findall(r"^(translation_\d+) = (Markup\(.*\))$", code, flags=re.M))
            assert (name, lang, bool(names)) == (name, lang, "Markup(" in before)
            body = re.sub(r"\ntranslation_\d+ = Markup\(.*\)$", "", code, flags=re.M)
            assert re.sub(r"\btranslation_\d+\b", lambda m: names[m.group(0)], body) == before, (name, lang)


def test_a_translation_is_made_once_and_names_no_template_variable():
    env = rendering.PortalEnvironment(autoescape=True, **compiling.PARSING)
    env.context_class = rendering.QuickCalls
    rendering.install_translations(env, FixedCatalog())
    env.code_generator_class = rendering.TranslatedCodeGenerator  # as for a plain compiled catalog
    env.translate = lambda message: escape(FixedCatalog().gettext(message))
    source = ('{% macro mine() %} [{{ _("met") }}]{% endmacro %}{% set translation_0 = "mine" %}'
              '{% set words = {"met": _("met")} %}{{ translation_0 }} {{ words.met }} {{ _("%(n)s left", n="<2>") }}'
              '{{ mine() }}')
    code = env.compile(source, raw=True)
    assert "translation_0 = Markup('erreicht')\ntranslation_1 = Markup('%(n)s übrig')" in code
    template = env.from_string(source)
    assert template.render() == "mine erreicht &lt;2&gt; übrig [erreicht]"
    first, second = template.module.words["met"], template.make_module().words["met"]
    assert first == "erreicht" and first is second  # one Markup for every page that renders it


class FixedCatalog:
    """A catalog of two translations; one with markup, which the environment escapes."""

    MESSAGES = {"met": "erreicht", "%(n)s left": "%(n)s übrig"}

    def gettext(self, message: str) -> str:
        return self.MESSAGES.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


def old_indicator_context(site, page: pages.Page) -> dict:
    """What the indicator page took, and how, before the indexes shared by the pages of a process."""
    indicator = site.indicator(page.key)
    values = pages._values(site).get(page.key, [])
    return {"conflicts": [c for c in site.conflicts if indicator.id in c.indicators],
            "themes": [t for t in site.themes if indicator.id in t.indicators],
            "goals": pages._chains(site).about(g for g in site.goals if page.key in g.indicators),
            "category": [c for c in site.categories if c.id == indicator.category][0],
            "agreeing": [v for v in values if v.consistent]}


def test_an_indicator_pages_records_are_those_it_looked_through_with_the_same_reads(fixture_site):
    found = {"conflicts": 0, "themes": 0, "goals": 0, "agreeing": 0}
    for built in (fixture_site, real()):
        site, states, shared = built.site, built.translations, {}
        for page in [p for p in pages.assemble(site, Path("content")) if p.kind == "indicator"]:
            view, before = incremental.SiteView(site, states, shared), incremental.SiteView(site, states, shared)
            context, old = page.context(view), old_indicator_context(before, page)
            assert {key: context[key] for key in old} == old, page.key
            assert before.all_reads() <= view.all_reads(), page.key
            found = {key: count + bool(old[key]) for key, count in found.items()}
    assert all(found.values()), found  # pages with each of them, and without


def test_whether_a_template_binds_gettext_is_found_once_for_both_languages(monkeypatch):
    walked = []
    find_all = nodes.Node.find_all
    binding = (nodes.Name, nodes.Macro, nodes.Import, nodes.FromImport)  # what binds_gettext looks for
    monkeypatch.setattr(nodes.Node, "find_all",
                        lambda node, kinds: (kinds == binding and walked.append(node)) or find_all(node, kinds))
    rendering.binds_gettext.cache_clear()
    for env in environments().values():
        for name in env.list_templates(extensions=["html"]):
            source, filename, _ = env.loader.get_source(env, name)
            env.compile(compiling.parsed(name, source), name, filename, raw=True)
    trees = {id(compiling.parsed(n, environments()["en"].loader.get_source(environments()["en"], n)[0]))
             for n in environments()["en"].list_templates(extensions=["html"])}
    assert sum(1 for node in walked if id(node) in trees) == len(trees)  # was once a language
    twin = Environment(extensions=["jinja2.ext.i18n"])
    assert [rendering.binds_gettext(twin.parse(s)) for s in ('{% set _ = 1 %}', '{{ _("a") }}', '{% set _ = 1 %}')] \
        == [True, False, True]


def test_an_indicator_page_imports_the_assessments_macros_only_when_it_shows_assessments(fixture_site, monkeypatch):
    imported = []
    make_module = Template.make_module
    monkeypatch.setattr(Template, "make_module", lambda self, *a, **k: imported.append(self.name) or make_module(self, *a, **k))
    site, states, shared = fixture_site.site, fixture_site.translations, {}
    shown = set()
    for page in [p for p in pages.assemble(site, Path("content")) if p.kind == "indicator"]:
        imported.clear()
        view = incremental.SiteView(site, states, shared)
        html = rendering.render_page(environments(), page, view)
        assessed = bool(pages._assessed(view).get(page.key))
        assert ("_assessments.html" in imported) == assessed == ('class="indicator-assessments"' in html), page.key
        assert imported.count("_labels.html") == 1 + assessed + ("_goals.html" in imported)  # each imports it again
        shown.add(assessed)
    assert shown == {True, False}
