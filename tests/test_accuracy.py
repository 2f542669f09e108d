"""The accuracy apparatus: proper names held to one English form, indicator names used as named,
figures in Chinese numerals recorded, editorial marks that leave no silent change to a source."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, edit, generate
from portal.editmarks import apply_edit_marks, undo_edit_marks
from test_errors import EN, ZH, errors_of


# ---- 1. names: one English form per glossary name; indicators called by their names --------------

def test_a_second_english_form_of_a_glossary_name_fails(content):
    edit(content / "glossary.yaml", "- id: seven-renewals", """- id: laogulou-yamen-site
  term: {zh: 老鼓楼衙署, en: Laogulou Yamen Site}
  definition: {zh: 衙署遗址。, en: The site of a yamen.}
  source: {document: plenary-demo, anchor: r1-1}
- id: seven-renewals""")
    edit(content / ZH, "渝中纳入国家区块链", "老鼓楼衙署遗址公园开园，渝中纳入国家区块链")
    edit(content / EN, "and Yuzhong was put", "the Old Drum Tower government office site opened, and Yuzhong was put")
    assert errors_of(content) == [
        "content/documents/plenary-demo/en.md:8: block 'r1-1' translates glossary term 老鼓楼衙署 without its "
        "English 'Laogulou Yamen Site'\n    hint: use the glossary's rendering"]
    edit(content / EN, "the Old Drum Tower government office site", "the Laogulou Yamen Site Park")
    generate(content)


def test_an_indicator_named_in_quotation_marks_uses_its_english_name(content):
    edit(content / ZH, "台阶，", "台阶，“研发经费投入强度”稳步提高，")
    edit(content / EN, "mark, and", "mark, “research and development spending intensity” will rise steadily, and")
    assert errors_of(content) == [
        "content/documents/plenary-demo/en.md:13: block 'g1-p1' names indicator 研发经费投入强度 without its "
        "English name 'R&D intensity'\n    hint: use the name of indicator 'rd-intensity' (or change the "
        "indicator's name.en)"]
    edit(content / EN, "research and development spending intensity", "R&D intensity")
    generate(content)


def test_an_indicator_named_in_a_table_cell_uses_its_english_name(content):
    table_zh = "\n### 附表 {#annex}\n\n| 序号 | 指标 | 目标 |\n|---|---|---|\n| 1 | 研发经费投入强度 | 0.7 |\n"
    table_en = "\n### Annex {#annex}\n\n| No. | Indicator | Target |\n|---|---|---|\n| 1 | R&D spending ratio | 0.7 |\n"
    (content / ZH).write_text((content / ZH).read_text(encoding="utf-8") + table_zh, encoding="utf-8")
    (content / EN).write_text((content / EN).read_text(encoding="utf-8") + table_en, encoding="utf-8")
    assert errors_of(content) == [
        "content/documents/plenary-demo/en.md:20: block 'annex-r1' names indicator 研发经费投入强度 without its "
        "English name 'R&D intensity'\n    hint: use the name of indicator 'rd-intensity' (or change the "
        "indicator's name.en)"]


def test_the_names_found_in_review_have_one_glossary_rendering():
    from test_real_content import site
    terms = {t.term.zh: t.term.en for t in site().terms}
    assert {name: terms.get(name) for name in ("老鼓楼衙署", "谯楼", "西部金融中心主承载区", "全国示范步行街",
                                                "世界知名商圈", "西部陆海新通道")} == {
        "老鼓楼衙署": "Laogulou Yamen Site", "谯楼": "drum tower",
        "西部金融中心主承载区": "main hub area of the Western Financial Centre",
        "全国示范步行街": "National Model Pedestrian Street", "世界知名商圈": "world-famous business district",
        "西部陆海新通道": "New Western Land-Sea Corridor"}


# ---- 2. figures in Chinese numerals are figures ------------------------------------------------------

def test_a_figure_in_chinese_numerals_needs_its_number(content):
    edit(content / ZH, "迈上**2100亿元**台阶", "迈上**2100亿元**台阶，五年前已突破千亿")
    edit(content / EN, "**CNY 210 billion** mark", "**CNY 210 billion** mark (it passed CNY 100 billion five years ago)")
    (content / "values/plenary-demo.yaml").write_text((content / "values/plenary-demo.yaml").read_text(
        encoding="utf-8") + """- id: demo.gdp.2022.outcome
  indicator: gdp
  document: plenary-demo
  kind: outcome
  period: "2022"
  text: {zh: 突破千亿}
  source: {anchor: g1-p1, quote: 五年前已突破千亿}
