"""Python-Markdown's passes as guarded at stop 36 (issue 21 item 6): each gives exactly what the library's own
pass gives, on the real and fixture documents and on random Markdown (split from test_bodyspeed.py)."""
from __future__ import annotations

import html
import random
import re
import sys
import xml.etree.ElementTree as etree
from pathlib import Path

from markdown.extensions.tables import TableProcessor
from markdown.preprocessors import HtmlBlockPreprocessor, NormalizeWhitespace
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown import util
from markdown.treeprocessors import UnescapeTreeprocessor

from portal.guarded import GuardedHtmlBlock, GuardedNormalize, GuardedUnescape
from portal.regexneeds import needed_strings
from portal import markup, safety
from portal.editmarks import broken_edit_marks
from portal.markup import Renderer

from test_bodyspeed import DOCUMENTS, LINKS, old_shape_errors, shown, stock  # the shared renderers and checks


HEADING_WORDS = ["Plan", "规划", "R&D", "&amp;", "&#91;x]", "*em*", "**strong**", "`code`", "[^1]", "[a](/x)", "<b>",
                 "{++new++}", "‘quoted’", "Plan", "  ", "#", "\\*", "_u_", "文字 text"]
HEADING_LISTS = ["", "", " {#h1}", " {#dup}", " {: #p1 .c }", ' {: data-toc-label="Short &amp; *x*" }', " {.c}",
                 ' {: data-toc-label="" #t }', " ##",
                 ' {: data-toc-label="a < b & c" }']


def random_headings(rng: random.Random) -> str:
    """Headings of every level (some out of the contents' depth) with entities, emphasis, code, footnote
    references, links, raw HTML, editorial marks and attribute lists (ids, repeated ids, contents labels),
    Chinese and English, between paragraphs and a footnote definition."""
    lines = []
    for _ in range(rng.randrange(1, 9)):
        words = " ".join(rng.choice(HEADING_WORDS) for _ in range(rng.randrange(1, 5)))
        lines += [f"{'#' * rng.randrange(1, 7)} {words}{rng.choice(HEADING_LISTS)}", "",
                  rng.choice(["Text.\n{: #p1 }", "Text [^1] & more.", "- item\n- item", "| a |\n|---|\n| 1 |"]), ""]
    return "\n".join(lines + ["[^1]: A note."])


def library_toc(lang: str) -> Renderer:
    renderer = Renderer(lang, "¶")
    md = renderer.md
    contents = next(extension for extension in md.registeredExtensions if isinstance(extension, TocExtension))
    md.treeprocessors.register(TocTreeprocessor(md, contents.getConfigs()), "toc", 5)
    return renderer


def test_the_contents_pass_makes_what_the_library_makes():
    """GuardedToc (no contents <div> unless placed) against the library's pass: the same `toc_tokens` in full
    (labels included), the same body, on every document and on random headings."""
    rng = random.Random(36)
    texts = [(path.read_text(encoding="utf-8"), path.stem) for path in DOCUMENTS]
    texts += [(random_headings(rng), rng.choice(["zh", "en"])) for _ in range(300)]
    texts += [("# A\n\n[TOC]\n\n## B {#b}\n", "en")]  # a placed contents: the library's own pass
    ours, theirs = {lang: Renderer(lang, "¶") for lang in LINKS}, {lang: library_toc(lang) for lang in LINKS}
    tokens = 0
    for text, lang in texts:
        mine, library = ours[lang], theirs[lang]
        assert shown(mine.render(text, Path("x.md"), LINKS[lang])) == \
            shown(library.render(text, Path("x.md"), LINKS[lang])), text
        mine.md.reset(), library.md.reset()
        assert mine.md.convert(text) == library.md.convert(text), text
        assert mine.md.toc_tokens == library.md.toc_tokens, text
        tokens += len(mine.md.toc_tokens)
    assert tokens > 500


