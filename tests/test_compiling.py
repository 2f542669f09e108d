"""Templates parsed once (portal/compiling.py): the tree shared by the UI strings' extraction and by both
languages' compiled code gives what parsing each time gave: the same code, the same messages, the same errors."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from jinja2 import DictLoader, Environment, TemplateSyntaxError
from jinja2.optimizer import Optimizer
from jinja2.parser import Parser

from conftest import ROOT
from test_cold import catalog
from portal import compiling, i18n, rendering
from portal.model import LANGS


class Site:  # what make_environments reads of a site (refresh_environments)
    class model:
        base_url, book = "https://example.org/", "book"
    documents = ()


class JinjaOptimizing(rendering.TranslatedCodeGenerator):
    """The code generator with Jinja's own optimizer (which folds constants in the tree it is given)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.optimizer = Optimizer(self.environment)


@pytest.fixture(scope="module")
def environments() -> dict[str, Environment]:
    return rendering.make_environments(ROOT / "templates", i18n.load_catalogs(ROOT), Site, {}, False,
                                       rendering.CompiledTemplates())


def code_of(env: Environment, name: str, source_or_tree, generator=None) -> str:
    kept, env.code_generator_class = env.code_generator_class, generator or env.code_generator_class
    try:
        return env.compile(source_or_tree, name, f"templates/{name}", raw=True)
    finally:
        env.code_generator_class = kept


def test_the_shared_tree_gives_each_language_the_code_parsing_twice_gave_for_every_real_template(environments):
    names = environments["zh"].list_templates(extensions=["html"])
    assert len(names) >= 30
    for name in names:
        source = (ROOT / "templates" / name).read_text(encoding="utf-8")
        tree = compiling.parsed(name, source)
        before = repr(tree)
        for lang in LANGS:
            env = environments[lang]
            shared = code_of(env, name, tree)
            assert shared == code_of(env, name, source), (name, lang)  # its own tree, parsed again
            assert shared == code_of(env, name, source, JinjaOptimizing), (name, lang)  # Jinja's optimizer
        assert repr(tree) == before, name  # the code generators left it as they found it
        assert compiling.parsed(name, source) is tree  # parsed once


def test_a_constant_folded_by_one_languages_filter_is_not_left_in_the_tree_for_the_other():
    source = '<p>{{ 1234.5|number }}|{{ x ~ (5|number) }}|{{ _("Main") }}</p>'  # x: a child folded in place
    environments = {}
    for lang, strings in (("zh", {"Main": "主要"}), ("en", {"Main": "Main"})):
        env = Environment(loader=DictLoader({"page.html": source}), autoescape=True, **compiling.PARSING,
                          bytecode_cache=rendering.CompiledTemplates())
        env.code_generator_class = compiling.KeptTreeCodeGenerator
        rendering.install_translations(env, catalog(strings))
        env.filters["number"] = lambda n, _lang=lang: f"{_lang}:{n}"
        environments[lang] = env
    tree = compiling.parsed("page.html", source)
    before = repr(tree)
    for lang, env in environments.items():
        assert code_of(env, "page.html", tree) == code_of(env, "page.html", source)
        assert code_of(env, "page.html", tree) == code_of(env, "page.html", source, JinjaOptimizing)
    assert repr(tree) == before
    assert environments["zh"].get_template("page.html").render(x="x") == "<p>zh:1234.5|xzh:5|主要</p>"
    assert environments["en"].get_template("page.html").render(x="x") == "<p>en:1234.5|xen:5|Main</p>"


def test_an_environment_that_parses_otherwise_compiles_its_own_tree():
    source = "<p>\n  {% if x %}{{ x }}{% endif %}\n</p>"
    plain = Environment(**compiling.PARSING)
    plain.code_generator_class = compiling.KeptTreeCodeGenerator
    assert compiling.compile_parsed(plain, "t.html", None, source) is None  # no newstyle gettext
    plain.newstyle_gettext = True
    assert compiling.compile_parsed(plain, "t.html", None, source) is not None
    for other in (Environment(extensions=["jinja2.ext.i18n"]), Environment(**compiling.PARSING, line_statement_prefix="#")):
        other.newstyle_gettext = True
        other.code_generator_class = compiling.KeptTreeCodeGenerator
        assert compiling.compile_parsed(other, "t.html", None, source) is None
    jinjas = Environment(**compiling.PARSING)  # Jinja's code generator would fold constants into the tree
    jinjas.newstyle_gettext = True
    assert compiling.compile_parsed(jinjas, "t.html", None, source) is None


