"""Four block forms the build accepts, which the translation tools used to cut wrongly: table rows without
a leading pipe, `{#id .class}` headings, footnotes over several lines and paragraphs, and `{: #id .class }`
attribute lists (also `{: .class #id }`). Through every tool: export -> import keeps en.md byte for byte
but the words replaced, status sees each block at its line, and errors name the right line."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from portal import freshness, pofile, poimport, translating
from portal.errors import ContentErrors
from portal.markup import Renderer

DOC = "documents/plenary-demo"

# name: (zh, en, {anchor: (line in the snippet, zh words, en words)}, the block edited, its English edited)
FORMS = {
    "rows without a leading pipe": (
        "### 主要指标 {#t1}\n\n序号 | 指标 | 目标\n---|---|---\n1 | 软件企业 | 2500家\n2 | 高端载体 | 130万平方米\n",
        "### Main indicators {#t1}\n\nNo. | Indicator | Target\n---|---|---\n1 | Software enterprises | 2,500\n"
        "2 | High-end premises | 1.3 million m²\n",
        {"t1": (1, "主要指标", "Main indicators"),
         "t1-r1": (5, "1 | 软件企业 | 2500家", "1 | Software enterprises | 2,500"),
         "t1-r2": (6, "2 | 高端载体 | 130万平方米", "2 | High-end premises | 1.3 million m²")},
        "t1-r2", "2 | High-end office premises | 1.3 million m²"),
    "a heading with a class": (
        "## 第3部分 {#part-x .lead}\n\n新部分的第一段。\n{: #px-p1 }\n",
        "## Part 3 {#part-x .lead}\n\nThe first paragraph of the new part.\n{: #px-p1 }\n",
        {"part-x": (1, "第3部分", "Part 3"),
         "px-p1": (3, "新部分的第一段。", "The first paragraph of the new part.")},
        "part-x", "The third part 3"),
    "a footnote over several lines": (
        "## 注释 {#notes}\n\n正文有注释[^1]。\n{: #n-p1 }\n\n[^1]: 注释的第一行，\n    共5项。\n\n    注释的第二段。\n",
        "## Notes {#notes}\n\nThe text has a note[^1].\n{: #n-p1 }\n\n[^1]: The note’s first line,\n"
        "    5 items in all.\n\n    The note’s second paragraph.\n",
        {"n-p1": (3, "正文有注释[^1]。", "The text has a note[^1]."),
         "fn-1": (6, "注释的第一行，\n    共5项。\n\n    注释的第二段。",
                  "The note’s first line,\n    5 items in all.\n\n    The note’s second paragraph.")},
        "fn-1", "The first line of the note,\n    5 items.\n\n    Its second paragraph."),
    "attribute lists with classes": (
        "## 措施 {#m}\n\n第一项措施，投入12亿元。\n{: #m-p1 .note }\n\n第二项措施。\n{: .note #m-p2 }\n",
        "## Measures {#m}\n\nThe first measure, investing CNY 1.2 billion.\n{: #m-p1 .note }\n\n"
        "The second measure.\n{: .note #m-p2 }\n",
        {"m-p1": (3, "第一项措施，投入12亿元。", "The first measure, investing CNY 1.2 billion."),
         "m-p2": (6, "第二项措施。", "The second measure.")},
        "m-p1", "The first measure: CNY 1.2 billion invested."),
}


def with_form(content: Path, name: str) -> tuple[int, int]:
    """The fixture document with the form appended to zh.md and en.md, every block confirmed; returns the
    number of lines before the form in each file."""
    zh, en, *_ = FORMS[name]
    before = []
    for lang, snippet in (("zh", zh), ("en", en)):
        path = content / DOC / f"{lang}.md"
        text = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
        before.append(text.count("\n"))
        path.write_text(text + snippet, encoding="utf-8")
    texts = translating.open_document(content, ROOT, "plenary-demo")
    translating.confirm(texts, [], today="2026-12-01")
    return before[0], before[1]


def export(content: Path, tmp_path: Path) -> Path:
    texts = translating.open_document(content, ROOT, "plenary-demo")
    po = tmp_path / "plenary-demo.en.po"
    po.write_text(translating.export_po(texts, translating.load_terms(content)), encoding="utf-8")
    return po


def entries(po: Path) -> dict[str, pofile.PoEntry]:
    return {e.context: e for e in pofile.read_entries(po.read_text(encoding="utf-8"), po) if e.context}


def set_translation(po: Path, anchor: str, words: str) -> None:
    """The PO file with one entry's msgstr replaced (written as the exporter writes strings)."""
    from babel.messages.pofile import read_po, write_po
    with po.open("rb") as stream:
        catalog = read_po(stream)
    message = next(m for m in catalog if m.context == anchor)
    message.string = words
    with po.open("wb") as stream:
        write_po(stream, catalog, include_previous=True, width=76)


@pytest.fixture(params=list(FORMS))
def form(request) -> str:
    return request.param


