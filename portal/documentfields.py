"""A document's fields (meta.yaml) checked, without its bodies: kept by the record and the layers site.yaml
declares (checkmemo.Checks.documents), and checked ahead while a cold build's body workers render."""
from __future__ import annotations

from . import sitemodel
from .checkmemo import Checks
from .errors import Collector
from .fields import Fields, describe
from .loading import RawContent, Record
from .model import Document

DATE = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
DOCUMENT_FIELDS = ("id", "source_file", "layer", "order", "title", "kind", "date", "date_note", "issuer", "number",
                   "published", "translated", "summary")


def document_fields(meta: Record, errors: Collector, layers: tuple[str, ...] | None) -> tuple[Document, bool] | None:
    """A document's fields checked: the document without its bodies, and whether they are right; None for
    a draft still to be filled."""
    fields = Fields(meta, errors, describe("document", meta))
    if fields.refuse_unfilled():
        return None
    fields.no_unknown(DOCUMENT_FIELDS)
    doc_id = fields.ident("id")
    folder = meta.path.parent.name
    if doc_id and doc_id != folder:
        fields.fail("id", f"id '{doc_id}' differs from its folder name '{folder}'", "rename one to match")
    order = fields.number("order", required=True)
    document = Document(
        id=doc_id or "", source_file=fields.text("source_file", pattern=r"\d{3}_[0-9a-f]{16}\.txt",
                                                 hint="the seed's file name, e.g. 002_19206d79a4b63e5c.txt") or "",
        layer=layer_of(fields, layers) or "", title=fields.localized("title"), date=fields.text(
            "date", required=not fields.present("date_note"), pattern=DATE,
            hint="write YYYY-MM-DD (YYYY-MM or YYYY when the day is not known; date_note when undated)"),
        date_note=fields.localized("date_note", required=False),
        issuer=fields.localized("issuer"), number=fields.text("number", required=False),
        published=fields.localized("published"), kind=fields.localized("kind"),
        translated=fields.text("translated", pattern=DATE, hint="write YYYY-MM-DD") or "",
        summary=fields.localized("summary"), order=int(order or 0), src=meta.ref())
    return document, fields.ok


def documents_ahead(raw: RawContent, checks: Checks) -> RawContent:
    """Check the documents' fields while the bodies render (a cold build's body workers): validate() finds
    those checked without a problem kept in `checks`, by what the check read (the record, the layers site.yaml
    declares); a problem is not kept, and validate() checks that document again and reports it in its place."""
    scratch = Collector()
    model = sitemodel.site_model(raw.site, scratch)  # site.yaml's record, as validate() reads it
    layers = model.ids if model is not None else None
    for meta, _ in raw.documents:
        checks.documents(meta, layers, lambda: document_fields(meta, scratch, layers), scratch)
    return raw


def layer_of(fields: Fields, layers: tuple[str, ...] | None) -> str | None:
    layer = fields.ident("layer")
    if layers is None:  # site.yaml failed: the layer is not checked again
        return layer
    fields.known("layer", layer, layers, "layer",
                 f"declare it under 'layers' in content/site.yaml, or use one of {', '.join(layers)}")
    return layer if not layer or layer in layers else None
