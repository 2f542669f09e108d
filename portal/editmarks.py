"""Editorial marks: every departure of an edition from its source, with the source's reading.

A subset of CriticMarkup: {++text++} added by the editors, {--text--} in the source but left out,
{~~source~>edition~~} the source's reading replaced. Rendered as <span class="edit"
data-source-reading="…"> with a numbered marker linking to a list of notes ("source reads …")."""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path

from markdown.inlinepatterns import InlineProcessor

from .errors import ContentError, SourceRef

# Where a mark may begin. A mark ends on its own line and before the next opener, so finding every mark
# looks at each character a bounded number of times (a pattern with lazy .*? between delimiters took
# cubic time: 800 '{~~a~>' on one line, 27 s).
OPENER = re.compile(r"\{(?:\+\+|--|~~)")


@dataclass(frozen=True)
class EditMark:
    """One well-formed mark at text[start:end]: the edition's text and the source's reading."""

    start: int
    end: int
    edition: str
    reading: str


def mark_at(text: str, start: int) -> EditMark | None:
    """The mark opening at text[start] (an OPENER), or None when it is not closed on its line before
    the next opener."""
    following = OPENER.search(text, start + 3)
    limit = following.start() if following else len(text)
    newline = text.find("\n", start, limit)
    limit = newline if newline >= 0 else limit
    kind = text[start + 1: start + 3]
    if kind == "~~":
        arrow = text.find("~>", start + 3, limit)
        close = text.find("~~}", arrow + 2, limit) if arrow >= 0 else -1
        if close < 0:
            return None
        return EditMark(start, close + 3, text[arrow + 2: close], text[start + 3: arrow])
    close = text.find(kind + "}", start + 4, limit)  # the text between is at least one character
    if close < 0:
        return None
    inner = text[start + 3: close]
    return EditMark(start, close + 3, inner if kind == "++" else "", inner if kind == "--" else "")


def find_edit_marks(text: str) -> list[EditMark]:
    """Every well-formed mark in text, left to right."""
    marks, position = [], 0
    while (opener := OPENER.search(text, position)) is not None:
        mark = mark_at(text, opener.start())
        if mark is not None:
            marks.append(mark)
        position = mark.end if mark is not None else opener.start() + 1
    return marks


def _replace_marks(text: str, reading: bool) -> str:
    parts, position = [], 0
    for mark in find_edit_marks(text):
        parts += [text[position: mark.start], mark.reading if reading else mark.edition]
        position = mark.end
    return "".join(parts) + text[position:]


def undo_edit_marks(text: str) -> str:
    """Markdown text as the source reads it: each editorial mark replaced by the source's reading."""
    return _replace_marks(text, reading=True)


def apply_edit_marks(text: str) -> str:
    """Markdown text as the edition reads it, marks removed (what the reader sees)."""
    return _replace_marks(text, reading=False)


class EditMarkPattern(InlineProcessor):
    """{++…++}, {--…--} and {~~…~>…~~} as <span class="edit" data-source-reading="…">."""

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API name)
        mark = mark_at(data, m.start(0))
        if mark is None:
            return None, None, None
        edition = mark.edition
        reading = self.unescape(mark.reading)  # a code span in the reading: its text, not Markdown's placeholder
        span = etree.Element("span", {"class": "edit" if edition else "edit edit-dropped",
                                      "data-source-reading": reading})
        span.text = edition
        return span, mark.start, mark.end


def list_edits(root: etree.Element, labels, lang: str) -> list[tuple[str, str, str]]:
    """Number the marks in document order: each gets a marker linking to its note in a list at the end.
    Returns (anchor, edition's text, source's reading) for each."""
    edits = [e for e in root.iter("span") if "edit" in (e.get("class") or "").split()]
    if not edits:
        return []
    found = []
    parents = {child: parent for parent in root.iter() for child in parent}
    section = etree.Element("section", {"class": "edits"})
    heading = etree.SubElement(section, "h2")
    heading.text = labels.edits
    notes = etree.SubElement(section, "ol")
    chinese = {} if lang == "zh" else {"lang": "zh-Hans"}
    for number, span in enumerate(edits, 1):
        shown = "".join(span.itertext())  # code or emphasis inside the mark included
        mark = etree.SubElement(span, "sup", {"class": "edit-mark"})
        link = etree.SubElement(mark, "a", {"href": f"#edit-{number}", "id": f"edit-ref-{number}"})
        link.text = f"†{number}"
        note = etree.SubElement(notes, "li", {"id": f"edit-{number}"})
        block = _enclosing_anchor(span, parents)
        found.append((block or "", shown, span.get("data-source-reading") or ""))
        if block:
            where = etree.SubElement(note, "a", {"href": f"#{block}"})
            where.text, where.tail = block, " "
        edition = etree.SubElement(note, "span", {"class": "edit-edition", **chinese})
        edition.text = f"“{shown}”" if shown else "—"
        reading = span.get("data-source-reading") or ""
        if reading:
            before, _, after = labels.source_reads.partition("%(reading)s")
            edition.tail = f" {before}"
            quoted = etree.SubElement(note, "span", chinese)
            quoted.text, quoted.tail = reading, f"{after} "
        else:
            edition.tail = f" {labels.not_in_source} "
        back = etree.SubElement(note, "a", {"href": f"#edit-ref-{number}", "class": "edit-back",
                                            "aria-label": labels.back})
        back.text = "↩"
    root.append(section)
    return found


def _enclosing_anchor(elem: etree.Element, parents: dict) -> str | None:
    node = parents.get(elem)
    while node is not None:
        if node.get("id"):
            return node.get("id")
        node = parents.get(node)
    return None


def broken_edit_marks(lines: list[str], shown: Path) -> list[ContentError]:
    """An editorial mark left open or without its ~> would print as text: report it."""
    if not OPENER.search("\n".join(lines)):  # no mark at all (most documents; a mark's opener is on one line)
        return []
    errors = []
    for number, line in enumerate(lines, 1):
        if not OPENER.search(line):
            continue  # no mark opens on it: none is left open (a document's marks sit on a few lines)
        rest = _replace_marks(line, reading=False)
        opener = OPENER.search(rest)
        if opener:
            errors.append(ContentError(SourceRef(shown, number), f"editorial mark not closed: "
                                       f"'{rest[opener.start():opener.start() + 20]}'",
                                       "write {++added++}, {--left out--} or {~~source~>edition~~} on one line"))
    return errors
