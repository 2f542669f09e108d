"""Markdown -> HTML for document bodies, with anchored blocks, footnotes and glossary links (what a body
may not contain is in safety.py, editorial marks in editmarks.py, block HTML helpers in blocks.py)."""
from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path

import markdown
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from .editmarks import OPENER, EditMarkPattern, broken_edit_marks, list_edits
from .errors import ContentError, SourceRef, quote
from .model import Block, Body
from .entities import EntityPattern, is_reference
from .footnotes import marked_notes
from . import guarded
from .bodychecks import attribute_errors, id_errors, without_html_in_refused_links
from .safety import bad_attributes, link_text_problems, raw_html_errors, shape_errors
from .sections import Part, join_sections, split_sections, toc_tree
from .sourcelines import SourceLines
from .termregex import terms_regex
from .typography import APOSTROPHE_HINT, STRAIGHT_APOSTROPHE

ANCHOR = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HAN = re.compile(r"[\u3400-\u9fff]")
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP_LINKING = {"a", "code", "sup", "h1", "h2", "h3", "h4", "h5", "h6", "th"}


@dataclass(frozen=True)
class TermLinks:
    """The glossary in one language, ready for linking: text -> term id, and where terms live."""

    pattern: re.Pattern | None
    lookup: dict[str, str]
    href: str
    title: str
    digest: str = ""  # of all the above: equal links link alike (a rendered section is kept by it)

    @classmethod
    def build(cls, terms: dict[str, str], href: str, title: str) -> "TermLinks":
        """terms maps each term's text in this language to its id."""
        digest = hashlib.sha1(repr((sorted(terms.items()), href, title)).encode("utf-8")).hexdigest()
        if not terms:
            return cls(None, {}, href, title, digest)
        return cls(terms_regex(terms), {t.lower(): i for t, i in terms.items()}, href, title, digest)


@dataclass(frozen=True)
class BodyLabels:
    """The interface words a rendered body carries, in its language (from the gettext catalogs)."""

    permalink: str
    edits: str = "Editorial marks"
    source_reads: str = "source reads “%(reading)s”"
    not_in_source: str = "not in the source"
    back: str = "Back to the text"

    @classmethod
    def translated(cls, gettext) -> "BodyLabels":
        """The labels in a catalog's language (gettext: the catalog's gettext function)."""
        return cls(gettext("Link to this paragraph"), gettext("Editorial marks"),
                   gettext("source reads “%(reading)s”"), gettext("not in the source"), gettext("Back to the text"))


class _Collect(Treeprocessor):
    """Runs last: numbers table rows, gathers anchored blocks, links glossary terms, adds permalinks,
    makes tables focusable."""

    def __init__(self, md: markdown.Markdown, state: dict) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        state = self.state
        _align_by_class(root)  # before the attribute check: a style= left would be the content's
        _number_table_rows(root)
        state["edits"] = list_edits(root, state["labels"], state["lang"])
        state["blocks"] = _collect_blocks(root, state["lang"])
        state["unanchored"] = [(el.tag, _text(el)) for el in root if el.tag == "p" and not el.get("id")]
        state["bad_attrs"] = bad_attributes(root, self.md.htmlStash) + \
            [("<a>", text) for text in link_text_problems(root, self.md.htmlStash)] + \
            [("&", reference) for reference in state.pop("refused_entities", [])]
        links: TermLinks | None = state.get("links")
        if links and links.pattern:
            _link_terms(root, links, state["lang"])
        _add_permalinks(root, state["permalink"])
        _focusable_tables(root)  # after the attribute check: tabindex is ours, not the content's


def _text(elem: etree.Element) -> str:
    """Plain text of an element, without footnote markers, backrefs or permalinks."""
    return _texts(elem)[0]


_STASHED = re.compile(r"\x02[^\x03]*\x03")  # a placeholder of Python-Markdown's stash


