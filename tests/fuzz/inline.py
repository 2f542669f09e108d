"""Mutation classes for issue 22: YAML escapes, and the engine's inline syntaxes in a body (editorial
marks, attribute lists, footnotes, glossary terms, character references, images, tables), each also
repeated to the line limit (a hang is a bug)."""
from __future__ import annotations

import random

# What a double-quoted YAML scalar can write with an escape: controls, bidi and other invisible
# characters, line separators, a lone surrogate, and escapes PyYAML does not know
YAML_ESCAPES = ("\\0", "\\x1b", "\\x07", "\\x7f", "\\x85", "\\x9b", "\\e", "\\a", "\\b", "\\v", "\\f", "\\u202e",
                "\\u202a", "\\u2066", "\\u2069", "\\u200e", "\\u200f", "\\u061c", "\\u200b", "\\ufeff", "\\u2028",
                "\\u2029", "\\N", "\\_", "\\L", "\\P", "\\ud800", "\\uffff", "\\U0010ffff", "\\U00110000", "\\t",
                "\\q", "\\x", "\\u12", "\\\\")

INLINE = (
    "{++added++}", "{--dropped--}", "{~~old~>new~~}", "{~~`code`~>new~~}", "{++`code`++}", "{~~a~>", "{++open",
    "{--a {++b++} c--}", "{~~a~>b~>c~~}", "{++**bold**++}", "{++[link](/zh/)++}", "{~~[x](javascript:alert(1))~>y~~}",
    "*x*{: #main }", "*x*{: #review }", "*x*{: #review-lead }", "*x*{: #fn-1 }", "*x*{: #edit-1 }",
    "*x*{: #toc-heading }", "*x*{: .note }", "*x*{: #" + "a" * 300 + " }", "x{: #a b=c }",
    "[^undefined]", "[^n]\n\n[^n]: a note\n\n[^n]: again", "[^" + "x" * 200 + "]", "Seven Renewals", "七新",
    "AT&amp;T", "&#x1b;", "&#27;", "&#x202e;", "&#0;", "&#xfffe;", "&#x110000;", "&unknown;", "&nbsp;&mdash;",
    "![chart](/static/chart.png)", "![x](javascript:alert(1))", "[li\u200bnk](/zh/)", "[li&#x200b;nk](/zh/)",
    "[\ufeffx](/zh/)", "| a | b |\n|--:|:-:|\n| 1 | 2 |", "`{++not a mark++}`", "\\{++escaped++}",
)
# Units repeated to the line limit: each was, or is like, a pattern that scanned back and forth
REPEATED = ("{~~a~>", "{++a", "{--a-", "{++a++}", "~>~~}{~~", "{: #a ", "{#a", "[^a", "&amp;", "(中", " (中) ",
            "{++`a`", "*a", "`a", "&#")
LINE_LIMIT = 20_000


def yaml_escape_mutation(data: bytes, rng: random.Random, replace_value) -> tuple[str, bytes]:
    """A value replaced by a double-quoted string holding an escape."""
    escape = rng.choice(YAML_ESCAPES)
    return "escape", replace_value(data, rng, f'"x{escape}y"')


def inline_mutation(data: bytes, rng: random.Random, at_line) -> tuple[str, bytes]:
    """One of the engine's inline syntaxes, well or badly written, or repeated to the line limit, put
    into a paragraph of its own (anchored, so that only the syntax itself can be wrong)."""
    if rng.random() < 0.2:
        unit = rng.choice(REPEATED)
        text = (unit * (LINE_LIMIT // len(unit)))[:LINE_LIMIT - 20]
        return "inline-repeated", at_line(data, rng, f"\n{text}\n{{: #fz-9 }}\n".encode())
    text = rng.choice(INLINE)
    return "inline", at_line(data, rng, f"\nx {text} y\n{{: #fz-{rng.randrange(99)} }}\n".encode())
