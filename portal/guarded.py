"""Python-Markdown's passes, each passing over what it provably cannot change; everything else is the
library's own code, and the output is the library's to the byte (tests/test_bodyspeed.py,
tests/test_library_passes.py and tests/test_bodies_stop37.py render against the stock passes).

- The inline pass (GuardedInlineProcessor): Python-Markdown tries each inline pattern (code spans, links,
  emphasis…) on each text of the tree, one after the other: a regex search and a few calls per pattern
  and text, most of them finding nothing. Each pattern's regex is read once (its parsed form) for the
  strings a match cannot do without: `&…;` needs an `&`, an editorial mark `{++`, `{--` or `{~~`, a line
  break two spaces and a newline. A text holding none of a pattern's strings is not given to that
  pattern: the library would then go on with the next pattern, from the text's start, as it does after
  a try that found nothing. A text or tail holding no pattern's strings at all (one regex search) is left
  where it is by the walk over the tree. A pattern whose regex tells nothing is tried on every text, as is
  every pattern of another kind. A text holding no placeholder after the patterns is put back without the
  library's search for them.
- The block parser: blockguards.py.
- The table of contents (GuardedToc): its `[TOC]` marker is looked for in the tree only when the text
  holds it; a paragraph reading just `[TOC]` when the contents are made can only come from those five
  characters on one line (escapes and character references are still placeholders then). The contents'
  <div> (`md.toc`, which nothing reads) is made only when the text places it; the ids and the headings are
  found in one walk; a heading of text only gives its entry without being serialized (nor given to the
  postprocessors, when they only replace what such a text cannot hold).
- The serializer (htmlwriter.serialize, put in the instance's output formats: Markdown() sets its serializer
  from them after the extensions are in).
- The footnotes placed (GuardedFootnotes): their place marker is looked for in the tree only when the text
  holds it.
- Attribute lists: attrlists.py.
- Whitespace normalized (GuardedNormalize): lines of spaces are emptied only where a space precedes a newline.
- Raw HTML blocks taken aside (GuardedHtmlBlock): a text without `<` and `&` is not given to the HTML parser.
- Escaped characters put back (GuardedUnescape): a text without the start of one (STX) is left as it is.
- Block-level tags (install): whether a tag is one, asked for each element by several passes, is
  remembered per tag (the list of block-level tags is fixed once the extensions are in)."""
from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as etree

from markdown import util
from markdown.extensions.footnotes import FootnotePostprocessor, FootnoteTreeprocessor
from markdown.postprocessors import AndSubstitutePostprocessor, RawHtmlPostprocessor
from markdown.preprocessors import HtmlBlockPreprocessor, NormalizeWhitespace
from markdown.extensions import toc
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.treeprocessors import InlineProcessor, UnescapeTreeprocessor

from . import blockguards
from .attrlists import GuardedAttrList
from .htmlwriter import serialize
from .regexneeds import pattern_needs