def _texts(elem: etree.Element) -> tuple[str, str]:
    """Plain text of an element (see _text), and the same without what is marked Chinese (lang="zh…"),
    in one walk."""
    if not len(elem):  # no children: its own text, unless the element itself is left out
        if _left_out(elem) or not elem.text:
            return "", ""
        plain = _plain(elem.text)
        return plain, "" if (elem.get("lang") or "").startswith("zh") else plain
    every: list[str] = []
    english: list[str] = []

    def walk(node: etree.Element, chinese: bool) -> None:
        if not _left_out(node):
            inner = chinese or (node.get("lang") or "").startswith("zh")
            if node.text:
                every.append(node.text)
                if not inner:
                    english.append(node.text)
            for child in node:
                walk(child, inner)
        if node.tail and node is not elem:
            every.append(node.tail)
            if not chinese:
                english.append(node.tail)

    walk(elem, False)
    return _plain("".join(every)), _plain("".join(english))


def _left_out(node: etree.Element) -> bool:
    """A footnote marker, a footnote's backref, a permalink or an editorial mark: not the block's text."""
    classes = node.get("class", "")
    return ((node.tag == "sup" and (node.get("id") or "").startswith("fnref")) or
            "footnote-backref" in classes or "permalink" in classes or "edit-mark" in classes)


def _plain(joined: str) -> str:
    """Text without stash placeholders, its runs of whitespace one space (str.split's whitespace is the
    regex \\s, tested), no space at either end."""
    if "\x02" in joined:
        joined = _STASHED.sub("", joined)
    return " ".join(joined.split())


def _focusable_tables(root: etree.Element) -> None:
    """Tables scroll sideways when wider than the screen: a keyboard user must be able to reach them."""
    for table in root.iter("table"):
        table.set("tabindex", "0")


_ALIGNMENT = re.compile(r"text-align: (left|right|center);")


def _align_by_class(root: etree.Element) -> None:
    """Table cells aligned by class, not by the style= Python-Markdown writes: the site's
    Content-Security-Policy allows no inline style, so a browser would ignore it."""
    for cell in root.iter():
        if cell.tag in ("th", "td"):
            alignment = _ALIGNMENT.fullmatch(cell.get("style") or "")
            if alignment:
                del cell.attrib["style"]
                cell.set("class", " ".join(filter(None, (cell.get("class"), f"align-{alignment.group(1)}"))))


def _number_table_rows(root: etree.Element) -> None:
    """Give each body row of a table the id <preceding heading id>-r<first cell>."""
    heading_id = None
    for elem in root:
        if elem.tag in HEADINGS:
            heading_id = elem.get("id")
        elif elem.tag == "table" and heading_id:
            for row in elem.iter("tr"):
                cells = list(row)
                if cells and cells[0].tag == "td":
                    first = _text(cells[0])
                    if re.fullmatch(r"\d+", first):
                        row.set("id", f"{heading_id}-r{first}")


def _collect_blocks(root: etree.Element, lang: str) -> list[tuple[str, str, str, int, str]]:
    """(anchor, kind, text, level, english-only text) for every anchored block, in document order."""
    blocks = []

    def add(elem: etree.Element, kind: str, level: int = 0) -> None:
        anchor = elem.get("id")
        if anchor:
            text, english_only = _texts(elem)
            blocks.append((anchor, kind, _cell_text(elem) if kind == "row" else text, level, english_only))

    for elem in root:
        if elem.tag in HEADINGS:
            add(elem, "heading", int(elem.tag[1]))
        elif elem.tag == "p":
            add(elem, "paragraph")
        elif elem.tag in ("ul", "ol"):
            for item in elem.iter("li"):
                add(item, "item")
        elif elem.tag == "table":
            for row in elem.iter("tr"):
                add(row, "row")
        elif elem.tag == "div" and "footnote" in elem.get("class", ""):
            for item in elem.iter("li"):
                add(item, "footnote")
    return blocks


def _cell_text(row: etree.Element) -> str:
    return " | ".join(_text(cell) for cell in row)


def _link_terms(root: etree.Element, links: TermLinks, lang: str) -> None:
    """Link the first occurrence of each glossary term in each section (sections start at headings)."""
    seen: set[str] = set()
    for elem in root:
        if elem.tag in HEADINGS:
            seen = set()
        elif elem.tag in ("p", "ul", "ol", "table"):
            _link_within(elem, links, seen, lang)


