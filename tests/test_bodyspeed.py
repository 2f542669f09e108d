"""The Markdown bodies' levers of issue 21 item 6 (stop 31): each renders exactly what the work it replaces
rendered, checked against that work on the real and fixture documents and on random Markdown."""
from __future__ import annotations

import random
import re
import sys
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.footnotes import FootnoteTreeprocessor
from markdown.extensions.tables import TableProcessor
from markdown.preprocessors import HtmlBlockPreprocessor, NormalizeWhitespace
from markdown.serializers import to_html_string
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor, UnescapeTreeprocessor

from conftest import FIXTURE, ROOT
from portal.blockguards import _BLOCK_GUARDS, GuardedTables, _parse_blocks
from portal.guarded import (GuardedAttrList, GuardedInlineProcessor, GuardedFootnotes, GuardedHtmlBlock,
                            GuardedNormalize, GuardedToc, GuardedUnescape)
from portal.regexneeds import needed_strings, pattern_needs
from portal.htmlwriter import serialize
from portal import markup, safety
from portal.editmarks import broken_edit_marks
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
    md.treeprocessors.register(UnescapeTreeprocessor(md), "unescape", 0)
    md.treeprocessors.register(AttrListTreeprocessor(md), "attr_list", 8)
    md.preprocessors.register(NormalizeWhitespace(md), "normalize_whitespace", 30)
    md.preprocessors.register(HtmlBlockPreprocessor(md), "html_block", 20)
    md.treeprocessors.register(FootnoteTreeprocessor(md.treeprocessors["footnote"].footnotes), "footnote", 50)
    for name, priority, guarded in _BLOCK_GUARDS:  # the library's own class again, same state
        plain = guarded.__base__.__new__(guarded.__base__)
        plain.__dict__.update(vars(md.parser.blockprocessors[name]))
        md.parser.blockprocessors.register(plain, name, priority)
    del md.is_block_level  # the class's method again
    del md.parser.parseBlocks  # the library's BlockParser method again
    md.serializer = to_html_string
    return renderer


def shown(result) -> tuple:
    body, errors = result
    return repr(body), [(error.src, error.message, error.hint) for error in errors]


# Pieces of Markdown that every inline pattern (and the block syntax around it) can match or half match
PIECES = ["*", "**", "_", "__", "`", "``", "\\", "\\`", "[", "]", "(", ")", "![", "](", "[^1]", "[^tn-a]", "<", ">",
          "<b>", "</i>", "<!-- c -->", "<https://x.org/a>", "<a@b.cn>", "&amp;", "&#160;", "&#x1;", "&nope;", "&",
          "  \n", "\n", "\n\n", "{++", "++}", "{--", "--}", "{~~", "~>", "~~}", "{: #p1 }", "{: .c }", "{#h}", ":",
          "# ", "## ", "- ", "1. ", "| a | b |\n|---|---|\n| 1 | 2 |", "    ", "[x]", "[x][]", "[a][x]", "![x]", "![a][x]", "![x][]",
          "(https://example.org)", "[TOC]", "\n\n[TOC]\n\n", "\\[TOC]", "&#91;TOC]", "|", " | ", "|---|", "\\|", "\n\n|a\n|-\n|1\n\n", "\n\n|a|\n|:-:|\n\n", "\n\n> quote\n\n", ">", "\nTitle\n===\n", "\nTitle\n---\n", "\n\n***\n\n", "\n\n- - -\n\n",
          "\n\n## H {#h}\n\n", "\n#x", " #y", "\n=", "GDP", "urban", "R&D", "地区生产总值", "城镇", "文字", "text", " ", "word's", "’"]


DEFINITIONS = ["[x]: https://x.org/a", "[x]: <b>", "[^1]: A note *with* `code`.", "[^tn-a]: Translator's."]


def random_body(rng: random.Random) -> str:
    """Random pieces, and at times a block of reference and footnote definitions (at a line's start)."""
    blocks = ["".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 30))) for _ in range(rng.randrange(1, 4))]
    if rng.random() < 0.5:
        blocks.insert(rng.randrange(len(blocks) + 1), "\n".join(rng.sample(DEFINITIONS, rng.randrange(1, 4))))
    return "\n\n".join(blocks)