""", encoding="utf-8")
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:23: value 'demo.gdp.2022.outcome': '突破千亿' states a figure: give "
        "number: 1000 and comparator: '>'"]
    edit(content / "values/plenary-demo.yaml", "  text: {zh: 突破千亿}\n", "  text: {zh: 突破千亿}\n  number: 100\n"
         "  comparator: '>'\n")
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:29: value 'demo.gdp.2022.outcome': number 100 does not match '突破千亿' "
        "(expected 1000 亿元)"]


# ---- 3. records: names complete, units right ---------------------------------------------------------

def test_an_indicator_name_cut_off_after_a_possessive_fails(content):
    edit(content / "indicators/main.yaml", "en: Number of software enterprises}", "en: Software enterprises as a share of the city’s}")
    assert errors_of(content) == [
        "content/indicators/main.yaml:7: indicator 'software-enterprises': name.en 'Software enterprises as a share "
        "of the city’s' ends in 'city’s': it looks cut off\n    hint: complete the name, e.g. '… as a share of the "
        "city’s total'"]


@pytest.mark.parametrize("name", ["Share of the", "GDP per", "Growth of", "Value added and"])
def test_an_indicator_name_ending_in_a_preposition_or_article_fails(content, name):
    edit(content / "indicators/main.yaml", "en: Number of software enterprises}", f"en: {name}}}")
    assert len(errors_of(content)) == 1


def test_phrasal_verbs_end_names_legitimately(content):
    edit(content / "indicators/main.yaml", "en: Number of software enterprises}", "en: Software enterprises brought in}")
    generate(content)


def test_the_records_found_in_review_are_corrected():
    from test_real_content import site
    real = site()
    assert real.indicator("gdp-per-land-area").unit.zh == "亿元/平方公里"
    grant = next(v for v in real.values if v.indicator == "gef-mercury-free-grant")
    assert (grant.kind, grant.period) == ("outcome", "2025") and "31 May 2027" in grant.note.en
    walkway = next(c for c in real.conflicts if c.indicator == "walkway-length")
    assert not any(v.endswith("outcome-2") for v in walkway.values)  # the 114.5 km caption is no evidence


# ---- 4. editorial marks: no silent change to a source ----------------------------------------------

SEEDS = ROOT / "sources"  # the source documents, with their README
DOCUMENT_SEEDS = {"fyp14-proposal": "004_c0d7b07a42471a60.txt", "congress13-news": "000_3fa1c2c032567360.txt",
                  "congress13-article": "003_0d803af9f4425cb7.txt",
                  "plenary2-interpretation": "001_d73406c9189b929d.txt", "plan2025-report": "002_19206d79a4b63e5c.txt"}
# Sentences end at 。！？；; a full-width space separates items the editors set side by side (000 page-info).
SENTENCE_END = re.compile(r"(?<=[。！？；])|\u3000")
# The one normalisation applied to all editions without marks (docs/editorial/notes-accuracy.md):
# ASCII punctuation in Chinese text written full-width.
FULL_WIDTH = str.maketrans({",": "，", ":": "：", "?": "？", "!": "！", ";": "；", "(": "（", ")": "）"})


def squeezed(text: str) -> str:
    """No whitespace, punctuation full-width."""
    return re.sub(r"\s+", "", text).translate(FULL_WIDTH)


def simplified(doc_id: str, text: str) -> str:
    """003 as compared: Simplified characters (OpenCC t2s), so that a mark may give the source's reading
    in its own Traditional characters."""
    if doc_id != "congress13-article":
        return text
    import opencc
    return opencc.OpenCC("t2s").convert(text)


def seed_text(doc_id: str) -> str:
    """A seed as the editions are compared with it: 002's inline footnote markers and 001's bold markers
    dropped (both are Markdown in the editions), 003 converted
    to Simplified characters with OpenCC t2s (as its edition was; docs/editorial/notes-001-003.md), and
    no whitespace (line breaks of the newspaper columns, layout spaces)."""
    text = (SEEDS / DOCUMENT_SEEDS[doc_id]).read_text(encoding="utf-8")
    text = re.sub(r"\[\[footnoteRef:\d+\]\]", "", text).replace("**", "")
    return squeezed(simplified(doc_id, text))


def edition_lines(doc_id: str, zh: Path | None = None) -> list[tuple[int, str]]:
    """The zh edition as the source reads it: editorial marks undone, Markdown stripped (anchors, headings,
    list markers, bold, footnote labels, table rules and pipes), one (line number, text) per source line."""
    lines = []
    zh = zh or ROOT / "content/documents" / doc_id / "zh.md"
    for number, line in enumerate(zh.read_text(encoding="utf-8").splitlines(), 1):
        line = simplified(doc_id, undo_edit_marks(line))
        line = re.sub(r"^\s*\{:[^}]*\}\s*$", "", line)                  # {: #anchor } lines
        line = re.sub(r"\s*\{#[^}]*\}\s*$", "", line)                   # heading anchors
        line = re.sub(r"^#+\s*|^\s*[-*]\s+|\*\*|\[\^[^\]]+\](?::\s*)?", "", line)
        if re.fullmatch(r"\|?[\s|:-]+\|?", line):                       # table rule
            continue
        line = line.replace("|", " ")
        if line.strip():
            lines.append((number, line))
    return lines


def unsilenced_sentences(doc_id: str, zh: Path | None = None) -> list[tuple[int, str]]:
    """Every sentence of the edition, marks undone, that its seed does not contain."""
    seed = seed_text(doc_id)
    return [(number, sentence) for number, line in edition_lines(doc_id, zh)
            for sentence in SENTENCE_END.split(line) if squeezed(sentence) and squeezed(sentence) not in seed]


def test_every_document_names_its_source_in_the_repository():
    """meta.yaml's source_file is the file in sources/ the edition is compared with (no skip in a clone)."""
    import yaml
    named = {meta.parent.name: yaml.safe_load(meta.read_text(encoding="utf-8"))["source_file"]
             for meta in (ROOT / "content/documents").glob("*/meta.yaml")}
    assert named == DOCUMENT_SEEDS
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == sorted(named.values())