class GuardedInlineProcessor(InlineProcessor):
    """Python-Markdown's InlineProcessor, whose loop over the patterns passes over a pattern that cannot
    match the text (see the module's docstring); everything else is the library's own."""

    def run(self, tree, ancestors=None):
        self.guarded = [(pattern, pattern_needs(pattern)) for pattern in self.inlinePatterns]
        self.any_needed = _any_of(tuple(needs for _, needs in self.guarded))
        if self.any_needed is None:
            return super().run(tree, ancestors)
        return self._walk(tree, ancestors)

    def _walk(self, tree, ancestors=None):
        """The library's run, step by step, which leaves a text or tail as it is when it is a plain string
        holding no pattern's strings and no placeholder: the library's steps would take it out, give it back
        unchanged from __handleInline and put it back where it was, making no element."""
        self.stashed_nodes = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {c: p for p in tree.iter() for c in p}
        stack = [(tree, tree_parents)]
        self._InlineProcessor__build_ancestors(tree, tree_parents)
        handle, place = self._InlineProcessor__handleInline, self._InlineProcessor__processPlaceholders
        needed, prefix = self.any_needed.search, self._InlineProcessor__placeholder_prefix
        while stack:
            current, parents = stack.pop(0)
            self.ancestors = parents
            if current is not tree:
                self.ancestors.append(current.tag.lower())
            queue = []
            for child in current:
                text = child.text
                if text and not isinstance(text, util.AtomicString) and \
                        (type(text) is not str or needed(text) or prefix in text):
                    self.ancestors.append(child.tag.lower())
                    child.text = None
                    made = place(handle(text), child)
                    for item in made:
                        self.parent_map[item[0]] = child
                    stack += made
                    queue.append((child, made))
                    self.ancestors.pop()
                tail = child.tail
                if tail and (type(tail) is not str or needed(tail) or prefix in tail):
                    tail = handle(tail)
                    dummy = etree.Element("d")
                    child.tail = None
                    made = place(tail, dummy, False)
                    if dummy.tail:
                        child.tail = dummy.tail
                    position = list(current).index(child) + 1
                    made.reverse()
                    for item in made:
                        self.parent_map[item[0]] = current
                        current.insert(position, item[0])
                if len(child):
                    self.parent_map[child] = current
                    stack.append((child, self.ancestors[:]))
            for element, made in queue:
                for index, item in enumerate(made):
                    element.insert(index, item[0])
        return tree

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        """The library's __handleInline (which the library calls by this name), with the guard."""
        if isinstance(data, util.AtomicString) or (self.any_needed and not self.any_needed.search(data)):
            return data  # no pattern can match
        guarded = self.guarded
        start = 0
        while patternIndex < len(guarded):
            pattern, needs = guarded[patternIndex]
            if needs is not None and not any(string in data for string in needs):
                patternIndex, start = patternIndex + 1, 0  # as after a try that found nothing
                continue
            data, matched, start = self._InlineProcessor__applyPattern(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data

    def _InlineProcessor__processPlaceholders(self, data, parent, isText: bool = True):  # noqa: N802, N803
        """The library's __processPlaceholders, which puts a plain string holding no placeholder where the
        library's would (after the parent's text or tail) without looking for one, and makes no elements."""
        if not data or type(data) is not str or self._InlineProcessor__placeholder_prefix in data:
            return super()._InlineProcessor__processPlaceholders(data, parent, isText)
        if isText:
            parent.text = parent.text + data if parent.text else data
        else:
            parent.tail = parent.tail + data if parent.tail else data
        return []


@functools.lru_cache(maxsize=16)
def _any_of(needs: tuple) -> re.Pattern | None:
    """A regex finding any string that some pattern needs; None when a pattern needs nothing known."""
    if any(strings is None for strings in needs):
        return None
    return re.compile("|".join(re.escape(string) for strings in needs for string in sorted(strings)))


class GuardedToc(TocTreeprocessor):
    """The toc extension's treeprocessor, which looks for its marker in the tree only when the text has it,
    and makes the contents' HTML (`md.toc`, which nothing reads) only when it is put in the body."""

    def replace_marker(self, root, elem) -> None:
        if self.marker in "\n".join(self.md.lines):
            super().replace_marker(root, elem)

    def run(self, doc) -> None:
        """The library's run without the contents' <div>: its tree, its prettifying, its serializing and the
        postprocessors over it; what it sets on the headings and `md.toc_tokens` are made by the library's
        own steps in the library's order. With a marker in the text, anchors or permalinks, the library's."""
        if (self.marker and self.marker in "\n".join(self.md.lines)) or self.use_anchors or \
                self.use_permalinks not in (False, None):
            return super().run(doc)
        used_ids, headings = _ids_and_headings(doc, self.header_rgx.match)
        plain = all(type(processor) in _STX_ONLY for processor in self.md.postprocessors)
        id_counters: dict[str, int] = {}
        tokens = []
        for el in headings:
            self.set_level(el)
            inner = _text_only(el, self.md, plain)
            if inner is None:
                inner = toc.render_inner_html(toc.remove_fnrefs(el), self.md)
            name = toc.strip_tags(inner)
            if "id" not in el.attrib:
                el.attrib["id"] = toc.unique(self.slugify(html.unescape(name), self.sep), used_ids, id_counters)
            label = ""
            if "data-toc-label" in el.attrib:
                label = toc.run_postprocessors(toc.unescape(el.attrib["data-toc-label"]), self.md)
                name = toc.escape_cdata(toc.strip_tags(label))
                del el.attrib["data-toc-label"]
            if self.toc_top <= int(el.tag[-1]) <= self.toc_bottom:
                tokens.append({"level": int(el.tag[-1]), "id": toc.unescape(el.attrib["id"]), "name": name,
                               "html": inner, "data-toc-label": label})
        self.md.toc_tokens = toc.nest_toc_tokens(tokens)
        self.md.toc = ""


def _ids_and_headings(doc, is_heading) -> tuple[set[str], list]:
    """The ids of a tree and its headings (tags the toc's regex matches), in one walk: the library walks it once
    for each, and its work on the headings adds no element and makes no heading of another (it gives a heading
    an id, and its level)."""
    used_ids, headings, known = set(), [], {}
    for el in doc.iter():
        attributes = el.attrib
        if "id" in attributes:
            used_ids.add(attributes["id"])
        tag = el.tag
        if isinstance(tag, str):
            heading = known.get(tag)
            if heading is None:
                heading = known[tag] = bool(is_heading(tag))
            if heading:
                headings.append(el)
    return used_ids, headings


# The postprocessors that only replace strings starting with an escaped character's start (STX): the raw HTML
# placeholders, `&` kept aside, the footnotes' back link and no-break space. A text without STX goes through
# them unchanged.
_STX_ONLY = {RawHtmlPostprocessor, AndSubstitutePostprocessor, FootnotePostprocessor}


def _text_only(heading, md, plain: bool = False) -> str | None:
    """The library's render_inner_html of a heading holding only text without `&`, `<`, `>` or an escaped
    character, whose tail and attributes hold no escaped character either: serialized, unescaped and cut
    between its tags, that is its text, stripped, through the postprocessors (which leave it as it is when
    `plain`: all of them are _STX_ONLY). None for any other heading."""
    text = heading.text
    if len(heading) or not text or type(text) is not str or any(c in text for c in "&<>\x02"):
        return None
    if heading.tail and util.STX in heading.tail:
        return None
    for name, value in heading.items():
        if type(name) is not str or any(c in name for c in "<>\x02") or \
                (value is not None and (type(value) is not str or util.STX in value)):
            return None
    return text.strip() if plain else toc.run_postprocessors(text.strip(), md)


class GuardedFootnotes(FootnoteTreeprocessor):
    """The footnotes extension's pass placing the footnotes, which looks for their place marker in the tree
    only when the text holds it: before the inline pass, each text of the tree is a stretch of a line of
    the text (after the preprocessors), so the marker, on one line, is in the tree only when it is in the
    text; without it the library appends the footnotes to the body, as here."""

    def run(self, root) -> None:
        extension = self.footnotes
        if extension.getConfig("PLACE_MARKER") in "\n".join(extension.md.lines):
            return super().run(root)
        notes = extension.makeFootnotesDiv(root)
        if notes is not None:
            root.append(notes)


class GuardedNormalize(NormalizeWhitespace):
    """Python-Markdown's first preprocessor, step by step the library's, whose last regex (a line of spaces
    made empty: a newline, spaces, a newline) is not run over a text without a space before a newline."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        source = source.replace(util.STX, "").replace(util.ETX, "")
        source = source.replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
        source = source.expandtabs(self.md.tab_length)
        if " \n" in source:
            source = re.sub(r"(?<=\n) +\n", "\n", source)
        return source.split("\n")


class GuardedHtmlBlock(HtmlBlockPreprocessor):
    """Python-Markdown's preprocessor taking raw HTML blocks aside, which does not parse a text holding no
    `<` and no `&`: the library's HTML parser then sees one run of data and gives the lines back as they are."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if "<" in source or "&" in source:
            return super().run(lines)
        return source.split("\n")


class GuardedUnescape(UnescapeTreeprocessor):
    """Python-Markdown's pass putting escaped characters back, which leaves a plain string without the start
    of an escaped character (STX) as it is: the library's substitution would find nothing there and give back
    an equal string (and set an attribute again to the value it has). A string of another type (AtomicString)
    still goes through the library's substitution, which gives back a plain string."""

    def run(self, root) -> None:
        stx = util.STX
        for elem in root.iter():
            text, tail = elem.text, elem.tail
            if text and elem.tag != "code" and (type(text) is not str or stx in text):
                elem.text = self.unescape(text)
            if tail and (type(tail) is not str or stx in tail):
                elem.tail = self.unescape(tail)
            if elem.attrib:
                for key, value in elem.items():
                    if value is not None and (type(value) is not str or stx in value):
                        elem.set(key, self.unescape(value))


def install(md) -> None:
    """Put the guarded passes in place of Python-Markdown's own (at the library's priorities), once every
    extension is in."""
    md.treeprocessors.register(GuardedInlineProcessor(md), "inline", 20)
    md.treeprocessors.register(GuardedUnescape(md), "unescape", 0)
    md.treeprocessors.register(GuardedAttrList(md), "attr_list", 8)
    md.preprocessors.register(GuardedNormalize(md), "normalize_whitespace", 30)
    md.preprocessors.register(GuardedHtmlBlock(md), "html_block", 20)
    footnotes = md.treeprocessors["footnote"]
    md.treeprocessors.register(GuardedFootnotes(footnotes.footnotes), "footnote", 50)
    blockguards.install(md.parser)
    contents = next(extension for extension in md.registeredExtensions if isinstance(extension, TocExtension))
    md.treeprocessors.register(GuardedToc(md, contents.getConfigs()), "toc", 5)
    block_level: dict = {}
    ask = md.is_block_level

    def is_block_level(tag) -> bool:
        if tag not in block_level:
            block_level[tag] = ask(tag)
        return block_level[tag]

    md.is_block_level = is_block_level
    # Markdown() sets its serializer from output_formats after the extensions are in: one set here
    # directly would be replaced by the library's
    md.output_formats = {**md.output_formats, "html": serialize}
