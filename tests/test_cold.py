"""The cold and warm build levers of issue 21 item 6 (stop 30): each makes the same bytes as the work it
replaces, checked against that work."""
from __future__ import annotations

import gettext
import io

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from jinja2 import DictLoader, Environment, StrictUndefined

from portal import rendering

TEMPLATES = {
    "page.html": '{% from "_macros.html" import note with context %}<p>{{ _("Skip") }}|{{ _("100%% sure") }}|'
                 '{{ _("Hello %(name)s", name=who) }}|{{ _("Main") ~ tail }}|{{ _("Main")|length }}|{{ note() }}|'
                 '{% set _ = upper %}{{ _("Main") }}</p>'
                 '{% macro shadowed(_) %}{{ _("Skip") }}{% endmacro %}{{ shadowed(upper) }}'
                 '{% for x in [1] %}{{ _("Skip") }}{% endfor %}{{ _("Unknown") }}{{ _(who) }}'
                 '{{ ngettext("%(num)s page", "%(num)s pages", 2) }}',
    "_macros.html": '{% macro note() %}<span title="{{ _("Main") }}">{{ _("Hello %(name)s", name=who) }}</span>'
                    '{% endmacro %}',
    "broken.html": '{{ _("Half price") }}',
}


def catalog(strings: dict[str, str]) -> gettext.GNUTranslations:
    made = Catalog(locale="zh_Hans_CN", charset="utf-8")
    for message, translation in strings.items():
        made.add(message, translation)
    buffer = io.BytesIO()
    write_mo(buffer, made)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


HOSTILE = {"Skip": "<script>跳过</script> & %%", "100%% sure": "百分之百 %%", "Hello %(name)s": "<b>你好</b> %(name)s",
           "Main": "主要 \"'<", "%(num)s page": "%(num)s 页"}


def environment(strings: dict[str, str], translated: bool, compiled=None) -> Environment:
    env = Environment(loader=DictLoader(TEMPLATES), undefined=StrictUndefined, autoescape=True,
                      extensions=["jinja2.ext.i18n"], bytecode_cache=compiled)
    rendering.install_translations(env, catalog(strings))
    if not translated:  # Jinja's own code generator: every _() a call at render time
        env.code_generator_class = rendering.CodeGenerator
    return env


def render(env: Environment, name: str = "page.html") -> str:
    return env.get_template(name).render(who="<i>Ann</i>", tail="<tail>", upper=str.upper)


def test_translated_templates_render_what_the_calls_did():
    plain, translated = environment(HOSTILE, False), environment(HOSTILE, True)
    assert render(translated) == render(plain)
    assert "&lt;script&gt;跳过&lt;/script&gt; &amp; %" in render(translated)  # escaped once, formatted as Jinja does
    assert "SKIP" in render(translated)  # a `_` set in the template or a macro's parameter is left alone


def test_constant_texts_are_written_into_the_compiled_template():
    source = TEMPLATES["_macros.html"]
    code = environment(HOSTILE, True).compile(source, raw=True)
    assert "Markup('主要 &#34;&#39;&lt;')" in code and "(Markup('&lt;b&gt;你好&lt;/b&gt; %(name)s') % {'name': " in code
    assert "Markup('主要" not in environment(HOSTILE, False).compile(source, raw=True)
    assert "Markup('主要" not in environment(HOSTILE, True).compile(TEMPLATES["page.html"], raw=True)  # binds _


def test_a_text_that_does_not_format_still_fails_when_rendered():
    for translated in (False, True):
        with pytest.raises(ValueError):
            render(environment({"Half price": "五折 (50%)"}, translated), "broken.html")


def test_languages_sharing_compiled_templates_keep_their_own_translations():
    compiled = rendering.CompiledTemplates()
    zh = environment(HOSTILE, True, compiled)
    other = environment({**HOSTILE, "Main": "Principal"}, True, compiled)
    assert "主要" in render(zh) and "Principal" in render(other) and "主要" not in render(other)
    again = environment(HOSTILE, True, compiled)  # from the kept bytecode
    assert render(again) == render(environment(HOSTILE, False))


def test_other_catalogs_are_not_written_into_templates():
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"])
    rendering.install_translations(env, gettext.NullTranslations())
    assert env.code_generator_class is not rendering.TranslatedCodeGenerator
