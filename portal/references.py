"""Readers' references to anchored blocks: 's3-4-p4' -> '(IV) ¶4', 'annex-1-r21' -> 'Annex 1, row 21'."""
from __future__ import annotations

import re

from .footnotes import is_translators, note_marks
from .model import Body

# The number a heading starts with, as the source numbers it: 一、 （四） 附件1 1 / I. (IV) Annex 1 1
HEADING_NUMBER = {
    "zh": re.compile(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|附件\s*\d+|\d+(?=\s))"),
    "en": re.compile(r"^(\([IVXLC]+\)|[IVXLC]+\.(?=\s)|Annex \d+|\d+(?=\s))"),
}
# A block's place below its heading, appended to the heading's label
PLACES = {
    "zh": {"paragraph": "第{n}段", "item": "第{n}项", "row": "第{n}行", "footnote": "注{n}", "translator": "译注{n}"},
    "en": {"paragraph": " ¶{n}", "item": ", item {n}", "row": ", row {n}", "footnote": "note {n}", "translator": "translator’s note {n}"},
}
PART = {"zh": "第{}部分", "en": "Part {}"}
SHORT = {"zh": 12, "en": 40}  # characters of an unnumbered heading kept in a reference


def heading_label(text: str, lang: str) -> str:
    """A heading as a reference: its number, or its first words when it has none."""
    match = HEADING_NUMBER[lang].match(text)
    if match:
        number = match.group(1).rstrip(".、").replace("附件 ", "附件")
        if number[0].isalnum() and not number.startswith(("附件", "Annex")):  # 一、 / III. / 1: a part
            return PART[lang].format(number)
        return number
    if len(text) <= SHORT[lang]:
        return text
    cut = text[:SHORT[lang]]
    return (cut.rsplit(" ", 1)[0] if lang == "en" and " " in cut else cut) + "…"


def block_labels(body: Body, lang: str) -> dict[str, str]:
    """Every anchored block's reference: its heading's number and its place below that heading."""
    labels: dict[str, str] = {}
    section, counts = "", {}
    places = PLACES[lang]
    notes = note_marks(b.anchor.removeprefix("fn-") for b in body.blocks if b.kind == "footnote")
    for block in body.blocks:
        if block.kind == "footnote":
            label = block.anchor.removeprefix("fn-")
            labels[block.anchor] = places["translator" if is_translators(label) else "footnote"].format(n=notes[label])
            continue
        if block.kind == "heading":
            section, counts = heading_label(block.text, lang), {}
            labels[block.anchor] = section
            continue
        counts[block.kind] = counts.get(block.kind, 0) + 1
        place = places.get(block.kind, places["paragraph"]).format(n=counts[block.kind])
        labels[block.anchor] = (section + place).lstrip(", ")
    return labels
