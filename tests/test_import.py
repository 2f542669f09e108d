"""`translations import` checks everything first, then writes en.md and en.sources.yaml together or not at
all; a no-op import changes no file."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ROOT, edit
from portal import poimport, translating
from portal.errors import ContentErrors

DOC = "documents/plenary-demo"
FILES = ("en.md", "en.sources.yaml")


def export(content: Path, tmp_path: Path) -> Path:
    texts = translating.open_document(content, ROOT, "plenary-demo")
    po = tmp_path / "plenary-demo.en.po"
    po.write_text(translating.export_po(texts, translating.load_terms(content)), encoding="utf-8")
    return po


def state(content: Path) -> dict[str, tuple[bytes, int]]:
    return {name: ((content / DOC / name).read_bytes(), (content / DOC / name).stat().st_mtime_ns) for name in FILES}


def rejected(po: Path, content: Path) -> list[str]:
    """The errors of an import that must write nothing."""
    before = state(content)
    with pytest.raises(ContentErrors) as caught:
        poimport.import_po(po, content, ROOT)
    assert state(content) == before
    return [str(error) for error in caught.value.errors]


def line_of(po: Path, text: str) -> int:
    return po.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_a_no_op_import_changes_no_file_not_even_a_record_whose_text_reads_the_same(content, tmp_path):
    # the record's Markdown differs from zh.md's (as after an editorial mark was added), its hash does not
    edit(content / DOC / "en.sources.yaml", "text: 过去一年 工作回顾总结", "text: 过去一年  工作回顾总结")
    po = export(content, tmp_path)
    before = state(content)
    done = poimport.import_po(po, content, ROOT, today="2030-01-01")
    assert (done.en_changed, done.still_outdated) == (0, [])
    assert state(content) == before


def test_an_unterminated_string_is_an_error_at_its_line(content, tmp_path):
    po = export(content, tmp_path)
    edit(po, '"more of GDP."', '"more of GDP.')
    assert rejected(po, content) == [f"{po}:{line_of(po, chr(34) + 'more of GDP.')}: unterminated string\n"
                                     '    hint: end the string with " on the same line']


def test_a_second_entry_for_a_block_is_an_error_not_a_silent_winner(content, tmp_path):
    po = export(content, tmp_path)
    text = po.read_text(encoding="utf-8")
    po.write_text(text + '\nmsgctxt "goals"\nmsgid "另一个"\nmsgstr "Other goals"\n', encoding="utf-8")
    last = len(po.read_text(encoding="utf-8").splitlines()) - 2
    assert rejected(po, content) == [f"{po}:{last}: a second entry for msgctxt 'goals' (first on line "
                                     f"{line_of(po, 'msgctxt ' + chr(34) + 'goals' + chr(34))})\n"
                                     "    hint: keep one entry per block"]


def test_an_entry_without_msgctxt_is_named_plainly(content, tmp_path):
    po = export(content, tmp_path)
    edit(po, 'msgctxt "goals"\n', "")
    found = rejected(po, content)
    assert f"{po}:{line_of(po, 'msgid ' + chr(34) + '未来五年 工作目标举措' + chr(34))}: an entry without msgctxt " \
           "(msgid '未来五年 工作目标举措')\n    hint: keep msgctxt as exported: it is the block's anchor" in found
    assert not any("None" in error for error in found)


def test_a_changed_figure_is_caught_though_the_same_figure_appears_elsewhere(content, tmp_path):
    """zh says 10 twice; the English changes one 10 to 11 and still has the other 10."""
    edit(content / DOC / "zh.md", "以上。\n{: #g1-p1 }", "以上，新增项目10个，其中10个在渝中。\n{: #g1-p1 }")
    edit(content / DOC / "en.md", "or more of GDP.\n", "or more of GDP, with 10 new projects, 10 of them in Yuzhong.\n")
    po = export(content, tmp_path)
    edit(po, "10 of them", "11 of them")
    found = rejected(po, content)
    assert len(found) == 1 and "block 'g1-p1' lacks numbers of its zh text: 10" in found[0], found


@pytest.mark.parametrize("attributes", ["{: #injected }", "{#injected}", "{: .lead }"])
def test_attribute_lists_in_the_words_are_rejected(content, tmp_path, attributes):
    po = export(content, tmp_path)
    edit(po, '"more of GDP."', f'"more of GDP. {attributes}"')
    line = line_of(po, 'msgctxt "g1-p1"') + 2
    assert rejected(po, content) == [f"{po}:{line}: block 'g1-p1': attribute list '{attributes}' in the "
                                     "translation\n    hint: translate the words only: anchors stay in en.md; "
                                     'Chinese kept in the English is *…*{: lang="zh-Hans" }']


def test_an_unreadable_sources_file_stops_the_import_before_en_md_is_written(content, tmp_path):
    po = export(content, tmp_path)
    edit(po, '" making new progress"', '" making new achievements"')
    edit(content / DOC / "en.sources.yaml", "review-lead:\n  hash:", "review-lead:\n  hash: [")
    found = rejected(po, content)
    assert found and all("en.sources.yaml" in error for error in found)


def test_when_the_second_file_cannot_be_written_the_first_is_restored(content, tmp_path, monkeypatch):
    edit(content / DOC / "zh.md", "取得新进展新成效", "取得新进展新成绩")  # so the import confirms a block
    po = export(content, tmp_path)
    edit(po, '" making new progress"', '" making new achievements"')
    edit(po, "#, fuzzy\n", "")
    before = state(content)
    real = os.replace

    def failing(source, target):
        if str(target).endswith("en.sources.yaml"):
            raise OSError(28, "No space left on device", str(target))
        real(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(ContentErrors) as caught:
        poimport.import_po(po, content, ROOT)
    assert [str(e) for e in caught.value.errors] == [
        f"{content / DOC / 'en.sources.yaml'}: cannot write: No space left on device\n"
        "    hint: check the folder's permissions and free space"]
    assert {name: data for name, (data, _) in state(content).items()} == {n: d for n, (d, _) in before.items()}
    assert not [p.name for p in (content / DOC).iterdir() if p.name.startswith(".")]


def test_a_po_file_that_is_a_symlink_is_refused(content, tmp_path):
    po = export(content, tmp_path)
    link = tmp_path / "link.po"
    os.symlink(po, link)
    assert rejected(link, content) == [f"{link}: symlinks are not allowed\n"
                                       "    hint: name the PO file itself, not a link to it"]


@pytest.mark.parametrize("zh, en, missing", [
    ("共10个项目，其中10个在渝中", "In all 10 projects, 11 of them in Yuzhong", ["10"]),
    ("共10个项目，其中10个在渝中", "In all 10 projects, 10 of them in Yuzhong", []),
    # a lone 5 must not take the "5 billion" that 50亿 needs (a greedy match would report 50亿)
    ("5项工作，投资50亿元", "5 areas of work, CNY 5 billion of investment", []),
    ("新增2.5万户，利用外资25亿美元", "25,000 new entities, USD 2.5 billion of foreign capital", []),
])
def test_figures_are_compared_per_occurrence(zh, en, missing):
    from portal.numbers import missing_numbers
    assert missing_numbers(zh, en) == missing


def test_a_po_file_cut_short_is_one_error(content, tmp_path):
    po = export(content, tmp_path)
    text = po.read_text(encoding="utf-8")
    po.write_text(text[:text.index('msgctxt "review-lead"')], encoding="utf-8")
    found = rejected(po, content)
    assert found == [f"{po}: 5 blocks of {content / DOC}/zh.md have no entry: review-lead, r1, r1-1, goals, g1-p1\n"
                     "    hint: was the file cut short? export the document again and translate in that file"]


def test_translation_commands_refuse_a_documents_folder_that_is_a_link(content, tmp_path):
    (content / "documents").rename(tmp_path / "documents")
    os.symlink(tmp_path / "documents", content / "documents")
    with pytest.raises(ContentErrors, match="content/documents: symlinks are not allowed"):
        translating.status(content, ROOT)


@pytest.mark.parametrize("anchor, old, new, message", [
    ("review", '"Review of the past year’s work"', '"Review of\\n the past year’s work"',
     "block 'review' is a heading: its translation must be one line"),
    ("g1-p1", '"more of GDP."', '"more of GDP.\\n\\nA new paragraph."',
     "block 'g1-p1' is a paragraph: its translation has an empty line"),
])
def test_a_translation_that_would_break_its_block_apart_is_one_error(content, tmp_path, anchor, old, new, message):
    po = export(content, tmp_path)
    edit(po, old, new)
    found = rejected(po, content)
    assert len(found) == 1 and found[0].startswith(f"{po}:") and message in found[0], found


def test_a_translation_that_changes_its_block_kind_is_one_error(content, tmp_path):
    po = export(content, tmp_path)
    edit(po, '"Economic strength will rise markedly', '"- Economic strength will rise markedly')
    found = rejected(po, content)
    assert len(found) == 1 and "block 'g1-p1' is a paragraph in zh.md but became a list item" in found[0], found
