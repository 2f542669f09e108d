"""`build.py new-document` (a plain-text source drafted into a document) and `check --figures`: the draft's
Markdown construct by construct, the refusals, the TO FILL marks the build refuses, and the whole editor's
path (new-document, meta.yaml filled, translations export -> import, build) on a small source and a seed."""
from __future__ import annotations

import html
import io
import os
import re
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

import build
from conftest import ROOT, generate
from portal import newdocument, poimport, translating
from portal.errors import ContentErrors
from portal.figures import english_amount
from portal.loading import parse_yaml
from portal.numbers import numbers_zh
from portal.scaffold import draft, escape, heading_number

SMALL = """渝中区2026年计划（样例）
区政府各部门：
一、总体要求
2026年，地区生产总值突破2000亿元，增长6%左右[[footnoteRef:0]]。 [0: [] “四化”：指国际化、绿色化、智能化、人文化。] 
——坚持稳中求进。全区社零总额增长5%以上。
——坚持创新驱动(研发投入)。
（一）主要目标
1. 经济目标
●软件企业突破2500家
●建成步行系统115公里
（二）重点工作。持续推进城市更新,完成老旧小区改造356万平方米。
附件1

主要目标表

\t序号
\t指标名称
\t2026年
目标

\t1
\t地区生产总值增速
\t6左右

\t2
\t城镇调查失业率
\t5.5以内
"""

SMALL_ZH = """渝中区2026年计划（样例）
{: #p1 }

区政府各部门：
{: #p2 }

## 一、总体要求 {#s1}

2026年，地区生产总值突破2000亿元，增长6%左右[^0]。
{: #s1-p1 }

[^0]: “四化”：指国际化、绿色化、智能化、人文化。

——坚持稳中求进。全区社零总额增长5%以上。
{: #s1-p2 }

——坚持创新驱动（研发投入）。
{: #s1-p3 }

### （一）主要目标 {#s1-1}

#### 1. 经济目标 {#s1-1-1}

- 软件企业突破2500家
  {: #s1-1-1-i1 }
- 建成步行系统115公里
  {: #s1-1-1-i2 }

**（二）重点工作。**持续推进城市更新，完成老旧小区改造356万平方米。
{: #s1-p4 }

## 附件1　主要目标表 {#annex-1}

| 序号 | 指标名称 | 2026年目标 |
|---|---|---|
| 1 | 地区生产总值增速 | 6左右 |
| 2 | 城镇调查失业率 | 5.5以内 |
"""


def test_each_construct_of_a_source_becomes_the_editions_markdown():
    """Heading levels by numbering style (一、 ## / （一） ### / 1. ####), anchors after the source's
    numbers, a paragraph per line, —— paragraphs, ● bullets as one tight list, a numbered paragraph with a
    bold lead (it closes the deeper headings), footnotes after their paragraph, an annex table with its
    label and title as the heading and a cell split over two lines joined, ASCII punctuation full-width."""
    made = draft(SMALL)
    assert made.markdown == SMALL_ZH
    assert (made.tables, made.footnotes, made.notes) == (1, 1, [])


def test_a_layouts_unnumbered_headings_and_dash_lists():
    """As in the plenary explainer's seed: a short line without punctuation before a numbered or longer one
    is a heading (anchored h1, h2, … beside the numbered s1, s2), '1 title' is numbered, '- ' is a bullet;
    a signature and a date line stay paragraphs."""
    made = draft("过去一年 工作回顾总结\n1 大力推进产业升级振兴\n- 全区社零总额保持全市第一\n- 软件企业突破 **2500家**\n"
                 "重庆市渝中区人民政府\n2025年1月24日\n")
    assert made.markdown == ("## 过去一年 工作回顾总结 {#h1}\n\n### 1 大力推进产业升级振兴 {#s1}\n\n"
                             "- 全区社零总额保持全市第一\n  {: #s1-i1 }\n- 软件企业突破 **2500家**\n  {: #s1-i2 }\n\n"
                             "重庆市渝中区人民政府\n{: #s1-p1 }\n\n2025年1月24日\n{: #s1-p2 }\n")


