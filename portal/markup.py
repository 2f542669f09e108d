"""Markdown -> HTML for document bodies, with anchored blocks, footnotes and glossary links."""
from __future__ import annotations

import re
from html import escape
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path

import markdown
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from .errors import ContentError, SourceRef
from .model import Block, Body

ANCHOR = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_ATTRS = {"id", "class", "lang", "href", "title", "colspan", "rowspan", "align", "style", "aria-label"}
# The `style` above is only the one Python-Markdown's tables write (text-align); checked below.
_TABLE_STYLE = re.compile(r"^text-align: (left|right|center);$")
_HTML_TAG = re.compile(r"<\s*[A-Za-z!/?][^>]*>?")
_CODE_SPAN = re.compile(r"`[^`]*`")
_SKIP_LINKING = {"a", "code", "sup", "h1", "h2", "h3", "h4", "h5", "h6", "th"}


@dataclass(frozen=True)
class TermLinks:
    """The glossary in one language, ready for linking: text -> term id, and where terms live."""

    pattern: re.Pattern | None
    lookup: dict[str, str]
    href: str
    title: str

    @classmethod
    def build(cls, terms: dict[str, str], href: str, title: str) -> "TermLinks":
        """terms maps each term's text in this language to its id."""
        if not terms:
            return cls(None, {}, href, title)
        alternatives = sorted(terms, key=len, reverse=True)
        body = "|".join(re.escape(t) for t in alternatives)
        pattern = re.compile(rf"(?<![A-Za-z0-9])(?:{body})(?![A-Za-z0-9])", re.IGNORECASE)
        return cls(pattern, {t.lower(): i for t, i in terms.items()}, href, title)


class _Collect(Treeprocessor):
    """Runs last: numbers table rows, gathers anchored blocks, links glossary terms, adds permalinks."""

    def __init__(self, md: markdown.Markdown, state: dict) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        state = self.state
        _number_table_rows(root)
        state["blocks"] = _collect_blocks(root, state["lang"])
        state["unanchored"] = [(el.tag, _text(el)) for el in root if el.tag == "p" and not el.get("id")]
        state["bad_attrs"] = _bad_attributes(root)
        links: TermLinks | None = state.get("links")
        if links and links.pattern:
            _link_terms(root, links, state["lang"])
        _add_permalinks(root, state["permalink"])


def _text(elem: etree.Element, lang: str = "zh", exclude_zh: bool = False) -> str:
    """Plain text of an element, without footnote markers, backrefs or permalinks."""
    parts: list[str] = []

    def walk(node: etree.Element) -> None:
        classes = node.get("class", "")
        skip = (node.tag == "sup" and (node.get("id") or "").startswith("fnref")) or \
            "footnote-backref" in classes or "permalink" in classes
        skip = skip or (exclude_zh and (node.get("lang") or "").startswith("zh"))
        if not skip:
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
        if node.tail and node is not elem:
            parts.append(node.tail)

    walk(elem)
    joined = re.sub(r"\x02[^\x03]*\x03", "", "".join(parts))
    return re.sub(r"\s+", " ", joined).strip()


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
            blocks.append((anchor, kind, _cell_text(elem) if kind == "row" else _text(elem),
                           level, _text(elem, exclude_zh=True)))

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


def _bad_attributes(root: etree.Element) -> list[str]:
    bad = []
    for elem in root.iter():
        for name, value in elem.attrib.items():
            if name not in ALLOWED_ATTRS or (name == "style" and not _TABLE_STYLE.match(value)):
                bad.append(f'{name}="{value}"')
            elif name == "href" and re.match(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:", value) \
                    and not re.match(r"^(https?|mailto):", value):
                bad.append(f'href="{value}"')
    return bad


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
                               (elem.tag == "li" and not elem.get("id", "").startswith("fn-"))):
            link = etree.SubElement(elem, "a", {"class": "permalink", "href": f"#{elem.get('id')}",
                                                "aria-label": label})
            link.text = "¶"


