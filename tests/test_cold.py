"""The cold and warm build levers of issue 21 item 6 (stop 30): each makes the same bytes as the work it
replaces, checked against that work."""
from __future__ import annotations

import collections

import dataclasses
import gc
import gettext
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from jinja2 import DictLoader, Environment, StrictUndefined
from jinja2.compiler import CodeGenerator

from conftest import FIXTURE, project_for, real
from portal import blocks, datasets, keptbodies, output, pipeline, rendering, safety, unchanged
from portal.model import Block, Body

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
        env.code_generator_class = CodeGenerator
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
    # output alone, a translation is the template's own text (stop 32); formatted, a Markup constant of the
    # template's module, made when it is loaded (stop 35)
    assert """<span title="主要 &#34;&#39;&lt;">""" in code and "Markup('主要" not in code
    assert "(translation_0 % {'name': " in code
    assert code.endswith("\ntranslation_0 = Markup('&lt;b&gt;你好&lt;/b&gt; %(name)s')")
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


def old_block_map(body_html: str) -> dict[str, str]:
    """block_map as it was before its patterns were compiled once and skipped when absent (the oracle)."""
    import re
    found = {}
    for match in blocks._ANCHORED.finditer(body_html):
        inner = re.sub(r'<a [^>]*class="(?:permalink|footnote-backref)"[^>]*>.*?</a>', "", match.group(3))
        inner = re.sub(r'<sup class="edit-mark">.*?</sup>', "", inner)
        inner = re.sub(r'<sup id="fnref-tn-[^"]+"><a [^>]*>(.*?)</a></sup>', r"<sup>\1</sup>", inner)
        inner = re.sub(r'<sup id="fnref-[^"]+">', "<sup>", inner).replace("&#160;</p>", "</p>")
        inner = re.sub(r"<t[dh]\b[^>]*>", '<span class="cell">', inner)
        found[match.group(2)] = re.sub(r"</t[dh]>", "</span>", inner).strip()
    return found


def test_block_map_gives_what_it_gave_for_every_real_and_fixture_body(fixture_site):
    bodies = [d.bodies[lang].html for site in (fixture_site.site, real().site) for d in site.documents
              for lang in ("zh", "en")]
    bodies.append('<table><tr id="r1"><td a="1">x</td><th>y</th></tr></table><p id="p1">a<sup id="fnref-tn-1">'
                  '<a href="#fn-tn-1">1</a></sup><sup class="edit-mark">[1]</sup> <a class="permalink" href="#p1">'
                  '¶</a>&#160;</p></p>')
    assert all(blocks.block_map(html) == old_block_map(html) for html in bodies)
    assert any("<sup>" in inner for html in bodies for inner in blocks.block_map(html).values())


def test_script_json_escapes_what_could_end_the_element():
    assert safety.script_json({"a": "</script><!--&\u2028\u2029>"}) == \
        '{"a":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029\\u003e"}'


def test_site_lookups_by_id_find_the_first_and_raise_stopiteration_when_missing(fixture_site):
    site = fixture_site.site
    for document in site.documents:
        assert site.document(document.id) is next(d for d in site.documents if d.id == document.id)
    for indicator in site.indicators:
        assert site.indicator(indicator.id) is indicator
    twice = dataclasses.replace(site, documents=site.documents + (dataclasses.replace(site.documents[0], title=None),))
    assert twice.document(site.documents[0].id) is site.documents[0]
    for lookup in (site.document, site.indicator, site.goal):
        with pytest.raises(StopIteration):
            lookup("no-such-id")


