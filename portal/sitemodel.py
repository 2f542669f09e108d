"""site.yaml's model of the comparison -> a validated Model: the layers in their order (names, period,
chart colour and shape, overview section), the matrix columns, the status year, the anchors whose values
come first, the home page's panel, the published address and the book's file name."""
from __future__ import annotations

import difflib
import re

from .errors import Collector, quote
from .fields import Fields
from .loading import Record
from .model import KINDS, SHAPES, Column, Layer, Model
from .typography import APOSTROPHE_HINT, STRAIGHT_APOSTROPHE

SITE_FIELDS = ("title", "tagline", "base_url", "book", "layers", "matrix", "timeline", "horizons", "headline",
               "phrases")
LAYER_FIELDS = ("id", "name", "short", "period", "colour", "shape", "section", "listed_with")
COLUMN_FIELDS = ("layer", "kind", "year", "other_years", "heading")
COLOUR = r"#[0-9a-fA-F]{6}"
YEAR = r"(19|20|21)\d{2}"
PERIOD = rf"{YEAR}(?:-{YEAR})?"
URL = r"https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~-]+)*"


def site_model(record: Record | None, errors: Collector) -> Model | None:
    """The model of a site.yaml record; None (with its errors) when any part of it is wrong."""
    if record is None:
        return None
    fields = Fields(record, errors, "site")
    fields.no_unknown(SITE_FIELDS)
    layers = _layers(fields, errors)
    ids = tuple(layer.id for layer in layers)
    written = {str(item.get("id")) for item in fields.records("layers")} if fields.present("layers") else set()
    matrix = fields.mapping("matrix")  # the matrix page and the book need its columns and their names
    columns, first, first_name, status_year = (), (), None, ""
    if matrix is not None:
        mfields = Fields(matrix, errors, "site matrix")
        columns, status_year = _matrix(mfields, ids, written, errors)
        first, first_name = _first(mfields, errors)
        fields.ok = fields.ok and mfields.ok
    headline = fields.mapping("headline", required=False)
    panel = None
    if headline is not None:
        hfields = Fields(headline, errors, "site headline")
        hfields.no_unknown(("heading", "indicators"))
        panel = hfields.localized("heading")
        fields.ok = fields.ok and hfields.ok
    model = Model(layers, columns, status_year, first, first_name, panel,
                  (fields.text("base_url", pattern=URL, hint="the published address without a closing '/', "
                               "e.g. https://example.org") or ""),
                  fields.ident("book") or "")
    return model if fields.ok else None


def phrases(record: Record | None, errors: Collector) -> dict[str, str]:
    """Values stated in words (a goal such as "stay among the leaders") and their English: a value whose
    text.zh is one of them needs no text.en and states no figure."""
    table = Fields(record, errors, "site").mapping("phrases", required=False) if record is not None else None
    if table is None:
        return {}
    found = {}
    for zh in table:
        pfields = Fields(table, errors, "site phrases")
        english = pfields.text(zh) if isinstance(zh, str) else None
        if not isinstance(zh, str) or not re.search(r"[\u3400-\u9fff]", zh):
            pfields.fail(zh, f"phrase {quote(zh)} is not Chinese", "write the phrase as the documents do, "
                         "then its English: '<phrase>: <English>'")
        elif english and re.search(r"[\u3400-\u9fff]", english):
            pfields.fail(zh, f"Chinese characters in the English of {quote(zh)}", "write the English only")
        elif english and STRAIGHT_APOSTROPHE.search(english):
            pfields.fail(zh, f"straight apostrophe in the English of {quote(zh)}", APOSTROPHE_HINT)
        elif english:
            found[re.sub(r"\s+", "", zh)] = english
    return found


