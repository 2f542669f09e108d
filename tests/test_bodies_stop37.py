"""The Markdown bodies' levers of issue 21 item 6, stop 37: each pass gives exactly what the library's own pass
gives (on the real and fixture documents, on random Markdown, on what each guard must not skip), and each
passes over what it provably cannot change (a guard broken on purpose fails its test here)."""
from __future__ import annotations

import random
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest
from markdown.extensions.toc import run_postprocessors
from markdown.postprocessors import Postprocessor
from markdown.serializers import to_html_string

from portal import blockguards
from portal.blockguards import _AT_START
from portal.guarded import _ids_and_headings
from portal import htmlwriter, termregex
from portal.htmlwriter import serialize
from portal.markup import Renderer

from test_bodyspeed import DOCUMENTS, LINKS, random_body, shown, stock

# Blocks starting with each kind of character a block processor looks at: empty lines, indents, digits of
# several scripts (the lists' \d), list markers, headings, quotes, tables, rules, footnotes, references, text
STARTS = ["", "\n", " ", "  ", "   ", "    ", "\t", "1. ", "12. ", "１. ", "٣. ", "1.", "1) ", "- ", "* ", "+ ", "-",
          "*", "+x", "# ", "#", "> ", ">", "| ", "|", "---", "***", "___", "- - -", "[^1]: ", "[x]: /a", "Text ", "文字",
          "=", "{: #p1 }", "\\- ", "&#49;. "]
RESTS = ["word", " more", "\n", "\n\n", "\n    code", "\n- item", "\n1. item", "\n１. item", "\n---", "\n===",
         "\n# H", "\n> q", "\n| a | b |\n|---|---|\n| 1 | 2 |", "\n[^1]: note", "\n{: #p2 }", "-", "[^1]", " | "]


def random_blocks(rng: random.Random) -> str:
    return "\n\n".join(rng.choice(STARTS) + "".join(rng.choice(RESTS) for _ in range(rng.randrange(0, 5)))
                       for _ in range(rng.randrange(1, 6)))


def assert_rendered_as_by_the_library(lang: str, texts) -> None:
    ours, theirs = Renderer(lang, "¶"), stock(lang)
    for text in texts:
        assert shown(ours.render(text, Path("x.md"), LINKS[lang])) == \
            shown(theirs.render(text, Path("x.md"), LINKS[lang])), text


@pytest.mark.parametrize("seed", range(6))
def test_blocks_of_every_start_are_parsed_as_the_library_parses_them(seed):
    """The block parser asks the processors that look at a block's start only about a block that can start
    their way; random blocks of every start, nested in lists and quotes, against the library's parser."""
    rng = random.Random(seed)
    assert_rendered_as_by_the_library("zh" if seed % 2 else "en", [random_blocks(rng) for _ in range(80)])


def test_a_list_of_digits_of_any_script_is_still_a_list():
    """The lists' regex reads \\d, any decimal digit: a block starting with a full-width or Arabic-Indic digit
    is still given to them (a guard on ASCII digits alone fails here)."""
    for text in ("１. item\n{: #i1 }\n２. two\n{: #i2 }", "٣. item\n{: #i1 }"):
        body, _errors = Renderer("zh", "¶").render(text, Path("x.md"))
        assert body.html.startswith("<ol start="), body.html


def test_the_processors_looking_at_a_block_start_are_not_asked_about_text():
    """A paragraph is not offered to the empty-block, indent, code and list processors (they would say no);
    a block starting with a space or a digit still is (and the empty block the text ends with)."""
    renderer = Renderer("en", "¶")
    asked: list[str] = []
    for processor in renderer.md.parser.blockprocessors:
        if type(processor) in _AT_START:
            processor.test = (lambda test: lambda parent, block: asked.append(block) or test(parent, block))(
                processor.test)
    renderer.render("Plain text.\n{: #p1 }\n", Path("x.md"))
    assert [block for block in asked if block.strip()] == []
    renderer.render("1 plain text.\n{: #p1 }\n", Path("x.md"))
    assert [block for block in asked if block.strip()] == ["1 plain text.\n{: #p1 }"] * 5


def test_the_processors_that_say_no_come_after_those_passed_over():
    """The dispatch relies on it: a run that says no (footnotes, references) puts the block back, and comes
    after every processor the dispatch passes over, so the block they are passed over for is the one tested."""
    processors = list(Renderer("en", "¶").md.parser.blockprocessors)
    saying_no = [index for index, processor in enumerate(processors)
                 if type(processor) in (blockguards._FootnoteBlock, blockguards._Reference)]
    passed_over = [index for index, processor in enumerate(processors) if type(processor) in _AT_START]
    assert len(passed_over) == 5 and len(saying_no) == 2
    assert max(passed_over) < min(saying_no)