def test_escaped_characters_are_put_back_as_the_library_puts_them_back():
    """GuardedUnescape against the library's pass on a tree with escaped characters in texts, tails and
    attributes, strings of Python-Markdown's own type, code (left escaped) and valueless attributes: the same
    strings of the same types."""
    escaped = f"{util.STX}42{util.ETX}"  # an escaped '*'

    def tree() -> etree.Element:
        root = etree.Element("div", {"title": f"a{escaped}", "id": "plain", "hidden": None})
        root.text = util.AtomicString("atomic, no escape")
        for tag, text, tail in (("p", f"x{escaped}y", "tail"), ("code", escaped, f"t{escaped}"), ("em", "plain", None),
                                ("a", util.AtomicString(f"at{escaped}"), util.AtomicString("atomic tail"))):
            child = etree.SubElement(root, tag, {"href": util.AtomicString("/x")} if tag == "a" else {})
            child.text, child.tail = text, tail
        return root

    def written(root: etree.Element) -> list:
        return [(e.tag, e.text, type(e.text), e.tail, type(e.tail), [(k, v, type(v)) for k, v in e.items()])
                for e in root.iter()]

    ours, library = tree(), tree()
    GuardedUnescape(None).run(ours)
    UnescapeTreeprocessor(None).run(library)
    assert written(ours) == written(library)
    assert written(ours) != written(tree())  # something was put back


MARKED = ["///Footnotes Go Here///", "aaa///Footnotes\tGo Here///", "///Footnotes\tGo Here///", "///Footnotes Go",
          "Here///", "`///Footnotes Go Here///`", "&#47;//Footnotes Go Here///", "\\///Footnotes Go Here///"]
PLACES = ["{}\n{{: #p1 }}", "- {}\n- b", "| a |\n|---|\n| {} |", "# {}", "> {}", "    {}", "Text[^1] {}", "[^1]: {}",
          "*{}*", "<div>{}</div>", "1. {}\n{{: #i1 }}"]


def test_footnotes_are_placed_as_the_library_places_them():
    """GuardedFootnotes against the library's pass: the place marker written as it is, with a tab that
    expands to one space, cut in two, in code, as a reference or escaped, in every kind of block."""
    rng = random.Random(5)
    ours, library = Renderer("en", "¶"), stock("en")
    placed = 0
    for _ in range(400):
        blocks = [rng.choice(PLACES).format(rng.choice(MARKED)) for _ in range(rng.randrange(1, 4))]
        text = "\n\n".join(blocks + ["Cited[^1].\n{: #p9 }", "[^1]: The note."])
        result = ours.render(text, Path("x.md"))
        assert shown(result) == shown(library.render(text, Path("x.md"))), text
        html = result[0].html if result[0] else ""
        placed += -1 < html.rfind('<div class="footnote">') < html.rfind("<p")
    assert placed > 20  # the marker found, the footnotes placed there and not at the end


def old_reader_lines(text: str, characters: int) -> tuple:
    """anchored._Reader's lines, starts, plain lines and empty marks as stop 35 made them: one loop."""
    lines, starts, position = [], [], characters
    for raw in text.split("\n"):
        starts.append(position)
        lines.append(raw[:-1] if raw.endswith("\r") else raw)
        position += len(raw) + 1
    plain = [line.replace("\t", " ") for line in lines]
    return lines, starts, plain, [not line.strip(" ") for line in plain] + [True]


def test_the_block_reader_cuts_lines_as_before():
    """The reader's lines without a loop (no \\r, no tab: the split itself), and whether a line is empty,
    against stop 35's loop on random texts of lines, empty lines, \\r\\n, tabs and spaces, at any offset;
    blank() past the end is true, as before."""
    from portal.anchored import _Reader
    rng = random.Random(35)
    pieces = ["a", "文", " ", "\t", "\r", "\n", "\r\n", "\n\n", "  \n", "{: #p1 }", "| a |", "# h"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 14)))
        characters = rng.randrange(0, 50)
        reader = _Reader(text, rng.randrange(0, 9), characters)
        made = (reader.lines, reader.starts, reader.plain, reader.empty)
        assert made == old_reader_lines(text, characters), repr(text)
        assert [reader.blank(i) for i in range(len(reader.lines) + 3)] == \
            [reader.empty[min(i, len(reader.lines))] for i in range(len(reader.lines) + 3)]


