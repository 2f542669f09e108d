"""The one reader of anchored blocks (portal/anchored.py): every block form the build accepts, cut as
Python-Markdown cuts it; and, over seeded random documents built from all the forms, the reader's blocks
are the rendered page's anchored elements (same anchors, same order), each block's words are exactly what
the page shows for it, and putting the same words back gives the same text."""
from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest

from portal.anchored import attribute_id, block_list, read_blocks
from portal.markup import Renderer
from portal.segments import replace_segments, segment_texts, split_segments

SHOWN = Path("x.md")


def cut(text: str) -> list[tuple]:
    return [(b.anchor, b.kind, b.first, b.last, text[b.start:b.end]) for b in read_blocks(text)]


@pytest.mark.parametrize("text, expected", [
    ("## 标题 {#h}", [("h", "heading", 1, 1, "标题")]),
    ("## 标题 {#h .lead}", [("h", "heading", 1, 1, "标题")]),
    ("### 标题 {: #h .lead data-x=1 }", [("h", "heading", 1, 1, "标题")]),
    ("#### 标题 {: .lead #h }  ", [("h", "heading", 1, 1, "标题")]),
    ("## 标题 ##", [(None, "heading", 1, 1, "标题")]),  # no id: the page gives it its slug
    ("## 标题{#h}", [(None, "heading", 1, 1, "标题{#h}")]),  # attr_list needs a space before the list
    ("甲\n乙\n{: #p .note }", [("p", "paragraph", 1, 3, "甲\n乙")]),
    ("甲\n{: .note #p }", [("p", "paragraph", 1, 2, "甲")]),
    ("甲\n{#p}", [("p", "paragraph", 1, 2, "甲")]),
    ("{: #p }", [(None, "paragraph", 1, 1, "{: #p }")]),  # a list alone is a paragraph's text
    ("甲\n{: #p }\n乙", [(None, "paragraph", 1, 3, "甲\n{: #p }\n乙")]),  # only the last line sets the id
    ("- 一\n  {: #i1 .x }\n- 二\n  续\n  {: .y #i2 }", [("i1", "item", 1, 2, "一"), ("i2", "item", 3, 5, "二\n  续")]),
    ("1. 一\n   {: #i1 }\n- 不是一项\n   {: #i2 }", [("i2", "item", 1, 4, "一\n   {: #i1 }\n- 不是一项")]),
    ("- 一\n  {: #i1 }\n    - 二\n      {: #i2 }", [("i1", "item", 1, 2, "一"), ("i2", "item", 3, 4, "二")]),
    ("[^1]: 注\n    续行\n懒行\n\n    第二段\n\n正文\n{: #p }",
     [("fn-1", "footnote", 1, 5, "注\n    续行\n懒行\n\n    第二段"), ("p", "paragraph", 7, 8, "正文")]),
    ("甲[^1]\n[^1]: 注\n[^2]: 注二", [(None, "paragraph", 1, 1, "甲[^1]"), ("fn-1", "footnote", 2, 2, "注"),
                                     ("fn-2", "footnote", 3, 3, "注二")]),
    ("## 表 {#t}\n序号 | 名称\n---|---\n1 | 甲\n| 2 | 乙 |\n 3|丙",
     [("t", "heading", 1, 1, "表"), ("t-r1", "row", 4, 4, "1 | 甲"), (None, "row", 5, 5, "| 2 | 乙 |"),
      ("t-r3", "row", 6, 6, " 3|丙")]),
    ("## 表 {#t}\n\n| 序号 | 名称\n|---|---\n| 1 | 甲 |\n2 | 乙\n# 3 | 丙",
     [("t", "heading", 1, 1, "表"), ("t-r1", "row", 5, 5, "| 1 | 甲 |"), ("t-r2", "row", 6, 6, "2 | 乙"),
      (None, "row", 7, 7, "# 3 | 丙")]),  # a '#' line inside a table is a row
    ("## 无锚 \n\n| 1 | 2 |\n|---|---|\n| 1 | 甲 |", [(None, "heading", 1, 1, "无锚"), (None, "row", 5, 5, "| 1 | 甲 |")]),
    ("    - 代码\n    {: #c }\n\n甲\n{: #p }", [("p", "paragraph", 4, 5, "甲")]),
    ("- 一\n  {: #i1 }\n\n* 二\n  {: #i2 }\n- 三\n  {: #i3 }\n\n1. 四\n   {: #i4 }",  # one list: the items
     [(None, "item", 1, 2, "一"), (None, "item", 4, 5, "二"), ("i3", "item", 6, 7, "三"),  # by the empty line
      ("i4", "item", 9, 10, "四")]),  # are loose (ids on paragraphs inside them); a `1.` list is another list
    ("- 一\n  {: #i1 }\n\n    续\n\n甲\n{: #p }", [(None, "item", 1, 2, "一"), ("p", "paragraph", 6, 7, "甲")]),
])
def test_each_form_is_cut_as_python_markdown_cuts_it(text, expected):
    assert cut(text) == expected
    body, _ = Renderer("zh", "¶").render(text, SHOWN)
    mine = [(a, k) for a, k, *_ in expected if a is not None]
    rendered = [(b.anchor, b.kind) for b in body.blocks] if body else []
    slugs = [r[0] for r in rendered if r[1] == "heading" and r not in mine]  # headings that set no id get
    assert len(slugs) == sum(1 for a, k, *_ in expected if a is None and k == "heading")  # their slug, and
    rendered = [r for r in rendered if r[0] not in slugs and r[0].rsplit("-r", 1)[0] not in slugs]  # so do rows
    assert rendered == [m for m in mine if m[1] != "footnote"] + [m for m in mine if m[1] == "footnote"]


