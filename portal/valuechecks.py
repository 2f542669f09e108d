"""Value records: a figure as a document states it, checked against its indicator and its quote (and
kept, record by record, with what it was checked against)."""
from __future__ import annotations

import re

from .crossrefs import Declared, require, source_of
from .errors import Collector, quote
from .fields import Fields, describe
from .figures import FigureError, english, number_in_unit, parse_figure
from .loading import Record
from .model import KINDS, Document, Indicator, Localized, Value
from .translation import squeeze

PERIOD = r"\d{4}(?:-\d{4})?"
VALUE_FIELDS = ("id", "indicator", "document", "kind", "period", "text", "number", "comparator", "source", "note")


def checker(docs: dict[str, Document], inds: dict[str, Indicator], declared: Declared, errors: Collector,
            records: dict | None = None):
    """value(record) against these documents and indicators. With `records` (kept by the caller between
    runs) a record gives the value it gave before when nothing it reads has changed: the record itself
    (the same object while its file is unchanged), whether its document and indicator are valid, the
    indicator's unit and the text of the cited paragraph. Only a value that raised no problem is kept;
    `records` ends up holding the records of this run only."""
    if records is None:
        return lambda record: value(record, docs, inds, declared, errors)
    previous = dict(records)
    records.clear()

    def value_of(record: Record) -> Value | None:
        ind_id, doc_id = record.get("indicator"), record.get("document")  # anything YAML holds, unchecked yet
        indicator = inds.get(ind_id) if isinstance(ind_id, str) else None
        document = docs.get(doc_id) if isinstance(doc_id, str) else None
        source = record.get("source")
        anchor = source.get("anchor") if isinstance(source, dict) else None
        block = document.bodies["zh"].block(anchor) if document is not None and isinstance(anchor, str) else None
        key = (indicator is not None and (indicator.unit.zh, indicator.unit.en), document is not None,
               block.text if block is not None else None)
        kept = previous.get(id(record))
        if kept is not None and kept[0] is record and kept[1] == key:
            records[id(record)] = kept
            return kept[2]
        before = (len(errors.errors), errors.suppressed)
        checked = value(record, docs, inds, declared, errors)
        if (len(errors.errors), errors.suppressed) == before:
            records[id(record)] = (record, key, checked)  # the record is held: its id is not reused meanwhile
        return checked

    return value_of


def value(record: Record, docs: dict[str, Document], inds: dict[str, Indicator], declared: Declared,
           errors: Collector) -> Value | None:
    fields = Fields(record, errors, describe("value", record))
    fields.no_unknown(VALUE_FIELDS)
    value_id = fields.ident("id")
    indicator_id = fields.ident("indicator")
    document_id = fields.ident("document")
    kind = fields.choice("kind", KINDS)
    period = fields.text("period", pattern=PERIOD, hint="a year (2025) or a span of years (2021-2025)")
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
        en = _check_figure(fields, text, zh, en, number, comparator, indicator)
    if not fields.ok or source is None or zh is None or en is None:
        return None
    return Value(value_id, indicator_id, document_id, kind, period, Localized(zh, en), number, comparator,
                 source, note, record.ref())


def _check_figure(fields: Fields, text: Record, zh: str, en: str | None, number, comparator, indicator) -> str | None:
    """The number and comparator must be what the zh text says; English is generated when not given."""
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
                        errors_hint)
            return None
    return en