def test_a_template_that_does_not_compile_reports_its_line_as_jinja_does():
    broken = {"syntax.html": "<p>\n{{ _('Main') }}\n{% if %}\n</p>", "filter.html": "<p>\n\n{{ x|nosuchfilter }}</p>",
              "loop.html": "<p>\n{% for %}"}
    errors = {}
    for compiled in (None, rendering.CompiledTemplates()):
        env = Environment(loader=DictLoader(broken), autoescape=True, **compiling.PARSING, bytecode_cache=compiled)
        env.code_generator_class = compiling.KeptTreeCodeGenerator
        rendering.install_translations(env, catalog({"Main": "主要"}))
        for name in broken:
            with pytest.raises(TemplateSyntaxError) as failed:
                env.get_template(name)
            errors.setdefault(name, []).append((type(failed.value), failed.value.lineno, failed.value.message,
                                                failed.value.name, failed.value.filename))
            assert compiling.parsed(name, broken[name]) is None or name == "filter.html"
    assert all(plain == shared for plain, shared in errors.values()), errors
    assert errors["syntax.html"][0][1] == 3 and errors["filter.html"][0][1] == 3


def test_compiled_templates_keep_code_by_source_and_compile_an_edited_one_again():
    sources = {"page.html": "<p>{{ _('Main') }}</p>"}
    compiled = rendering.CompiledTemplates()

    def render() -> str:
        env = Environment(loader=DictLoader(sources), autoescape=True, **compiling.PARSING, bytecode_cache=compiled)
        rendering.install_translations(env, catalog({"Main": "主要", "Other": "其他"}))
        return env.get_template("page.html").render()

    assert render() == "<p>主要</p>"
    (key, (_, code)), = compiled.store.items()
    assert render() == "<p>主要</p>" and compiled.store[key][1] is code  # taken as it was kept
    sources["page.html"] = "<p>{{ _('Other') }}</p>"
    assert render() == "<p>其他</p>" and compiled.store[key][1] is not code


WHITESPACE = """{# a comment
over two lines #}
<ul>
    {% for item in items -%}
    <li title="{{ _('Item') }}">{{ item }}</li>
      {%- if loop.last %}
    {{ gettext("Last") }}
    {% endif %}
    {% endfor %}
</ul>
{% raw %}{{ _("Not a message") }}{% endraw %}
{{ ngettext("%(num)d page",
            "%(num)d pages", n) }} {{ _(name) }} {{ _() }} {{ _("Two", "args") }}
   {%+ if x %}{{ N_("Kept") }}{% endif %}
{{ _("With %(v)s", v=1) }}
"""
TRANS = "<p>\n    {% trans %}Hello\n    {% endtrans %}\n    {{ _('After') }}\n</p>\n"
PYTHON = '''"""A module."""
x = _ ("spaced")
y = _\\
("joined")
z = catalog.gettext("dotted") + ngettext("one", "many", 3)
def gettext(arg="not a message"):
    return N_("kept")  # _("in a comment")
'''