def _layers(fields: Fields, errors: Collector) -> tuple[Layer, ...]:
    layers: list[Layer] = []
    with_section: set[str] = set()  # ids of the layers written with a section, valid or not
    for item in fields.records("layers", required=True):
        lfields = Fields(item, errors, "site layer")
        lfields.no_unknown(LAYER_FIELDS)
        layer_id = lfields.ident("id")
        if layer_id and layer_id in (layer.id for layer in layers):
            lfields.fail("id", f"layer '{layer_id}' is declared twice", "give each layer its own id")
        section, title, summary = layer_id or "", None, None
        if lfields.present("section") == lfields.present("listed_with"):
            lfields.fail(None, "a layer needs either 'section' (its own part of the overview: name, summary) or "
                         "'listed_with' (the id of an earlier layer whose part lists it)", None)
        elif lfields.present("section"):
            with_section.add(str(item.get("id")))
            own = lfields.mapping("section")
            if own is not None:
                sfields = Fields(own, errors, f"site layer '{layer_id}' section")
                sfields.no_unknown(("name", "summary"))
                title, summary = sfields.localized("name"), sfields.localized("summary")
                lfields.ok = lfields.ok and sfields.ok
        else:
            section = lfields.ident("listed_with") or ""
            heads = [layer.id for layer in layers if layer.title is not None]
            if section and section not in heads and section in with_section:  # that layer's error: not again
                errors.suppress()
                lfields.ok = False
            elif section and section not in heads:
                close = difflib.get_close_matches(section, heads, n=1)
                lfields.fail("listed_with", f"'{section}' is not an earlier layer with a section of its own",
                             f"did you mean '{close[0]}'?" if close else "name a layer declared above this one "
                             "that has 'section'")
        layer = Layer(layer_id or "", lfields.localized("name"), lfields.localized("short"),
                      lfields.text("period", pattern=PERIOD, hint="a year (YYYY) or a span of years (YYYY-YYYY)")
                      or "",
                      lfields.text("colour", pattern=COLOUR, hint="a colour as #rrggbb, e.g. '#8a1c1c' (quoted: "
                                   "YAML reads # as a comment)") or "",
                      lfields.choice("shape", SHAPES) or "", section, title, summary)
        if lfields.ok:
            layers.append(layer)
        else:
            fields.ok = False
    return tuple(layers)


def _matrix(fields: Fields, ids: tuple[str, ...], written: set[str], errors: Collector) -> tuple[tuple, str]:
    """The columns and the status year; a column naming a layer that is itself wrong (in `written`, not in
    `ids`) follows from that layer's error and is not reported again."""
    fields.no_unknown(("columns", "first", "status_year"))
    columns: list[Column] = []
    for item in fields.records("columns", required=True):
        cfields = Fields(item, errors, "site matrix column")
        cfields.no_unknown(COLUMN_FIELDS)
        layer = cfields.ident("layer")
        cfields.known("layer", layer, ids, "layer", "name a layer declared under 'layers'",
                      reported=layer not in ids and (layer in written or not ids))  # that layer's error, or the list's
        kind, year = cfields.choice("kind", KINDS), cfields.text("year", pattern=YEAR, hint="a year: YYYY")
        column = Column(f"{layer}-{kind}-{year}", layer or "", kind or "", year or "",
                        bool(cfields.flag("other_years", required=False)), cfields.localized("heading"))
        if cfields.ok and column.key in (c.key for c in columns):
            cfields.fail(None, f"the column of layer '{layer}', {kind} {year} is declared twice",
                         "each layer, kind and year has one column")
        if cfields.ok:
            columns.append(column)
        else:
            fields.ok = False
    status_year = fields.text("status_year", pattern=YEAR, hint="the year a status compares: YYYY") or ""
    for kind in KINDS:
        if status_year and not any(c.kind == kind and c.year == status_year for c in columns) and fields.ok:
            fields.fail("status_year", f"no {kind} column for the status year {quote(status_year)}",
                        f"add a column with 'kind: {kind}' and 'year: {status_year}'")
    return tuple(columns), status_year


def _first(fields: Fields, errors: Collector) -> tuple[tuple[str, ...], object]:
    """The anchors whose values come first in a cell and put their indicator in the default matrix (a
    plan's own indicator tables), and what they are in words."""
    record = fields.mapping("first")
    if record is None:
        return (), None
    ffields = Fields(record, errors, "site matrix first")
    ffields.no_unknown(("anchors", "name"))
    anchors = tuple(ffields.items("anchors", required=True))
    if not all(isinstance(prefix, str) and prefix for prefix in anchors):
        ffields.fail("anchors", "'anchors' lists the start of anchors as text, e.g. [annex-1, annex-]")
    name = ffields.localized("name")
    fields.ok = fields.ok and ffields.ok
    return anchors, name
