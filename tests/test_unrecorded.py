"""Every figure and rank of the documents is a record, or listed with its reason (issue 26, item 3):
portal/unrecorded.py finds each one no value holds; `build.py check --figures-unrecorded` and
`check --strict` fail on those docs/editorial/unrecorded.yaml does not name."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, generate, real, run_cli
from portal import newdocument
from portal import unrecorded as module
from portal.unrecorded import check, held, quoted_spans, stated, unrecorded

VALUES = "values/plenary-demo.yaml"
GDP_SENTENCE = "经济实力显著提升，地区生产总值迈上2100亿元台阶，现代服务业增加值占GDP比重提高到75%以上。"


@pytest.mark.parametrize("text, figures", [
    ("12. 加速市场主体发展，新增企业300家", ["300"]),              # a block's own number is not a figure
    ("3 大力推进产业升级", []),
    ("到2025年，地区生产总值突破2000亿元", ["2000亿"]),           # a year is not, an amount is
    ("发布时间：2022-01-24 17:02:54", []),                         # a date and a time of day
    ("2024年12月31日完成", []),
    ("20201211日全体会议通过", []),                                 # a date the source wrote without 年月
    ("金融业增加值稳居全市第一，居全市前列", ["第一", "前列"]),     # ranks in words
    ("第一届大会、第一批试点", []),                                 # an ordinal of an event is not a rank
    ("实现千亿级数字经济产值，力争销售总额翻番", ["千亿", "翻番"]),  # Chinese numerals, a doubling
    ("地表水水质稳定保持Ⅱ类标准", ["Ⅱ类"]),                       # a class of a grade scale
    ("3、新增停车位800个，详见附件2", ["800"]),                     # numbering after 、, an annex's number
    ("1.5万户以上", ["1.5万"]),                                     # a block's first figure, not its number
])
def test_what_is_a_figure_or_a_rank(text, figures):
    assert [written for _at, written in stated(text)] == figures


def test_a_value_holds_a_figure_only_if_its_quote_spans_it_and_its_text_states_it():
    text = "社会消费品零售总额增长4%左右，总量稳居全市第一、占全市9.6%"
    spans = quoted_spans(text, [("社会消费品零售总额增长4%左右，总量稳居全市第一、占全市9.6%", "9.6%")])
    found = {written: held(at, written, spans) for at, written in stated(text)}
    assert found == {"4": False, "第一": False, "9.6": True}  # the rank was quoted, never recorded
    spaced = quoted_spans("总量 稳居 全市第一", [("总量稳居全市第一", "第一")])  # spacing aside, as the quote check
    assert held(7, "第一", spaced)


def test_the_fixture_has_one_figure_no_value_holds(fixture_site):
    found = unrecorded(fixture_site.site)
    assert [(u.document, u.anchor, u.line, u.figures, u.sentence) for u in found] == [
        ("plenary-demo", "g1-p1", 13, ("75",), GDP_SENTENCE)]


def test_recording_the_figure_closes_it(content):
    path = content / VALUES
    path.write_text(path.read_text(encoding="utf-8") + """- id: demo.modern-services-share.2027.target
  indicator: gdp
  document: plenary-demo
  kind: target
  period: "2027"
  text: {zh: 75%以上}
  number: 75
  comparator: "≥"
  source: {anchor: g1-p1, quote: 现代服务业增加值占GDP比重提高到75%以上}
