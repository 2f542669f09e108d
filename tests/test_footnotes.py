"""Footnotes keep their numbers across Chinese and English: the source's notes are numbered 1, 2, 3… in
both languages, the translator's notes (English only) lettered a, b, c… apart (issue 26, item 4)."""
from __future__ import annotations

import re

import pytest

from conftest import real
from portal import references
from portal.footnotes import letter, marked_notes, note_marks
from portal.pages import paragraph_words

DOCUMENTS = ["congress13-article", "congress13-news", "fyp14-proposal", "plan2025-report",
             "plenary2-interpretation"]
REFERENCE = re.compile(r'<sup id="fnref\d*-([^"]+)"><a class="footnote-ref" href="#fn-([^"]+)">([^<]*)</a></sup>')
ITEM = re.compile(r'<li id="fn-([^"]+)">')
LISTS = re.compile(r'<div class="footnote">\n<hr>\n(.*?)\n</div>', re.S)
BACKREF = re.compile(r'<a class="footnote-backref" href="#fnref\d*-([^"]+)" title="↩ ([^"]*)"')


def test_letters_run_on_past_z():
    assert [letter(n) for n in (1, 2, 26, 27, 28, 52, 53)] == ["a", "b", "z", "aa", "ab", "az", "ba"]


def test_translators_notes_are_a_series_of_their_own():
    assert note_marks(["0", "1", "tn-1", "2", "tn-x", "3"]) == {
        "0": "1", "1": "2", "tn-1": "a", "2": "3", "tn-x": "b", "3": "4"}


def test_a_body_without_translators_notes_is_left_as_python_markdown_numbered_it():
    html = '<p>x<sup id="fnref-0"><a class="footnote-ref" href="#fn-0">1</a></sup></p>\n<li id="fn-0">'
    assert marked_notes(html) == html


def test_marks_rewritten_in_references_back_links_and_list_items():
    html = ('<p>a<sup id="fnref-0"><a class="footnote-ref" href="#fn-0">1</a></sup>'
            'b<sup id="fnref-tn-1"><a class="footnote-ref" href="#fn-tn-1">2</a></sup>'
            'c<sup id="fnref-1"><a class="footnote-ref" href="#fn-1">3</a></sup>'
            'd<sup id="fnref2-1"><a class="footnote-ref" href="#fn-1">3</a></sup></p>\n'
            '<div class="footnote">\n<hr>\n<ol>\n'
            '<li id="fn-0"><p>x&#160;<a class="footnote-backref" href="#fnref-0" title="↩ 1">&#8617;</a></p></li>\n'
            '<li id="fn-tn-1"><p>y&#160;<a class="footnote-backref" href="#fnref-tn-1" title="↩ 2">&#8617;</a></p></li>\n'
            '<li id="fn-1"><p>z&#160;<a class="footnote-backref" href="#fnref-1" title="↩ 3">&#8617;</a>'
            '<a class="footnote-backref" href="#fnref2-1" title="↩ 3">&#8617;</a></p></li>\n</ol>\n</div>')
    marked = marked_notes(html)
    assert [(m[1], m[2]) for m in REFERENCE.findall(marked)] == [("0", "1"), ("tn-1", "a"), ("1", "2"), ("1", "2")]
    assert ITEM.findall(marked) == ["0", "1", "tn-1"]
    assert '<ol>\n<li id="fn-0">' in marked and '</li>\n</ol>\n<ol class="translator-notes" type="a">\n<li id="fn-tn-1">' in marked
    assert marked.endswith('</li>\n</ol>\n</div>')
    assert BACKREF.findall(marked) == [("0", "1"), ("1", "2"), ("1", "2"), ("tn-1", "a")]


