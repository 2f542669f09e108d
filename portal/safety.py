"""What a contributor's Markdown may not do: links and attributes outside the allow-list, raw HTML, and
shapes that would make Python-Markdown recurse or scan without end."""
from __future__ import annotations

import html
import json
import re
import unicodedata
import xml.etree.ElementTree as etree
from pathlib import Path

from .errors import ContentError, SourceRef

ALLOWED_ATTRS = {"id", "class", "lang", "href", "title", "colspan", "rowspan", "aria-label", "data-source-reading"}
_HTML_TAG = re.compile(r"<\s*[A-Za-z!/?][^>]*>?")
_CODE_SPAN = re.compile(r"`[^`]*`")
# Limits on a document's shape, far above what the content uses (indentation 2, five '[' in a
# paragraph): Python-Markdown recurses once per nesting level (lists 400 deep overflow the stack) and
# scans forward from every unclosed '[' (5,000 of them take 14 s).
MAX_INDENT = 40  # columns, tabs counted as 4: ten levels of list
MAX_QUOTES = 10
MAX_BRACKETS = 100  # '[' in one block (between blank lines)
# The ids the templates give the page's own elements (tests/test_hostile.py keeps this equal to theirs):
# a body setting one would make two elements share it, and the skip link or a script find the wrong one
PAGE_IDS = frozenset({
    "assessments", "assessments-heading", "book-toc-heading", "by-indicator", "chains-heading",
    "conflict-index-heading", "conflicts", "conflicts-heading", "consistent", "consistent-heading", "explore-heading",
    "glossary-count", "glossary-filter", "goal-chains", "goals-heading", "indicators", "layers-heading", "licence", "main",
    "matrix", "matrix-caption", "matrix-count", "matrix-filter", "matrix-layer", "matrix-status", "overview",
    "rule-heading", "rules", "rules-heading", "search-input", "search-more", "search-results", "search-status", "standing-heading",
    "status-rules", "theme-goals-heading", "timeline-heading", "toc-heading", "zh-edits-heading"})
_ID = re.compile(r' id="([^"]*)"')
LINK_HINT = "links may be https:, http:, mailto:, a path on this site or a #fragment"


def link_allowed(href: str) -> bool:
    """Whether a link may appear on the site: https:, http:, mailto:, a relative path or a #fragment,
    judged as a browser reads it (character references decoded, control characters and whitespace
    removed, any case); protocol-relative //host links are refused."""
    decoded, previous = href, None
    while decoded != previous:  # &amp;#106; and the like, however deep
        previous, decoded = decoded, html.unescape(decoded)
    cleaned = "".join(ch for ch in decoded if not (ch.isspace() or unicodedata.category(ch)[0] in "CZ")).lower()
    if cleaned.replace("\\", "/").startswith("//"):
        return False
    scheme = re.split(r"[/?#]", cleaned, maxsplit=1)[0]
    return ":" not in scheme or re.match(r"(https?|mailto):", cleaned) is not None


def bad_attributes(root: etree.Element, stash) -> list[tuple[str, str]]:
    """(name, value) of every attribute a document may not set, links included; judged on the value
    as it will be written out (Python-Markdown keeps character references aside until then)."""
    bad = []
    for elem in root.iter():
        if elem.tag == "img":  # a document shows no images: one problem, not one per attribute
            bad.append(("<img>", elem.get("src") or ""))
            continue
        for name, value in elem.attrib.items():
            if value is not None and "\x02" in value:  # a placeholder of the stash starts so
                value = _STASHED.sub(lambda m: _stashed(stash, int(m.group(1))), value)
            if name not in ALLOWED_ATTRS or value is None or (name == "href" and not _within_page(value)
                                                                 and not link_allowed(value)):
                bad.append((name, value))
    return bad


def _within_page(href: str) -> bool:
    """A link to a place on the page (`#fn-1`): link_allowed keeps its leading '#' through decoding and
    cleaning, so finds no scheme (tested against it)."""
    return href.startswith("#")


