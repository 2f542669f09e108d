"""References between records: ids a record names must be known, anchors and quotes must be in the cited
paragraph; a reference that fails only because its target failed (or sits in a file that did not load)
is counted as suppressed, not reported again."""
from __future__ import annotations

from collections import Counter

from .errors import Collector, SourceRef
from .fields import Fields
from .loading import RawContent, Record
from .model import Document, Source
from .translation import squeeze


class Declared:
    """Ids the content declares, valid or not, and the kinds whose files failed to load: a reference
    to a declared id that failed validation, or into an incomplete kind, or to an unknown id already
    reported, follows from another error and is not reported again (it is counted as suppressed)."""

    def __init__(self, ids: set[str], failed: set[str], failed_documents: set[str]) -> None:
        self.ids, self.failed = ids, failed
        self.documents = failed_documents
        self.reported: set[tuple[str, str]] = set()  # unknown (kind, id) already reported once

    def explains(self, kind: str, ident: str) -> bool:
        return ident in self.ids or f"{kind}s" in self.failed or (kind == "document" and ident in self.documents) \
            or (kind, ident) in self.reported


def declared_ids(raw: RawContent) -> Declared:
    ids = {str(r.get("id")) for r in raw.indicators} | {str(m.get("id")) for m, _ in raw.documents} | \
        {m.path.parent.name for m, _ in raw.documents} | {str(r.get("id")) for r in raw.values}
    return Declared(ids, raw.failed, raw.failed_documents)


def source_of(fields: Fields, document: Document | None) -> Source | None:
    """A record's `source: {anchor, quote}`, the quote checked against the cited zh paragraph."""
    record = fields.mapping("source")
    if record is None:
        return None
    sfields = Fields(record, fields.errors, fields.what)
    sfields.no_unknown(("anchor", "quote"))
    anchor, quote = sfields.text("anchor"), sfields.text("quote")
    fields.ok = fields.ok and sfields.ok
    if not (anchor and quote):
        return None
    if document:
        fields.ok = check_quote(record, fields.what, document, anchor, quote, fields.errors) and fields.ok
    return Source(anchor, quote)


def check_quote(record: Record, what: str, document: Document, anchor: str, quote: str, errors: Collector) -> bool:
    """The quote must be words of the cited paragraph of the zh body (spacing aside)."""
    block = document.bodies["zh"].block(anchor)
    if block is None:
        errors.add_once(("anchor", document.id), record.ref("anchor"),
                        f"{what}: anchor '{anchor}' not found in document '{document.id}'",
                        "use an anchor from the document's zh.md")
        return False
    if squeeze(quote) not in squeeze(block.text):
        errors.add(record.ref("quote"), f"{what}: quote not found in paragraph '{anchor}' of '{document.id}'",
                   "copy the words verbatim from zh.md")
        return False
    return True


def require(fields: Fields, key: str, kind: str, ident: str, known, declared: Declared,
             hint: str | None = None) -> bool:
    """A reference must name a known item; one whose target is itself invalid, or may be in a file that
    failed to load, is not reported twice."""
    if ident in known:
        return True
    if declared.explains(kind, ident):
        fields.errors.suppress()
    else:  # once: an id renamed or deleted is one mistake, however many records name it
        fields.fail(key, f"unknown {kind} '{ident}'", hint)
        declared.reported.add((kind, ident))
    fields.ok = False
    return False


def check_source(src: SourceRef, what: str, document: str, anchor: str, docs, errors: Collector,
                  declared: Declared) -> bool:
    if document not in docs:
        if declared.explains("document", document):
            errors.suppress()
        else:
            errors.add(src, f"{what}: unknown document '{document}'",
                       f"one of: {', '.join(sorted(docs))}" if docs else None)
            declared.reported.add(("document", document))
        return False
    if docs[document].bodies["zh"].block(anchor) is None:
        errors.add_once(("anchor", document), src, f"{what}: anchor '{anchor}' not found in document "
                        f"'{document}'", "use an anchor from the document's zh.md")
        return False
    return True


def check_unique(kind: str, items, errors: Collector) -> None:
    counts = Counter(item.id for item in items)
    first: dict[str, object] = {}
    for item in items:
        if counts[item.id] > 1:
            if item.id in first:
                errors.add(item.src, f"duplicate {kind} id '{item.id}' (first at {first[item.id]})",
                           "ids must be unique")
            else:
                first[item.id] = item.src