class _Extension(markdown.Extension):
    def __init__(self, state: dict) -> None:
        super().__init__()
        self.state = state

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.treeprocessors.register(_Collect(md, self.state), "portal-collect", 0)


class Renderer:
    """One reusable Markdown instance per language: render(text) -> Body, or ContentErrors."""

    def __init__(self, lang: str, permalink_label: str) -> None:
        self.state: dict = {"lang": lang, "permalink": permalink_label}
        self.md = markdown.Markdown(
            extensions=["footnotes", "tables", "attr_list", "toc", "sane_lists", _Extension(self.state)],
            extension_configs={
                "footnotes": {"SEPARATOR": "-", "BACKLINK_TITLE": "↩ %d"},
                "toc": {"slugify": slugify_unicode, "toc_depth": "2-4", "permalink": False},
            },
            output_format="html",
        )

    def render(self, text: str, shown: Path, links: TermLinks | None = None) -> tuple[Body | None, list[ContentError]]:
        """Render one body; returns the Body and every problem found in it."""
        errors = _raw_html_errors(text, shown)
        self.state["links"] = links
        self.md.reset()
        html = self.md.convert(text)
        if self.md.htmlStash.html_counter and not errors:
            errors.append(ContentError(SourceRef(shown), "raw HTML is not allowed in Markdown",
                                       "write it in Markdown; attributes go in {: … } lists"))
        lines = text.splitlines()
        blocks = []
        seen: dict[str, int | None] = {}
        for anchor, kind, plain, level, english_only in self.state["blocks"]:
            line = _line_of(lines, anchor, plain)
            if not ANCHOR.match(anchor) and not anchor.startswith(("fn-", "fnref-")):
                errors.append(ContentError(SourceRef(shown, line), f"anchor '{anchor}' is not lowercase "
                                           "letters, digits and hyphens", "rename it, e.g. 'p12' or 'part-3'"))
            if anchor in seen:
                errors.append(ContentError(SourceRef(shown, line), f"duplicate anchor '{anchor}' "
                                           f"(first on line {seen[anchor]})", "give each block its own anchor"))
            seen[anchor] = line
            blocks.append(Block(anchor, kind, plain, line, level))
            if self.state["lang"] == "en" and re.search(r"[\u3400-\u9fff]", english_only):
                errors.append(ContentError(SourceRef(shown, line), f"Chinese characters in English block '{anchor}'",
                                           'mark Chinese as *…*{: lang="zh-Hans" }'))
        for _tag, plain in self.state["unanchored"]:
            if not plain or plain.startswith("wzxhzdk"):
                continue  # a raw-HTML placeholder, reported above
            errors.append(ContentError(SourceRef(shown, _line_of(lines, None, plain)),
                                       f"paragraph has no anchor: '{plain[:30]}…'",
                                       "add a line '{: #some-anchor }' directly under the paragraph"))
        for attribute in self.state["bad_attrs"]:
            line = next((n for n, l in enumerate(lines, 1) if attribute.split("=")[0] in l), None)
            errors.append(ContentError(SourceRef(shown, line), f"attribute {attribute} is not allowed",
                                       "only id, class and lang may be set with {: … }"))
        footnotes = sum(1 for b in blocks if b.kind == "footnote")
        body = Body(html, tuple(_toc(self.md.toc_tokens)), tuple(blocks), footnotes)
        return body, errors


def block_html(body_html: str, anchor: str) -> str:
    """The inner HTML of one anchored paragraph, item or heading, for quoting it elsewhere:
    without its permalink and footnote markers, whose targets live on the document page."""
    match = re.search(rf'<(p|li|h[1-6])\b[^>]*\bid="{re.escape(anchor)}"[^>]*>(.*?)</\1>', body_html, re.S)
    if not match:
        return ""
    inner = re.sub(r'<a [^>]*class="permalink"[^>]*>.*?</a>', "", match.group(2))
    return re.sub(r'<sup id="fnref-[^"]+">.*?</sup>', "", inner).strip()


