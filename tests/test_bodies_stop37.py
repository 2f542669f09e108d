"""The Markdown bodies' levers of issue 21 item 6, stop 37: each pass gives exactly what the library's own pass
gives (on the real and fixture documents, on random Markdown, on what each guard must not skip), and each
passes over what it provably cannot change (a guard broken on purpose fails its test here)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from portal.markup import Renderer

from test_bodyspeed import DOCUMENTS, LINKS, random_body, shown, stock

# Blocks starting with each kind of character a block processor looks at: empty lines, indents, digits of
# several scripts (the lists' \d), list markers, headings, quotes, tables, rules, footnotes, references, text
STARTS = ["", "\n", " ", "  ", "   ", "    ", "\t", "1. ", "12. ", "１. ", "٣. ", "1.", "1) ", "- ", "* ", "+ ", "-", "*",
          "+x", "# ", "#", "> ", ">", "| ", "|", "---", "***", "___", "- - -", "[^1]: ", "[x]: /a", "Text ", "文字",
          "=", "{: #p1 }", "\\- ", "&#49;. "]
RESTS = ["word", " more", "\n", "\n\n", "\n    code", "\n- item", "\n1. item", "\n１. item", "\n---", "\n===",
         "\n# H", "\n> q", "\n| a | b |\n|---|---|\n| 1 | 2 |", "\n[^1]: note", "\n{: #p2 }", "-", "[^1]", " | "]


def random_blocks(rng: random.Random) -> str:
    return "\n\n".join(rng.choice(STARTS) + "".join(rng.choice(RESTS) for _ in range(rng.randrange(0, 5)))
                       for _ in range(rng.randrange(1, 6)))


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
    lang = "en" if seed % 2 else "zh"
    ours, theirs = Renderer(lang, "¶"), stock(lang)
    for _ in range(60):
        text = random_body(rng) + "\n\n" + random_blocks(rng)
        assert shown(ours.render(text, Path("x.md"), LINKS[lang])) == \
            shown(theirs.render(text, Path("x.md"), LINKS[lang])), text


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_documents_render_as_with_the_library_passes(path):
    text, lang = path.read_text(encoding="utf-8"), path.stem
    assert shown(Renderer(lang, "¶").render(text, path, LINKS[lang])) == \
        shown(stock(lang).render(text, path, LINKS[lang]))