def _link_within(elem: etree.Element, links: TermLinks, seen: set[str], lang: str) -> None:
    if elem.tag in _SKIP_LINKING or (lang == "en" and (elem.get("lang") or "").startswith("zh")):
        return
    if elem.text:
        head, new = _split_terms(elem.text, links, seen)
        if new:
            elem.text = head
            for index, link in enumerate(new):
                elem.insert(index, link)
    for child in [c for c in elem if c.get("class") != "term"]:
        _link_within(child, links, seen, lang)
        if child.tail:
            head, new = _split_terms(child.tail, links, seen)
            if new:
                child.tail = head
                position = list(elem).index(child) + 1
                for offset, link in enumerate(new):
                    elem.insert(position + offset, link)


def _split_terms(text: str, links: TermLinks, seen: set[str]) -> tuple[str, list[etree.Element]]:
    """Cut text around first-seen terms; returns the leading text and the new <a> elements with tails."""
    new: list[etree.Element] = []
    head, cursor = text, 0
    for match in links.pattern.finditer(text):
        term_id = links.lookup.get(match.group(0).lower())
        if term_id is None or term_id in seen:
            continue
        seen.add(term_id)
        link = etree.Element("a", {"class": "term", "href": f"{links.href}#{term_id}", "title": links.title})
        link.text = match.group(0)
        if new:
            new[-1].tail = text[cursor: match.start()]
        else:
            head = text[: match.start()]
        cursor = match.end()
        new.append(link)
    if new:
        new[-1].tail = text[cursor:]
    return head, new


def _add_permalinks(root: etree.Element, label: str) -> None:
    for elem in root.iter():
        if elem.get("id") and (elem.tag == "p" or elem.tag in HEADINGS or
                               (elem.tag == "li" and not elem.get("id", "").startswith(("fn-", "edit-")))):
            link = etree.SubElement(elem, "a", {"class": "permalink", "href": f"#{elem.get('id')}",
                                                "aria-label": label, "title": label})
            link.text = "¶"


class _Extension(markdown.Extension):
    def __init__(self, state: dict) -> None:
        super().__init__()
        self.state = state

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.treeprocessors.register(_Collect(md, self.state), "portal-collect", -1)  # last, after unescape
        md.inlinePatterns.register(EditMarkPattern(OPENER.pattern, md), "portal-edit-mark", 185)
        md.inlinePatterns.register(EntityPattern(md, self.state), "entity", 80)  # replaces Markdown's own
        guarded.install(md)  # Python-Markdown's passes, skipping what they cannot change


