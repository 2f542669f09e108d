"""Figures and ranks of the documents that no value record holds (issue 26, item 3): every sentence of a
zh body stating a figure (an Arabic number, with its magnitude: 2000亿; a class: Ⅱ类) or a rank (第一,
前列, 领先, 首位…) is either held by a value record (its quote spans the figure and its text states it),
or listed with the reason it is not one in
docs/editorial/unrecorded.yaml. What is never a figure of a plan — a block's own number (`12. …`), a date,
a year, a time of day — is passed over here, by its form."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, SourceRef
from .loading import Record, load_yaml
from .model import Document, Site
from .numbers import numbers_zh
from .translation import squeeze

EDITORIAL = Path("docs") / "editorial" / "unrecorded.yaml"  # figures that are not records, with reasons

# A rank, a place among others or a multiple stated in words: 第一, 前列, 领先, 首位, 翻一番
RANK = re.compile(r"第一(?![届次批个章条款节])|首位|前列|领先|前茅|榜首|居首|冠军|[一二三四五六七八九十]连冠|翻一番|翻番|倍增"
                  r"|[ⅠⅡⅢⅣⅤ]+类")  # and a class of a grade scale: Ⅲ类
CHINESE_AMOUNT = re.compile(r"[一二两三四五六七八九十百千]+(?:万亿|亿)")  # 突破千亿, 千亿级 (万 alone: 千家万户)
_SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")
_NUMBERING = re.compile(r"^\s*\d+(?:\.|\s)")  # a block's own number: "12. 加速…", "3 大力推进…"
_DATE = re.compile(r"(?:19|20)\d\d(?=年|-\d|\s|$)|\d{1,2}(?=月|日)|\d{1,2}(?=:\d\d)|(?<=:)\d\d|(?<=-)\d\d(?=-|\s|$)")


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
    """Each figure and rank of a zh text with where it starts, in order; a block's own number, dates,
    years and times of day left out."""
    found, start = [], 0
    for written, _values in numbers_zh(text):
        at = text.find(written, start)
        start = at + len(written)
        if (at == 0 and _NUMBERING.match(text)) or _DATE.match(text, at) and _DATE.match(text, at).end() >= start:
            continue
        found.append((at, written))
    found += [(match.start(), match.group(0)) for pattern in (RANK, CHINESE_AMOUNT) for match in pattern.finditer(text)]
    return sorted(found)


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


def unrecorded(site: Site, listed: dict[tuple[str, str], set[str]] | None = None) -> list[Unrecorded]:
    """Every sentence of the five documents' zh bodies holding a figure or a rank that no value record
    quotes (values quote their paragraph: `source.anchor`, `source.quote`), in document and body order;
    `listed` (document, anchor) -> figures as written that are not records (see `load_listed`)."""
    listed = listed or {}
    quotes: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for value in site.values:
        quotes.setdefault((value.document, value.source.anchor), []).append((value.source.quote, value.text.zh))
    found = []
    for document in site.documents:
        for block in document.bodies["zh"].blocks:
            key = (document.id, block.anchor)
            spans = quoted_spans(block.text, quotes.get(key, ()))
            open_ = [(at, written) for at, written in stated(block.text)
                     if written not in listed.get(key, ()) and not held(at, written, spans)]
            for sentence in _SENTENCE.finditer(block.text):
                figures = tuple(w for at, w in open_ if sentence.start() <= at < sentence.end())
                if figures:
                    found.append(Unrecorded(document.id, block.anchor, block.line, sentence.group(0).strip(),
                                            figures))
    return found


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
