"""A document's checks made where its bodies are rendered (stop 34, issue 21 item 6): a cold build's body
workers check the translation of each document whose two bodies they rendered, and the build keeps those
results by what they read, as validation keeps its own; the messages and their order are exactly those of
a build that checks in one process, or whose bodies were kept from before. So are the documents' translation
states, which the workers make too."""
from __future__ import annotations

import dataclasses
import os

import pytest

from conftest import edit
from portal import incremental, textfiles, translation
from portal.errors import ContentErrors
from portal.keptbodies import saved_bodies
from portal.pipeline import Builder
from test_cache import project  # noqa: F401 (a fixture)

ZH = "content/documents/plenary-demo/zh.md"
EN = "content/documents/plenary-demo/en.md"


def checked_here(monkeypatch) -> list[int]:
    """The processes the translation check of a pair of bodies runs in, as this process sees them (a forked
    worker's calls are its own)."""
    calls: list[int] = []
    original = translation.body_errors
    monkeypatch.setattr(translation, "body_errors", lambda *args: calls.append(os.getpid()) or original(*args))
    return calls


def messages(builder: Builder) -> list[str]:
    try:
        builder.generate()
    except ContentErrors as errors:
        return [str(error) for error in errors.errors]
    raise AssertionError("the build was expected to fail")


def untranslated(project) -> None:
    """A figure left out of the English, and a glossary term the English lacks."""
    edit(project.root / EN, "Software enterprises exceeded **2,500**", "Software enterprises multiplied")
    with (project.content / "glossary.yaml").open("a", encoding="utf-8") as handle:
        handle.write("- id: test-term\n  term: {zh: 七新, en: Seven Renewals of the test}\n"
                     "  definition: {zh: 测试用的词。, en: A word for the tests.}\n"
                     "  source: {document: plenary-demo, anchor: review-lead}\n")


def test_the_workers_check_gives_the_messages_of_one_process_and_of_kept_bodies(project, monkeypatch):
    untranslated(project)
    calls = checked_here(monkeypatch)
    on_workers = Builder(project, search_index=False, parallel_min=0)  # every body on the workers
    expected = messages(on_workers)
    assert calls == []  # both bodies rendered on a worker: checked there, not here
    assert any("lacks numbers of its zh text: 2500" in m for m in expected)
    assert any("translates glossary term 七新 without its English" in m for m in expected)
    assert messages(Builder(project, search_index=False, parallel_min=10**9)) == expected
    assert calls and set(calls) == {os.getpid()}
    kept = Builder(project, search_index=False, parallel_min=0)
    kept.saved_bodies = saved_bodies(on_workers.bodies[1])  # the bodies kept, as a cache keeps them: checked here
    calls.clear()
    assert messages(kept) == expected and calls == [os.getpid()]


def test_after_the_workers_checked_a_document_an_edit_checks_its_own_pair_again(project, monkeypatch):
    """The workers give the build each pair of blocks' check too, kept as validate() keeps them: the preview's
    first edit of a document (its bodies rendered on workers by the first build) checks the edited pair
    alone, as it would after a first build that checked in one process."""
    builder = Builder(project, search_index=False, parallel_min=0)
    builder.generate()
    checked = []
    original = translation.pair_errors
    monkeypatch.setattr(translation, "pair_errors", lambda zh, en, *rest: checked.append(en.anchor) or
                        original(zh, en, *rest))
    edit(project.root / EN, "Software enterprises exceeded **2,500**", "Software enterprises multiplied")
    found = messages(builder)
    assert checked == ["r1-1"] and found == messages(Builder(project, search_index=False, parallel_min=10**9))


def test_a_check_made_on_a_worker_is_reused_only_for_what_it_read(project, monkeypatch):
    builder = Builder(project, search_index=False, parallel_min=0)
    builder.generate()
    calls = checked_here(monkeypatch)
    edit(project.root / ZH, "软件企业突破**2500家**", "软件企业突破**2600家**")  # zh changed, en not
    fresh = messages(Builder(project, search_index=False, parallel_min=10**9))
    assert any("lacks numbers of its zh text: 2600" in m for m in fresh)
    calls.clear()
    assert messages(builder) == fresh and calls == [os.getpid()]  # the new zh body checked again, here


def states_made_here(monkeypatch) -> list[str]:
    """The documents whose translation state this process makes (a worker's are its own)."""
    made: list[str] = []
    original = incremental.translation_state
    monkeypatch.setattr(incremental, "translation_state", lambda doc_id, *args: made.append(doc_id) or
                        original(doc_id, *args))
    return made