def _notes(page: str) -> tuple[list[tuple[str, str]], list[list[str]], list[tuple[str, str]]]:
    """A rendered page's footnote references (target, mark), the labels of each list of notes, and its
    back-links (target, mark)."""
    references_ = [(target, mark) for _ref, target, mark in REFERENCE.findall(page)]
    found = LISTS.search(page)
    lists = [ITEM.findall(part) for part in re.split(r"<ol\b", found.group(1))[1:]] if found else []
    return references_, lists, BACKREF.findall(page)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_each_note_has_the_same_number_and_target_in_chinese_and_english(document):
    """Every footnote reference of the rendered zh and en document pages: its target is a note of the same
    page, the source's notes carry the same numbers in the same order in both languages, each number
    names the note's place in the list, and the translator's notes are lettered a, b, c… in English only."""
    files = real().files
    pages = {lang: files[f"{lang}/documents/{document}/index.html"].decode() for lang in ("zh", "en")}
    found = {lang: _notes(page) for lang, page in pages.items()}
    for lang, (refs, lists, backrefs) in found.items():
        numbered = [label for labels in lists for label in labels if not label.startswith("tn-")]
        lettered = [label for labels in lists for label in labels if label.startswith("tn-")]
        assert lists == [x for x in (numbered, lettered) if x], f"{lang}: the source's notes, then the translator's"
        assert {target for target, _mark in refs} <= set(numbered + lettered), f"{lang}: a reference without its note"
        expected = {**{label: str(n) for n, label in enumerate(numbered, 1)},
                    **{label: letter(n) for n, label in enumerate(lettered, 1)}}
        assert all(mark == expected[target] for target, mark in refs), lang
        assert all(mark == expected[label] for label, mark in backrefs), lang
        if lettered:
            assert f'<ol class="translator-notes" type="a">\n<li id="fn-{lettered[0]}">' in pages[lang]
    zh_refs, _items, _b = found["zh"]
    en_refs, _items, _b = found["en"]
    assert not any(target.startswith("tn-") for target, _mark in zh_refs)
    assert zh_refs == [(target, mark) for target, mark in en_refs if not target.startswith("tn-")]


def test_the_plan_reports_four_follows_is_note_17_in_both_languages():
    """The case the issue found: 四个紧跟 (label 16, the 17th note) was 17 in Chinese and 18 in English."""
    files = real().files
    for lang in ("zh", "en"):
        page = files[f"{lang}/documents/plan2025-report/index.html"].decode()
        assert '<a class="footnote-ref" href="#fn-16">17</a>' in page, lang


def test_references_to_a_note_name_the_number_its_readers_see():
    document = next(d for d in real().site.documents if d.id == "plan2025-report")
    assert paragraph_words(document, "fn-16", "zh") == "注17"
    assert paragraph_words(document, "fn-16", "en") == "note 17"
    labels = {lang: references.block_labels(document.bodies[lang], lang) for lang in ("zh", "en")}
    assert labels["zh"]["fn-16"] == "注17" and labels["en"]["fn-16"] == "note 17"
    assert labels["en"]["fn-tn-1"] == "translator’s note a"
    parallel = real().files["en/documents/plan2025-report/parallel/index.html"].decode()
    assert '<span class="footnote-label">[17]</span>' in parallel


def test_a_rendered_body_letters_its_translators_notes_apart_even_with_a_list_inside_one():
    """Through the renderer: the translator's note (with a nested list) moves to its own lettered list
    after the source's notes, which keep 1 and 2 although the translator's note stands between them."""
    from pathlib import Path

    from portal.markup import Renderer
    text = ("## Head {#s1}\n\nA sentence[^1] with a note[^tn-1] and another[^2].\n{: #p1 }\n\n[^1]: First note.\n\n"
            "[^tn-1]: Translator’s note: a list follows.\n\n    1. one\n    2. two\n\n[^2]: Second note.\n")
    body, errors = Renderer("en", "¶").render(text, Path("content/documents/x/en.md"))
    assert errors == []
    assert [(target, mark) for _r, target, mark in REFERENCE.findall(body.html)] == [("1", "1"), ("tn-1", "a"), ("2", "2")]
    notes = LISTS.search(body.html).group(1)
    assert notes.startswith('<ol>\n<li id="fn-1">') and '</li>\n</ol>\n<ol class="translator-notes" type="a">\n<li id="fn-tn-1">' in notes
    assert "<li>one</li>\n<li>two</li>" in notes and notes.endswith("</li>\n</ol>")