def test_a_count_is_not_numbering_and_a_table_without_header_is_noted():
    assert heading_number("12 个项目获评") is None and heading_number("1 “干出双城经济圈建设新业绩”见行动") == ("spaced", 1)
    made = draft("表头\n\n\t1\n\t甲\n\n\t2\n\t乙\n")
    assert made.markdown == "## 表头 {#table-1}\n\n|  |  |\n|---|---|\n| 1 | 甲 |\n| 2 | 乙 |\n"
    assert made.notes == ["table 'table-1' has no header row: its header cells are empty; write them"]


def test_the_source_is_text_never_markup():
    """Untrusted: HTML, attribute lists, links, editorial marks, emphasis and line-start syntax in a source
    are escaped and rendered as the very text they are."""
    hostile = ('<script>alert(1)</script>{: onclick="x" } [a](javascript:alert(1)) {~~a~>b~~} _x_ `c` | &amp; '
               'a*b\\ {#id}')
    lines = [hostile, "# not a heading", "+ not a list", "> not a quote", "3. 不是列表。", "<!-- x -->"]
    made = draft("\n".join(lines))
    body, problems = newdocument.Renderer("zh", "").render(made.markdown, Path("zh.md"))
    assert problems == []
    shown = [html.unescape(re.sub(r"<[^>]+>", "", p)).removesuffix("¶") for p in re.findall(r"<p .*?</p>", body.html)]
    assert shown == lines
    assert [b.anchor for b in body.blocks] == ["p1", "p2", "p3", "p4", "p5", "p6"]
    assert "<script" not in body.html and "<!--" not in body.html and not re.search(r"<[^>]*onclick", body.html)
    assert re.findall(r"<a [^>]*>", body.html) == [f'<a aria-label="" class="permalink" href="#p{n}" title="">'
                                                   for n in range(1, 7)]
    assert escape("**粗体**与*星号") == "**粗体**与\\*星号"  # the source's bold pairs are kept


def test_a_traditional_source_is_drafted_in_simplified():
    text = (ROOT / "sources" / "003_0d803af9f4425cb7.txt").read_text(encoding="utf-8")
    simplified, converted = newdocument.to_simplified(text)
    assert converted and "高品质发展" in simplified and "質" not in simplified  # 高质量 is the editors' mark
    assert newdocument.to_simplified("地区生产总值突破2000亿元") == ("地区生产总值突破2000亿元", False)


def test_without_opencc_a_traditional_source_is_refused(monkeypatch):
    monkeypatch.setitem(sys.modules, "opencc", None)  # import opencc now raises ImportError
    with pytest.raises(ContentErrors) as caught:
        newdocument.to_simplified("重慶市渝中區第十三次黨代會提出")
    assert str(caught.value.errors[0]) == ("source: the source is in Traditional characters and OpenCC is not "
                                           "installed\n    hint: run 'bash scripts/setup.sh --dev' (OpenCC "
                                           "converts it to Simplified)")
    assert newdocument.to_simplified("重庆市渝中区第十三次党代会提出") == ("重庆市渝中区第十三次党代会提出", False)


def fill_meta(folder: Path) -> None:
    """What an editor writes in place of each TO FILL."""
    meta = folder / "meta.yaml"
    text = meta.read_text(encoding="utf-8")
    text = re.sub(r'date: "TO FILL: [^"]*"', 'date: "2026-01-20"', text)
    text = re.sub(r'translated: "TO FILL: [^"]*"', 'translated: "2026-12-06"', text)
    text = re.sub(r'zh: "TO FILL: [^"]*"', "zh: 样例", text)
    meta.write_text(re.sub(r'en: "TO FILL: [^"]*"', "en: Sample", text), encoding="utf-8")


