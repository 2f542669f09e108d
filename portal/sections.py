"""Rendering a document section by section (a section starts at a heading), so that an edit renders only
its section: which texts can be cut into sections, and how the sections' renderings are joined into
exactly what rendering the whole text gives (footnotes and editorial marks numbered through, the
contents nested again, footnote blocks last)."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from markdown.extensions.toc import nest_toc_tokens

from .anchored import read_blocks

# Labels end on their line: a label class that crossed lines scanned to the end of the text from every
# '[' ("[^\n\n" repeated: quadratic, 7 s for 40 KB)
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:", re.M)
_FOOTNOTE_REFERENCE = re.compile(r"\[\^([^\]\n]+)\]")
_FOOTNOTES = re.compile(r'\n<div class="footnote">\n<hr>\n<ol>\n(.*)</ol>\n</div>(?=\n<section class="edits">|$)', re.S)
_EDITS = re.compile(r'\n?<section class="edits"><h2>[^<]*</h2><ol>(.*)</ol></section>$', re.S)


def split_sections(text: str) -> list[str] | None:
    """The text cut before each heading (what precedes the first is a section too), or None when the
    sections would not render as the whole does: one section, a heading without an anchor, reference
    links (document-wide), footnotes cited or defined outside their own section, a table of contents."""
    blocks = read_blocks(text)
    headings = [b for b in blocks if b.kind == "heading"]
    if len(headings) < 2 or "[TOC]" in text or _REFERENCE_DEFINITION.search(text):
        return None
    if any(heading.anchor is None for heading in headings):
        return None
    cuts = ([0] if headings[0].frame[0] else []) + [h.frame[0] for h in headings] + [len(text) + 1]
    notes = [b for b in blocks if b.kind == "footnote"]
    markers = {text.index("[^", note.frame[0]) for note in notes}  # a definition's label cites nothing
    defined: list[list[str]] = [[] for _ in cuts[1:]]
    cited: list[set[str]] = [set() for _ in cuts[1:]]
    for note in notes:
        defined[bisect_right(cuts, note.frame[0]) - 1].append(note.anchor.removeprefix("fn-"))
    for found in _FOOTNOTE_REFERENCE.finditer(text):
        if found.start() not in markers:
            cited[bisect_right(cuts, found.start()) - 1].add(found.group(1))
    seen: set[str] = set()
    for own, refs in zip(defined, cited):
        if len(set(own)) != len(own) or seen & set(own) or refs != set(own):
            return None
        seen |= set(own)
    return [text[a:b - 1] for a, b in zip(cuts, cuts[1:])]


@dataclass
class Part:
    """What Python-Markdown made of one text: its HTML and what the collecting treeprocessor found."""

    html: str
    toc: list[dict]
    raw_html: int
    blocks: list | None
    unanchored: list
    bad_attrs: list
    edits: list

    numbered: dict = field(default_factory=dict, compare=False, repr=False)  # see pieces()

    def pieces(self, footnotes: int, marks: int) -> tuple[str, str, str, str | None]:
        """Its body, footnote items and editorial-mark items, numbered after `footnotes` footnotes and `marks`
        marks, and the marks' heading (None without marks); kept by those two numbers (a part is rendered
        once, and an edit elsewhere mostly leaves the numbers before it as they were)."""
        if (footnotes, marks) not in self.numbered:
            if len(self.numbered) >= 8:
                self.numbered.clear()
            html, note_items, mark_items, heading = self.html, "", "", None
            found = _EDITS.search(html)
            if found:
                heading = html[found.start():found.start(1)].lstrip("\n")
                mark_items, html = found.group(1), html[:found.start()]
            found = _FOOTNOTES.search(html)
            if found:
                note_items, html = found.group(1), html[:found.start()]
            self.numbered[footnotes, marks] = (*(_renumber(x, footnotes, marks) for x in (html, note_items, mark_items)),
                                               heading)
        return self.numbered[footnotes, marks]

    def joinable(self) -> bool:
        """Whether this section can be put together with others: no problems (those are reported as the
        whole reports them), text, and no editorial mark inside a footnote (numbered after all others)."""
        return (not self.raw_html and self.blocks is not None and not self.bad_attrs
                and not any(plain for _tag, plain in self.unanchored)
                and not any(anchor.startswith("fn-") for anchor, _e, _s in self.edits))


def join_sections(parts: list[Part]) -> Part:
    """Sections' parts as one: bodies in order, then one footnote list and one list of editorial marks,
    footnotes and marks numbered through; block order as the whole gives it (footnotes last)."""
    bodies, notes, marks_list, heading = [], [], [], None
    footnotes = marks = 0
    for part in parts:
        html, note_items, mark_items, own_heading = part.pieces(footnotes, marks)
        heading = own_heading or heading
        bodies.append(html)
        notes.append(note_items)
        marks_list.append(mark_items)
        footnotes += note_items.count('<li id="fn-')
        marks += len(part.edits)
    html = "\n".join(bodies)
    if footnotes:
        html += '\n<div class="footnote">\n<hr>\n<ol>\n' + "".join(notes) + "</ol>\n</div>"
    if marks:
        html += "\n" + heading + "".join(marks_list) + "</ol></section>"
    flat: list[dict] = []
    for part in parts:
        _flatten(part.toc, flat)
    blocks = [b for p in parts for b in p.blocks if b[1] != "footnote"] + \
        [b for p in parts for b in p.blocks if b[1] == "footnote"]
    return Part(html, toc_tree(nest_toc_tokens(flat)), 0, blocks, [u for p in parts for u in p.unanchored], [],
                 [e for p in parts for e in p.edits])


def _renumber(html: str, footnotes: int, marks: int) -> str:
    """A section's footnote numbers and editorial-mark numbers moved up by those of the sections before."""
    if footnotes:
        html = re.sub(r'(<a class="footnote-ref" href="#fn-[^"]+">)(\d+)(</a>)',
                      lambda m: f"{m.group(1)}{int(m.group(2)) + footnotes}{m.group(3)}", html)
        html = re.sub(r'(class="footnote-backref" href="#fnref[^"]*" title="↩ )(\d+)(")',
                      lambda m: f"{m.group(1)}{int(m.group(2)) + footnotes}{m.group(3)}", html)
    if marks:
        html = re.sub(r'(#edit-|id="edit-|#edit-ref-|id="edit-ref-|>†)(\d+)',
                      lambda m: f"{m.group(1)}{int(m.group(2)) + marks}", html)
    return html


def _flatten(tokens: list[dict], into: list[dict]) -> None:
    for token in tokens:
        into.append({"id": token["id"], "name": token["name"], "html": token["html"], "level": token["level"]})
        _flatten(token["children"], into)


def toc_tree(tokens: list[dict]) -> list[dict]:
    return [{"id": t["id"], "name": t["name"], "html": t["html"], "level": t["level"], "children": toc_tree(t["children"])}
            for t in tokens]