def test_a_citation_is_not_offered_to_the_footnote_definitions():
    """A footnote definition needs `[^` and `]:`: a paragraph citing a footnote is not given to the library's
    run (which would take the block out, search it and put it back)."""
    renderer = Renderer("en", "¶")
    calls: list[str] = []
    run = blockguards.FootnoteBlockProcessor.run

    def counting(self, parent, blocks):
        calls.append(blocks[0])
        return run(self, parent, blocks)

    blockguards.FootnoteBlockProcessor.run = counting
    try:
        renderer.render("Text.[^1]\n{: #p1 }\n\n[^1]: A note.\n", Path("x.md"))
    finally:
        blockguards.FootnoteBlockProcessor.run = run
    assert calls == ["[^1]: A note."]


def test_the_inline_walk_gives_no_plain_text_to_the_patterns():
    """A text or tail holding no pattern's strings is left where it is, not taken out and handled."""
    renderer = Renderer("en", "¶")
    inline = renderer.md.treeprocessors["inline"]
    handled: list[str] = []
    handle = inline._InlineProcessor__handleInline
    inline._InlineProcessor__handleInline = lambda data, index=0: handled.append(data) or handle(data, index)
    renderer.render("Plain text.\n{: #p1 }\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nA *word* here.\n{: #p2 }\n",
                    Path("x.md"))
    assert handled == ["A *word* here.\n{: #p2 }", "word"]  # the paragraph, then the emphasis inside


@pytest.mark.parametrize("seed", range(4))
def test_random_markdown_renders_as_with_the_library_walk(seed):
    """Texts and tails with and without pattern strings, nested, in every kind of block, against the library's
    inline pass and block parser (the stock renderer)."""
    rng = random.Random(370 + seed)
    assert_rendered_as_by_the_library("en" if seed % 2 else "zh",
                                      [random_body(rng) + "\n\n" + random_blocks(rng) for _ in range(60)])


def test_ids_and_headings_are_what_the_library_two_walks_find():
    rng = random.Random(37)
    tags = ["h1", "h2", "h6", "H3", "h7", "p", "div", "h2x", "hr", "header", "li"]
    for _ in range(300):
        root = etree.Element("div")
        elements = [root]
        for _ in range(rng.randrange(0, 30)):
            element = etree.SubElement(rng.choice(elements), rng.choice(tags))
            if rng.random() < 0.5:
                element.set("id", rng.choice(["a", "b", "a-1", ""]))
            elements.append(element)
        if rng.random() < 0.2:
            rng.choice(elements).append(etree.Comment("c"))
        regex = Renderer("en", "¶").md.treeprocessors["toc"].header_rgx
        library_ids = {el.attrib["id"] for el in root.iter() if "id" in el.attrib}
        library_headings = [el for el in root.iter() if isinstance(el.tag, str) and regex.match(el.tag)]
        assert _ids_and_headings(root, regex.match) == (library_ids, library_headings)


def test_a_text_without_an_escaped_character_goes_through_the_postprocessors_unchanged():
    """What the contents pass gives a heading of text only, with the library's postprocessors (raw HTML in the
    stash too): the text, stripped. With another postprocessor the library's are run (a guard that did not
    look at their types fails here)."""
    renderer = Renderer("en", "¶")
    renderer.render("Raw <b>html</b> and <i>more</i>.\n\n<div>block</div>\n", Path("x.md"))
    assert renderer.md.htmlStash.html_counter > 0
    rng = random.Random(7)
    for _ in range(500):
        text = "".join(rng.choice(["a", " ", "\n", "<p>", "</p>", "wzxhzdk:0", "amp", "qq", "zz", "&", "1", "文"])
                       for _ in range(rng.randrange(0, 12)))
        assert run_postprocessors(text.strip(), renderer.md) == text.strip()

    class Shouting(Postprocessor):
        def run(self, text: str) -> str:
            return text.upper()

    for lang in ("en", "zh"):
        ours, theirs = Renderer(lang, "¶"), stock(lang)
        for renderer in (ours, theirs):
            renderer.md.postprocessors.register(Shouting(renderer.md), "shouting", 1)
        text = "## Plain heading {#h1}\n\nText.\n{: #p1 }\n\n## Another {#h2}\n"
        body, _errors = ours.render(text, Path("x.md"))
        assert body.toc[0]["name"] == "PLAIN HEADING"
        assert shown(ours.render(text, Path("x.md"))) == shown(theirs.render(text, Path("x.md")))