_ANCHORED = re.compile(r'<(p|li|h[1-6]|tr)\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</\1>', re.S)


def block_map(body_html: str) -> dict[str, str]:
    """anchor -> inner HTML of every anchored block, to quote beside its translation: no permalinks,
    footnote markers without their ids, no footnote back-links, table cells as spans."""
    found = {}
    for match in _ANCHORED.finditer(body_html):
        inner = re.sub(r'<a [^>]*class="(?:permalink|footnote-backref)"[^>]*>.*?</a>', "", match.group(3))
        inner = re.sub(r'<sup id="fnref-[^"]+">', "<sup>", inner).replace("&#160;</p>", "</p>")
        inner = re.sub(r"<t[dh]\b[^>]*>", '<span class="cell">', inner)
        found[match.group(2)] = re.sub(r"</t[dh]>", "</span>", inner).strip()
    return found


def annotate_blocks(body_html: str, outdated, note, parallel: str, label: str) -> str:
    """A document body on its page: a link to the parallel view beside each permalink, and each
    outdated block marked `data-outdated="true"` with note(block) at its start (in a row: its first cell)."""
    html = re.sub(r'(<a [^>]*\bclass="permalink"[^>]*\bhref="#([^"]+)"[^>]*>¶</a>)',
                  lambda m: f'{m.group(1)}<a class="parallel-link" href="{parallel}#{m.group(2)}" '
                            f'aria-label="{escape(label)}">⇄</a>', body_html)
    for block in outdated:
        opening = re.compile(rf'<(p|li|h[1-6]|tr)\b([^>]*\bid="{re.escape(block.anchor)}"[^>]*)>(\s*<td\b[^>]*>)?')
        html = opening.sub(lambda m: f'<{m.group(1)}{m.group(2)} data-outdated="true">{m.group(3) or ""}'
                                     f'{note(block)}', html, count=1)
    return html


def _toc(tokens: list[dict]) -> list[dict]:
    return [{"id": t["id"], "name": t["name"], "html": t["html"], "level": t["level"], "children": _toc(t["children"])}
            for t in tokens]


def _line_of(lines: list[str], anchor: str | None, plain: str) -> int | None:
    """Best guess at the source line of a block: its anchor, else its first words."""
    if anchor:
        marker = re.compile(r"\{:?\s*#" + re.escape(anchor) + r"(?![\w-])")
        for number, line in enumerate(lines, 1):
            if marker.search(line):
                return _block_start(lines, number)
        row = re.match(r".*-r(\d+)$", anchor)
        if row:
            cell = re.compile(r"^\|?\s*" + row.group(1) + r"\s*\|")
            for number, line in enumerate(lines, 1):
                if cell.match(line):
                    return number
        footnote = re.match(r"fn-(.+)$", anchor)
        if footnote:
            for number, line in enumerate(lines, 1):
                if line.startswith(f"[^{footnote.group(1)}]:"):
                    return number
    probe = plain[:12]
    for number, line in enumerate(lines, 1):
        if probe and probe in line.replace("**", ""):
            return number
    return None


def _block_start(lines: list[str], number: int) -> int:
    """For an attribute list on its own line, the first line of the block it belongs to."""
    if not lines[number - 1].lstrip().startswith("{:"):
        return number
    start = number
    while start > 1 and lines[start - 2].strip():
        start -= 1
        if re.match(r"\s*([-*+]|\d+\.)\s", lines[start - 1]):
            break
    return start


def _raw_html_errors(text: str, shown: Path) -> list[ContentError]:
    errors = []
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        match = _HTML_TAG.search(_CODE_SPAN.sub("", line))
        if match:
            errors.append(ContentError(SourceRef(shown, number), f"raw HTML is not allowed: {match.group(0)[:40]}",
                                       "write it in Markdown; attributes go in {: … } lists"))
    return errors
