"""A quoted table row reads as a row: each quoted cell under its column's heading, in pages and books,
never cells joined by " | "."""
from __future__ import annotations

import re

from conftest import real
from portal.quotedrows import column_headings, labelled_cells, row_plain

HEADINGS = ("序号", "指标类别", "指标名称", "单位", "指标属性", "2024年预期目标", "2024年预计完成情况")
ROW = "24 |  | 空气质量优良天数 | 天 | 约束性 | 300 | 303"


def test_a_target_quote_is_labelled_by_its_columns():
    assert labelled_cells("空气质量优良天数 | 天 | 约束性 | 300", ROW, HEADINGS) == [
        ("指标名称", "空气质量优良天数"), ("单位", "天"), ("指标属性", "约束性"), ("2024年预期目标", "300")]


def test_an_outcome_quote_names_the_outcome_column():
    cells = labelled_cells("空气质量优良天数 | 天 | 约束性 | 300 | 303", ROW, HEADINGS)
    assert cells[-1] == ("2024年预计完成情况", "303") and cells[-2] == ("2024年预期目标", "300")


def test_quotes_that_are_not_whole_cells_of_the_row_stay_quotes():
    assert labelled_cells("空气质量优良天数达到300天", ROW, HEADINGS) is None  # running text
    assert labelled_cells("质量优良天数 | 天", ROW, HEADINGS) is None  # part of a cell
    assert labelled_cells("天 | 300", ROW, HEADINGS) is None  # cells out of order
    assert labelled_cells("空气质量优良天数 | 天", ROW, HEADINGS[:3]) is None  # a heading missing


def test_headings_are_read_from_the_rows_table():
    html = ("<p>x</p><table><thead><tr><th>No.</th><th>Indicator <a href='#t'>(GDP)</a></th></tr></thead><tbody>"
            "<tr id=\"annex-1-r1\"><td>1</td><td>GDP</td></tr></tbody></table>"
            "<table><thead><tr><th>A</th></tr></thead><tbody><tr id=\"other\"><td>1</td></tr></tbody></table>")
    assert column_headings(html) == {"annex-1-r1": ("No.", "Indicator (GDP)"), "other": ("A",)}


def test_the_plain_text_form_names_every_cell():
    pairs = [("Indicator", "空气质量优良天数"), ("Unit", "天"), ("Estimated outcome for 2024", "303")]
    assert row_plain(pairs, "en") == "Indicator: 空气质量优良天数; Unit: 天; Estimated outcome for 2024: 303"
    assert row_plain([("单位", "天"), ("指标属性", "约束性")], "zh") == "单位：天；指标属性：约束性"


def test_no_page_of_the_real_site_quotes_cells_joined_by_a_bar():
    joined = [name for name, data in real().files.items() if name.endswith(".html")
              and re.search(r"<(blockquote|q)\b[^>]*>[^<]* \| ", data.decode())]
    assert joined == []


def test_the_good_air_days_page_labels_target_and_outcome():
    page = real().files["en/indicators/good-air-days/index.html"].decode()
    assert ('<tr><th scope="row">Expected target for 2024</th><td lang="zh-Hans">300</td></tr>'
            '<tr><th scope="row">Estimated outcome for 2024</th><td lang="zh-Hans">303</td></tr>') in page
    zh = real().files["zh/indicators/good-air-days/index.html"].decode()
    assert '<tr><th scope="row">2024年预计完成情况</th><td lang="zh-Hans">303</td></tr>' in zh


def test_the_books_show_quoted_rows_as_tables():
    for lang in ("zh", "en"):
        book = real().files[f"{lang}/print/index.html"].decode()
        assert 'class="quoted-row' in book