def test_a_heading_of_text_only_skips_postprocessors_that_cannot_change_it():
    """_text_only with `plain` (the renderer's postprocessors are all _STX_ONLY) against the library's
    render_inner_html on random headings, raw HTML in the stash."""
    from markdown import util
    from markdown.extensions.toc import remove_fnrefs, render_inner_html
    from portal.guarded import _text_only
    rng = random.Random(19)
    md = Renderer("en", "¶").md
    md.htmlStash.store("<b>")
    words = ["Plan", " ", "\n", "文字", "&amp;", "<", ">", f"{util.STX}62{util.ETX}", "\x02wzxhzdk:0\x03", "R&D", "’"]
    answered = 0
    for _ in range(2000):
        heading = etree.Element(rng.choice(["h2", "h3"]))
        heading.text = "".join(rng.choice(words) for _ in range(rng.randrange(0, 5))) or None
        mine = _text_only(heading, md, True)
        if mine is not None:
            answered += 1
            assert mine == render_inner_html(remove_fnrefs(heading), md), etree.tostring(heading)
    assert answered > 200


def test_several_attributes_are_written_as_the_library_writes_them_in_any_order():
    """An element's attributes remembered by their names and values in order: the same attributes set in
    another order are written sorted all the same; an unhashable value goes to the library's serializer."""
    rng = random.Random(3)
    names = ["class", "href", "id", "title", "aria-label", "hidden", "data-x"]
    values = ["a", "b c", 'q"<&', "", None, "#p1", "¶"]
    for _ in range(2000):
        chosen = rng.sample(names, rng.randrange(2, len(names)))
        pairs = [(name, rng.choice(values)) for name in chosen]
        for order in (pairs, list(reversed(pairs))):
            element = etree.Element("a", dict(order))
            element.text = "¶"
            assert serialize(element) == to_html_string(element)
            assert htmlwriter._SEVERAL[tuple(order)] == serialize(element)[2:-len(">¶</a>")]  # remembered
    unhashable = etree.Element("a", {"class": "x", "href": "#a"})
    unhashable.attrib["title"] = ["a list"]
    assert serialize(unhashable) == to_html_string(unhashable)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_documents_render_as_with_the_library_passes(path):
    assert_rendered_as_by_the_library(path.stem, [path.read_text(encoding="utf-8")])


class CountingPattern:
    """A regex whose searches and matches are counted."""

    def __init__(self, pattern, calls: list) -> None:
        self.pattern, self.calls = pattern, calls

    def search(self, text: str):
        self.calls.append(text)
        return self.pattern.search(text)

    def match(self, text: str):
        self.calls.append(text)
        return self.pattern.match(text)


def test_attribute_lists_are_looked_for_only_in_strings_holding_a_brace():
    """No regex search in a cell's text, an inline element's tail or a paragraph without a `{`."""
    renderer = Renderer("en", "¶")
    attr_list = renderer.md.treeprocessors["attr_list"]
    calls: list[str] = []
    for name in ("BLOCK_RE", "HEADER_RE", "INLINE_RE"):
        setattr(attr_list, name, CountingPattern(getattr(attr_list, name), calls))
    body, _errors = renderer.render("## Plain {#h1}\n\nText with *emphasis* and a [link](/x).\n{: #p1 }\n\n"
                                    "| a | b |\n|---|---|\n| 1 | 2 |\n\n- item\n{: #i1 }\n", Path("x.md"))
    assert calls == ["Plain {#h1}", ".\n{: #p1 }", "item\n{: #i1 }"]  # not the cells, nor the inline tails
    assert 'id="p1"' in body.html and 'id="i1"' in body.html


NESTED_PLACES = ["- item {{: {} }}\n    - nested\n", "- item\n{{: {} }}\n\n    - nested {{: {} }}\n", "1. one\n{{: {} }}\n2. two",
                 "## Heading ## {{: {} }}", "## Heading {{: {} }} ##", "Text *x*{{: {} }} and `y`{{: {} }}\n{{: {} }}",
                 "- *item*\n{{: {} }}\n    1. nested\n", "> Quote\n{{: {} }}", "Term *x*\n{{ {} }}", "| a {{: {} }} |\n|---|\n| 1 |"]
LIST_TOKENS = ["#a", ".c", "#b .d", "key=v", "{", "}", "#", "data-x", "lang=zh-Hans"]