def test_a_link_within_the_page_is_one_link_allowed_allows():
    """bad_attributes does not decode a link starting with '#': link_allowed allows every such link (random
    ones with character references, spaces, control characters, schemes and slashes after the '#')."""
    rng = random.Random(8)
    pieces = ["#", "/", "//", "javascript:", "&#58;", "&amp;", "&#x2f;", " ", "\t", "\x00", "\u200b", "fn-1", ":", "\\",
              "data:", "?", "文"]
    hrefs = ["#" + "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 6))) for _ in range(3000)]
    assert all(safety.link_allowed(href) for href in hrefs)
    assert safety._within_page("#fn-1") and not safety._within_page("&#35;x") and not safety._within_page(" #x")


def test_the_preprocessors_give_the_lines_the_library_gives():
    """GuardedNormalize and GuardedHtmlBlock against the library's preprocessors on random lines of Markdown,
    Chinese, quotes, backslashes, brackets, tabs, carriage returns and spaces before newlines, with and without
    `<` and `&`: the same lines, the same stash."""
    rng = random.Random(20)
    pieces = ["a", "文", " ", "  ", "\n", "\n\n", "    code", "`", "\\", "[x]", "{: #p1 }", "\"q\"", "'", ">", "-->", "?>",
              "]]>", "*", "# ", "| a |", "\u2028", "\x0c", "<", "&", "<div>", "&amp;", "<!--", "<?php", "&#60;", "&#60 ", "&#x41 ",
              "\t", "\r", "\r\n", " \n", "\n \n", "\n  \r\n", "\x02", "\x03"]
    ours, library = Renderer("en", "¶").md, Renderer("en", "¶").md
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 16)))
        ours.reset(), library.reset()
        lines = text.split("\n")
        assert GuardedHtmlBlock(ours).run(list(lines)) == HtmlBlockPreprocessor(library).run(list(lines)), repr(text)
        assert ours.htmlStash.rawHtmlBlocks == library.htmlStash.rawHtmlBlocks
        assert GuardedNormalize(ours).run(list(lines)) == NormalizeWhitespace(library).run(list(lines)), repr(text)


def test_shape_errors_returns_at_once_when_no_line_starts_with_a_space_or_a_quote():
    """shape_errors returns at once when no line starts with whitespace or '>' (its regex: every code point but
    the newline that isspace(), or '>') and the whole text holds no more '[' than a block may."""
    assert [c for c in range(sys.maxunicode + 1) if chr(c) != "\n"
            and bool(safety._SHAPED.match(chr(c))) != (chr(c).isspace() or chr(c) == ">")] == []
    assert safety._SHAPED.search("a\n\nb\r\n") is None and safety._SHAPED.search("a\n\u3000b")
    many = "\n\n".join(["[x] " * 60] * 2)  # 120 '[' in the text, 60 a block
    assert safety.shape_errors(many, Path("x.md")) == [] and old_shape_errors(many) == []
    assert safety.shape_errors("[" * 101, Path("x.md"))[0].message.startswith("more than 100 '['")


def test_ids_are_read_as_before():
    """id_problems decodes only an id holding '&' (html.unescape gives any other back as it is): the same
    reserved, repeated and long ids as decoding each, on random bodies of ids with and without references."""
    rng = random.Random(3)
    names = ["p1", "p1", "fn-1", "top", "main", "a&amp;b", "a&b", "&#112;1", "x" * 70, "文", ""]
    for _ in range(500):
        body = "".join(f'<p id="{rng.choice(names)}">t</p>' for _ in range(rng.randrange(0, 8)))
        ids = [html.unescape(m.group(1)) for m in re.finditer(r' id="([^"]*)"', body)]
        counts: dict = {}
        for anchor in ids:
            counts[anchor] = counts.get(anchor, 0) + 1
        assert safety.id_problems(body, 64) == ([a for a in counts if a in safety.PAGE_IDS],
                                                [a for a, n in counts.items() if n > 1],
                                                [a for a in counts if len(a) > 64]), body


def test_english_blocks_are_searched_only_where_a_match_can_be():
    """_finish looks for Chinese characters only in text beyond ASCII (the class is U+3400–U+9FFF) and for a
    straight apostrophe only in text holding one (the regex needs it); broken_edit_marks searches the joined
    lines once (an opener is three characters of one line). Both errors still come, in order."""
    assert needed_strings(markup.STRAIGHT_APOSTROPHE.pattern) == {"'"}
    assert markup._HAN.pattern == "[\\u3400-\\u9fff]"
    body, errors = Renderer("en", "¶").render("It's 文 here.\n{: #p1 }\n\nPlain.\n{: #p2 }\n\n{++open\n{: #p3 }\n",
                                             Path("x.md"))
    assert [(e.src.line, e.message.split(" in ")[0]) for e in errors] == \
        [(1, "Chinese characters"), (1, "straight apostrophe"), (7, "editorial mark not closed: '{++open'")]
    assert broken_edit_marks(["a {", "+ b", "{-", "-"], Path("x.md")) == []


