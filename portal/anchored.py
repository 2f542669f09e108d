"""A document's Markdown source read once into its blocks, as Python-Markdown (with the footnotes, tables
and attr_list extensions and sane lists) cuts it: headings, paragraphs, list items, table rows and
footnotes, each with its anchor, its lines, and the span of its own words.

The words of a block are what a translator replaces: a heading's text without `## ` and its attribute
list, a paragraph's or item's lines without the list marker and the attribute-list line under them, a
footnote's text after `[^label]: ` (continuation lines included), a table row's whole line. Anchors are
read with attr_list's own attribute parser, so `{#id .class}`, `{: #id .class }` and `{: .class #id }`
all give the id the page will carry. One pass over the lines: each line is looked at a bounded number
of times (no pattern here backtracks over a line's length more than once).

What the source alone cannot give (a heading's slug when it sets no id, and so its table rows' ids; a
block's plain text after entities, editorial marks and glossary links; its HTML) comes from the rendered
tree (markup.py, blocks.py). Not read as Python-Markdown would, as the content's conventions have no
use for them: block quotes, setext headings and rules (a line of `-` or `=`), backticks around a
table's pipes; what they make of a block is still checked on the rendered page."""
from __future__ import annotations

import functools
import re
from itertools import accumulate
from dataclasses import dataclass, replace

from markdown.extensions.attr_list import get_attrs_and_remainder

_HEADING = re.compile(r"#{1,6}")  # matched at a line's start: Python-Markdown needs no space after it
_FOOTNOTE = re.compile(r"[ ]*\[\^([^\]]*)\]:[ ]*")  # a definition (indented less than 4: indent())
_ITEM = re.compile(r"[ ]*(?:([*+-])|\d+\.)[ ]+")  # a list item's marker
_ROW_NUMBER = re.compile(r"\d+")
_SEPARATOR_CELLS = set("|:- ")


@dataclass(frozen=True)
class Block:
    """One block of a Markdown source. Its words are text[start:end]; its frame, text[frame[0]:frame[1]],
    is the whole block (list marker, attribute-list line and footnote label included)."""

    anchor: str | None  # None: the block sets no id (a heading then gets its slug on the page)
    kind: str  # heading, paragraph, item, row, footnote
    first: int  # first line, 1-based
    last: int  # last line
    start: int
    end: int
    frame: tuple[int, int]
    level: int = 0  # a heading's level

    @property
    def line(self) -> int:
        return self.first


@functools.lru_cache(maxsize=64)
def read_blocks(text: str) -> tuple[Block, ...]:
    """Every heading, paragraph, list item, table row and footnote of a Markdown body, in source order
    (kept for the last texts read: a render cuts sections and then finds lines in the same text).

    Kept stretch by stretch, each from a line starting with '#' to the next one, by its text: an edit reads
    its own stretch again, not the whole body (stretches not known yet are read together, in one pass: a
    new text is read whole). A heading the reader reaches leaves nothing of what came before it (the last
    heading's id is its own, no list stays open), so a stretch read alone gives the blocks reading the
    whole gives, moved by its lines and characters, when the reader reaches the line after it as a
    heading: a stretch is read with a '#' line after it, and one that does not end at that heading (a
    table row or indented code running on into it) is read together with the stretch after it."""
    cuts = [0] + [found.start() + 1 for found in _STRETCH.finditer(text)] + [len(text) + 1]
    keys = [(text[a:b - 1] if b > len(text) else text[a:b], b <= len(text)) for a, b in zip(cuts, cuts[1:])]
    blocks: list[Block] = []
    at = lines = 0
    while at < len(keys):
        if keys[at] in _STRETCHES:
            blocks.extend(_placed(_STRETCHES[keys[at]], lines, cuts[at]))
            end = at + 1
        else:  # this stretch and the unknown ones after it, up to a heading the reader reaches
            end = at + 1
            while end < len(keys) and keys[end] not in _STRETCHES:
                end += 1
            by_start = dict(zip(cuts, keys))
            while (found := _read_run(text, cuts[at], cuts[end], lines, by_start)) is None:
                end += 1
            blocks.extend(found)
        lines += sum(keys[n][0].count("\n") for n in range(at, end))
        at = end
    return tuple(blocks)


_STRETCH = re.compile(r"\n(?=#)")  # where a line starting with '#' begins (one past the match)
# (stretch, whether a '#' line follows it) -> (its blocks, read after how many lines and characters)
_STRETCHES: dict[tuple[str, bool], tuple[tuple[Block, ...], int, int]] = {}


