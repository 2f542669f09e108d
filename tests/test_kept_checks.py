"""The preview's kept builder equals a fresh one: the checks it keeps between builds (checkmemo.py) and
the inputs' digests it keeps (by inode, size and times) never hide an edit. Split from test_cache.py,
whose project fixture and helpers these tests share."""
from __future__ import annotations

import os

from conftest import edit
from portal.errors import ContentErrors
from portal.pipeline import Builder
from test_cache import GLOSSARY_TERM, project, warm_equals_fresh  # noqa: F401 (project is a fixture)


# Checks kept between builds (checkmemo.py) are keyed by what they read: the record's own text and what it
# is checked against. Each test below makes an edit that only the `against` part of a key notices (the
# record itself unchanged) and expects the preview's kept builder to report exactly what a fresh one does.

DOCUMENT = "content/documents/plenary-demo/zh.md"


def outcome(builder: Builder):
    """The files a build makes, or its messages when it fails."""
    try:
        return builder.generate().files
    except ContentErrors as errors:
        return [str(error) for error in errors.errors], errors.suppressed


def kept_equals_fresh(project, change) -> object:
    kept = Builder(project, search_index=False)
    kept.generate()
    change()
    expected = outcome(Builder(project, search_index=False))
    assert outcome(kept) == expected
    return expected


def test_a_cited_paragraph_edited_fails_its_unchanged_value_record(project):
    path = project.root / DOCUMENT
    messages, _ = kept_equals_fresh(project, lambda: edit(path, "迈上**2100亿元**台阶", "达到**2100亿元**"))
    assert any("value 'demo.gdp.2027.target'" in m and "quote not found" in m for m in messages)


def test_an_indicators_unit_changed_fails_its_unchanged_value_record(project):
    path = project.root / "content/indicators" / next(p.name for p in (project.root / "content/indicators").iterdir()
                                                       if "id: gdp" in p.read_text(encoding="utf-8"))
    messages, _ = kept_equals_fresh(project, lambda: edit(path, "unit: {zh: 亿元,", "unit: {zh: 万元,"))
    assert any("does not match '迈上2100亿元台阶'" in m for m in messages)


def test_a_category_removed_fails_its_unchanged_indicator(project):
    path = project.root / "content/categories.yaml"
    messages, _ = kept_equals_fresh(project, lambda: edit(path, "- id: quality-development", "- id: quality-dev"))
    assert any("unknown category 'quality-development'" in m for m in messages)


def test_indicators_reordered_and_an_edit_undone_give_the_fresh_output(project):
    folder = project.root / "content/indicators"
    path = next(p for p in sorted(folder.iterdir()) if p.read_text(encoding="utf-8").count("- id:") >= 2)
    text = path.read_text(encoding="utf-8")
    records = ["- id:" + part for part in text.split("- id:")[1:]]
    swapped = text.split("- id:")[0] + "".join([records[1], records[0], *records[2:]])
    swapped = swapped if swapped.endswith("\n") else swapped + "\n"
    assert isinstance(kept_equals_fresh(project, lambda: path.write_text(swapped, encoding="utf-8")), dict)
    assert isinstance(kept_equals_fresh(project, lambda: path.write_text(text, encoding="utf-8")), dict)


def test_en_sources_edited_with_the_body_and_undone_gives_the_fresh_states(project):
    """en.sources.yaml is kept parsed by the digest of its text (freshness.read_confirmed): a confirmation
    changed together with the body, then both undone, reads as a fresh build reads them."""
    folder = project.root / "content/documents/plenary-demo"
    sources, body = folder / "en.sources.yaml", folder / "zh.md"
    before = sources.read_text(encoding="utf-8"), body.read_text(encoding="utf-8")

    def change():
        edit(sources, "hash: 0ff68e3cad6d297c", "hash: abcdef0000000000")
        edit(body, "取得新进展新成效", "取得新进展和新成效")

    def undo():
        sources.write_text(before[0], encoding="utf-8")
        body.write_text(before[1], encoding="utf-8")

    kept = Builder(project, search_index=False)
    kept.generate()
    for step in (change, undo):
        step()
        fresh_build = Builder(project, search_index=False).generate()
        generated = kept.generate()
        assert generated.translations == fresh_build.translations
        assert generated.files == fresh_build.files


def test_a_value_note_edited_is_seen_by_the_pages_that_read_it(project, tmp_path):
    """Pages' keys take the digest each kept record took once (model.Digested): a value rebuilt from its
    edited record has its own, and every page listing it is made again, as in a fresh build."""
    path = project.root / "content/values/plenary-demo.yaml"
    expected = warm_equals_fresh(project, tmp_path, lambda: edit(path, "text: {zh: 突破2500家, en: ",
                                                                   "note: {zh: 注释, en: A note}\n  text: {zh: 突破2500家, en: "))
    assert any("A note".encode() in data for data in expected.values())


