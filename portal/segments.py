"""A document's Markdown source cut into its anchored blocks, and put back together with new texts.

The renderer (markup.py) knows the blocks of the HTML; translators work on the Markdown. A segment is
the span of one block's own words in the source: a heading's text without `## ` and `{#anchor}`, a
paragraph or list item without its `{: #anchor }` line and list marker, a footnote without `[^n]: `,
a table row as its whole `| … |` line. Replacing only those spans keeps anchors, attribute lists,
footnote definitions and everything between blocks byte for byte."""
from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING_START = re.compile(r"^#{1,6}[ \t]+")
_HEADING_ANCHOR = re.compile(r"\{:?[ \t]*#(?P<anchor>[^\s}]+)[ \t]*\}[ \t]*$")
_ANCHOR_LINE = re.compile(r"^[ \t]*\{:[ \t]*#(?P<anchor>[^\s}]+)[ \t]*\}[ \t]*$")
_FOOTNOTE = re.compile(r"^\[\^(?P<label>[^\]]+)\]:[ \t]?(?P<text>.*)$")
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d+\.)[ \t]+")  # used with .match(): anchored where it starts
_ROW = re.compile(r"^\|[ \t]*(?P<number>\d+)[ \t]*\|")


def anchored_heading(line: str) -> tuple[str, int, int] | None:
    """A heading line's anchor and the span of its words (`## words {#anchor}`), or None. The anchor is
    searched for from the words' start, not matched after a lazy `.*?`: that backtracked over every run of
    spaces, quadratic on a long line; each attempt here stops at the next space or '}'."""
    start = _HEADING_START.match(line)
    tail = start and _HEADING_ANCHOR.search(line, start.end())
    if not tail:
        return None
    words_end = len(line[start.end():tail.start()].rstrip(" \t")) + start.end()
    return tail.group("anchor"), start.end(), words_end


@dataclass(frozen=True)
class Segment:
    """One anchored block of a Markdown source: its words are text[start:end]."""

    anchor: str
    kind: str  # heading, paragraph, item, row, footnote
    start: int
    end: int
    line: int  # the block's first line, 1-based
    frame: tuple[int, int]  # the whole block, anchor line included (for inserting a missing one)


def split_segments(text: str) -> list[Segment]:
    """Every anchored block of a Markdown body, in order."""
    segments: list[Segment] = []
    heading: str | None = None
    run: tuple[int, int] | None = None  # (offset, line) where the current paragraph or item began
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True), 1):
        line = raw.rstrip("\r\n")
        end = offset + len(line)
        if found := anchored_heading(line):
            heading, text_start, text_end = found
            segments.append(Segment(heading, "heading", offset + text_start, offset + text_end, number, (offset, end)))
            run = None
        elif (match := _ANCHOR_LINE.match(line)) and run is not None:
            start, first = run
            marker = _LIST_MARKER.match(text, start)
            kind = "item" if marker else "paragraph"
            body_start = marker.end() if marker else start
            segments.append(Segment(match.group("anchor"), kind, body_start, offset - _newline_before(text, offset),
                                    first, (start, end)))
            run = None
        elif match := _FOOTNOTE.match(line):
            segments.append(Segment(f"fn-{match.group('label')}", "footnote", offset + match.start("text"), end,
                                    number, (offset, end)))
            run = None
        elif (match := _ROW.match(line)) and heading:
            segments.append(Segment(f"{heading}-r{match.group('number')}", "row", offset, end, number,
                                    (offset, end)))
            run = None
        elif not line.strip() or line.startswith("|"):
            run = None
        elif run is None or _LIST_MARKER.match(line):
            run = (offset, number)
        offset += len(raw)
    return segments


def _newline_before(text: str, offset: int) -> int:
    """How many characters of line ending precede offset (1 for \\n, 2 for \\r\\n)."""
    return 2 if text[max(0, offset - 2):offset] == "\r\n" else 1


def segment_texts(text: str) -> dict[str, str]:
    """anchor -> the block's words in Markdown."""
    return {s.anchor: text[s.start:s.end] for s in split_segments(text)}


def replace_segments(text: str, new: dict[str, str]) -> tuple[str, dict[str, tuple[int, int]]]:
    """The text with the words of the blocks in `new` replaced; also the lines (first, last, 1-based) each
    replacement now covers, with the line after it (a block's anchor line), to trace problems back."""
    parts, cursor, length, spans = [], 0, 0, {}
    for segment in split_segments(text):
        if segment.anchor in new:
            before = text[cursor:segment.start]
            parts += [before, new[segment.anchor]]
            spans[segment.anchor] = (length + len(before), length + len(before) + len(new[segment.anchor]))
            length += len(before) + len(new[segment.anchor])
            cursor = segment.end
    parts.append(text[cursor:])
    result = "".join(parts)
    lines = {}
    for anchor, (start, end) in spans.items():
        first = result.count("\n", 0, start) + 1
        lines[anchor] = (first, first + result.count("\n", start, end) + 1)
    return result, lines


def insert_segment(text: str, model: str, segment: Segment, after: Segment | None, separator: str,
                   words: str) -> str:
    """Add a block that `text` lacks, shaped like `segment` of the `model` source, after the block
    `after` (or at the top) and separated from it as in the model."""
    frame = model[segment.frame[0]:segment.start] + words + model[segment.end:segment.frame[1]]
    if after is None:
        return frame + separator + text
    return text[:after.frame[1]] + separator + frame + text[after.frame[1]:]