def _read_run(text: str, begin: int, end: int, lines: int, keys: dict[int, tuple[str, bool]]) -> list[Block] | None:
    """The blocks of text[begin:end] (to the text's end when `end` is past it), which starts after `lines`
    lines; None when a '#' line follows it and the reader does not reach that line as a heading. Each
    stretch of it, cut before each heading the reader reached, is kept (under its key in `keys`, by where it
    starts, when it is that one: the same string, hashed once)."""
    followed = end <= len(text)
    run = text[begin:end] if followed else text[begin:]
    blocks = _Reader(run + "#" if followed else run, lines, begin).read()
    if followed:
        if not blocks or blocks[-1].kind != "heading" or blocks[-1].first != lines + run.count("\n") + 1:
            return None
        blocks.pop()
    first, start = 0, begin
    for index, block in enumerate(blocks):  # a stretch ends before each heading the reader reached
        if block.kind == "heading" and block.frame[0] > begin:
            lines = _keep(text, start, block.frame[0], tuple(blocks[first:index]), lines, keys)
            first, start = index, block.frame[0]
    _keep(text, start, end, tuple(blocks[first:]), lines, keys)
    return blocks


def _keep(text: str, start: int, stop: int, blocks: tuple[Block, ...], lines: int, keys: dict) -> int:
    """Keep the blocks of text[start:stop] (to the end when `stop` is past it), read after `lines` lines;
    the number of lines after it."""
    key = keys.get(start)
    if key is None or (start + len(key[0]) != stop if key[1] else stop <= len(text)):
        key = (text[start:stop] if stop <= len(text) else text[start:], stop <= len(text))
    if len(_STRETCHES) >= 4096:
        _STRETCHES.clear()
    _STRETCHES[key] = (blocks, lines, start)
    return lines + key[0].count("\n")


def _placed(kept: tuple[tuple[Block, ...], int, int], lines: int, characters: int) -> tuple[Block, ...] | list[Block]:
    """A kept stretch's blocks where the stretch is now: after `lines` lines and `characters` characters."""
    blocks, was_lines, was_characters = kept
    if (was_lines, was_characters) == (lines, characters):
        return blocks
    lines, characters = lines - was_lines, characters - was_characters
    return [Block(b.anchor, b.kind, b.first + lines, b.last + lines, b.start + characters, b.end + characters,
                  (b.frame[0] + characters, b.frame[1] + characters), b.level) for b in blocks]


@functools.lru_cache(maxsize=4096)  # the same lists come back in every document: {: #p1 }, {: #p2 }…
def attribute_id(inner: str) -> str | None:
    """The id an attribute list's inside (`#p1 .note`, `: .x #a`) sets, as attr_list assigns it (the last
    one wins; nothing when the list holds a stray '}', which attr_list then leaves as text)."""
    attrs, remainder = get_attrs_and_remainder(inner)
    if remainder:
        return None
    ids = [value for key, value in attrs if key == "id"]
    return ids[-1] if ids else None


def heading_list(words: str) -> tuple[int, str] | None:
    """Where a heading's closing attribute list starts and what is inside it (attr_list's HEADER_RE:
    spaces, `{`, an optional `:`, then a non-space up to a final `}`), or None. The leftmost list wins,
    as the regex's leftmost match does; found by walking the ' {' pairs once."""
    body = words.rstrip(" ")
    if not body.endswith("}"):
        return None
    close = len(body) - 1
    position = body.find(" {")
    while 0 <= position < close:
        inner = position + 2
        colon = inner < close and body[inner] == ":"
        inner += colon
        while inner < close and body[inner] == " ":
            inner += 1
        if inner < close and body[inner] != "}":
            return len(body[:position].rstrip(" ")), body[inner:close]
        if colon:  # the colon is then the list's first character, as the regex backtracks to it
            return len(body[:position].rstrip(" ")), body[position + 2:close]
        position = body.find(" {", position + 1)
    return None


def block_list(line: str) -> str | None:
    """The inside of an attribute list standing alone on a line (attr_list's BLOCK_RE), or None."""
    body = line.strip(" ")
    if not body.startswith("{") or not body.endswith("}"):
        return None
    inner = body[2:-1] if body.startswith("{:") else body[1:-1]
    inner = inner.lstrip(" ")
    return inner if inner and inner[0] not in "}\n" else None