def test_a_glossary_term_added_fails_the_unchanged_bodies_translation_check(project):
    """The zh/en check of a document is kept by its bodies' digests and the glossary's: a term whose zh the
    body uses but whose English the translation lacks is reported by the kept builder as by a fresh one."""
    term = GLOSSARY_TERM.replace("测试词", "产业升级").replace("Test term", "Lifting of industry")
    messages, _ = kept_equals_fresh(project, lambda: (project.root / "content/glossary.yaml").open(
        "a", encoding="utf-8").write(term))
    assert any("Lifting of industry" in m for m in messages)


def test_a_cited_paragraph_edited_fails_its_unchanged_goal_and_conflict(project):
    """Goals, conflicts and themes are kept per record by the texts of the paragraphs they cite (and the ids
    they name): an edit of the paragraph alone fails them in the kept builder as in a fresh one."""
    path = project.root / DOCUMENT
    messages, _ = kept_equals_fresh(project, lambda: edit(path, "提高到**75%**以上", "提高到**76%**以上"))
    assert any("goal 'demo.services'" in m and "quote not found" in m for m in messages)
    assert any("conflict 'gdp-goal-and-services-share'" in m and "quote not found" in m for m in messages)


def test_a_side_of_a_statements_only_conflict_edited_fails_it(project):
    path = project.root / DOCUMENT
    messages, _ = kept_equals_fresh(project, lambda: edit(path, "大力推进产业升级振兴", "大力推进产业升级"))
    assert any("conflict 'seven-renewals-review'" in m and "quote not found" in m for m in messages)


def test_a_theme_removed_fails_the_unchanged_goals_naming_it(project):
    path = project.root / "content/themes.yaml"
    messages, _ = kept_equals_fresh(project, lambda: edit(path, "- id: economy", "- id: economics"))
    assert any("goal 'demo.gdp'" in m and "unknown theme 'economy'" in m for m in messages)


def test_a_cited_anchor_renamed_in_both_bodies_fails_as_in_a_fresh_build(project):
    """The goals, the conflicts and the theme citing g1-p1 are unchanged records: the kept builder reports the
    lost anchor exactly as a fresh one (once, the rest following from it)."""
    def rename():
        for lang in ("zh", "en"):
            path = project.root / f"content/documents/plenary-demo/{lang}.md"
            edit(path, "{: #g1-p1 }", "{: #g1-p9 }")

    messages, suppressed = kept_equals_fresh(project, rename)
    assert any("anchor 'g1-p1' not found" in m for m in messages) and suppressed


def test_goals_reordered_and_undone_give_the_fresh_output(project):
    """A goal's place is part of what it is (its order): kept goals moved are the fresh build's."""
    path = project.root / "content/goals.yaml"
    text = path.read_text(encoding="utf-8")
    records = ["- id:" + part for part in text.split("- id:")[1:]]
    swapped = text.split("- id:")[0] + "".join([records[1], records[0], *records[2:]])
    assert isinstance(kept_equals_fresh(project, lambda: path.write_text(swapped, encoding="utf-8")), dict)
    assert isinstance(kept_equals_fresh(project, lambda: path.write_text(text, encoding="utf-8")), dict)


def test_an_indicators_english_name_changed_fails_the_unchanged_body_naming_it(project):
    """The indicator-name check of a document is kept by its bodies and the indicators' names: a body that
    names an indicator fails, unchanged, when the indicator's English name changes, as in a fresh build."""
    folder = project.content / "documents/plenary-demo"
    edit(folder / "zh.md", "经济实力显著提升", "“软件企业数量”经济实力显著提升")
    edit(folder / "en.md", "Economic strength will rise markedly", "Number of software enterprises: economic "
         "strength will rise markedly")
    path = project.content / "indicators/main.yaml"
    messages, _ = kept_equals_fresh(project, lambda: edit(path, "en: Number of software enterprises}",
                                                          "en: Count of software enterprises}"))
    assert any("without its English name 'Count of software enterprises'" in m for m in messages)


def test_inputs_keep_their_digests_by_inode_size_and_times_and_a_restored_mtime_is_seen(project, monkeypatch):
    """read_inputs with the times it kept: a file whose inode, size, mtime and ctime are unchanged is not
    read again; a same-size edit with its mtime put back changes the ctime and is hashed again."""
    from portal import inputs
    monkeypatch.setattr(inputs, "RECENT_NS", -1)  # remember every file, even one written just now
    opened = []
    monkeypatch.setattr(inputs, "open", lambda path, mode: opened.append(path) or open(path, mode), raising=False)
    folders, known = project.folders(), {}
    first = inputs.read_inputs(folders, known)
    assert len(opened) == len(first) == len(known)
    opened.clear()
    assert inputs.read_inputs(folders, known) == first and opened == []
    path = project.content / "glossary.yaml"
    before = os.stat(path)
    edit(path, "测试", "试测") if "测试" in path.read_text(encoding="utf-8") else edit(path, "a", "b")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    again = inputs.read_inputs(folders, known)
    assert opened == [str(path)] and again != first and again == inputs.read_inputs(folders)