def link_text_problems(root: etree.Element, stash) -> list[str]:
    """The text of every link holding an invisible format character (zero-width space, joiners, BOM,
    soft hyphen …), written out or as a character reference: a link must read as what it does."""
    texts = (html.unescape(_STASHED.sub(lambda m: _stashed(stash, int(m.group(1))), "".join(a.itertext())))
             for a in root.iter("a"))
    return [text for text in texts if not text.isascii() and any(unicodedata.category(ch) == "Cf" for ch in text)]


_STASHED = re.compile("\x02wzxhzdk:(\\d+)\x03")


def _stashed(stash, index: int) -> str:
    return str(stash.rawHtmlBlocks[index]) if index < len(stash.rawHtmlBlocks) else ""


def id_problems(body_html: str, longest: int) -> tuple[list[str], list[str], list[str]]:
    """(reserved, repeated, too long): the ids of a rendered body that the page gives its own elements,
    those set more than once (block anchors, inline {: #id }, footnotes and marks alike), and those longer
    than `longest`, in order."""
    ids = [html.unescape(anchor) if "&" in anchor else anchor  # unescape returns a text without "&" as it is
           for anchor in _ID.findall(body_html)]
    counts: dict[str, int] = {}
    for anchor in ids:
        counts[anchor] = counts.get(anchor, 0) + 1
    return ([a for a in counts if a in PAGE_IDS], [a for a, n in counts.items() if n > 1],
            [a for a in counts if len(a) > longest])


_SHAPED = re.compile(r"^(?:[^\S\n]|>)", re.M)  # a line starting with whitespace (isspace: tested) or '>'


def shape_errors(text: str, shown: Path) -> list[ContentError]:
    """An empty document, or nesting and bracket runs beyond the limits, as errors at their line."""
    if not text.strip():
        return [ContentError(SourceRef(shown, 1), "the document is empty",
                             "write its text, in anchored blocks as in the other documents", blocking=True)]
    if text.count("[") <= MAX_BRACKETS and not _SHAPED.search(text):
        return []  # no line indented or quoted, and no block holds more '[' than the whole text
    block_start, brackets = 1, 0
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            block_start, brackets = number + 1, 0
            continue
        if line[0].isspace() or line[0] == ">":  # else neither indented nor quoted
            expanded = line.expandtabs(4)
            if len(expanded) - len(expanded.lstrip()) > MAX_INDENT:
                return [ContentError(SourceRef(shown, number), f"indented more than {MAX_INDENT} columns",
                                     f"lists nest at most {MAX_INDENT // 4} levels", blocking=True)]
            if len(re.match(r"[\s>]*", line).group(0).replace(" ", "").replace("\t", "")) > MAX_QUOTES:
                return [ContentError(SourceRef(shown, number), f"quotes nested more than {MAX_QUOTES} levels",
                                     "use fewer '>'", blocking=True)]
        brackets += line.count("[")
        if brackets > MAX_BRACKETS:
            return [ContentError(SourceRef(shown, block_start), f"more than {MAX_BRACKETS} '[' in one block",
                                 "split the block, or write brackets that are not links as \\[", blocking=True)]
    return []


def raw_html_errors(text: str, shown: Path) -> list[ContentError]:
    """Every line holding an HTML tag outside code, as an error at that line."""
    if "<" not in text:  # a tag starts with one
        return []
    errors = []
    fenced = False
    for number, line in enumerate(text.split("\n"), 1):
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


# Inside <script type="application/ld+json"> the HTML parser ends the element at the first "</script"
# and treats "<!--" specially: written as \u escapes, < > & and the line separators JSON allows but
# JavaScript did not cannot end or confuse the element, and the JSON reads the same.
# (Replaced one after the other: no replacement holds a character replaced; str.translate would look up each
# character of a text outside ASCII in a dict, 20 µs a document page's JSON-LD against 1.4 µs.)
_SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def script_json(data) -> str:
    """JSON to embed in a <script> element (JSON-LD): no text in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    return text
