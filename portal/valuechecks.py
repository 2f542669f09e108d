"""Value records: a figure as a document states it, checked against its indicator and its quote (and
kept, record by record, by the record's key and what it was checked against: see checkmemo.py)."""
from __future__ import annotations

import functools
import re

from . import disagreements
from .checkmemo import CheckMemo
from .crossrefs import Declared, require, source_of
from .errors import Collector, quote
from .fields import Fields, describe
from .figures import FigureError, english, number_in_unit, parse_figure
from .loading import Record
from .model import KINDS, Document, Indicator, Localized, Value
from .translation import squeeze

PERIOD = r"\d{4}(?:-\d{4})?"
VALUE_FIELDS = ("id", "indicator", "document", "kind", "period", "text", "number", "comparator", "source", "note",
                "consistent")


def checked_value(record: Record, docs: dict[str, Document], inds: dict[str, Indicator], declared: Declared,
                  errors: Collector, memo: CheckMemo, phrases: dict[str, str] | None = None) -> Value | None:
    """value(record), kept by the record's key and what a valid record is checked against: whether its
    indicator exists and its unit, whether its document exists, the text of the cited paragraph and the
    English of its words in site.yaml's `phrases`."""
    phrases = phrases or {}
    ind_id, doc_id = record.get("indicator"), record.get("document")  # anything YAML holds, unchecked yet
    indicator = inds.get(ind_id) if isinstance(ind_id, str) else None
    document = docs.get(doc_id) if isinstance(doc_id, str) else None
    source = record.get("source")
    anchor = source.get("anchor") if isinstance(source, dict) else None
    block = document.bodies["zh"].block(anchor) if document is not None and isinstance(anchor, str) else None
    text = record.get("text")
    zh = text.get("zh") if isinstance(text, dict) else None
    against = (indicator is not None and (indicator.unit.zh, indicator.unit.en), document is not None,
               block.text if block is not None else None, phrases.get(_phrase(zh)) if isinstance(zh, str) else None)
    return memo(record, against, lambda: value(record, docs, inds, declared, errors, phrases), errors)


@functools.lru_cache(maxsize=4096)  # a value's text is looked up in `phrases` on every build
def _phrase(text: str) -> str:
    return re.sub(r"\s+", "", text)


def value(record: Record, docs: dict[str, Document], inds: dict[str, Indicator], declared: Declared,
          errors: Collector, phrases: dict[str, str] | None = None) -> Value | None:
    fields = Fields(record, errors, describe("value", record))
    fields.no_unknown(VALUE_FIELDS)
    value_id = fields.ident("id")
    indicator_id = fields.ident("indicator")
    document_id = fields.ident("document")
    kind = fields.choice("kind", KINDS)
    period = fields.text("period", pattern=PERIOD, hint="a year (YYYY) or a span of years (YYYY-YYYY)")
    if period and "-" in period and period[:4] >= period[5:]:
        fields.fail("period", f"period {quote(period)} ends before it starts")
    text = fields.mapping("text")
    zh = en = None
    if text is not None:
        tfields = Fields(text, errors, fields.what)
        tfields.no_unknown(("zh", "en"))
        zh = tfields.text("zh", hint="the value exactly as the document writes it, e.g. '突破2000亿元'")
        en = tfields.text("en", required=False)
        if en and re.search(r"[\u3400-\u9fff]", en):
            tfields.fail("en", "Chinese characters in 'text.en'", "write the English only")
        fields.ok = fields.ok and tfields.ok
    number = fields.number("number")
    comparator = fields.text("comparator", required=False)
    note = fields.localized("note", required=False)
    consistent = disagreements.consistency(fields)
    indicator = inds.get(indicator_id) if indicator_id else None
    if indicator_id:
        require(fields, "indicator", "indicator", indicator_id, inds, declared, "define it under content/indicators/")
    document = docs.get(document_id) if document_id else None
    if document_id:
        require(fields, "document", "document", document_id, docs, declared,
                 f"one of: {', '.join(sorted(docs))}" if docs else None)
    source = source_of(fields, document)
    if source and zh and squeeze(zh) not in squeeze(source.quote):
        errors.add(text.ref("zh"), f"{fields.what}: text '{zh}' is not in its quote",
                   "the value text must be words of the quote")
        fields.ok = False
        if number is not None or comparator is not None:
            errors.suppress()  # the figure of a text that is not the quote's: wrong for the same reason
    elif zh and indicator:
        en = _check_figure(fields, text, zh, en, number, comparator, indicator, phrases or {})
    if not fields.ok or source is None or zh is None or en is None:
        return None
    return Value(value_id, indicator_id, document_id, kind, period, Localized(zh, en), number, comparator,
                 source, note, record.ref(), consistent)


def _check_figure(fields: Fields, text: Record, zh: str, en: str | None, number, comparator, indicator,
                  phrases: dict[str, str]) -> str | None:
    """The number and comparator must be what the zh text says; English is generated when not given (from
    site.yaml's `phrases` for a value in words)."""
    if _phrase(zh) in phrases:
        if number is not None or comparator is not None:
            fields.fail("number", f"'{zh}' states no figure, so number and comparator must be left out")
        return en or phrases[_phrase(zh)]
    try:
        figure = parse_figure(zh)
    except FigureError as error:
        figure = None
        if number is not None or comparator is not None:
            fields.fail("number", f"cannot read the figure in '{zh}': {error}",
                        "write the figure as the document does, e.g. '突破2000亿元', or drop number/comparator")
            if en is None:  # nor can it be put into English: that follows from the same problem
                fields.errors.suppress()
            return en
    if figure is not None and figure.number is not None:
        expected = number_in_unit(figure, indicator.unit.zh)
        if (number is None and not fields.present("number")) or (comparator is None and
                                                                  not fields.present("comparator")):
            fields.fail(None, f"'{zh}' states a figure: give number: {expected.normalize():f} and "
                        f"comparator: '{figure.comparator}'")
        elif number is None or comparator is None:
            pass  # already reported as mistyped
        else:
            if number.normalize() != expected.normalize():
                fields.fail("number", f"number {number} does not match '{zh}' (expected "
                            f"{expected.normalize():f} {indicator.unit.zh})")
            if comparator != figure.comparator:
                fields.fail("comparator", f"comparator '{comparator}' does not match '{zh}' "
                            f"(expected '{figure.comparator}')")
    elif number is not None or comparator is not None:
        fields.fail("number", f"'{zh}' states no figure, so number and comparator must be left out")
    if en is None:
        try:
            return english(zh, indicator.unit.zh, indicator.unit.en)
        except FigureError:
            errors_hint = "add 'en: …' under text"
            fields.fail(None, f"missing translation 'text.en' ('{zh}' cannot be rendered automatically)",
                        f"{errors_hint}, or the phrase's English under 'phrases' in content/site.yaml")
            return None
    return en