def test_attribute_lists_anywhere_are_assigned_as_the_library_assigns_them():
    """On items with nested lists (the list before the nested one), headings with closing hashes, inline
    elements, quotes, cells: random lists against the library's pass."""
    rng = random.Random(23)
    texts = []
    for _ in range(300):
        places = [rng.choice(NESTED_PLACES) for _ in range(rng.randrange(1, 4))]
        texts.append("\n\n".join(place.format(*(" ".join(rng.sample(LIST_TOKENS, rng.randrange(1, 3)))
                                               for _ in range(place.count("{}")))) for place in places))
    assert_rendered_as_by_the_library("en", texts)


def spans(pattern, text: str) -> list[tuple[int, int, str]]:
    return [(*found.span(), found.group(0)) for found in pattern.finditer(text)]


def alternation_regex(terms) -> "re.Pattern":
    """The glossary regex as stop 36 made it: one alternation, longest first."""
    import re
    body = termregex.alternation(sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9])(?:{body})(?![A-Za-z0-9])", re.IGNORECASE)


def glossary_terms(lang: str) -> list[str]:
    import yaml
    from conftest import ROOT
    return [entry["term"][lang] for entry in yaml.safe_load((ROOT / "content" / "glossary.yaml").read_text("utf-8"))]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_terms_trie_finds_what_the_alternation_finds_in_the_real_texts(lang):
    terms = glossary_terms(lang)
    trie, plain = termregex.terms_regex(terms), alternation_regex(terms)
    assert trie.pattern != plain.pattern  # the trie is used for the real glossary
    rng = random.Random(lang)
    texts = [path.read_text(encoding="utf-8") for path in DOCUMENTS if path.stem == lang]
    pieces = terms + [t.upper() for t in terms] + [t[: len(t) // 2] for t in terms] + ["a", "1", " ", "-", "’", "ſ"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 8))) for _ in range(2000)]
    for text in texts:
        assert spans(trie, text) == spans(plain, text), text[:200]


# Terms with characters whose case classes are more than lower() (ſ and s, the Kelvin sign and k, ß, dotted
# and dotless i, final sigma, micro sign), prefixes of each other, case variants, uncased characters
ODD_TERMS = ["sxxxxx", "ſa-b", "sa", "GDP", "gdp", "GDP growth", "Kelvin", "\u212aelvin k", "straße", "STRASSE", "İstanbul",
             "ıi", "ΣΑΣ", "σας", "µm", "μm", "地区生产总值", "地区", "R&D", "r&d spending", "1-3", "a", "ab", "abc"]
ODD_PIECES = ODD_TERMS + [t.upper() for t in ODD_TERMS] + [t.lower() for t in ODD_TERMS] + [
    "s", "ſ", "S", "k", "K", "\u212a", "ß", "ẞ", "i", "I", "ı", "İ", "σ", "ς", "Σ", "µ", "μ", "Μ", "-", " ", "x", "1", "b"]


def test_the_terms_trie_finds_what_the_alternation_finds_with_odd_case_classes():
    """Random glossaries of odd terms, random texts of their pieces; the terms `sxxxxx`, `ſa-b`, `sa` and the
    text `sa-b` need `s` and `ſ` in one node (keyed by lower() alone, `sa` would be found first)."""
    rng = random.Random(37)
    trie = termregex.terms_regex(["sxxxxx", "ſa-b", "sa"])
    assert spans(trie, "sa-b") == [(0, 4, "sa-b")] == spans(alternation_regex(["sxxxxx", "ſa-b", "sa"]), "sa-b")
    for _ in range(300):
        terms = rng.sample(ODD_TERMS, rng.randrange(1, len(ODD_TERMS)))
        trie, plain = termregex.terms_regex(terms), alternation_regex(terms)
        for _ in range(20):
            text = "".join(rng.choice(ODD_PIECES) for _ in range(rng.randrange(1, 10)))
            assert spans(trie, text) == spans(plain, text), (terms, text)


def test_children_that_one_character_could_match_are_refused():
    """The trie is written only when no text character matches two children of a node."""
    s, long_s = ord("s"), ord("ſ")
    assert termregex._apart({("lowers", frozenset({s, long_s})): ("s", {}), ("lowers", frozenset({ord("t")})): ("t", {})})
    assert not termregex._apart({("lowers", frozenset({s, long_s})): ("s", {}), ("lowers", frozenset({s})): ("s", {})})
    assert not termregex._apart({("lowers", frozenset({s})): ("s", {}), ("itself", s): ("s", {})})
