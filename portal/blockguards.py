"""Python-Markdown's block parser, passing over what its processors provably cannot take; everything else is the
library's own code (tests/test_bodyspeed.py and tests/test_bodies_stop37.py parse against the library's). Installed
by guarded.install.

- The table test (GuardedTables): a block whose first line has no `|` is no table (the library splits its
  first line into cells and finds one cell, without a border); a row without '`' and backslashes is split at
  each `|`.
- Other block processors (_BLOCK_GUARDS): a block without what the processor's regex needs is not given
  to it (a `#` heading needs `#` at a line's start, a setext heading a line of `=` or `-`, a rule `-`, `_`
  or `*`, a quote `>`, a footnote definition `[^` and `]:`, a link reference `]:`); the library's test would
  say no, or its run would put the block back and say no.
- The block parser (_parse_blocks): its processors listed once a call, not once a block; those looking only
  at a block's start not asked about a block starting otherwise (_AT_START)."""
from __future__ import annotations

import functools

from markdown.blockprocessors import (BlockQuoteProcessor, CodeBlockProcessor, EmptyBlockProcessor, HashHeaderProcessor,
                                      HRProcessor, ListIndentProcessor, OListProcessor, ReferenceProcessor,
                                      SetextHeaderProcessor, UListProcessor)
from markdown.extensions.footnotes import FootnoteBlockProcessor
from markdown.extensions.sane_lists import SaneOListProcessor, SaneUListProcessor
from markdown.extensions.tables import TableProcessor


class GuardedTables(TableProcessor):
    """The tables extension's block processor, which does not split a block into cells when its first line
    has no `|` (the library's test then finds one cell and no border: not a table). The border it would set
    is only read after a test that found a table, which sets it again. A row without '`' and '\\' is split
    at each '|' directly."""

    def test(self, parent, block: str) -> bool:
        return "|" in block.partition("\n")[0] and super().test(parent, block)

    def _split(self, row: str) -> list[str]:
        """The library's split of a row into cells, which needs no walk over backticks and escapes when the row
        holds neither '`' nor a backslash: then every '|' divides two cells."""
        if "`" in row or "\\" in row:
            return super()._split(row)
        return row.split("|")


class _HashHeader(HashHeaderProcessor):
    def test(self, parent, block: str) -> bool:  # its regex: (?:^|\n)#{1,6}…
        return (block.startswith("#") or "\n#" in block) and super().test(parent, block)


class _SetextHeader(SetextHeaderProcessor):
    def test(self, parent, block: str) -> bool:  # its regex: ^.*?\n(?:=+|-+)…
        return ("\n=" in block or "\n-" in block) and super().test(parent, block)


class _HR(HRProcessor):
    def test(self, parent, block: str) -> bool:  # three of -, _ or * (self.match is set only when found)
        return ("-" in block or "_" in block or "*" in block) and super().test(parent, block)


class _BlockQuote(BlockQuoteProcessor):
    def test(self, parent, block: str) -> bool:  # its regex: (^|\n)[ ]{0,3}>…
        return ">" in block and super().test(parent, block)


class _FootnoteBlock(FootnoteBlockProcessor):
    def run(self, parent, blocks: list[str]) -> bool:  # no [^…]: the library puts the block back, says no
        return "[^" in blocks[0] and "]:" in blocks[0] and super().run(parent, blocks)


class _Reference(ReferenceProcessor):
    def run(self, parent, blocks: list[str]) -> bool:  # no […]: the library puts the block back, says no
        return "]:" in blocks[0] and super().run(parent, blocks)


# name, the library's priority, the guarded subclass of the registered processor's class
_BLOCK_GUARDS = [("hashheader", 70, _HashHeader), ("setextheader", 60, _SetextHeader), ("hr", 50, _HR),
                 ("quote", 20, _BlockQuote), ("footnote", 17, _FootnoteBlock), ("reference", 15, _Reference)]


def _guard_block(registry, name: str, priority: int, guarded: type) -> None:
    """The registered processor, same state, as its guarded subclass."""
    processor = registry[name]
    if type(processor) is guarded.__base__:  # another extension's processor is left as it is
        made = guarded.__new__(guarded)
        made.__dict__.update(vars(processor))
        registry.register(made, name, priority)


def _parse_blocks(parser, parent, blocks: list[str]) -> None:
    """The library's BlockParser.parseBlocks, which takes the processors in order once a call instead of once a
    block (the registry makes a new list at each iteration; no processor adds or removes one meanwhile), and
    does not ask the processors that look only at a block's start (_AT_START) about a block starting with
    anything else than a space, a newline, a digit or a list marker: each of them would say no. (The runs that
    say no, the footnotes' and the references', put the same block back, and come after those processors.)"""
    processors = list(parser.blockprocessors)
    others = [processor for processor in processors if type(processor) not in _AT_START or parser.md.tab_length < 1]
    while blocks:
        block = blocks[0]
        for processor in processors if not block or block[0] in _STARTS or block[0].isdecimal() else others:
            if processor.test(parent, blocks[0]):
                if processor.run(parent, blocks) is not False:
                    break


# The library's processors whose test looks only at the block's start: an empty block or one starting with a
# newline; `tab_length` spaces, at least one (an indented list item, code); the lists' regexes, `^[ ]{0,3}\d+\.[ ]+` and
# `^[ ]{0,3}[*+-][ ]+` (\d: any decimal digit, str.isdecimal). A subclass may test otherwise: not listed.
_AT_START = {EmptyBlockProcessor, ListIndentProcessor, CodeBlockProcessor, SaneOListProcessor, SaneUListProcessor,
             OListProcessor, UListProcessor}
_STARTS = frozenset(" \n*+-")


def install(parser) -> None:
    """Put the guarded processors in place of the library's (same state, same priorities) and the guarded
    parseBlocks on the parser, once every extension is in."""
    tables = parser.blockprocessors["table"]
    parser.blockprocessors.register(GuardedTables(parser, tables.config), "table", 75)
    for name, priority, guarded in _BLOCK_GUARDS:
        _guard_block(parser.blockprocessors, name, priority, guarded)
    parser.parseBlocks = functools.partial(_parse_blocks, parser)  # the processors hold this parser