@pytest.mark.parametrize("method,name,text", [
    ("jinja2", "whitespace.html", WHITESPACE), ("jinja2", "trans.html", TRANS),
    ("jinja2", "broken.html", "{{ _('Before') }}\n{% if %}"), ("python", "calls.py", PYTHON),
    ("python", "none.py", "_, gettext = 1, 2\nfor _ in range(3):\n    pass\n"), ("python", "empty.py", ""),
])
def test_the_ui_strings_are_babels_for_written_cases(tmp_path, method, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    options = next(options for _, _, each, options in i18n.SOURCES if each == method)
    expected = extract_from_file(method, str(path), keywords=i18n.KEYWORDS, options=options)
    assert i18n.file_messages(method, text.encode("utf-8"), Path(name), options) == expected
    if name in ("whitespace.html", "calls.py"):
        assert len(expected) >= 5


def test_the_ui_strings_are_babels_for_every_template_and_engine_file():
    found = 0
    for folder, pattern, method, options in i18n.SOURCES:
        for path in sorted((ROOT / folder).rglob(f"*.{pattern.rsplit('.', 1)[1]}")):
            expected = extract_from_file(method, str(path), keywords=i18n.KEYWORDS, options=options)
            assert i18n.file_messages(method, path.read_bytes(), path.relative_to(ROOT / folder), options) == expected, path
            found += len(expected)
    assert found > 100


def test_an_engine_file_with_no_keyword_call_is_not_tokenized(monkeypatch):
    monkeypatch.setattr(i18n, "extract", lambda *args, **kwargs: pytest.fail("tokenized"))
    for text in ("_, gettext = 1, 2\n", "x = 'no call'\n", "def f(_):\n    return _\n", "N_ = gettext = None\n",
                 "super().__init__(x)\n", "self.my_gettext(y)\n", "XN_(z)\n"):
        assert i18n.file_messages("python", text.encode(), Path("m.py"), {}) == []
    for text in ("_(\"x\")", "_ \t(\"x\")", "_ \\\n  (\"x\")", "t.gettext(\"x\")", "ngettext\\\r\n(\"a\", \"b\", 2)",
                 "x = 1_(\"x\")", "é_(\"x\")"):
        with pytest.raises(pytest.fail.Exception, match="tokenized"):
            i18n.file_messages("python", text.encode(), Path("m.py"), {})


def test_a_template_that_is_not_utf8_fails_as_babel_does():
    with pytest.raises(UnicodeDecodeError):
        i18n.file_messages("jinja2", b"{{ _('\xff') }}", Path("bad.html"), {})


def test_a_build_parses_each_template_once(monkeypatch, tmp_path):
    """The UI strings' extraction and both languages' compiling take one tree of each template."""
    parsed = []
    original = Parser.parse
    monkeypatch.setattr(compiling, "_TREES", {})
    monkeypatch.setattr(Parser, "parse", lambda self: parsed.append(self.name) or original(self))
    translations = i18n.load_catalogs(ROOT)
    environments = rendering.make_environments(ROOT / "templates", translations, Site, {}, False,
                                               rendering.CompiledTemplates())
    for env in environments.values():
        for name in env.list_templates(extensions=["html"]):
            env.get_template(name)
    names = environments["zh"].list_templates(extensions=["html"])
    assert sorted(parsed) == sorted(names)


def copied_templates(tmp_path: Path) -> Path:
    import shutil
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path / "templates"


def test_templates_compiled_ahead_are_the_code_compiled_here_for_every_real_template():
    translations = i18n.load_catalogs(ROOT)
    ahead, here = rendering.CompiledTemplates(), rendering.CompiledTemplates()
    rendering.compile_ahead(ROOT / "templates", translations, ahead)
    assert ahead.ahead is not None  # on its way from the child
    for env in rendering.make_environments(ROOT / "templates", translations, Site, {}, False, here).values():
        for name in env.list_templates(extensions=["html"]):
            env.get_template(name)
    ahead.take_ahead()
    assert len(ahead.store) == len(here.store) >= 60
    for key, (checksum, code) in here.store.items():
        assert ahead.store[key][0] == checksum and ahead.store[key][1] == code, key


def test_a_template_edited_while_compiled_ahead_is_compiled_again(tmp_path):
    templates = copied_templates(tmp_path)
    translations = i18n.load_catalogs(ROOT)
    compiled = rendering.CompiledTemplates()
    rendering.compile_ahead(templates, translations, compiled)
    (templates / "404.html").write_text('{% extends "base.html" %}{% block main %}<p>Edited</p>{% endblock %}',
                                        encoding="utf-8")
    environments = rendering.make_environments(templates, translations, Site, {}, False, compiled)
    assert compiled.ahead is not None
    source = environments["en"].get_template("404.html")
    assert compiled.ahead is None and "Edited" in source.blocks["main"](source.new_context({})).__next__()


def test_a_child_that_fails_leaves_the_templates_to_be_compiled_here(monkeypatch, tmp_path):
    templates = copied_templates(tmp_path)
    translations = i18n.load_catalogs(ROOT)
    monkeypatch.setattr(rendering.CompiledTemplates, "compiled", lambda self, todo: 1 / 0)
    compiled = rendering.CompiledTemplates()
    rendering.compile_ahead(templates, translations, compiled)
    ahead = compiled.ahead
    compiled.take_ahead()
    assert compiled.store == {} and ahead.data == b""
    rendering.make_environments(templates, translations, Site, {}, False, compiled)["zh"].get_template("404.html")
    assert len(compiled.store) == 1  # 404.html, compiled here


def test_nothing_is_compiled_ahead_when_little_is_left_to_compile_or_one_core(monkeypatch, tmp_path):
    templates = copied_templates(tmp_path)
    translations = i18n.load_catalogs(ROOT)
    compiled = rendering.CompiledTemplates()
    monkeypatch.setattr(compiling, "CORES", 1)
    rendering.compile_ahead(templates, translations, compiled)
    assert compiled.ahead is None
    monkeypatch.setattr(compiling, "CORES", 2)
    rendering.compile_ahead(templates, translations, compiled)
    compiled.take_ahead()
    assert len(compiled.store) >= 60
    (templates / "404.html").write_text("<p>Edited</p>", encoding="utf-8")
    rendering.compile_ahead(templates, translations, compiled)  # two left to compile: here, when needed
    assert compiled.ahead is None


def test_what_is_made_ahead_and_never_taken_leaves_no_process_behind():
    ahead = compiling.Ahead(lambda: {"x" * 10: "y" * 4_000_000})  # more than a pipe holds
    ahead.reader.join(timeout=60)
    assert not ahead.reader.is_alive() and ahead.seconds > 0
    with pytest.raises(ChildProcessError):
        os.waitpid(ahead.pid, os.WNOHANG)  # reaped
    assert ahead.take() == {"x" * 10: "y" * 4_000_000}


def test_the_child_keeps_none_of_this_processes_files_open(tmp_path):
    """A build's lock (flock on an open file) let go of by this process is free while the child still runs."""
    import fcntl
    import time
    lock = tmp_path / "site.lock"
    with open(lock, "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        ahead = compiling.Ahead(lambda: time.sleep(30) or {})  # still running when the lock is tried below
    try:
        with open(lock, "a+b") as again:
            fcntl.flock(again, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError if the child held it
    finally:
        os.kill(ahead.pid, 9)
    assert ahead.take() == {}


def test_a_child_that_does_not_finish_is_done_without():
    import time
    ahead = compiling.Ahead(lambda: time.sleep(600) or {"late": "x"})
    assert ahead.take(patience=0.5) == {}
    with pytest.raises(ChildProcessError):
        os.waitpid(ahead.pid, os.WNOHANG)  # killed and reaped



def test_templates_are_compiled_ahead_only_for_a_build_with_no_last_build_to_keep_pages_from(tmp_path, monkeypatch):
    """A warm build in a new process may render no page at all (an input touched): it compiles what its
    pages need when they need it, and starts no child compiling every template."""
    from conftest import FIXTURE, project_for
    from portal import pipeline
    calls = []
    monkeypatch.setattr(rendering, "compile_ahead", lambda *args: calls.append(args))
    cold = pipeline.Builder(project_for(FIXTURE), search_index=False, cache_dir=tmp_path / "cache")
    cold.generate()
    assert len(calls) == 1  # no last build: every page to render
    cold.save_cache(tmp_path / "site")
    warm = pipeline.Builder(project_for(FIXTURE), search_index=False, cache_dir=tmp_path / "cache")
    assert warm.last.entries  # as a new process finds them
    warm.generate()
    assert len(calls) == 1