def test_windows_line_endings_keep_words_and_lines():
    text = "## 标题 {#h}\r\n\r\n甲\r\n{: #p }\r\n"
    assert cut(text) == [("h", "heading", 1, 1, "标题"), ("p", "paragraph", 3, 4, "甲")]


@pytest.mark.parametrize("inner, anchor", [
    ("#a", "a"), ("#a .b", "a"), (".b #a", "a"), ("#a #b", "b"), ('title="x #y" #a', "a"), (".b", None),
    ("#a } x", None),  # a stray '}': attr_list leaves the whole list as text
])
def test_the_id_of_an_attribute_list_is_the_one_attr_list_assigns(inner, anchor):
    assert attribute_id(inner) == anchor


def test_an_attribute_line_is_a_braced_list_with_something_in_it():
    assert block_list("  {: #a }") == "#a " and block_list("{#a}") == "#a"
    assert block_list("{: }") is None and block_list("{}") is None and block_list("x {: #a }") is None


def test_long_hostile_lines_are_read_in_linear_time():
    import time
    for line in ("## " + " {" * 20000 + "}", "- " + "[^" * 20000, "[^" + "a" * 40000, "|" * 40000 + "\n---|---",
                 ("甲\n" * 20000) + "{: #p }"):
        started = time.perf_counter()
        read_blocks(line)
        assert time.perf_counter() - started < 0.5, line[:20]


# ---- random documents from every form --------------------------------------------------------------

WORDS = ["发展", "经济", "**2500家**", "城市", "更新", "质量", "渝中", "目标", "服务", "建设"]


def _words(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 4)))


def _list_of(rng: random.Random, anchor: str) -> str:
    """An attribute list setting `anchor`, in one of the forms attr_list reads."""
    return rng.choice([f"{{#{anchor}}}", f"{{#{anchor} .lead}}", f"{{: #{anchor} }}", f"{{: #{anchor} .note }}",
                       f"{{: .note #{anchor} }}", f'{{: #{anchor} lang="zh-Hans" }}'])