def test_publish_trusts_a_file_read_back_only_while_its_signature_holds(tmp_path, monkeypatch):
    site = tmp_path / "site"
    output.replace_site({"a.html": b"old", "b.html": b"bbb"}, site)
    monkeypatch.setattr(output, "SETTLED_NS", 0)
    data, known = output.read_back(site / "a.html")
    assert data == b"old" and known == output.signature(os.stat(site / "a.html"))
    reads = []
    monkeypatch.setattr(output, "open", lambda *a, **k: reads.append(a[0]) or open(*a, **k), raising=False)
    files = {"a.html": data, "b.html": b"bbb"}
    assert output.publish(files, site, say=print, known={str(site.absolute() / "a.html"): (known, data)}) == []
    assert [Path(p) for p in reads if Path(p).parent == site.absolute()] == [site.absolute() / "b.html"]  # a.html: known
    del reads[:]
    made_anew = {"a.html": b"new", "b.html": b"bbb"}  # read back, then made again: other bytes, the same size
    assert output.publish(made_anew, site, say=print, known={str(site.absolute() / "a.html"): (known, data)}) == \
        ["a.html"]
    assert (site / "a.html").read_bytes() == b"new"
    data, known = output.read_back(site / "a.html")
    stamp = os.stat(site / "a.html")
    (site / "a.html").write_bytes(b"old")  # by hand, the same size; its times put back as they were
    os.utime(site / "a.html", ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    changed = output.publish({"a.html": data, "b.html": b"bbb"}, site, say=print,
                             known={str(site.absolute() / "a.html"): (known, data)})
    assert changed == ["a.html"] and (site / "a.html").read_bytes() == b"new"  # its ctime moved: read, rewritten


def test_a_file_changed_just_now_gets_no_signature(tmp_path):
    (tmp_path / "a.html").write_bytes(b"x")
    assert output.read_back(tmp_path / "a.html") == (b"x", None)
    assert output.read_back(tmp_path / "gone.html") is None


def test_a_warm_build_publishes_what_a_fresh_build_does_after_the_site_was_edited_by_hand(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "SETTLED_NS", 0)
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    site, cache_dir = tmp_path / "site", tmp_path / "cache"
    fresh = pipeline.build(project_for(content), site, cache_dir=cache_dir, search_index=False).files
    page = site / "en/documents/plenary-demo/index.html"
    stamp = os.stat(page)
    page.write_bytes(page.read_bytes().replace(b"<main", b"<mian"))
    os.utime(page, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    warm = pipeline.build(project_for(content), site, cache_dir=cache_dir, search_index=False)
    assert warm.files == fresh and page.read_bytes() == fresh["en/documents/plenary-demo/index.html"]


def test_a_bodys_json_form_is_kept_exactly_when_json_gives_the_body_back(fixture_site):
    from markupsafe import Markup
    bodies = [d.bodies[lang] for site in (fixture_site.site, real().site) for d in site.documents for lang in ("zh", "en")]
    assert bodies and all(keptbodies.exact_form(body) is not None for body in bodies)
    for body in bodies:  # what the cache gives back has the body's repr
        loaded = json.loads(json.dumps(keptbodies.exact_form(body), ensure_ascii=False))
        assert repr(keptbodies._body(loaded)) == repr(body)
    body = bodies[0]
    toc = ({"level": 2, "id": "x", "name": "x", "html": "x", "children": ()},)  # a tuple JSON gives back as a list
    for inexact in (dataclasses.replace(body, html=Markup(body.html)), dataclasses.replace(body, toc=toc),
                    dataclasses.replace(body, toc=list(body.toc)), dataclasses.replace(body, edits=(["a", "b", "c"],)),
                    dataclasses.replace(body, blocks=body.blocks + (dataclasses.replace(body.blocks[0], line=1.5j),)),
                    dataclasses.replace(body, blocks=list(body.blocks)), dataclasses.replace(body, blocks=(OddBlock("a", "p", "x"),)),
                    dataclasses.replace(body, edits=(("a", "b", 1j),)), dataclasses.replace(body, footnotes=(1,)),
                    OddBody(*(getattr(body, field.name) for field in dataclasses.fields(body)))):
        assert keptbodies.exact_form(inexact) is None


@dataclasses.dataclass(frozen=True)
class OddBlock(Block):
    """A Block by its fields, of another class: its repr names the class, so the cache must not save it."""


@dataclasses.dataclass(frozen=True)
class OddBody(Body):
    pass


def test_a_bodys_json_form_has_every_field_of_body_and_block_in_order(fixture_site):
    """exact_form takes the fields without making the body again from its form: a field added to Body or
    Block must be added to the form (and to _body), or the cache would give back bodies that lack it."""
    assert [field.name for field in dataclasses.fields(Body)] == ["html", "toc", "blocks", "footnotes", "edits", "faulty"]
    body = next(d.bodies["zh"] for d in fixture_site.site.documents if d.bodies["zh"].blocks)
    form = keptbodies.exact_form(body)
    assert keptbodies._body(form) == body and [list(b) for b in form[2]] == [list(dataclasses.astuple(b)) for b in body.blocks]


def test_each_indicators_csv_is_the_all_values_csv_cut_to_its_rows(fixture_site):
    for site in (fixture_site.site, real().site):
        files = datasets.data_files(site, ["/zh/", "/en/"])
        for lang in ("zh", "en"):
            head, *rows = files[f"data/values.{lang}.csv"].decode("utf-8-sig").split("\r\n")[:-1]
            for indicator in site.indicators:
                own = [row for row in rows if row.split(",")[1] == indicator.id]
                assert files[f"data/indicators/{indicator.id}.{lang}.csv"].decode("utf-8-sig") == \
                    "\r\n".join([head, *own, ""])
        assert sum(len(json.loads(files[f"data/indicators/{i.id}.json"])["values"])
                   for i in site.indicators) == len(site.values)


def test_the_data_files_read_each_collection_a_fixed_number_of_times(fixture_site):
    """Each indicator's CSV made a map of every indicator and its JSON searched every category and conflict
    (twice: for portal.json too): N=2000 read its 2,000 indicators 8 million times. The collections are read a
    number of times that does not grow with the indicators, and each indicator's JSON is its portal.json entry."""
    site, counted = real().site, collections.Counter()

    class Counting:
        def __getattr__(self, name):
            counted[name] += 1
            return getattr(site, name)

    files = datasets.data_files(Counting(), ["/zh/", "/en/"])
    assert len(site.indicators) > 30 and site.conflicts  # (the matrix reads the indicators once per category)
    assert counted["indicators"] < len(site.indicators) and counted["conflicts"] + counted["categories"] <= 4, counted
    portal = json.loads(files["data/portal.json"])
    for entry in portal["indicators"]:
        assert json.loads(files[f"data/indicators/{entry['id']}.json"])["indicator"] == entry
    assert [c["id"] for e in portal["indicators"] for c in e["conflicts"]] == [
        c.id for i in site.indicators for c in site.conflicts if i.id in c.indicators]


def test_names_in_lists_what_rglob_and_is_file_list(tmp_path):
    site = tmp_path / "site"
    (site / "a/b").mkdir(parents=True)
    (site / "a/b/page.html").write_bytes(b"x")
    (site / ".hidden").write_bytes(b"x")
    (site / "top.html").write_bytes(b"x")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/secret.txt").write_bytes(b"x")
    (site / "linked-folder").symlink_to(tmp_path / "outside")
    (site / "a/linked-file.html").symlink_to(site / "top.html")
    (site / "broken").symlink_to(tmp_path / "nowhere")
    expected = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert sorted(output.names_in(site)) == expected == [".hidden", "a/b/page.html", "a/linked-file.html", "top.html"]
    assert output.names_in(tmp_path / "missing") == []


def test_a_bodys_digest_changes_with_every_field_and_only_with_them(fixture_site):
    """Body.digest hashes the HTML's bytes after their length and the repr of the other fields (blocks as tuples),
    not the dataclass repr: an equal body has the same digest, any one field changed (a block's too) another."""
    body = next(d.bodies["zh"] for d in fixture_site.site.documents if d.bodies["zh"].blocks and d.bodies["zh"].toc)
    assert keptbodies._body(keptbodies.exact_form(body)).digest == body.digest
    block = body.blocks[0]
    others = [dataclasses.replace(body, html=body.html + " "), dataclasses.replace(body, toc=body.toc[1:]),
              dataclasses.replace(body, footnotes=body.footnotes + 1), dataclasses.replace(body, edits=(("a", "b", "c"),)),
              dataclasses.replace(body, faulty=not body.faulty), dataclasses.replace(body, blocks=body.blocks[1:])]
    others += [dataclasses.replace(body, blocks=(dataclasses.replace(block, **{name: value}),) + body.blocks[1:])
               for name, value in (("anchor", "x"), ("kind", "x"), ("text", block.text + "x"), ("line", 10**6),
                                   ("level", 9))]
    others.append(dataclasses.replace(body, html=body.html[:-1], toc=body.toc))  # the HTML's length is in the digest
    digests = [other.digest for other in others]
    assert body.digest not in digests and len(set(digests)) == len(digests)


def test_no_garbage_collection_runs_while_a_build_publishes_and_records_what_it_published(tmp_path):
    """Publishing and the record after it make enough objects to start collections over all the build keeps
    (N=2000: 0.3-0.5 s each): the collector stays paused from generate() to the record, and is enabled
    again after build()."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    stages, during = [], []
    gc.callbacks.append(watch := lambda phase, info: phase == "start" and stages and during.append(stages[-1]))
    publish, save = output.publish, unchanged.Last.save

    def marked(name: str, function):
        return lambda *a, **k: (stages.append(name), function(*a, **k), stages.append(f"{name} done"))[1]

    thresholds = gc.get_threshold()
    try:
        output.publish, unchanged.Last.save = marked("publish", publish), marked("record", save)
        gc.set_threshold(1)  # a small site's objects are too few to start one: any would, as a big site's do
        pipeline.build(project_for(content), tmp_path / "site", cache_dir=tmp_path / "cache", search_index=False)
    finally:
        gc.set_threshold(*thresholds)
        gc.callbacks.remove(watch)
        output.publish, unchanged.Last.save = publish, save
    assert stages == ["publish", "publish done", "record", "record done"] and gc.isenabled()
    assert [stage for stage in during if stage != "record done"] == [], during
