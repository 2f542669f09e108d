"""A document's Markdown source cut into its anchored blocks, and put back together with new texts.

The renderer (markup.py) knows the blocks of the HTML; translators work on the Markdown. A segment is
the span of one block's own words in the source: a heading's text without `## ` and `{#anchor}`, a
paragraph or list item without its `{: #anchor }` line and list marker, a footnote without `[^n]: `
(its continuation lines included), a table row as its whole line; anchored.py reads them. Replacing only
those spans keeps anchors, attribute lists, footnote definitions and everything between blocks byte for
byte."""
from __future__ import annotations

from .anchored import Block, read_blocks


def split_segments(text: str) -> list[Block]:
    """Every anchored block of a Markdown body, in source order (anchored.py reads them)."""
    return [block for block in read_blocks(text) if block.anchor is not None]


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


def insert_segment(text: str, model: str, segment: Block, after: Block | None, separator: str,
                   words: str) -> str:
    """Add a block that `text` lacks, shaped like `segment` of the `model` source, after the block
    `after` (or at the top) and separated from it as in the model."""
    frame = model[segment.frame[0]:segment.start] + words + model[segment.end:segment.frame[1]]
    if after is None:
        return frame + separator + text
    return text[:after.frame[1]] + separator + frame + text[after.frame[1]:]