def test_an_export_holds_each_block_of_the_form_with_its_words(content, tmp_path, form):
    zh_before, _ = with_form(content, form)
    found = entries(export(content, tmp_path))
    for anchor, (line, zh_words, en_words) in FORMS[form][2].items():
        assert (found[anchor].msgid, found[anchor].string) == (zh_words, en_words), anchor
    po_text = export(content, tmp_path).read_text(encoding="utf-8")
    for anchor, (line, *_rest) in FORMS[form][2].items():  # the PO's location is the block's zh.md line
        assert f"zh.md:{zh_before + line}\nmsgctxt \"{anchor}\"" in po_text, anchor


def test_export_then_import_is_byte_identical(content, tmp_path, form):
    with_form(content, form)
    before = {name: (content / DOC / name).read_bytes() for name in ("en.md", "en.sources.yaml")}
    done = poimport.import_po(export(content, tmp_path), content, ROOT, today="2030-01-01")
    assert (done.en_changed, done.still_outdated) == (0, [])
    assert {name: (content / DOC / name).read_bytes() for name in before} == before


def test_an_import_replaces_exactly_the_words_of_the_block(content, tmp_path, form):
    with_form(content, form)
    *_, blocks, anchor, new_words = FORMS[form]
    po = export(content, tmp_path)
    set_translation(po, anchor, new_words)
    old = (content / DOC / "en.md").read_text(encoding="utf-8")
    done = poimport.import_po(po, content, ROOT, today="2030-01-01")
    assert done.en_changed == 1
    old_words = blocks[anchor][2]
    assert old.count(old_words) == 1
    assert (content / DOC / "en.md").read_text(encoding="utf-8") == old.replace(old_words, new_words)


def test_status_sees_each_block_at_its_lines(content, form):
    zh_before, en_before = with_form(content, form)
    texts = translating.open_document(content, ROOT, "plenary-demo")
    states = {b.anchor: b for b in texts.state().blocks}
    for anchor, (line, *_rest) in FORMS[form][2].items():
        assert (states[anchor].state, states[anchor].zh_line, states[anchor].en_line) == \
            ("current", zh_before + line, en_before + line), anchor


def test_a_changed_chinese_block_is_outdated_at_its_english_line(content, form):
    zh_before, en_before = with_form(content, form)
    *_, blocks, anchor, _new = FORMS[form]
    zh_path = content / DOC / "zh.md"
    zh_words = blocks[anchor][1]
    changed = zh_words.replace("第", "第一个", 1) if "第" in zh_words else "新" + zh_words.lstrip("0123456789 |")
    if anchor.endswith("-r2"):
        changed = zh_words.replace("高端载体", "高端商务载体")
    zh_path.write_text(zh_path.read_text(encoding="utf-8").replace(zh_words, changed), encoding="utf-8")
    texts = translating.open_document(content, ROOT, "plenary-demo")
    errors = [str(e) for e in freshness.outdated_errors(texts.state(), texts.shown)]
    line = blocks[anchor][0]
    assert len(errors) == 1 and errors[0].startswith(f"{texts.shown}/en.md:{en_before + line}: block '{anchor}' "
                                                     f"is outdated: its Chinese text ({texts.shown}/zh.md:"
                                                     f"{zh_before + line})"), errors


def test_chinese_in_the_english_block_is_reported_at_its_first_line(content, form):
    _, en_before = with_form(content, form)
    *_, blocks, anchor, _new = FORMS[form]
    path = content / DOC / "en.md"
    en_words = blocks[anchor][2]
    text = path.read_text(encoding="utf-8").replace(en_words, en_words[:-1] + "测" + en_words[-1])
    _, errors = Renderer("en", "¶").render(text, Path("en.md"))
    assert [str(e).split("\n")[0] for e in errors] == \
        [f"en.md:{en_before + blocks[anchor][0]}: Chinese characters in English block '{anchor}'"]


def test_an_imported_block_that_lost_a_figure_is_reported_at_its_po_line(content, tmp_path, form):
    with_form(content, form)
    *_, blocks, anchor, _new = FORMS[form]
    po = export(content, tmp_path)
    figure = {"t1-r2": "1.3 million", "part-x": "3", "fn-1": "5", "m-p1": "1.2 billion"}[anchor]
    set_translation(po, anchor, blocks[anchor][2].replace(figure, "many", 1))
    with pytest.raises(ContentErrors) as raised:
        poimport.import_po(po, content, ROOT)
    messages = [str(e) for e in raised.value.errors]
    assert len(messages) == 1 and messages[0].startswith(f"{po}:{entries(po)[anchor].msgstr_line}: block '{anchor}' "
                                                         "lacks numbers"), messages


def test_a_footnote_paragraph_left_unindented_is_one_error_at_its_po_line(content, tmp_path):
    """A footnote's translation may hold paragraphs, but one not indented would leave the footnote."""
    with_form(content, "a footnote over several lines")
    po = export(content, tmp_path)
    set_translation(po, "fn-1", "The note’s first line,\n    5 items in all.\n\nThe note’s second paragraph.")
    with pytest.raises(ContentErrors) as raised:
        poimport.import_po(po, content, ROOT)
    messages = [str(e) for e in raised.value.errors]
    assert len(messages) == 1 and messages[0].startswith(f"{po}:{entries(po)['fn-1'].msgstr_line}: paragraph has no "
                                                         "anchor: 'The note’s second paragraph."), messages
