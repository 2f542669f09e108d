"""Footnote marks as a reader sees them: the source's notes numbered 1, 2, 3… in their order, and the
translator's notes (labels starting `tn-`, English only) lettered a, b, c… apart, so a note of the
source has the same number in Chinese and in English."""
from __future__ import annotations

import re
import string

TRANSLATOR = "tn-"  # a footnote label starting so is a translator's note, with no Chinese twin

_LIST = re.compile(r'<div class="footnote">\n<hr>\n<ol>\n(.*)</ol>\n(?=</div>)', re.S)
TRANSLATOR_ITEM = f'<li id="fn-{TRANSLATOR}'
_ITEM = re.compile(r'<li id="fn-([^"]+)">')
_REFERENCE = re.compile(r'(<a class="footnote-ref" href="#fn-([^"]+)">)[^<]*(</a>)')
_BACKREF = re.compile(r'(<a class="footnote-backref" href="#fnref\d*-([^"]+)" title="↩ )[^"]*(")')


def is_translators(label: str) -> bool:
    """Whether a footnote label (`17`, `tn-s3-1`) is a translator's note."""
    return label.startswith(TRANSLATOR)


def letter(n: int) -> str:
    """The n-th letter mark, from 1: a, b, … z, aa, ab, …"""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = string.ascii_lowercase[rest] + letters
    return letters


def note_marks(labels) -> dict[str, str]:
    """Each footnote label, in the order the notes are listed, with its mark: the source's notes numbered,
    the translator's lettered, each series on its own."""
    marks, numbered, lettered = {}, 0, 0
    for label in labels:
        if is_translators(label):
            lettered += 1
            marks[label] = letter(lettered)
        else:
            numbered += 1
            marks[label] = str(numbered)
    return marks


def marked_notes(html: str) -> str:
    """A rendered body whose footnote references and back-links show `note_marks`, and whose translator's
    notes are listed apart, after the source's, in a list lettered a, b, c…"""
    found = _LIST.search(html)
    if not found or TRANSLATOR_ITEM not in found.group(1):
        return html  # nothing but the source's notes: Python-Markdown has numbered them so already
    items = [item for item in re.split(r'(?=<li id="fn-)', found.group(1)) if item]
    source = "".join(item for item in items if not item.startswith(TRANSLATOR_ITEM))
    translators = "".join(item for item in items if item.startswith(TRANSLATOR_ITEM))
    lists = (f"<ol>\n{source}</ol>\n" if source else "") + f'<ol class="translator-notes" type="a">\n{translators}</ol>\n'
    html = html[:found.start(1) - len("<ol>\n")] + lists + html[found.end():]
    marks = note_marks(_ITEM.findall(html))

    def mark(match: re.Match) -> str:
        label = match.group(2)
        return match.group(1) + marks[label] + match.group(3) if label in marks else match.group(0)

    return _BACKREF.sub(mark, _REFERENCE.sub(mark, html))