@pytest.mark.parametrize("doc_id", sorted(DOCUMENT_SEEDS))
def test_every_sentence_of_an_edition_is_its_seeds_or_marked(doc_id):
    assert [f"content/documents/{doc_id}/zh.md:{n}: {s}" for n, s in unsilenced_sentences(doc_id)] == []



def test_an_unmarked_repair_is_found(tmp_path):
    zh = tmp_path / "zh.md"
    real = (ROOT / "content/documents/plenary2-interpretation/zh.md").read_text(encoding="utf-8")
    zh.write_text(real.replace("八大{~~人人生~>人生~~}关怀", "八大人生关怀"), encoding="utf-8")
    assert [n for n, _ in unsilenced_sentences("plenary2-interpretation", zh)] == [54]
    assert unsilenced_sentences("plenary2-interpretation") == []


@pytest.mark.parametrize(("marked", "source", "edition"), [
    ("八大{~~人人生~>人生~~}关怀", "八大人人生关怀", "八大人生关怀"),
    ("发展{++动++}力", "发展力", "发展动力"),
    ("{--●--}经济发展", "●经济发展", "经济发展"),
    ("a {++b++} c {~~d~>e~~}", "a  c d", "a b c e"),
])
def test_marks_undone_and_applied(marked, source, edition):
    assert (undo_edit_marks(marked), apply_edit_marks(marked)) == (source, edition)


def test_a_mark_renders_the_source_reading_a_marker_and_a_note(content):
    edit(content / ZH, "渝中纳入国家区块链", "渝中纳入{~~國家~>国家~~}区块链")
    page = generate(content).files["zh/documents/plenary-demo/index.html"].decode()
    assert ('<span class="edit" data-source-reading="國家">国家<sup class="edit-mark"><a href="#edit-1" '
            'id="edit-ref-1">†1</a></sup></span>') in page
    assert re.search(r'<li id="edit-1"><a href="#r1-1">r1-1</a> <span class="edit-edition">“国家”</span> '
                     r'原文作“<span>國家</span>” <a aria-label="[^"]+" class="edit-back" href="#edit-ref-1">↩</a></li>',
                     page)
    site = generate(content).site
    assert site.document("plenary-demo").bodies["zh"].block("r1-1").text.startswith("软件企业突破2500家，渝中纳入国家区块链")


def test_an_unclosed_mark_is_an_error(content):
    edit(content / ZH, "渝中纳入国家区块链", "渝中纳入{~~國家>国家~~}区块链")
    assert errors_of(content) == [
        "content/documents/plenary-demo/zh.md:8: editorial mark not closed: '{~~國家>国家~~}区块链创新应用试点'\n"
        "    hint: write {++added++}, {--left out--} or {~~source~>edition~~} on one line"]


def test_the_english_page_lists_the_chinese_editions_marks(content):
    edit(content / ZH, "渝中纳入国家区块链", "渝中纳入{~~國家~>国家~~}区块链")
    generated = generate(content)
    assert generated.site.document("plenary-demo").bodies["zh"].edits == (("r1-1", "国家", "國家"),)
    page = generated.files["en/documents/plenary-demo/index.html"].decode()
    assert re.search(r'<li><a href="#r1-1">r1-1</a> <span lang="zh-Hans">“国家”</span>\s+source reads '
                     r'<span lang="zh-Hans">“國家”</span></li>', page)
    edit(content / ZH, "渝中纳入{~~國家~>国家~~}区块链", "渝中纳入国家区块链")
    page = generate(content).files["en/documents/plenary-demo/index.html"].decode()
    assert "Editorial marks in the Chinese edition" not in page


def test_quoted_blocks_leave_the_markers_whose_notes_are_on_the_document_page():
    from portal.blocks import block_html, block_map
    html = ('<p id="p1">八大<span class="edit" data-source-reading="人人生">人生<sup class="edit-mark"><a href="#edit-1" '
            'id="edit-ref-1">†1</a></sup></span>关怀<sup id="fnref-tn-1"><a class="footnote-ref" href="#fn-tn-1">1</a>'
            '</sup></p>')
    expected = '八大<span class="edit" data-source-reading="人人生">人生</span>关怀'
    assert block_map(html)["p1"] == expected + "<sup>1</sup>"
    assert block_html(html, "p1") == expected