class _Reader:
    """The state of one pass: the lines, where each starts, and the blocks found so far."""

    def __init__(self, text: str, lines: int = 0, characters: int = 0) -> None:
        """`text` placed after `lines` lines and `characters` characters (of a text it is a stretch of)."""
        raws = text.split("\n")
        self.starts = list(accumulate([len(raw) + 1 for raw in raws[:-1]], initial=characters))
        self.lines = [raw[:-1] if raw.endswith("\r") else raw for raw in raws] if "\r" in text else raws
        self.number = lines + 1  # the number of the first line
        # Python-Markdown expands tabs; a tab read as one space keeps the offsets and cuts alike
        self.plain = [line.replace("\t", " ") for line in self.lines] if "\t" in text else self.lines
        self.empty = [not line.strip(" ") for line in self.plain] + [True]  # (one past the end: empty)
        self.count = len(self.lines)
        self.blocks: list[Block] = []
        self.heading: str | None = None  # the last heading's id: table rows are numbered under it
        self.open_list: bool | None = None  # the kind (bullets?) of a list that only empty lines follow

    def blank(self, index: int) -> bool:
        return index >= self.count or self.empty[index]

    def indent(self, index: int) -> int:
        """The line's indentation in columns, tabs expanded to the next multiple of four."""
        line = self.lines[index]
        return len(line[:len(line) - len(line.lstrip(" \t"))].expandtabs(4))

    def end_of(self, index: int) -> int:
        return self.starts[index] + len(self.lines[index])

    def read(self) -> list[Block]:
        """Block by block: what starts a block is looked for where Python-Markdown looks for it (after
        an empty line, at the top, or right under a heading, which it cuts out of its block)."""
        index = 0
        while index < len(self.lines):
            if self.blank(index):
                index += 1
                continue
            open_list, self.open_list = self.open_list, None
            marker = _ITEM.match(self.plain[index])
            if _HEADING.match(self.plain[index]):
                index = self._heading(index)
            elif self.indent(index) >= 4:  # code, or more of an open list's last item (then loose)
                if open_list is not None:
                    self._loosen(1)
                    self.open_list = open_list
                while not self.blank(index):
                    index += 1
            elif self._is_table(index):
                index = self._table(index)
            elif marker:
                loose = open_list is not None and open_list == (marker.group(1) is not None)
                index = self._list(index, loose)
            else:
                index = self._flow(index)
        return self.blocks

    def _loosen(self, count: int) -> None:
        """The last `count` items of a list that became loose: their ids go to paragraphs inside them,
        so they are no anchored items of the page."""
        for position in range(len(self.blocks) - count, len(self.blocks)):
            self.blocks[position] = replace(self.blocks[position], anchor=None)

    def _flow(self, index: int) -> int:
        """Footnotes and paragraphs up to the next empty line or heading (a footnote definition ends the
        paragraph before it, as Python-Markdown splits its blocks)."""
        while not self.blank(index) and not _HEADING.match(self.plain[index]):
            if _FOOTNOTE.match(self.plain[index]) and self.indent(index) < 4:
                index = self._footnote(index)
            else:
                index = self._paragraph(index)
        return index

    def _heading(self, index: int) -> int:
        """`## words {#id .class}`: the words end before an attribute list that sets an id."""
        line = self.plain[index]
        level = _HEADING.match(line).end()
        closing = level + len(line[level:].rstrip("#"))  # closing hashes are not words
        begin = closing - len(line[level:closing].lstrip(" "))
        end = begin + len(line[begin:closing].rstrip(" "))
        found = heading_list(line[begin:end])
        anchor = attribute_id(found[1]) if found else None
        if anchor is not None:
            end = begin + found[0]
        offset = self.starts[index]
        self.heading = anchor
        self.blocks.append(Block(anchor, "heading", index + self.number, index + self.number, offset + begin, offset + end,
                                 (offset, self.end_of(index)), level))
        return index + 1

    def _paragraph(self, index: int) -> int:
        first = index
        index += 1
        while not self.blank(index) and not _HEADING.match(self.plain[index]) \
                and not (_FOOTNOTE.match(self.plain[index]) and self.indent(index) < 4):
            index += 1
        self._anchored("paragraph", first, self.starts[first], index - 1)
        return index

    def _anchored(self, kind: str, first: int, start: int, last: int) -> None:
        """A paragraph or item of lines first..last whose words begin at `start`: anchored when its last
        line (not its first) is an attribute list setting an id."""
        inner = block_list(self.plain[last]) if last > first else None
        anchor = attribute_id(inner) if inner is not None else None
        words_last = last - 1 if anchor is not None else last
        self.blocks.append(Block(anchor, kind, first + self.number, last + self.number, start, self.end_of(words_last),
                                 (self.starts[first], self.end_of(last))))

    def _footnote(self, index: int) -> int:
        """A definition, its lazy continuation lines, and the indented paragraphs after it."""
        first, marker = index, _FOOTNOTE.match(self.plain[index])
        index += 1
        while True:
            while not self.blank(index) and not _HEADING.match(self.plain[index]) \
                    and not (_FOOTNOTE.match(self.plain[index]) and self.indent(index) < 4):
                index += 1
            following = index
            while following < len(self.lines) and self.blank(following):
                following += 1
            if following == index or following >= len(self.lines) or self.indent(following) < 4:
                break
            index = following
        frame = (self.starts[first], self.end_of(index - 1))
        self.blocks.append(Block(f"fn-{marker.group(1)}", "footnote", first + self.number, index + self.number - 1,
                                 self.starts[first] + marker.end(), frame[1], frame))
        return index

    def _list(self, index: int, loose: bool) -> int:
        """A list up to its empty line or a heading: a line with a marker of the list's kind opens an
        item, and so does any marker indented four spaces or more (a nested item); other lines continue
        the item above them (sane lists: a `1.` in a `-` list is text). A list of the kind of the one
        before it, with only empty lines between, continues it: the item on each side of the empty line
        becomes loose, its id going to a paragraph inside it."""
        bullet = _ITEM.match(self.plain[index]).group(1) is not None
        item: tuple[int, int] | None = None
        if loose:
            self._loosen(1)
        count = len(self.blocks)
        while not self.blank(index) and not _HEADING.match(self.plain[index]):
            marker = _ITEM.match(self.plain[index])
            if marker and (self.indent(index) >= 4 or (marker.group(1) is not None) == bullet):
                if item is not None:
                    self._anchored("item", item[0], item[1], index - 1)
                item = (index, self.starts[index] + marker.end())
            index += 1
        self._anchored("item", item[0], item[1], index - 1)
        if loose:  # only the first item of the block that continues the list (Python-Markdown's OListProcessor)
            self.blocks[count] = replace(self.blocks[count], anchor=None)
        self.open_list = bullet
        return index

    def _is_table(self, index: int) -> bool:
        """The tables extension's test: a header row over a separator row of as many cells (a
        one-cell header only with a border, and then every row with a pipe at one end)."""
        if self.blank(index + 1):
            return False
        header, line = self.plain[index].strip(" "), self.plain[index + 1].strip(" ")
        if "|" not in header or not set(line) <= _SEPARATOR_CELLS:  # at once for the many paragraphs
            return False
        border = _border(header)
        count = len(_cells(header, border))
        if count == 1:
            rows = index + 1
            while not self.blank(rows):
                row = self.plain[rows].strip(" ")
                if not border or not (row.startswith("|") or _ends_with_pipe(row)):
                    return False
                rows += 1
        separator = _cells(line, border)
        return len(separator) == count and set("".join(separator)) <= _SEPARATOR_CELLS

    def _table(self, index: int) -> int:
        """A table's rows up to its empty line: a body row is anchored `<heading>-r<n>` when its first
        cell is the number n and a heading with an id comes before the table."""
        border = _border(self.plain[index].strip(" "))
        index += 2
        while not self.blank(index):
            first = _cells(self.plain[index].strip(" "), border)[0].strip()
            anchor = f"{self.heading}-r{first}" if self.heading and _ROW_NUMBER.fullmatch(first) else None
            span = (self.starts[index], self.end_of(index))
            self.blocks.append(Block(anchor, "row", index + self.number, index + self.number, span[0], span[1], span))
            index += 1
        return index


def _border(header: str) -> bool:
    return header.startswith("|") or _ends_with_pipe(header)


def _ends_with_pipe(row: str) -> bool:
    """Whether a row ends with a pipe that is not escaped (an even run of backslashes before it)."""
    if not row.endswith("|"):
        return False
    return (len(row) - 1 - len(row[:-1].rstrip("\\"))) % 2 == 0


def _cells(row: str, border: bool) -> list[str]:
    """A row's cells as the tables extension splits them (pipes escaped with a backslash kept inside)."""
    if border:
        row = row[1:] if row.startswith("|") else row
        row = row[:-1] if _ends_with_pipe(row) else row
    return re.split(r"(?<!\\)\|", row)
