"""Where in a Markdown source a rendered block came from, for messages that name the line: the lines are
indexed once per document (anchors, table rows, footnotes), so finding every block's line is one pass."""
from __future__ import annotations

import html
import re

_MARKER = re.compile(r"\{:?\s*#([\w-]+)")  # an attribute list's anchor: {#part-1} or {: #p12 }
_ROW = re.compile(r"^\|?\s*(\d+)\s*\|")  # a table row, by its first cell
_NOTE = re.compile(r"^\[\^(.+?)\]:")  # a footnote's definition


class SourceLines:
    """A document's lines with an index of the first line of each anchor, table row and footnote."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self._anchors: dict[str, int] = {}
        self._rows: dict[str, int] = {}
        self._notes: dict[str, int] = {}
        for number, line in enumerate(self.lines, 1):
            if "#" in line:
                for match in _MARKER.finditer(line):
                    self._anchors.setdefault(match.group(1), number)
            if "|" in line and (row := _ROW.match(line)):
                self._rows.setdefault(row.group(1), number)
            if line.startswith("[^") and (note := _NOTE.match(line)):
                self._notes.setdefault(note.group(1), number)

    def line_of(self, anchor: str | None, plain: str, after: int = 0) -> int:
        """Best guess at the source line of a block: its anchor, else its first words, looked for from
        line `after` + 1 on (blocks come in document order: the next one is below the last one found)
        and then from the top."""
        if anchor:
            found = self._anchor_line(anchor)
            if found:
                return self._block_start(found)
            row = re.match(r".*-r(\d+)$", anchor)
            if row and row.group(1) in self._rows:
                return self._rows[row.group(1)]
            footnote = re.match(r"fn-(.+)$", anchor)
            if footnote:
                found = self._note_line(footnote.group(1))
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
        """The first line of every block or element setting this anchor with an attribute list, in order."""
        marker = re.compile(r"\{:?\s*#" + re.escape(anchor) + r"(?![\w-])")
        return [self._block_start(number) for number, line in enumerate(self.lines, 1)
                if "#" in line and marker.search(line)]

    def _anchor_line(self, anchor: str) -> int | None:
        if re.fullmatch(r"[\w-]+", anchor):
            return self._anchors.get(anchor)
        marker = re.compile(r"\{:?\s*#" + re.escape(anchor) + r"(?![\w-])")  # not an anchor the index holds
        return next((number for number, line in enumerate(self.lines, 1) if marker.search(line)), None)

    def _note_line(self, label: str) -> int | None:
        if "]:" not in label:
            return self._notes.get(label)
        return next((number for number, line in enumerate(self.lines, 1) if line.startswith(f"[^{label}]:")), None)

    def _block_start(self, number: int) -> int:
        """For an attribute list on its own line, the first line of the block it belongs to."""
        lines = self.lines
        if not lines[number - 1].lstrip().startswith("{:"):
            return number
        start = number
        while start > 1 and lines[start - 2].strip():
            start -= 1
            if re.match(r"\s*([-*+]|\d+\.)\s", lines[start - 1]):
                break
        return start