class _Document:
    """A random document: headings (some with classes or closing hashes), paragraphs, tight and nested
    lists, tables with or without leading pipes (mixed rows too), footnotes over several lines and
    paragraphs (some right under their paragraph), attribute lists of every form; footnotes are cited in
    the order they are defined. ANCHORED_CASES=5000 runs that many."""

    def __init__(self, seed: int) -> None:
        self.rng, self.count, self.notes = random.Random(seed), 0, []

    def anchor(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def text(self) -> str:
        rng, parts = self.rng, []
        for _ in range(rng.randrange(2, 7)):
            closing = rng.choice(["", "", " ##"])  # closing hashes are no words
            parts.append(f"{'#' * rng.randrange(2, 5)} {_words(rng)} {_list_of(rng, self.anchor('h'))}{closing}")
            for _ in range(rng.randrange(1, 4)):
                kinds = [self.paragraph, self.table] + ([self.items] if not parts[-1].endswith("\n") else [])
                parts.append(rng.choice(kinds)())  # two lists in a row would be one loose list
            parts += self.notes
            self.notes = []
        return "\n\n".join(parts) + rng.choice(["", "\n"])

    def paragraph(self) -> str:
        rng = self.rng
        lines = [_words(self.rng) for _ in range(rng.randrange(1, 4))]
        note = None
        if rng.random() < 0.4:
            label = str(self.count)
            lines[-1] += f"[^{label}]"
            note = self.footnote(label)
        text = "\n".join(lines + [_list_of(rng, self.anchor("p")).replace("{#", "{: #", rng.random() < 0.7)])
        if note and rng.random() < 0.3:
            return text + "\n" + note  # a definition right under the paragraph ends it
        self.notes += [note] if note else []
        return text

    def footnote(self, label: str) -> str:
        rng = self.rng
        text = f"[^{label}]: {_words(rng)}"
        for _ in range(rng.randrange(0, 3)):
            text += "\n" + rng.choice(["    ", ""]) + _words(rng)
        if rng.random() < 0.3:
            text += f"\n\n    {_words(rng)}"
        return text

    def items(self) -> str:
        rng = self.rng
        marker = rng.choice(["-", "*", "1."])
        items = []
        for _ in range(rng.randrange(1, 4)):
            lines = [f"{marker} {_words(rng)}"] + [f"  {_words(rng)}" for _ in range(rng.randrange(0, 2))]
            items.append("\n".join(lines + [f"  {_list_of(rng, self.anchor('i')).replace('{#', '{: #')}"]))
            if rng.random() < 0.2:  # a nested item
                items.append(f"    - {_words(rng)}\n      {{: #{self.anchor('n')} }}")
        return "\n".join(items) + "\n"  # (a list ends with its newline: see text())

    def table(self) -> str:
        rng = self.rng
        border = rng.random() < 0.5
        heading = f"### {_words(rng)} {_list_of(rng, self.anchor('t'))}\n\n"
        rows = [("| 序号 | 名称 |" if border else "序号 | 名称"), ("|---|---|" if border else "---|---")]
        for number in rng.sample(range(1, 40), rng.randrange(1, 5)):
            piped = border if rng.random() < 0.8 else not border
            rows.append(f"| {number} | {_words(rng)} |" if piped else f"{number} | {_words(rng)}")
        return heading + "\n".join(rows)


def _anchored_elements(html: str) -> list[str]:
    """The ids of the page's headings, paragraphs, items, rows and footnotes, in page order."""
    return re.findall(r'<(?:h[1-6]|p|li|tr)\b[^>]*\bid="([^"]+)"', html)


@pytest.mark.parametrize("seed", range(int(os.environ.get("ANCHORED_CASES", "200"))))  # more on demand
def test_random_documents_read_as_they_render(seed):
    text = _Document(seed).text()
    renderer = Renderer("zh", "¶")
    body, errors = renderer.render(text, SHOWN)
    assert not errors, (text, [str(e) for e in errors])
    blocks = [b for b in read_blocks(text) if b.anchor is not None]
    in_page_order = [b for b in blocks if b.kind != "footnote"] + [b for b in blocks if b.kind == "footnote"]
    assert [(b.anchor, b.kind, b.first) for b in in_page_order] == \
        [(b.anchor, b.kind, b.line) for b in body.blocks]
    assert [b.anchor for b in in_page_order] == _anchored_elements(body.html)
    assert replace_segments(text, segment_texts(text))[0] == text
    # each block's words are exactly its text on the page: a marker put in their place is all it shows
    segments = [b for b in split_segments(text) if b.kind != "row"]
    marked = {b.anchor: f"MARK{index}" for index, b in enumerate(segments)}
    shown = renderer.render(replace_segments(text, marked)[0], SHOWN)[0]
    texts = {b.anchor: b.text for b in shown.blocks}
    for block in segments:  # (an item's text on the page holds its nested items' too)
        nested = r"( MARK\d+)*" if block.kind == "item" else ""
        assert re.fullmatch(marked[block.anchor] + nested, texts.get(block.anchor, "")), block