""", encoding="utf-8")
    assert unrecorded(generate(content).site) == []


def _listing(content: Path, text: str) -> None:
    path = module.listing(content)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_check_names_each_open_figure_and_each_stale_entry(content, fixture_site):
    assert [str(e) for e in check(fixture_site.site, content)] == [
        f"content/documents/plenary-demo/zh.md:13: block 'g1-p1': 75 not a record: “{GDP_SENTENCE}”\n"
        "    hint: record it as a value quoting it, or list it with the reason in docs/editorial/unrecorded.yaml"]
    _listing(content, "- document: plenary-demo\n  anchor: g1-p1\n  figures: ['75']\n  reason: a test\n")
    assert check(fixture_site.site, content) == []
    _listing(content, "- document: plenary-demo\n  anchor: g1-p1\n  figures: ['75', '76']\n  reason: a test\n")
    assert [str(e).split("\n")[0] for e in check(fixture_site.site, content)] == [
        "docs/editorial/unrecorded.yaml:1: '76' is not a figure of plenary-demo 'g1-p1'"]
    _listing(content, "- document: plenary-demo\n  anchor: g1-p1\n  figures: ['75']\n")
    with pytest.raises(Exception, match="an entry is {document, anchor, figures: \\[as written\\], reason}"):
        check(fixture_site.site, content)


def _figures_of(site, content: Path, doc_id: str) -> list[tuple[str, int, str]]:
    """What `check --figures-unrecorded` reports of one document: (anchor, line, sentence) per figure."""
    listed, _entries = module.load_listed(module.listing(content))
    return [(u.anchor, u.line, u.sentence) for u in unrecorded(site, listed) if u.document == doc_id
            for _figure in u.figures]


def test_check_figures_of_one_document_agrees_with_the_whole_check(content):
    """`check --figures DOC` (raw content) and `check --figures-unrecorded` (the built site) find the same
    figures and ranks: one finder, one editorial list."""
    zh = content / "documents" / "plenary-demo" / "zh.md"
    zh.write_text(zh.read_text(encoding="utf-8").replace("以上。", "以上，金融业增加值稳居全市第一。", 1), encoding="utf-8")
    _listing(content, "- document: plenary-demo\n  anchor: g1-p1\n  figures: ['75']\n  reason: a test\n")
    figures, excused = newdocument.check_figures(content, ROOT, "plenary-demo")
    assert [(f.anchor, f.figure) for f in figures] == [("g1-p1", "第一")] and excused == 1
    assert [(f.anchor, f.where.line, f.sentence) for f in figures] == _figures_of(generate(content).site, content,
                                                                                 "plenary-demo")


def test_check_figures_agrees_for_the_real_report():
    figures, excused = newdocument.check_figures(ROOT / "content", ROOT, "plan2025-report")
    assert figures == [] == _figures_of(real().site, ROOT / "content", "plan2025-report")
    assert excused > 100  # the report's numbers in names, references and standings in words, each with its reason


def test_every_figure_and_rank_of_the_real_documents_is_a_record_or_listed():
    assert [str(e) for e in check(real().site, ROOT / "content")] == []


@pytest.mark.parametrize("value, text", [
    ("plan2025.retail-sales-city-rank.2024.outcome", "第一"),       # 社会消费品零售总额…总量稳居全市第一
    ("plan2025.urban-income-city-rank.2024.outcome", "第一"),       # 城镇居民人均可支配收入…保持全市第一
    ("news2021.retail-sales-city-rank.2021.outcome", "第一"),
    ("plenary2.retail-sales-city-rank.2022.outcome", "第一"),
    ("news2021.finance-value-added-city-rank.2021.outcome", "第一"),  # 金融业增加值稳居全市第一
    ("plenary2.finance-value-added-city-rank.2022.outcome", "第一"),
    ("fyp14.finance-scale-city-standing.2025.target", "保持全市领先"),
    ("plan2025.two-rivers-surface-water-class.2024.outcome", "稳定保持Ⅱ类标准"),  # the class kept in 2024
    ("fyp14.daping-sales.2025.target", "翻番"),                      # the 14th FYP's doubling target
])
def test_the_ranks_and_figures_the_audit_named_are_records(value, text):
    values = {v.id: v for v in real().site.values}
    assert values[value].text.zh == text


@pytest.mark.slow
def test_check_figures_unrecorded_lists_them_and_fails(content):
    result = run_cli("--content", str(content), "check", "--figures-unrecorded")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"content/documents/plenary-demo/zh.md:13: block 'g1-p1': 75 not a record: “{GDP_SENTENCE}”")
    _listing(content, "- document: plenary-demo\n  anchor: g1-p1\n  figures: ['75']\n  reason: a test\n")
    assert run_cli("--content", str(content), "check", "--figures-unrecorded").returncode == 0
