"""The 2024 status rule, table-tested; and the statuses the real annex gives."""
from __future__ import annotations


import pytest

from portal.compare import status
from portal.errors import SourceRef
from portal.figures import FigureError, parse_figure
from portal.model import Localized, Source, Value


def value(text: str, kind: str) -> Value:
    try:
        figure = parse_figure(text)
        number, comparator = figure.number, figure.comparator
    except FigureError:  # words (a goal or outcome stated in words): no figure
        number = comparator = None
    return Value("v", "i", "d", kind, "2024", Localized(text, text), number, comparator,
                 Source("annex-1-r1", text), None, SourceRef("x"))


# (2024 target as written, 2024 outcome as written, status) — rows from the annex tables and edge cases
STATUS = [
    ("6左右", "6左右", "met"),            # GDP growth
    ("＞28.2", "＞29", "met"),            # per capita GDP
    ("6", "23.2", "met"),                 # budget revenue growth
    ("7.5", "4", "missed"),               # retail sales growth
    ("0.7左右", "0.62", "missed"),        # R&D intensity: 0.62 is more than 5 % below 0.7
    ("0.7左右", "0.67", "met"),           # within the 5 % tolerance of "about"
    ("＞37.77", "＞37.77", "met"),        # invention patents: more than 37.77 both times
    ("＞37.77", "37.77", "missed"),       # exactly the bound is not "more than"
    ("＞13.2", "13.7", "met"),            # physicians
    ("5.3以内", "5.3以内", "met"),        # unemployment
    ("5.3以内", "5.4", "missed"),
    ("＜0.01", "0.0055", "met"),          # work-safety deaths
    ("＜0.01", "0.01", "missed"),
    ("300", "303", "met"),                # good-air days
    ("38.9左右", "38.94", "met"),         # green coverage
    ("650", "预计完成", "reported"),       # private economy: a figure target, an outcome in words
    ("3", "预计完成", "reported"),         # energy intensity
    ("20", "保持全市前列", "reported"),    # a figure target, a rank as outcome
    ("保持全市前列", "保持全市前列", "qualitative"),
    ("市计划", "高于全市平均水平", "qualitative"),
    ("市计划", "预计完成", "qualitative"),  # CO2 intensity: the target itself is words
]


@pytest.mark.parametrize(("target", "outcome", "expected"), STATUS)
def test_status_rule(target, outcome, expected):
    assert status(value(target, "target"), value(outcome, "outcome")) == expected


def test_nothing_to_compare_without_a_target_or_an_outcome():
    assert status(None, value("6", "outcome")) == "no-target"
    assert status(None, None) == "no-target"
    assert status(value("6", "target"), None) == "no-target"
    assert status(value("保持全市前列", "target"), None) == "qualitative"


def test_real_annex_statuses_match_the_report():
    """The report says 24 of 26 indicators are on track, retail sales growth and R&D intensity not."""
    from test_real_content import site
    from portal.compare import matrix
    rows = {row.indicator.id: row.status for _, rows in matrix(site()) for row in rows}
    assert rows["retail-sales-growth"] == "missed" and rows["rd-intensity"] == "missed"
    annex = [r for r in rows if r in {v.indicator for v in site().values if v.source.anchor.startswith("annex-1")}]
    assert len(annex) == 26
    assert sorted(r for r in annex if rows[r] == "missed") == ["rd-intensity", "retail-sales-growth"]