def translate_po(po_text: str, names: dict[str, str]) -> str:
    """A translator's work, mechanically: every entry's English carries its figures (magnitudes converted),
    glossary and indicator names, footnote markers; table rows keep their cells and their number; the
    entries are reviewed (not fuzzy)."""
    catalog = read_po(io.StringIO(po_text))

    def english(zh: str, glossary: list[list[str]]) -> str:
        if re.fullmatch(r"\s*\d+\s*", zh):
            return zh.strip()
        figures = [english_amount(max(options)) if len(options) > 1 else str(min(options))
                   for _, options in numbers_zh(zh)]
        terms = [en for term, en in [*glossary, *names.items()] if term in zh]
        return " ".join(["Words", *figures, *terms, *re.findall(r"\[\^[^\]]+\](?!:)", zh)])

    for message in catalog:
        if not message.id:
            continue
        glossary = [c.removeprefix("glossary: ").split(" = ", 1) for c in message.auto_comments
                    if c.startswith("glossary: ")]
        if message.id.startswith("|"):
            cells = message.id.strip()[1:-1].split("|")
            message.string = "| " + " | ".join(english(c, glossary) if c.strip() else "" for c in cells) + " |"
        else:
            message.string = english(message.id, glossary)
        message.flags.discard("fuzzy")
    out = io.BytesIO()
    write_po(out, catalog, width=76)
    return out.getvalue().decode("utf-8")


def indicator_names(content: Path) -> dict[str, str]:
    names = {}
    for path in (content / "indicators").glob("*.yaml"):
        for record in parse_yaml(path.read_text(encoding="utf-8"), path):
            names[record["name"]["zh"]] = record["name"]["en"]
    return names


def through_translation(content: Path, tmp_path: Path, doc_id: str) -> None:
    """translations export, the translator, translations import; then the tables' header rows (no blocks)
    translated in en.md, as en.md's first line asks."""
    texts = translating.open_document(content, ROOT, doc_id)
    po = tmp_path / f"{doc_id}.en.po"
    po.write_text(translate_po(translating.export_po(texts, translating.load_terms(content)),
                               indicator_names(content)), encoding="utf-8")
    done = poimport.import_po(po, content, ROOT)
    assert done.still_outdated == []
    en = content / "documents" / doc_id / "en.md"
    text = en.read_text(encoding="utf-8")
    assert text.endswith(f"[//]: # (English edition of {doc_id}. Translate it with python build.py translations "
                         f"export {doc_id} -o {doc_id}.en.po and python build.py translations import {doc_id}.en.po; "
                         "translate each table's header row here in en.md.)\n")
    en.write_text(re.sub(r'\*[^*|]*\*\{: lang="zh-Hans" \}', "Heading", text), encoding="utf-8")


def test_a_new_document_builds_in_the_fixture_once_filled_and_translated(content, tmp_path, capsys):
    source = tmp_path / "plan.txt"
    source.write_text(SMALL, encoding="utf-8")
    assert build.main(["--content", str(content), "new-document", str(source), "--id", "plan2026",
                       "--layer", "plenary"]) == 0
    out = capsys.readouterr().out
    folder = content / "documents" / "plan2026"
    shown = "content/documents/plan2026"
    assert (folder / "zh.md").read_text(encoding="utf-8") == SMALL_ZH
    assert sorted(p.name for p in folder.iterdir()) == ["en.md", "meta.yaml", "zh.md"]
    kept = [p.name for p in (tmp_path / "sources").iterdir()]
    assert kept == [f"000_{newdocument.hashlib.sha256(SMALL.encode()).hexdigest()[:16]}.txt"]
    assert out.splitlines()[0] == (
        f"wrote {shown}/meta.yaml, zh.md, en.md: 15 anchored blocks (headings 4, paragraphs 6, list items 2, "
        f"table rows 2, footnotes 1), 1 table(s); source kept as sources/{kept[0]}")
    # the checklist: every figure with its qualifier and unit, sentence and anchor; years are not figures
    assert out.split("figures and ranks no value record holds yet (8):\n")[1].splitlines() == [
        f"- [ ] {shown}/zh.md:9 s1-p1: 突破2000亿元 — “2026年，地区生产总值突破2000亿元，增长6%左右。”",
        f"- [ ] {shown}/zh.md:9 s1-p1: 6%左右 — “2026年，地区生产总值突破2000亿元，增长6%左右。”",
        f"- [ ] {shown}/zh.md:14 s1-p2: 5%以上 — “全区社零总额增长5%以上。”",
        f"- [ ] {shown}/zh.md:24 s1-1-1-i1: 突破2500家 — “软件企业突破2500家”",
        f"- [ ] {shown}/zh.md:26 s1-1-1-i2: 115公里 — “建成步行系统115公里”",
        f"- [ ] {shown}/zh.md:29 s1-p4: 356万平方米 — “持续推进城市更新，完成老旧小区改造356万平方米。”",
        f"- [ ] {shown}/zh.md:36 annex-1-r1: 6左右 — “1 | 地区生产总值增速 | 6左右”",
        f"- [ ] {shown}/zh.md:37 annex-1-r2: 5.5以内 — “2 | 城镇调查失业率 | 5.5以内”"]
    # until meta.yaml is filled the build refuses the draft: one error naming every field to fill
    with pytest.raises(ContentErrors) as caught:
        generate(content)
    assert [str(e) for e in caught.value.errors] == [
        "content/documents/plan2026/meta.yaml:8: document 'plan2026': 12 field(s) still to be filled: title.zh, "
        "title.en, kind.zh, kind.en, date, issuer.zh, issuer.en, published.zh, published.en, translated, "
        "summary.zh, summary.en\n    hint: replace each 'TO FILL: …' with what it asks for (see the content "
        "schema in README.md)"]
    fill_meta(folder)
    with pytest.raises(ContentErrors) as caught:  # then: the English is missing, in one error
        generate(content)
    assert [str(e).split(":", 2)[2].split(":")[0] for e in caught.value.errors] == [" missing translation"]
    through_translation(content, tmp_path, "plan2026")
    generated = generate(content)
    document = next(d for d in generated.site.documents if d.id == "plan2026")
    assert [b.anchor for b in document.bodies["en"].blocks] == [b.anchor for b in document.bodies["zh"].blocks]
    assert "<table" in document.bodies["zh"].html and 'id="annex-1-r2"' in document.bodies["en"].html
    en = (folder / "en.md").read_text(encoding="utf-8")
    assert [line for line in en.splitlines() if line.startswith("|")] == [
        "| Heading | Heading | Heading |", "|---|---|---|", "| 1 | Words GDP | Words 6 |", "| 2 | Words | Words 5.5 |"]


