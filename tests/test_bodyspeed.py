"""The Markdown bodies' levers of issue 21 item 6 (stop 31): each renders exactly what the work it replaces
rendered, checked against that work on the real and fixture documents and on random Markdown."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from markdown.extensions.tables import TableProcessor
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.treeprocessors import InlineProcessor

from conftest import FIXTURE, ROOT
from portal.guarded import GuardedInlineProcessor, GuardedTables, GuardedToc, needed_characters, pattern_needs
from portal.markup import Renderer, TermLinks

DOCUMENTS = sorted((ROOT / "content" / "documents").glob("*/*.md")) + sorted((FIXTURE / "documents").glob("*/*.md"))
LINKS = {"zh": TermLinks.build({"地区生产总值": "gdp", "城镇": "urban"}, "/zh/glossary/", "术语"),
         "en": TermLinks.build({"GDP": "gdp", "urban": "urban", "R&D": "rnd"}, "/en/glossary/", "Glossary")}


def stock(lang: str) -> Renderer:
    """A renderer with Python-Markdown's own passes (what the guarded ones replace)."""
    renderer = Renderer(lang, "¶")
    md = renderer.md
    md.treeprocessors.register(InlineProcessor(md), "inline", 20)
    md.parser.blockprocessors.register(TableProcessor(md.parser, md.parser.blockprocessors["table"].config), "table", 75)
    toc = next(extension for extension in md.registeredExtensions if isinstance(extension, TocExtension))
    md.treeprocessors.register(TocTreeprocessor(md, toc.getConfigs()), "toc", 5)
    del md.is_block_level  # the class's method again
    return renderer


def shown(result) -> tuple:
    body, errors = result
    return repr(body), [(error.src, error.message, error.hint) for error in errors]


# Pieces of Markdown that every inline pattern (and the block syntax around it) can match or half match
PIECES = ["*", "**", "_", "__", "`", "``", "\\", "\\`", "[", "]", "(", ")", "![", "](", "[^1]", "[^tn-a]", "<", ">",
          "<b>", "</i>", "<!-- c -->", "<https://x.org/a>", "<a@b.cn>", "&amp;", "&#160;", "&#x1;", "&nope;", "&",
          "  \n", "\n", "\n\n", "{++", "++}", "{--", "--}", "{~~", "~>", "~~}", "{: #p1 }", "{: .c }", "{#h}", ":",
          "# ", "## ", "- ", "1. ", "| a | b |\n|---|---|\n| 1 | 2 |", "    ", "[x]", "[x][]", "[a][x]", "![x]", "![a][x]", "![x][]",
          "(https://example.org)", "[TOC]", "\n\n[TOC]\n\n", "\\[TOC]", "&#91;TOC]", "|", " | ", "|---|", "\\|", "\n\n|a\n|-\n|1\n\n", "\n\n|a|\n|:-:|\n\n", "GDP", "urban", "R&D", "地区生产总值", "城镇", "文字", "text", " ", "word's", "’"]


DEFINITIONS = ["[x]: https://x.org/a", "[x]: <b>", "[^1]: A note *with* `code`.", "[^tn-a]: Translator's."]


def random_body(rng: random.Random) -> str:
    """Random pieces, and at times a block of reference and footnote definitions (at a line's start)."""
    blocks = ["".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 30))) for _ in range(rng.randrange(1, 4))]
    if rng.random() < 0.5:
        blocks.insert(rng.randrange(len(blocks) + 1), "\n".join(rng.sample(DEFINITIONS, rng.randrange(1, 4))))
    return "\n\n".join(blocks)


def test_needed_characters_are_what_every_match_holds():
    assert needed_characters(r"(&(?:\#[0-9]+|[a-zA-Z0-9]+);)") == {"&"}
    assert needed_characters(r"\*|_") == {"*", "_"}
    assert needed_characters(r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)") == {"\\", "`"}  # one of each branch
    assert needed_characters(r"x(?=`)") == {"`"}  # a lookahead reads the same text
    assert needed_characters(r"(?<!\!)\[") == {"["}  # a negative lookbehind needs nothing
    assert needed_characters(r"&?x") is None  # optional
    assert needed_characters(r"[^&]+") is None  # a negated class
    assert needed_characters(r"[&a-z]") is None  # a range
    assert needed_characters(r"a|&") is None  # one alternative needs no guard character
    assert needed_characters(r"K", re.IGNORECASE) is None  # letters fold (K also matches the Kelvin sign)
    assert needed_characters(r"(?:x&)+<") in ({"&"}, {"<"})


def test_every_inline_pattern_is_guarded():
    """The regex of each pattern the bodies use names its characters: none is tried on every text."""
    renderer = Renderer("en", "¶")
    assert isinstance(renderer.md.treeprocessors["inline"], GuardedInlineProcessor)
    assert isinstance(renderer.md.treeprocessors["toc"], GuardedToc)
    assert isinstance(renderer.md.parser.blockprocessors["table"], GuardedTables)
    unguarded = [type(pattern).__name__ for pattern in renderer.md.inlinePatterns if pattern_needs(pattern) is None]
    assert unguarded == []


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_documents_render_as_with_the_stock_inline_pass(path):
    text, lang = path.read_text(encoding="utf-8"), path.stem
    assert shown(Renderer(lang, "¶").render(text, path, LINKS[lang])) == \
        shown(stock(lang).render(text, path, LINKS[lang]))


@pytest.mark.parametrize("seed", range(8))
def test_random_markdown_renders_as_with_the_stock_inline_pass(seed):
    rng = random.Random(seed)
    lang = "zh" if seed % 2 else "en"
    ours, theirs = Renderer(lang, "¶"), stock(lang)
    for _ in range(60):
        text = random_body(rng)
        assert shown(ours.render(text, Path("x.md"), LINKS[lang])) == \
            shown(theirs.render(text, Path("x.md"), LINKS[lang])), text
