"""Messages name the line a block starts on: the one-pass index finds what a scan of every line finds."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.markup import Renderer
from portal.sourcelines import SourceLines

DOCUMENTS = Path(__file__).resolve().parent.parent / "content" / "documents"

SAMPLE = """## 一、总体形势 {#part-1}

第一段的文字，
跨两行。
{: #p1 }

- 第一项
  {: #p2-1 }
- 第二项
  {: #p2-2 }

### 表 {#table}

| 序号 | 名称 |
|---|---|
| 1 | 甲 |
| 12 | 乙 |

[^3]: 注释的文字。

没有锚点的一段
"""


@pytest.mark.parametrize("anchor, plain, line", [
    ("part-1", "一、总体形势", 1),
    ("p1", "第一段的文字，跨两行。", 3),  # the attribute list's line -> the paragraph's first line
    ("p2-1", "第一项", 7),  # a list item: its own line, not the list's
    ("p2-2", "第二项", 9),
    ("table-r1", "1 | 甲", 16),
    ("table-r12", "12 | 乙", 17),
    ("fn-3", "注释的文字。", 19),
    (None, "没有锚点的一段", 21),
    ("p", "没有锚点的一段", 21),  # 'p' is not an anchor of the file (only a prefix of p1, p2-1): by its words
    ("missing", "找不到", 1),
])
def test_line_of_each_kind_of_block(anchor, plain, line):
    assert SourceLines(SAMPLE).line_of(anchor, plain) == line


def test_line_with_tries_the_probes_in_order_and_decodes_html():
    source = SourceLines('一\n[x](javascript:alert(1))\n{: title="a&b" }')
    assert source.line_with("nothing", "javascript") == 2
    assert source.line_with("a&amp;b", html_text=True) == 3
    assert source.line_with("absent") == 1


def _scanned_line(lines: list[str], anchor: str | None, plain: str) -> int:
    """The reference: every line scanned for each block, as messages found lines before the index."""
    if anchor:
        marker = re.compile(r"\{:?\s*#" + re.escape(anchor) + r"(?![\w-])")
        for number, line in enumerate(lines, 1):
            if marker.search(line):
                return SourceLines("\n".join(lines))._block_start(number)
        row = re.match(r"(.*)-r(\d+)$", anchor)
        if row:  # the row under its table's heading (not a row of that number in an earlier table)
            heading = re.compile(r"^#.*\{:?\s*#" + re.escape(row.group(1)) + r"(?![\w-])")
            below = next((number for number, line in enumerate(lines, 1) if heading.match(line)), 0)
            cell = re.compile(r"^\|?\s*" + row.group(2) + r"\s*\|")
            for number, line in enumerate(lines[below:], below + 1):
                if cell.match(line):
                    return number
        footnote = re.match(r"fn-(.+)$", anchor)
        if footnote:
            for number, line in enumerate(lines, 1):
                if line.startswith(f"[^{footnote.group(1)}]:"):
                    return number
    for probe in (plain[:12], plain[:4]):
        for number, line in enumerate(lines, 1):
            if probe and probe in line.replace("**", ""):
                return number
    return 1


@pytest.mark.parametrize("path", sorted(DOCUMENTS.glob("*/*.md")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_block_of_the_real_documents_gets_the_scanned_line(path):
    text = path.read_text(encoding="utf-8")
    body, _ = Renderer(path.stem, "¶").render(text, path)
    source, lines = SourceLines(text), text.split("\n")
    assert body.blocks
    for block in body.blocks:
        assert source.line_of(block.anchor, block.text) == _scanned_line(lines, block.anchor, block.text) \
            == block.line, block.anchor


def test_odd_anchors_fall_back_to_a_scan():
    text = "甲\n{: #a.b }\n\n[^x]:y]: 注"
    source = SourceLines(text)
    assert source.line_of("a.b", "甲") == _scanned_line(text.split("\n"), "a.b", "甲") == 1
    assert source.line_of("fn-x]:y", "注") == 4


@pytest.mark.parametrize("first, second", [("{: .note #d }", "{: .note #d }"), ("{: #d .note }", "{: .c #d }"),
                                           ("{#d}", '{: lang="zh-Hans" #d }')])
def test_a_duplicate_anchor_is_found_wherever_its_list_sets_it(first, second):
    text = f"## 标题 {{#h}}\n\n甲 *乙*{first}\n{{: #p }}\n\n丙\n{second}\n"
    _, errors = Renderer("zh", "¶").render(text, Path("x.md"))
    assert [str(e).split("\n")[0] for e in errors] == ["x.md:6: duplicate anchor 'd' (first on line 3)"]


def test_a_row_is_found_in_its_own_table_not_in_an_earlier_one_with_that_number():
    text = "## 表一 {#a}\n\n| 序号 | 名称 |\n|---|---|\n| 1 | 甲 |\n\n## 表二 {#b}\n\n序号 | 名称\n---|---\n1 | 乙\n"
    body, _ = Renderer("zh", "¶").render(text, Path("x.md"))
    assert [(b.anchor, b.line) for b in body.blocks] == [("a", 1), ("a-r1", 5), ("b", 7), ("b-r1", 11)]
