"""Figures and ranks of a zh body that no value record holds (issues 24 and 26): the one finder behind
`build.py check --figures-unrecorded`, `check --strict`, `check --figures DOC` and the checklist
`new-document` prints.

The rule. A figure is an Arabic number with its magnitude (2000亿), a Chinese amount (千亿), a class of a
grade scale (Ⅱ类), or a rank, a place or a multiple in words (第一, 前列, 领先, 首位, 翻番…). Not a figure,
by its form: a block's own number at its start (`12. …`, `3、…`, a row's `1 | …`), a date or a year
(2031年, 1月2日, 2031-01-02, 20310102日), a time of day (08:30:00), an annex's number (附件2). A figure is
held when a value record of the same document quotes its block (`source.anchor`, `source.quote`, spacing
and emphasis aside) with a quote spanning the figure, and the value's zh text states it (a value quoting a
sentence holds only the figures it records). A figure neither held nor listed, with the reason it is not a
record, in docs/editorial/unrecorded.yaml is unrecorded."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, SourceRef
from .loading import Record, load_yaml
from .model import Block, Document, Site
from .numbers import numbers_zh
from .translation import squeeze

EDITORIAL = Path("docs") / "editorial" / "unrecorded.yaml"  # figures that are not records, with reasons

# A rank, a place among others or a multiple stated in words: 第一, 前列, 领先, 首位, 翻一番
RANK = re.compile(r"第一(?![届次批个章条款节])|首位|前列|领先|前茅|榜首|居首|冠军|[一二三四五六七八九十]连冠|翻一番|翻番|倍增"
                  r"|[ⅠⅡⅢⅣⅤ]+类")  # and a class of a grade scale: Ⅲ类
CHINESE_AMOUNT = re.compile(r"[一二两三四五六七八九十百千]+(?:万亿|亿)")  # 突破千亿, 千亿级 (万 alone: 千家万户)
_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_NUMBERING_AFTER = re.compile(r"[.．、\s]")  # what follows a block's own number: "12. 加速…", "3 大力推进…"
# a date or a time of day: 2031年, 2031-01-02, 1月2日, 08:30:00, and a date the source wrote without 年月 (20310102日)
_DATE = re.compile(r"(?:19|20)\d\d[01]\d[0-3]\d(?=日)|(?:19|20)\d\d(?=年|-\d|\s|$)|\d{1,2}(?=月|日)"
                   r"|\d{1,2}(?=:\d\d)|(?<=:)\d\d|(?<=-)\d\d(?=-|\s|$)")
_ANNEX = "附件"
# only to show a figure whole (突破2000亿元, 6%左右): what may stand before it, and its unit and qualifier after
_BEFORE = re.compile(r"(?:突破|超过|超|逾|近|约|达到|达|不低于|不少于|不超过|高于|低于|第|＞|＜)$")
_AFTER = re.compile(r"[%％‰]?(?:万亿|亿|万|千)?(?:平方米|公里|标箱|万人次|人次|美元|元|个|家|项|件|人|天|倍|次|条|所|张|岁|"
                    r"米|吨|艘|栋|套|份|场|名|部|批|年|级|位|强|户)?(?:左右|以上|以下|以内|余|多)?")


@dataclass(frozen=True)
class Unrecorded:
    """A sentence of a zh body with the figures and ranks in it that no value record quotes."""

    document: str
    anchor: str
    line: int | None
    sentence: str
    figures: tuple[str, ...]  # as written: "2000亿", "第一", "前列"

    def ref(self, document: Document) -> SourceRef:
        return SourceRef(document.src.path.parent / "zh.md", self.line)


def stated(text: str) -> list[tuple[int, str]]:
    """Each figure and rank of a zh text with where it starts, in order (see the rule above)."""
    found, start = [], 0
    for written, _values in numbers_zh(text):
        at = text.find(written, start)
        start = at + len(written)
        if not _not_a_figure(text, at, start):
            found.append((at, written))
    found += [(match.start(), match.group(0)) for pattern in (RANK, CHINESE_AMOUNT) for match in pattern.finditer(text)]
    return sorted(found)


def _not_a_figure(text: str, start: int, end: int) -> bool:
    """A block's own number, a date, a year, a time of day or an annex's number, by its form."""
    if start == 0 and _NUMBERING_AFTER.match(text, end):
        return True
    date = _DATE.match(text, start)
    return bool(date and date.end() >= end) or text[max(0, start - len(_ANNEX)):start] == _ANNEX


def quoted_spans(text: str, quotes) -> list[tuple[int, int, str]]:
    """Where in a block's text each (quote, value text) stands, spacing and emphasis aside (as the quote
    check reads): (start, end, the value's text)."""
    squeezed, positions = [], []
    for index, char in enumerate(text):
        if not char.isspace():
            squeezed.append(char)
            positions.append(index)
    flat = "".join(squeezed)
    spans = []
    for quote, held in quotes:
        wanted = squeeze(quote)
        at = flat.find(wanted)
        while wanted and at >= 0:
            spans.append((positions[at], positions[at + len(wanted) - 1] + 1, held))
            at = flat.find(wanted, at + 1)
    return spans


def held(at: int, written: str, spans) -> bool:
    """Whether a value holds the figure written at `at`: its quote spans it and its text states it."""
    return any(start <= at < end and squeeze(written) in squeeze(text) for start, end, text in spans)


def open_figures(blocks, quotes: dict[str, list[tuple[str, str]]],
                 listed: dict[str, set[str]]) -> tuple[list[tuple[Block, int, str]], int]:
    """The figures and ranks of one document's blocks that no value holds and the editorial list does not
    name, as (block, where in its text, as written), and how many the list excuses. `quotes`: anchor ->
    (quote, the value's zh text) of the document's values; `listed`: anchor -> figures as written."""
    found, excused = [], 0
    for block in blocks:
        spans = quoted_spans(block.text, quotes.get(block.anchor, ()))
        for at, written in stated(block.text):
            if held(at, written, spans):
                continue
            if written in listed.get(block.anchor, ()):
                excused += 1
            else:
                found.append((block, at, written))
    return found, excused


def sentence_at(text: str, at: int) -> re.Match:
    """The sentence of a block's text (between 。；！？ or a line's ends) holding the character at `at`."""
    return next(match for match in _SENTENCE.finditer(text) if match.start() <= at < match.end())


def in_full(text: str, at: int, written: str) -> str:
    """A figure as a reader names it, with what stands before it and its unit and qualifier: 突破2000亿元."""
    before = _BEFORE.search(text[max(0, at - 3):at])
    tail = _AFTER.match(text, at + len(written))
    return (before.group(0) if before else "") + text[at:tail.end()]


def unrecorded(site: Site, listed: dict[tuple[str, str], set[str]] | None = None) -> list[Unrecorded]:
    """Every sentence of the documents' zh bodies holding a figure or a rank that no value record holds,
    in document and body order; `listed` (document, anchor) -> figures as written that are not records
    (see `load_listed`)."""
    listed = listed or {}
    quotes: dict[tuple[str, str], dict[str, list[tuple[str, str]]]] = {}
    for value in site.values:
        quotes.setdefault(value.document, {}).setdefault(value.source.anchor, []).append(
            (value.source.quote, value.text.zh))
    found = []
    for document in site.documents:
        open_, _excused = open_figures(document.bodies["zh"].blocks, quotes.get(document.id, {}),
                                       of_document(listed, document.id))
        by_sentence: dict[tuple[Block, int], list[str]] = {}
        for block, at, written in open_:
            by_sentence.setdefault((block, sentence_at(block.text, at).start()), []).append(written)
        found += [Unrecorded(document.id, block.anchor, block.line, sentence_at(block.text, start).group(0).strip(),
                             tuple(figures)) for (block, start), figures in by_sentence.items()]
    return found


def of_document(listed: dict[tuple[str, str], set[str]], document_id: str) -> dict[str, set[str]]:
    """The editorial list's entries for one document: anchor -> figures as written."""
    return {anchor: figures for (document, anchor), figures in listed.items() if document == document_id}


def listing(content: Path) -> Path:
    """Where the editorial list of a content folder is: docs/editorial/unrecorded.yaml beside it."""
    return content.parent / EDITORIAL


def load_listed(path: Path) -> tuple[dict[tuple[str, str], set[str]], list[tuple[Record, str]]]:
    """docs/editorial/unrecorded.yaml: a list of `{document, anchor, figures, reason}`, the figures as
    written in that block (each covers every occurrence there). Returns (document, anchor) -> figures,
    and each entry with its reason (for the check that every entry still names a figure of its block);
    nothing when there is no list."""
    if not path.is_file():
        return {}, []
    data = load_yaml(path, EDITORIAL)
    listed: dict[tuple[str, str], set[str]] = {}
    entries = []
    for item in data or []:
        if not (isinstance(item, Record) and set(item) == {"document", "anchor", "figures", "reason"}
                and isinstance(item["figures"], list) and all(isinstance(f, str) for f in item["figures"])
                and isinstance(item["reason"], str) and item["reason"].strip()):
            raise ContentError(SourceRef(EDITORIAL, getattr(item, "line", 1)),
                               "an entry is {document, anchor, figures: [as written], reason}",
                               "name each figure as the zh text writes it, and why it is not a record")
        listed.setdefault((item["document"], item["anchor"]), set()).update(item["figures"])
        entries.append((item, item["reason"]))
    return listed, entries


def stale_entries(site: Site, entries) -> list[ContentError]:
    """Entries of the editorial list whose figure is no longer stated in their block, or is now recorded."""
    blocks = {(d.id, b.anchor): b.text for d in site.documents for b in d.bodies["zh"].blocks}
    errors = []
    for item, _reason in entries:
        text = blocks.get((item["document"], item["anchor"]))
        stated_there = {written for _at, written in stated(text)} if text is not None else set()
        for figure in item["figures"]:
            if figure not in stated_there:
                errors.append(ContentError(SourceRef(EDITORIAL, item.line), f"'{figure}' is not a figure of "
                                           f"{item['document']} '{item['anchor']}'", "remove it from the list"))
    return errors


def check(site: Site, content: Path) -> list[ContentError]:
    """Every unrecorded figure not listed, and every list entry that names no figure, as errors."""
    listed, entries = load_listed(listing(content))
    documents = {d.id: d for d in site.documents}
    errors = stale_entries(site, entries)
    for item in unrecorded(site, listed):
        errors.append(ContentError(item.ref(documents[item.document]),
                                   f"block '{item.anchor}': {', '.join(item.figures)} not a record: "
                                   f"“{_short(item.sentence)}”",
                                   f"record it as a value quoting it, or list it with the reason in {EDITORIAL}"))
    return errors


def _short(sentence: str, limit: int = 60) -> str:
    return sentence if len(sentence) <= limit else sentence[:limit] + "…"
