"""Python-Markdown's passes, each passing over what it provably cannot change; everything else is the
library's own code, and the output is the library's to the byte (tests/test_bodyspeed.py renders against
the stock passes).

- The inline pass (install, GuardedInlineProcessor): Python-Markdown tries each inline pattern (code spans, links, emphasis…) on each text of the tree, one
after the other: a regex search and a few calls per pattern and text, most of them finding nothing. Each
pattern's regex is read once (its parsed form) for the characters a match cannot do without: `&…;` needs
an `&`, emphasis a `*` or a `_`. A text holding none of a pattern's characters is not given to that
pattern; what the library does then with the text is what it does after the pattern found no match
(go on with the next pattern, from the text's start). A pattern whose regex names no such character is
tried on every text, as before; so is every pattern of another kind than a regex.
- The table test (GuardedTables): a block whose first line has no `|` is no table (the library splits its
  first line into cells and finds one cell, without a border).
- The table of contents (GuardedToc): its `[TOC]` marker is looked for in the tree only when the text
  holds it; a paragraph reading just `[TOC]` when the contents are made can only come from those five
  characters on one line (escapes and character references are still placeholders then).
- Block-level tags (install): whether a tag is one, asked for each element by several passes, is
  remembered per tag (the list of block-level tags is fixed once the extensions are in)."""
from __future__ import annotations

import functools

try:  # the regex parser of the standard library (Python 3.11 renamed its module)
    from re import _constants as sre, _parser as sre_parse
except ImportError:  # pragma: no cover (Python before 3.11)
    import sre_constants as sre
    import sre_parse

from markdown import util
from markdown.extensions.tables import TableProcessor
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.treeprocessors import InlineProcessor

# Characters without case: a regex's flags (IGNORECASE) cannot make one of them match anything else
GUARDS = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \n\t")
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))


@functools.lru_cache(maxsize=256)
def needed_characters(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Characters of which every match of the regex (its lookaheads and lookbehinds included) holds at
    least one, all of them from GUARDS; None when the regex does not tell."""
    return _needed(sre_parse.parse(pattern, flags))


def _needed(items) -> frozenset[str] | None:
    """Of a sequence: every item must match, so any item's characters will do; the fewest are kept."""
    best = None
    for op, argument in items:
        found = _needed_by(op, argument)
        if found is not None and (best is None or len(found) < len(best)):
            best = found
    return best


def _needed_by(op, argument) -> frozenset[str] | None:
    if op is sre.LITERAL:
        return frozenset(chr(argument)) & GUARDS or None
    if op is sre.IN:  # a class of literals only (no range, category or negation): one of them
        if all(kind is sre.LITERAL and chr(code) in GUARDS for kind, code in argument):
            return frozenset(chr(code) for _, code in argument) or None
        return None
    if op in _REPEATS:
        low, _high, item = argument
        return _needed(item) if low >= 1 else None
    if op is sre.SUBPATTERN:
        return _needed(argument[-1])
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _needed(argument)
    if op is sre.ASSERT:  # a positive lookahead or lookbehind reads characters of the same text
        return _needed(argument[1])
    if op is sre.BRANCH:  # one of the alternatives matches: each must need some character
        alternatives = [_needed(alternative) for alternative in argument[1]]
        if any(found is None for found in alternatives):
            return None
        return frozenset().union(*alternatives)
    return None


def pattern_needs(pattern) -> frozenset[str] | None:
    """What an inline pattern's regex needs (needed_characters), None for anything but a compiled regex."""
    compiled = getattr(pattern, "compiled_re", None)
    if compiled is None or not isinstance(compiled.pattern, str):
        return None
    return needed_characters(compiled.pattern, compiled.flags)


class GuardedInlineProcessor(InlineProcessor):
    """Python-Markdown's InlineProcessor, whose loop over the patterns passes over a pattern that cannot
    match the text (see the module's docstring); everything else is the library's own."""

    def run(self, tree, ancestors=None):
        self.guarded = [(pattern, pattern_needs(pattern)) for pattern in self.inlinePatterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        """The library's __handleInline (which the library calls by this name), with the guard."""
        if not isinstance(data, util.AtomicString):
            guarded = self.guarded
            start = 0
            present = None  # the GUARDS characters in data, found again after each match changed it
            while patternIndex < len(guarded):
                pattern, needs = guarded[patternIndex]
                if needs is not None:
                    present = GUARDS.intersection(data) if present is None else present
                    if needs.isdisjoint(present):
                        patternIndex, start = patternIndex + 1, 0  # as after a try that found nothing
                        continue
                data, matched, start = self._InlineProcessor__applyPattern(pattern, data, patternIndex, start)
                if matched:
                    present = None
                else:
                    patternIndex += 1
        return data


class GuardedTables(TableProcessor):
    """The tables extension's block processor, which does not split a block into cells when its first line
    has no `|` (the library's test then finds one cell and no border: not a table). The border it would set
    is only read after a test that found a table, which sets it again."""

    def test(self, parent, block: str) -> bool:
        return "|" in block.partition("\n")[0] and super().test(parent, block)


class GuardedToc(TocTreeprocessor):
    """The toc extension's treeprocessor, which looks for its marker in the tree only when the text has it."""

    def replace_marker(self, root, elem) -> None:
        if self.marker in "\n".join(self.md.lines):
            super().replace_marker(root, elem)


def install(md) -> None:
    """Put the guarded passes in place of Python-Markdown's own (at the library's priorities), once every
    extension is in."""
    md.treeprocessors.register(GuardedInlineProcessor(md), "inline", 20)
    tables = md.parser.blockprocessors["table"]
    md.parser.blockprocessors.register(GuardedTables(md.parser, tables.config), "table", 75)
    toc = next(extension for extension in md.registeredExtensions if isinstance(extension, TocExtension))
    md.treeprocessors.register(GuardedToc(md, toc.getConfigs()), "toc", 5)
    block_level: dict = {}
    ask = md.is_block_level

    def is_block_level(tag) -> bool:
        if tag not in block_level:
            block_level[tag] = ask(tag)
        return block_level[tag]

    md.is_block_level = is_block_level