def test_needed_strings_are_what_every_match_holds():
    assert needed_strings(r"(&(?:\#[0-9]+|[a-zA-Z0-9]+);)") in ({"&"}, {";"})
    assert needed_strings(r"\*|_") == {"*", "_"}
    assert needed_strings(r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)") == {"\\\\", "`"}  # one of each branch
    assert needed_strings(r"x(?=`)") == {"`"}  # a lookahead reads the same text
    assert needed_strings(r"(?<!\!)\[") == {"["}  # a negative lookbehind needs nothing
    assert needed_strings(r"\{(?:\+\+|--|~~)") == {"{++", "{--", "{~~"}  # a run of exact items: concatenated
    assert needed_strings(r"  \n") == {"  \n"}
    assert needed_strings(r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>") == {"://"}  # the longest run
    assert needed_strings(r"[<>]-") == {"<-", ">-"}
    assert needed_strings(r"&?x") is None  # optional, and a letter
    assert needed_strings(r"[^&]+") is None  # a negated class
    assert needed_strings(r"[&a-z]") is None  # a range
    assert needed_strings(r"a|&") is None  # one alternative needs no guard character
    assert needed_strings(r"K", re.IGNORECASE) is None  # letters fold (K also matches the Kelvin sign)
    assert needed_strings(r"(?:x&)+<") in ({"&"}, {"<"})
    assert needed_strings(r"&(?=x)<") in ({"&"}, {"<"})  # a lookahead does not join a run
    assert needed_strings(r"(?:&\^){2}") == {"&^&^"}


def test_every_inline_pattern_is_guarded():
    """The regex of each pattern the bodies use names its characters: none is tried on every text."""
    renderer = Renderer("en", "¶")
    assert isinstance(renderer.md.treeprocessors["inline"], GuardedInlineProcessor)
    assert isinstance(renderer.md.treeprocessors["toc"], GuardedToc)
    assert isinstance(renderer.md.treeprocessors["unescape"], GuardedUnescape)
    assert isinstance(renderer.md.treeprocessors["footnote"], GuardedFootnotes)
    assert isinstance(renderer.md.treeprocessors["attr_list"], GuardedAttrList)
    assert renderer.md.parser.parseBlocks.func is _parse_blocks
    assert isinstance(renderer.md.preprocessors["html_block"], GuardedHtmlBlock)
    assert isinstance(renderer.md.preprocessors["normalize_whitespace"], GuardedNormalize)
    renderer.md.treeprocessors._sort()
    assert list(renderer.md.treeprocessors)[-2:] == [renderer.md.treeprocessors["unescape"],
                                                     renderer.md.treeprocessors["portal-collect"]]
    assert isinstance(renderer.md.parser.blockprocessors["table"], GuardedTables)
    assert all(type(renderer.md.parser.blockprocessors[name]) is guarded for name, _, guarded in _BLOCK_GUARDS)
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


def old_text(elem, exclude_zh: bool = False) -> str:
    """markup._text as it was: one walk per text, the English-only text a second walk."""
    parts: list[str] = []

    def walk(node) -> None:
        classes = node.get("class", "")
        skip = (node.tag == "sup" and (node.get("id") or "").startswith("fnref")) or \
            "footnote-backref" in classes or "permalink" in classes or "edit-mark" in classes
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


class TextsOfEveryElement(Treeprocessor):
    """Runs after the body's own passes: both texts of every element, the old way and the new."""

    def __init__(self, md, found: list) -> None:
        super().__init__(md)
        self.found = found

    def run(self, root):
        self.found.extend(((old_text(el), old_text(el, exclude_zh=True)), markup._texts(el)) for el in root.iter())


def test_one_walk_gives_both_texts_as_two_walks_did():
    """A block's text and its English-only text (lang="zh…" parts left out) from one walk, on every element
    of the real and fixture documents and of random Markdown with Chinese marked inside English."""
    found: list = []
    rng = random.Random(5)
    texts = [(path.read_text(encoding="utf-8"), path.stem) for path in DOCUMENTS]
    pieces = ['*中文*{: lang="zh-Hans" }', '*甲 **乙**丙 `c`丁*{: lang="zh-Hans" }', '**粗 *斜*{: lang="zh" } bold**', "word\u3000 \u00a0x", "[^1]", "{++加++}"]
    texts += [(" ".join(rng.choice(pieces + PIECES[:20]) for _ in range(12)) + "\n{: #p1 }\n\n[^1]: n.", "en")
              for _ in range(60)]
    for text, lang in texts:
        renderer = Renderer(lang, "¶")
        renderer.md.treeprocessors.register(TextsOfEveryElement(renderer.md, found), "texts", -1)
        renderer.render(text, Path("x.md"))
    assert len(found) > 5000 and any(text != english for (text, english), _ in found)  # Chinese left out
    assert [old for old, _ in found] == [new for _, new in found]


def test_str_split_whitespace_is_the_regex_whitespace():
    """_plain joins str.split()'s words where the old code replaced runs of \\s: the same characters."""
    assert [c for c in range(sys.maxunicode + 1) if bool(re.fullmatch(r"\s", chr(c))) != chr(c).isspace()] == []


def old_shape_errors(text: str) -> list[tuple[int, str]]:
    """safety.shape_errors' loop as it was (every line measured), for the lines and messages it gives."""
    block_start, brackets = 1, 0
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            block_start, brackets = number + 1, 0
            continue
        expanded = line.expandtabs(4)
        if len(expanded) - len(expanded.lstrip()) > safety.MAX_INDENT:
            return [(number, "indented")]
        if len(re.match(r"[\s>]*", line).group(0).replace(" ", "").replace("\t", "")) > safety.MAX_QUOTES:
            return [(number, "quotes")]
        brackets += line.count("[")
        if brackets > safety.MAX_BRACKETS:
            return [(block_start, "more than")]
    return []


@pytest.mark.parametrize("seed", range(4))
def test_the_checks_before_rendering_skip_only_lines_they_cannot_fault(seed):
    """shape_errors measures only lines starting with whitespace or '>'; raw_html_errors and broken_edit_marks
    return at once for a text without '<' or without a mark's opener: the same errors as before."""
    rng = random.Random(seed)
    starts = [" " * 41, "\t" * 11, "\u3000" * 41, "> " * 11, ">" * 11, " > " * 6, "x", "[" * 60, "", " "]
    for _ in range(200):
        lines = [rng.choice(starts) + rng.choice(["a", "[", "<b>", "{++a", "{++a++}", "`<i>`", ""]) for _ in range(4)]
        text = "\n".join(lines)
        new = [(e.src.line, e.message) for e in safety.shape_errors(text, Path("x.md"))]
        assert [(line, kind) for line, kind in old_shape_errors(text)] == \
            [(line, "indented" if "indented" in message else "quotes" if "quotes" in message else "more than")
             for line, message in new if "empty" not in message]
        html_lines = [number for number, line in enumerate(lines, 1) if "<b>" in line]
        assert [e.src.line for e in safety.raw_html_errors(text, Path("x.md"))] == html_lines
        open_marks = [number for number, line in enumerate(lines, 1) if line.endswith("{++a")]
        assert [e.src.line for e in broken_edit_marks(lines, Path("x.md"))] == open_marks


class SerializeEveryElement(Treeprocessor):
    """Runs last: every element of the finished tree written by both serializers."""

    def __init__(self, md, found: list) -> None:
        super().__init__(md)
        self.found = found

    def run(self, root):
        self.found.extend((to_html_string(el), serialize(el)) for el in root.iter())


def test_the_serializer_writes_what_the_library_writes():
    found: list = []
    rng = random.Random(11)
    texts = [(path.read_text(encoding="utf-8"), path.stem) for path in DOCUMENTS]
    texts += [(random_body(rng), "en") for _ in range(150)]
    for text, lang in texts:
        renderer = Renderer(lang, "¶")
        renderer.md.treeprocessors.register(SerializeEveryElement(renderer.md, found), "written", -1)
        renderer.render(text, Path("x.md"), LINKS[lang])
    assert len(found) > 5000
    assert [library for library, _ in found] == [ours for _, ours in found]


def test_the_renderer_writes_with_its_own_serializer():
    """Markdown() sets its serializer from its output formats after the extensions are in (stop 31's
    serializer, set by the extension, was replaced by the library's until stop 36): the body and each
    heading's contents entry are written by htmlwriter.serialize, after a reset too."""
    renderer = Renderer("en", "¶")
    assert renderer.md.serializer is serialize
    renderer.render("# A {#a}\n\nText.\n{: #p1 }\n", Path("x.md"))
    assert renderer.md.reset().serializer is serialize


def test_the_serializer_leaves_unusual_trees_to_the_library():
    """Comments, processing instructions, qualified names, valueless and boolean attributes, raw text
    elements, empty elements, an element without a tag, and a tree too deep for recursion."""
    root = etree.Element("div", {"class": 'a"<&b', "checked": "checked", "hidden": None, "id": "x\ny"})
    root.text = "1 < 2 & 3 &amp; 4 > 0"
    etree.SubElement(root, "script").text = "if (a < b && c) {}"
    etree.SubElement(root, "br").tail = "after"
    etree.SubElement(root, "BR").text = "inside an empty element"
    bare = etree.SubElement(root, None)
    bare.text, bare.tail = "no tag <", " & tail"
    etree.SubElement(bare, "em").text = "in"
    assert serialize(root) == to_html_string(root)
    for unusual in (etree.Comment("a -- b"), etree.ProcessingInstruction("php x"), etree.Element(etree.QName("{u}p")),
                    etree.Element("p", {etree.QName("k"): "v"}), etree.Element("p", {"k": etree.QName("v")})):
        wrapper = etree.Element("div")
        wrapper.append(unusual)
        unusual.tail = "t"
        assert serialize(wrapper) == to_html_string(wrapper)
    deep = top = etree.Element("div")
    for _ in range(sys.getrecursionlimit() + 10):
        deep = etree.SubElement(deep, "span")
    deep.text = "deep"
    assert serialize(top) == to_html_string(top)


def test_link_text_and_attribute_checks_skip_only_what_cannot_fail():
    """link_text_problems looks for format characters only in text beyond ASCII (ASCII has none);
    bad_attributes reads the stash only for a value holding a placeholder's start: a link whose address
    is a character reference is still refused, an invisible character written as one still reported."""
    import unicodedata
    assert [c for c in range(128) if unicodedata.category(chr(c)) == "Cf"] == []
    body, errors = Renderer("en", "¶").render("[a](&#106;avascript:x) [b\u200bc](/x) [d&#8203;e](/y)\n{: #p1 }\n",
                                             Path("x.md"))
    messages = [error.message for error in errors]
    assert "link '&#106;avascript:x' is not allowed" in messages
    assert sum(m.startswith("invisible character in link text") for m in messages) == 2, messages


def test_the_bodies_benchmark_takes_what_a_cold_build_renders():
    """bench/bodies.py (kept from rotting): the fixture's bodies, both languages, with the build's links."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_bodies", ROOT / "bench" / "bodies.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    from portal import pipeline
    prefill = pipeline.prefill
    todo, labels = bench.bodies_of(FIXTURE)
    assert pipeline.prefill is prefill  # put back for the builds of other tests
    assert sorted(key[0] for key, *_ in todo) == ["en", "zh"] and set(labels) == {"en", "zh"}
    rendered = bench.render_serially(todo, labels)
    assert all(body is not None and not errors for body, errors in rendered)
    assert all(links is not None and links.pattern is not None for *_, links in todo)


def test_each_benchmark_run_is_cold():
    """bench/bodies.py renders each run in a forked child: what a run keeps (the block reader's stretches,
    the lru_caches) never reaches this process or the next run, and the child's CPU is counted."""
    import importlib.util
    from portal import anchored
    spec = importlib.util.spec_from_file_location("bench_bodies", ROOT / "bench" / "bodies.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    todo, labels = bench.bodies_of(FIXTURE)
    anchored._STRETCHES.clear()
    anchored.read_blocks.cache_clear()
    used, wall = bench.cold_run(todo, labels, workers=False)
    assert used > 0 and wall > 0
    assert anchored._STRETCHES == {} and anchored.read_blocks.cache_info().currsize == 0