@pytest.mark.parametrize("sources", ["confirmed", "outdated", "absent"])
def test_the_workers_translation_states_are_those_of_one_process(project, monkeypatch, sources):
    folder = project.content / "documents" / "plenary-demo"
    if sources == "outdated":  # a zh block changed since its English was confirmed
        edit(project.root / ZH, "大力推进“七新”，取得新进展新成效", "大力推进“七新”，取得新进展")
    elif sources == "absent":
        (folder / "en.sources.yaml").unlink()
    made = states_made_here(monkeypatch)
    on_workers = Builder(project, search_index=False, parallel_min=0).generate()
    assert made == []  # made on the worker that rendered the document's bodies
    in_one = Builder(project, search_index=False, parallel_min=10**9).generate()
    assert made == ["plenary-demo"]
    assert on_workers.translations == in_one.translations and on_workers.files == in_one.files
    counts = {state: on_workers.translations["plenary-demo"].count(state) for state in ("current", "outdated")}
    assert counts["outdated"] == {"confirmed": 0, "outdated": 1, "absent": len(on_workers.translations["plenary-demo"]
                                                                               .blocks)}[sources]


def test_a_faulty_sources_file_is_reported_as_one_process_reports_it(project):
    path = project.content / "documents" / "plenary-demo" / "en.sources.yaml"
    edit(path, "review:\n  hash: 0ff68e3cad6d297c\n", "review:\n  hash: [0ff68e3cad6d297c]\n")
    assert messages(Builder(project, search_index=False, parallel_min=0)) == \
        messages(Builder(project, search_index=False, parallel_min=10**9)) != []


def test_the_sources_files_are_read_once_by_the_build(project, monkeypatch):
    read: list[str] = []
    original = textfiles._read_bytes
    monkeypatch.setattr(textfiles, "_read_bytes", lambda path, shown: read.append(path.name) or original(path, shown))
    for minimum in (0, 10**9):
        textfiles.SCREENED.clear()
        Builder(project, search_index=False, parallel_min=minimum).generate()
    assert "en.sources.yaml" not in read  # the bytes read_inputs hashed, not the disk again


def test_only_the_blocks_naming_an_indicator_go_through_the_kept_checks(project):
    """A pair of blocks whose zh names no indicator has nothing to check: it is neither keyed nor kept (N=2000:
    36,414 pairs, none naming one); the problems are those of every pair checked."""
    zh, en = project.root / ZH, project.root / EN
    edit(zh, "台阶，", "台阶，“研发经费投入强度”稳步提高，")
    edit(en, "mark, and", "mark, “R&D intensity” will rise steadily, and")
    zh.write_text(zh.read_text(encoding="utf-8") + "\n### 附表 {#annex}\n\n| 序号 | 指标 | 目标 |\n|---|---|---|\n"
                  "| 1 | 研发经费投入强度 | 0.7 |\n", encoding="utf-8")
    en.write_text(en.read_text(encoding="utf-8") + "\n### Annex {#annex}\n\n| No. | Indicator | Target |\n"
                  "|---|---|---|\n| 1 | R&D intensity | 0.7 |\n", encoding="utf-8")
    site = Builder(project, search_index=False).generate().site
    document = site.documents[0]
    for english in ("R&D intensity", "R&D spending ratio"):  # as named, then an indicator renamed
        by_zh = {i.name.zh: dataclasses.replace(i, name=dataclasses.replace(i.name, en=english))
                 if i.id == "rd-intensity" else i for i in site.indicators}
        keyed = []
        found = translation.indicator_name_errors(document, by_zh, lambda key, make: keyed.append(key[4]) or make())
        pairs = zip(document.bodies["zh"].blocks, document.bodies["en"].blocks)
        every = [e for z, e_block in pairs for e in translation.named_errors(z, e_block, document.src.path.parent /
                                                                                   "en.md", by_zh)]
        assert keyed == ["g1-p1", "annex-r1"] and [str(e) for e in found] == [str(e) for e in every]
    assert [e.src.line for e in found] == [13, 20]


def test_what_fails_on_a_worker_is_left_to_the_build(project, monkeypatch):
    """A translation state a worker cannot make (here: zh.md's date unreadable there) is made by the build,
    which reports or makes it as it would have without the workers."""
    from portal import freshness
    edit(project.root / ZH, "大力推进“七新”，取得新进展新成效", "大力推进“七新”，取得新进展")  # one block outdated
    main, original = os.getpid(), freshness.ChangeDates.modified

    def modified(self):
        if os.getpid() != main:
            raise FileNotFoundError(2, "gone", str(self.path))
        return original(self)

    monkeypatch.setattr(freshness.ChangeDates, "modified", modified)
    made = states_made_here(monkeypatch)
    on_workers = Builder(project, search_index=False, parallel_min=0).generate()
    assert made == ["plenary-demo"]
    assert on_workers.files == Builder(project, search_index=False, parallel_min=10**9).generate().files