@pytest.mark.slow  # a whole seed drafted, translated and built: about 4 s
def test_a_seed_is_scaffolded_and_built(content, tmp_path):
    """The 2025 plan report's seed (notice, numbered parts, 52 footnotes, two annex tables) into a copy of
    the fixture, through the editor's whole path."""
    created = newdocument.new_document(ROOT / "sources" / "002_19206d79a4b63e5c.txt", "plan-seed", "plenary",
                                       content, ROOT)
    kinds = [b.kind for b in created.body.blocks]
    assert (created.draft.tables, kinds.count("row"), kinds.count("footnote")) == (2, 51, 52)
    assert created.source_file.startswith("000_")  # the fixture has no sources/: kept as its first
    fill_meta(content / "documents" / "plan-seed")
    through_translation(content, tmp_path, "plan-seed")
    generated = generate(content)
    assert "plan-seed" in {d.id for d in generated.site.documents}


@pytest.mark.parametrize(("doc_id", "layer", "message"), [
    ("plenary-demo", "plenary", "documents/plenary-demo: document 'plenary-demo' already exists\n    hint: "
     "new-document never overwrites: choose another id, or remove the folder first"),
    ("../escape", "plenary", "documents: '../escape' is not a document id\n    hint: ids use lowercase letters, "
     "digits, '-' and '.', at most 100 characters"),
    ("a/b", "plenary", "documents: 'a/b' is not a document id"),
    ("Plan", "plenary", "documents: 'Plan' is not a document id"),
    ("plan2026", "plan2099", "content/site.yaml: layer 'plan2099' is not declared\n    hint: one of: "),
])
def test_refused_ids_layers_and_existing_documents(content, tmp_path, doc_id, layer, message):
    source = tmp_path / "plan.txt"
    source.write_text(SMALL, encoding="utf-8")
    before = sorted(p.name for p in (content / "documents").iterdir())
    with pytest.raises(ContentErrors) as caught:
        newdocument.new_document(source, doc_id, layer, content, ROOT)
    assert message in str(caught.value.errors[0])
    assert layer != "plan2099" or "plenary" in str(caught.value.errors[0])  # the layers there are, named
    assert sorted(p.name for p in (content / "documents").iterdir()) == before
    assert not (tmp_path / "sources").exists()


