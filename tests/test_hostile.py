"""Reproducers for issue 22 (hostile input, round two): inline syntaxes in linear time, no control or
format characters in the output, no traceback, one error per mistake."""
from __future__ import annotations

import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from portal.editmarks import apply_edit_marks, find_edit_marks, undo_edit_marks
from portal.markup import Renderer

SHOWN = Path("content/documents/x/en.md")
LINE_LIMIT = 20_000

# The pattern the marks were found with before: cubic on '{~~a~>' repeated, kept here as the reference
# for what a mark is on inputs without nested openers
_OLD_MARK = re.compile(r"\{\+\+(?P<added>.+?)\+\+\}|\{--(?P<dropped>.+?)--\}|\{~~(?P<source>.*?)~>(?P<edition>.*?)~~\}")


def render(text: str, lang: str = "en"):
    return Renderer(lang, "¶").render(text, SHOWN)


# ---- 4. inline syntaxes in linear time ------------------------------------------------------

def test_edit_marks_are_found_as_the_old_pattern_found_them():
    rng = random.Random(22)
    pieces = ["{++", "++}", "{--", "--}", "{~~", "~>", "~~}", "a", "b c", "+", "-", "~", "{", "}", ">"]
    compared = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        old = list(_OLD_MARK.finditer(text))
        if any(re.search(r"\{(\+\+|--|~~)", m.group(0)[1:]) for m in old):
            continue  # a mark holding another opener: no longer a mark (it would print the opener as text)
        compared += 1
        assert [(m.start, m.end) for m in find_edit_marks(text)] == [(m.start(), m.end()) for m in old], text
        assert undo_edit_marks(text) == _OLD_MARK.sub(lambda m: m.group("dropped") or m.group("source") or "", text)
        assert apply_edit_marks(text) == _OLD_MARK.sub(lambda m: m.group("added") or m.group("edition") or "", text)
    assert compared > 2000


def test_a_mark_ends_on_its_line_and_before_the_next_opener():
    assert [(m.edition, m.reading) for m in find_edit_marks("{~~a~>b~~} {++c\n++} {--d {++e++}")] == \
        [("b", "a"), ("e", "")]


# One line of each inline syntax of the engine's own (and of the Markdown around them), repeated to the
# line limit: each must render in well under a second. A subprocess with a generous time limit keeps a
# regression from hanging the suite (the cubic mark pattern took 27 s for 800 repeats, hours at the limit).
ADVERSARIAL_UNITS = ["{~~a~>", "{~~a~~}", "{++a", "{--a-", "{++a++}", "{--a--}", "{~~a~>b~~}", "~>~~}{~~",
                     "{++`a`", "{: #a ", "{#a", "[^a", "[^a]", "&amp;", "&#", "(中", " (中) ", "*a", "`a"]
ADVERSARIAL_BLOCKS = ["[\n\n", "[^\n\n", "[^a]:\n\n", "# {#a\n\n"]
_ADVERSARIAL_RUN = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from portal.markup import Renderer
    from portal.typography import without_chinese_glosses
    ADVERSARIAL_UNITS, ADVERSARIAL_BLOCKS, LINE_LIMIT = eval(sys.argv[2])
    renderer = Renderer("en", "¶")
    slowest = 0.0
    for unit in ADVERSARIAL_UNITS:
        line = (unit * (LINE_LIMIT // len(unit) + 1))[:LINE_LIMIT - 10]
        for text in (f"## A {{#a}}\\n\\nx {line}\\n{{: #p1 }}\\n\\n## B {{#b}}\\n", f"## A {line} {{#a}}\\n\\n## B {{#b}}\\n"):
            started = time.perf_counter()
            renderer.render(text, Path("x.md"))
            without_chinese_glosses(line)
            slowest = max(slowest, time.perf_counter() - started)
    for block in ADVERSARIAL_BLOCKS:
        text = "## A {#a}\\n\\n" + block * (2 * LINE_LIMIT // len(block)) + "## B {#b}\\n"
        started = time.perf_counter()
        renderer.render(text, Path("x.md"))
        slowest = max(slowest, time.perf_counter() - started)
    print(f"slowest {slowest:.2f} s")
''')


def test_every_inline_syntax_repeated_to_the_line_limit_renders_at_once():
    result = subprocess.run([sys.executable, "-c", _ADVERSARIAL_RUN, str(ROOT),
                             repr((ADVERSARIAL_UNITS, ADVERSARIAL_BLOCKS, LINE_LIMIT))], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("slowest ")


def test_a_code_span_in_an_edit_mark_shows_its_text_not_a_placeholder():
    body, errors = render("## A {#a}\n\nx {~~`old`~>new~~} and {++`added`++}\n{: #p1 }\n")
    assert errors == []
    assert "\x02" not in body.html and "klzzwxh" not in body.html
    assert 'data-source-reading="old"' in body.html
    assert [(edition, reading) for _, edition, reading in body.edits] == [("new", "old"), ("added", "")]