class Renderer:
    """One reusable Markdown instance per language: render(text) -> Body, or ContentErrors."""

    def __init__(self, lang: str, labels: BodyLabels | str) -> None:
        labels = labels if isinstance(labels, BodyLabels) else BodyLabels(labels)
        self.state: dict = {"lang": lang, "permalink": labels.permalink, "labels": labels}
        self._sections: dict[tuple[str, str], Part] = {}  # (section text, links) -> its rendering, for edits
        self.md = markdown.Markdown(
            extensions=["footnotes", "tables", "attr_list", "toc", "sane_lists", _Extension(self.state)],
            extension_configs={
                "footnotes": {"SEPARATOR": "-", "BACKLINK_TITLE": "↩ %d"},
                "toc": {"slugify": slugify_unicode, "toc_depth": "2-4", "permalink": False},
            },
            output_format="html",
        )

    def render(self, text: str, shown: Path, links: TermLinks | None = None) -> tuple[Body | None, list[ContentError]]:
        """Render one body; returns the Body (None when it cannot be rendered) and every problem in it.

        A document of several sections is rendered section by section (a section starts at a heading),
        each kept by its text, and the sections are put together into exactly what rendering the whole
        would give (footnotes and editorial marks renumbered, the contents nested again): an edit then
        renders only its section. What sections cannot reproduce (footnotes cited across sections,
        reference links, a heading without an anchor, anything that is an error) is rendered whole."""
        shape = shape_errors(text, shown)
        if shape:
            return None, shape
        errors = raw_html_errors(text, shown)
        part = None if errors else self._by_sections(text, links)
        if part is None:
            part = self._convert(text, links)
        if part is None:
            return None, [ContentError(SourceRef(shown, 1), "the Markdown nests too deeply to render",
                                       "flatten nested lists and quotes", blocking=True)]
        return self._finish(part, text, shown, errors)

    def _convert(self, text: str, links: TermLinks | None) -> "Part | None":
        """Python-Markdown over one text (a whole body or a section); None when it nests too deeply."""
        for key in ("blocks", "unanchored", "bad_attrs", "edits", "refused_entities"):
            self.state.pop(key, None)  # nothing of the previous text may survive
        self.state["links"] = links
        self.md.reset()
        try:
            html = self.md.convert(text)
        except RecursionError:
            return None
        raw_html = sum(1 for stashed in self.md.htmlStash.rawHtmlBlocks if not is_reference(stashed))
        return Part(html, toc_tree(self.md.toc_tokens), raw_html, self.state.get("blocks"),
                     self.state.get("unanchored", []), self.state.get("bad_attrs", []), self.state.get("edits", []))

    def _by_sections(self, text: str, links: TermLinks | None) -> "Part | None":
        sections = split_sections(text)
        if sections is None:
            return None
        parts = []
        for section in sections:
            key = (section, links.digest if links else "")
            part = self._sections.get(key)
            if part is None:
                if len(self._sections) > 4096:
                    self._sections.clear()
                part = self._convert(section, links)
                if part is None or not part.joinable():
                    return None
                self._sections[key] = part
            parts.append(part)
        return join_sections(parts)

    def _finish(self, part: Part, text: str, shown: Path, errors: list[ContentError]):
        """The Body of a rendered text, and every problem in it, each at its line of `text`."""
        if part.raw_html and not errors:
            errors.append(ContentError(SourceRef(shown, 1), "raw HTML is not allowed in Markdown",
                                       "write it in Markdown; attributes go in {: … } lists"))
        if part.blocks is None:
            return None, [ContentError(SourceRef(shown, 1), "the document has no text",
                                       "write its text, in anchored blocks as in the other documents")]
        source = SourceLines(text)
        blocks = []
        line = 0
        for anchor, kind, plain, level, english_only in part.blocks:
            line = source.line_of(anchor, plain, after=line)
            if not ANCHOR.match(anchor) and not anchor.startswith(("fn-", "fnref-")):
                errors.append(ContentError(SourceRef(shown, line), f"anchor '{anchor}' is not lowercase "
                                           "letters, digits and hyphens", "rename it, e.g. 'p12' or 'part-3'"))
            blocks.append(Block(anchor, kind, plain, line, level))
            if self.state["lang"] == "en" and not english_only.isascii() and _HAN.search(english_only):
                errors.append(ContentError(SourceRef(shown, line), f"Chinese characters in English block '{anchor}'",
                                           'mark Chinese as *…*{: lang="zh-Hans" }'))
            if self.state["lang"] == "en" and "'" in english_only and STRAIGHT_APOSTROPHE.search(english_only):
                errors.append(ContentError(SourceRef(shown, line), f"straight apostrophe in English block '{anchor}'",
                                           APOSTROPHE_HINT))
        errors.extend(broken_edit_marks(source.lines, shown))
        errors.extend(id_errors(part.html, source, shown))
        line = 0
        for _tag, plain in part.unanchored:
            if not plain or plain.startswith("wzxhzdk"):
                continue  # a raw-HTML placeholder, reported above
            line = source.line_of(None, plain, after=line)
            errors.append(ContentError(SourceRef(shown, line),
                                       f"paragraph has no anchor: '{plain[:30]}…'",
                                       "add a line '{: #some-anchor }' directly under the paragraph"))
        errors.extend(attribute_errors(part.bad_attrs, source, shown))
        errors = without_html_in_refused_links(errors)
        footnotes = sum(1 for b in blocks if b.kind == "footnote")
        body = Body(marked_notes(part.html), tuple(part.toc), tuple(blocks), footnotes, tuple(part.edits), faulty=bool(errors))
        return body, errors