def test_a_linked_or_unreadable_source_is_refused(content, tmp_path):
    target = tmp_path / "plan.txt"
    target.write_text(SMALL, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(target)
    with pytest.raises(ContentErrors) as caught:
        newdocument.new_document(tmp_path / "link.txt", "plan2026", "plenary", content, ROOT)
    assert "link.txt: not a regular file" in str(caught.value.errors[0])
    (tmp_path / "bad.txt").write_bytes("区\x1b政府".encode())
    with pytest.raises(ContentErrors):
        newdocument.new_document(tmp_path / "bad.txt", "plan2026", "plenary", content, ROOT)
    assert not (content / "documents" / "plan2026").exists()


def test_check_figures_lists_what_no_value_holds(content, capsys):
    """The fixture document: 2500家 and 2100亿元 are held by value records, 75% is not; once the editorial
    list names it, it is counted as excused, not listed."""
    assert build.main(["--content", str(content), "check", "--figures", "plenary-demo"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "plenary-demo: 1 figure(s) or rank(s) no value record holds and docs/editorial/unrecorded.yaml does not "
        "list (0 more listed there with a reason)",
        "- [ ] content/documents/plenary-demo/zh.md:13 g1-p1: 75%以上 — “经济实力显著提升，地区生产总值迈上2100亿元台阶，"
        "现代服务业增加值占GDP比重提高到75%以上。”"]
    editorial = content.parent / "docs" / "editorial" / "unrecorded.yaml"
    editorial.parent.mkdir(parents=True)
    editorial.write_text("- document: plenary-demo\n  anchor: g1-p1\n  figures: ['75']\n  reason: a test\n",
                         encoding="utf-8")
    assert build.main(["--content", str(content), "check", "--figures", "plenary-demo"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "plenary-demo: 0 figure(s) or rank(s) no value record holds and docs/editorial/unrecorded.yaml does not "
        "list (1 more listed there with a reason)"]
    assert build.main(["--content", str(content), "check", "--figures", "nothing-here"]) == 1


def test_dates_times_years_annexes_and_numbering_are_not_figures_ranks_are():
    """The one rule (unrecorded.py): what is passed over by its form, what a value holds (its quote spans
    the figure and its text states it), and ranks in words, shown whole in the checklist."""
    body, _ = newdocument.Renderer("zh", "").render(
        "1. 发布时间：2022-01-24 17:02:54，2025年1月24日，附件2，新增市场主体2.5万户以上，连续3年，稳居全市第一。\n"
        "{: #p1 }\n\n3、第一届大会，社零总额增长5%以上\n{: #p2 }\n", Path("zh.md"))
    quotes = {"p1": [("连续3年", "连续3年")], "p2": [("社零总额增长5%以上", "增长")]}
    figures, excused = newdocument.unheld_figures(body, quotes, Path("zh.md"), {"p1": {"第一"}})
    assert [(f.anchor, f.figure, f.sentence) for f in figures] == [
        ("p1", "2.5万户以上", body.blocks[0].text),
        ("p2", "5%以上", "3、第一届大会，社零总额增长5%以上")]  # quoted, but the value's text does not state it
    assert excused == 1  # 第一, listed
    figures, excused = newdocument.unheld_figures(body, quotes, Path("zh.md"))
    assert [f.figure for f in figures] == ["2.5万户以上", "第一", "5%以上"] and excused == 0


def test_the_marker_is_refused_in_any_document(content):
    """A filled document with one TO FILL left is still refused (the check is the build's, not the scaffold's)."""
    meta = content / "documents" / "plenary-demo" / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("en: Undated in the source",
                                                             'en: "TO FILL: why it is undated"'), encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        generate(content)
    assert [str(e).split("\n")[0] for e in caught.value.errors] == [
        "content/documents/plenary-demo/meta.yaml:11: document 'plenary-demo': 1 field(s) still to be filled: "
        "date_note.en"]


def test_the_folder_is_written_whole_or_not_at_all(content, tmp_path, monkeypatch):
    source = tmp_path / "plan.txt"
    source.write_text(SMALL, encoding="utf-8")

    def refuse(*_args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(newdocument.os, "rename", refuse)
    with pytest.raises(OSError):
        newdocument.new_document(source, "plan2026", "plenary", content, ROOT)
    assert os.listdir(content / "documents") == ["plenary-demo"]  # no temporary folder left either
    assert not (tmp_path / "sources").exists()
