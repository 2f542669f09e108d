"""Where in a Markdown source a rendered block came from, for messages that name the line: the blocks are
read once per document (anchored.py), so finding every block's line is one look-up."""
from __future__ import annotations

import html
import re

from .anchored import attribute_id, read_blocks

_ATTRIBUTE_LIST = re.compile(r"\{:?([^{}\n]*)\}")  # the inside of one attribute list on a line


class SourceLines:
    """A document's lines and its blocks, with the first line of each anchored block."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.blocks = read_blocks(text)
        self._anchors: dict[str, int] = {}
        self._attribute_lines: dict[int, int] = {}  # a paragraph's or item's last line -> its first
        for block in self.blocks:
            if block.anchor is not None:
                self._anchors.setdefault(block.anchor, block.first)
            if block.kind in ("paragraph", "item"):
                self._attribute_lines[block.last] = block.first

    def line_of(self, anchor: str | None, plain: str, after: int = 0) -> int:
        """Best guess at the source line of a block: its anchor's block, else an attribute list setting
        it (an id on an inline element), else its first words, looked for from line `after` + 1 on
        (blocks come in document order: the next one is below the last one found) and then from the top."""
        if anchor:
            found = self._anchors.get(anchor) or next(iter(self.anchor_lines(anchor)), None)
            if found:
                return found
        for start in ((after, 0) if after else (0,)):
            for probe in (plain[:12], plain[:4]):
                for number, line in enumerate(self.lines[start:], start + 1):
                    if probe and probe in line.replace("**", ""):
                        return number
        return 1

    def line_with(self, *probes: str, html_text: bool = False, nth: int = 0) -> int:
        """The line holding the first of the probes found (tried in order, as written, then decoded): of
        its nth occurrence (counted from 0, several on a line counted apart), or its last; else 1."""
        for probe in probes:
            for candidate in (probe, html.unescape(probe)) if html_text else (probe,):
                if candidate:
                    found = [number for number, line in enumerate(self.lines, 1)
                             for _ in range(line.count(candidate))]
                    if found:
                        return found[min(nth, len(found) - 1)]
        return 1

    def anchor_lines(self, anchor: str) -> list[int]:
        """The first line of every block or element setting this anchor with an attribute list, in order
        (an id may also sit on an inline element, `*…*{: #x }`, and anywhere in its list: `{: .c #x }`)."""
        return [self._block_start(number) for number, line in enumerate(self.lines, 1)
                if "#" + anchor in line
                and any(attribute_id(inner) == anchor for inner in _ATTRIBUTE_LIST.findall(line))]

    def _block_start(self, number: int) -> int:
        """For the attribute-list line under a paragraph or list item, the block's first line."""
        return self._attribute_lines.get(number, number)