ATTRIBUTE_TOKENS = ["#a", "#p1", ".c", ".d", "k=v", 'k="v w"', "k='v'", "hidden", "checked", "selected", "}", "=", " ",
                    "data-x", "#a.b", "..c", "1bad=x", "é=1", "lang=zh-Hans", "#", ".", 'x="}"', "{"]
ATTRIBUTE_PLACES = ["Text.\n{{: {} }}", "## Heading {{: {} }}", "## Heading {{{}}}", "- item\n{{: {} }}", "*x*{{: {} }} y",
                    "| a |\n|---|\n| 1 {{: {} }} |", "Text `code`{{:{}}} and [a](/x){{: {} }}"]


def test_attribute_lists_are_assigned_as_the_library_assigns_them():
    """GuardedAttrList (each list parsed once) against the library's pass: ids, classes added to classes,
    boolean and valueless attributes, names to sanitize, quotes, a stray '}' (the remainder put back, or the
    list refused where it is strict), on blocks, headings, items, cells and inline elements, lists repeated."""
    rng = random.Random(12)
    ours, library = Renderer("en", "¶"), stock("en")
    for _ in range(600):
        blocks = []
        for _ in range(rng.randrange(1, 4)):
            place = rng.choice(ATTRIBUTE_PLACES)
            lists = ["".join(rng.choice(ATTRIBUTE_TOKENS) + rng.choice(["", " "]) for _ in range(rng.randrange(1, 4)))
                     for _ in range(place.count("{}"))]
            blocks.append(place.format(*lists))
        text = "\n\n".join(blocks)
        assert shown(ours.render(text, Path("x.md"))) == shown(library.render(text, Path("x.md"))), text
        ours.md.reset(), library.md.reset()
        assert ours.md.convert(text) == library.md.convert(text), text


def test_a_heading_of_text_only_gives_the_contents_entry_the_library_gives():
    """guarded._text_only against the library's render_inner_html on random headings: texts with spaces,
    entities, escaped characters, raw '<' and '>', stash placeholders; tails and attributes with escaped
    characters; children. Where it answers, the same entry; it answers for plain text."""
    from markdown.extensions.toc import remove_fnrefs, render_inner_html
    from portal.guarded import _text_only
    rng = random.Random(9)
    md = Renderer("en", "¶").md
    md.htmlStash.store("<b>")
    escaped = f"{util.STX}62{util.ETX}"  # '>' once unescaped; and '<':
    opening = f"{util.STX}60{util.ETX}"
    words = ["Plan", " ", "  ", "\n", "文字", "&amp;", "&", "<", ">", escaped, opening, "\x02wzxhzdk:0\x03", "R&D", "’",
             "\t"]
    answered = 0
    for _ in range(3000):
        heading = etree.Element(rng.choice(["h1", "h2", "h6"]))
        heading.text = "".join(rng.choice(words) for _ in range(rng.randrange(0, 5))) or None
        if rng.random() < 0.3:
            heading.tail = rng.choice(["\n", escaped, opening, "x < y", None])
        for name in rng.sample(["id", "class", "title"], rng.randrange(0, 3)):
            heading.set(name, rng.choice(["h1", "a b", f"x{escaped}", f"x{opening}", "a&b", "<x>"]))
        if rng.random() < 0.2:
            etree.SubElement(heading, rng.choice(["em", "sup", "code"])).text = "in"
        mine = _text_only(heading, md)
        if mine is not None:
            answered += 1
            assert mine == render_inner_html(remove_fnrefs(heading), md), etree.tostring(heading)
    assert answered > 200


def test_table_rows_are_split_as_the_library_splits_them():
    """GuardedTables._split (at each '|' when the row holds no '`' and no backslash) against the library's on
    random rows of pipes, backticks, escaped pipes and backticks, backslashes and text."""
    rng = random.Random(14)
    md = Renderer("en", "¶").md
    ours = md.parser.blockprocessors["table"]
    library = TableProcessor(md.parser, ours.config)
    pieces = ["|", "a", " ", "`", "``", "\\|", "\\`", "\\\\", "文", "| b |", "`|`", "\\"]
    plain = 0
    for _ in range(5000):
        row = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 10)))
        assert ours._split(row) == library._split(row), repr(row)
        plain += "`" not in row and "\\" not in row
    assert plain > 500