def test_a_file_changed_just_now_is_hashed_on_every_read(project, monkeypatch):
    """Times are remembered only of files changed over RECENT_NS ago (a second write in the same tick of the
    file system's clock could leave them as they were)."""
    from portal import inputs
    folders, known = project.folders(), {}
    path = project.content / "glossary.yaml"
    path.write_bytes(path.read_bytes())  # written last: "now" is its ctime, the other files are older
    monkeypatch.setattr(inputs, "RECENT_NS", 1)
    monkeypatch.setattr(inputs.time, "time_ns", lambda: os.stat(path).st_ctime_ns)
    inputs.read_inputs(folders, known)
    assert "content/glossary.yaml" not in known and known


def test_a_glossary_term_added_is_linked_in_the_unchanged_bodies(project, tmp_path):
    """The glossary's linking patterns are kept by the terms' digests: a new term is linked in a document
    whose text did not change, by the kept builder as by a fresh one."""
    term = GLOSSARY_TERM.replace("test-term", "modern-services-test").replace("测试词", "现代服务业").replace(
        "Test term", "modern services").replace("anchor: review-lead", "anchor: g1-p1")
    path = project.content / "glossary.yaml"
    expected = warm_equals_fresh(project, tmp_path, lambda: path.open("a", encoding="utf-8").write(term))
    assert b"modern-services-test" in expected["zh/documents/plenary-demo/index.html"]


# The zh/en checks of a document are kept per pair of blocks too (translation.body_errors and
# indicator_name_errors through Checks.kept): an edit checks its own pair again, and a kept pair's
# problems are exactly a fresh check's (its key holds both texts, the anchor, the en line, the path shown).

EN = "content/documents/plenary-demo/en.md"
FIGURE_DROPPED = ("GDP will reach the **CNY 210 billion** mark", "GDP will reach a new mark")


def test_a_kept_pairs_problem_moves_with_its_line_as_in_a_fresh_build(project):
    """A pair whose English lacks a number is kept with its problem; lines added above it in en.md give
    the kept builder the message at the new line, as a fresh build gives it."""
    path = project.root / EN
    kept = Builder(project, search_index=False)
    kept.generate()
    edit(path, *FIGURE_DROPPED)
    first = outcome(kept)
    assert first == outcome(Builder(project, search_index=False))
    assert any("en.md:13: block 'g1-p1' lacks numbers" in m for m in first[0])
    edit(path, "## Goals and measures", "\n\n## Goals and measures")
    moved = outcome(kept)
    assert moved == outcome(Builder(project, search_index=False))
    assert any("en.md:15: block 'g1-p1' lacks numbers" in m for m in moved[0])


def test_a_paragraph_edited_checks_only_its_own_pair_again(project, monkeypatch):
    """After an edit of one paragraph of a document, the zh/en checks run for that pair alone; and the
    edit's problem is reported by the kept builder as by a fresh one."""
    from portal import translation
    checked = []
    for name in ("pair_errors", "named_errors"):
        original = getattr(translation, name)
        monkeypatch.setattr(translation, name, lambda zh, en, *rest, _check=original, _name=name:
                            checked.append((_name, en.anchor)) or _check(zh, en, *rest))
    kept = Builder(project, search_index=False)
    kept.generate()
    assert len(checked) == 6  # every pair's numbers and terms; no zh block names an indicator
    checked.clear()
    edit(project.root / EN, *FIGURE_DROPPED)
    messages = outcome(kept)[0]
    assert sorted(checked) == [("pair_errors", "g1-p1")]  # (it names no indicator: no name to check)
    assert messages == outcome(Builder(project, search_index=False))[0]
    assert any("block 'g1-p1' lacks numbers" in m for m in messages)


def test_pairs_of_blocks_are_kept_apart_from_the_documents_checks():
    """A large site has more pairs of blocks than the documents' store holds (N=2000: 32,000 pairs, two
    checks each): kept in a store of their own, they never clear the documents' kept checks."""
    from portal import checkmemo
    checks = checkmemo.Checks()
    checks.kept(("a document's check",), lambda: ["kept"])
    for n in range(checkmemo.LIMIT + 1):
        checks.block_problems(("a pair of blocks", n), lambda: [])
    assert checks.kept(("a document's check",), lambda: ["made again"]) == ["kept"]
