"""Editorial marks: every departure of an edition from its source, with the source's reading.

A subset of CriticMarkup: {++text++} added by the editors, {--text--} in the source but left out,
{~~source~>edition~~} the source's reading replaced. Rendered as <span class="edit"
data-source-reading="…"> with a numbered marker linking to a list of notes ("source reads …")."""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from pathlib import Path

from markdown.inlinepatterns import InlineProcessor

from .errors import ContentError, SourceRef

EDIT_MARK = re.compile(r"\{\+\+(?P<added>.+?)\+\+\}|\{--(?P<dropped>.+?)--\}|\{~~(?P<source>.*?)~>(?P<edition>.*?)~~\}")


def undo_edit_marks(text: str) -> str:
    """Markdown text as the source reads it: each editorial mark replaced by the source's reading."""
    return EDIT_MARK.sub(lambda m: m.group("dropped") or m.group("source") or "", text)


def apply_edit_marks(text: str) -> str:
    """Markdown text as the edition reads it, marks removed (what the reader sees)."""
    return EDIT_MARK.sub(lambda m: m.group("added") or m.group("edition") or "", text)


class EditMarkPattern(InlineProcessor):
    """{++…++}, {--…--} and {~~…~>…~~} as <span class="edit" data-source-reading="…">."""

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API name)
        edition = m.group("added") or m.group("edition") or ""
        reading = m.group("dropped") or m.group("source") or ""
        span = etree.Element("span", {"class": "edit" if edition else "edit edit-dropped",
                                      "data-source-reading": reading})
        span.text = edition
        return span, m.start(0), m.end(0)


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
        mark = etree.SubElement(span, "sup", {"class": "edit-mark"})
        link = etree.SubElement(mark, "a", {"href": f"#edit-{number}", "id": f"edit-ref-{number}"})
        link.text = f"†{number}"
        note = etree.SubElement(notes, "li", {"id": f"edit-{number}"})
        block = _enclosing_anchor(span, parents)
        found.append((block or "", span.text or "", span.get("data-source-reading") or ""))
        if block:
            where = etree.SubElement(note, "a", {"href": f"#{block}"})
            where.text, where.tail = block, " "
        edition = etree.SubElement(note, "span", {"class": "edit-edition", **chinese})
        edition.text = f"“{span.text}”" if span.text else "—"
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
    errors = []
    for number, line in enumerate(lines, 1):
        rest = EDIT_MARK.sub("", line)
        opener = re.search(r"\{(\+\+|--|~~)", rest)
        if opener:
            errors.append(ContentError(SourceRef(shown, number), f"editorial mark not closed: "
                                       f"'{rest[opener.start():opener.start() + 20]}'",
                                       "write {++added++}, {--left out--} or {~~source~>edition~~} on one line"))
    return errors
