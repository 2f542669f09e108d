"""Goals and conflicts: what the comparison of the layers rests on. A goal quotes its paragraph, states
only the quote's figures, carries them into English with the glossary's renderings and takes up a goal
of an earlier layer; a conflict sets two or more values or quoted statements side by side."""
from __future__ import annotations

import re

from .crossrefs import Declared, check_quote, require, source_of
from .errors import Collector
from .fields import Fields, describe
from .numbers import missing_numbers
from .loading import Record
from .model import CONFLICT_KINDS, Conflict, Goal, Localized, Model, Side, Source
from .translation import Glossary, squeeze

GOAL_FIELDS = ("id", "document", "source", "horizon", "text", "indicators", "themes", "parent")
CONFLICT_FIELDS = ("id", "kind", "comparable", "title", "indicator", "values", "sides", "note")


def cited_text(docs, document, anchor) -> str | None:
    """The zh text of the paragraph a record cites by raw `document` and `anchor` values (read as Fields.text
    reads them), None when there is none: what check_quote and check_source read of the documents."""
    document, anchor = (str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
                        for v in (document, anchor))
    found = docs.get(document) if isinstance(document, str) else None
    block = found.bodies["zh"].block(anchor) if found is not None and isinstance(anchor, str) else None
    return None if block is None else block.text


def goal_reads(record: Record, docs) -> str | None:
    """What goal() reads of the documents: the text of the paragraph its source cites."""
    source = record.get("source")
    return cited_text(docs, record.get("document"), source.get("anchor") if isinstance(source, Record) else None)


def side_reads(record: Record, key: str, docs) -> tuple:
    """What conflict() (its `sides`) and a theme (its `sections`) read of the documents: each cited paragraph's text."""
    items = record.get(key)
    return tuple(cited_text(docs, i.get("document"), i.get("anchor")) if isinstance(i, Record) else None
                 for i in items) if isinstance(items, list) else ()


def conflict(record: Record, docs, inds, values, declared: Declared, errors: Collector) -> Conflict | None:
    fields = Fields(record, errors, describe("conflict", record))
    fields.no_unknown(CONFLICT_FIELDS)
    conflict_id, indicator = fields.ident("id"), fields.ident("indicator", required=False)
    kind = fields.choice("kind", CONFLICT_KINDS)
    comparable = fields.flag("comparable")
    title = fields.localized("title")
    if indicator:
        require(fields, "indicator", "indicator", indicator, inds, declared)
    members = fields.idents("values")
    for member in members:
        require(fields, "values", "value", member, values, declared)
    raw_sides = fields.records("sides")
    sides = [s for s in (_side(item, fields, docs, declared, errors) for item in raw_sides) if s]
    if fields.ok and len(members) + len(raw_sides) < 2:
        fields.fail(None, "a conflict needs at least two values or sides",
                    "list value ids under 'values' and statements under 'sides'")
    note = fields.localized("note")
    if not fields.ok:
        return None
    concerned = [indicator] if indicator else []
    concerned += [values[m].indicator for m in members if values[m].indicator not in concerned]
    return Conflict(conflict_id, kind, comparable, title, indicator, tuple(members), tuple(sides), note,
                    tuple(dict.fromkeys(concerned)), record.ref())


def _side(item, fields: Fields, docs, declared, errors: Collector) -> Side | None:
    """One statement of a conflict: {document, anchor, quote, text {zh, en}}, its quote found verbatim."""
    if not isinstance(item, Record):
        fields.fail("sides", "each side is a mapping {document, anchor, quote, text}")
        return None
    sfields = Fields(item, errors, fields.what)
    sfields.no_unknown(("document", "anchor", "quote", "text"))
    document_id, anchor, quote = sfields.ident("document"), sfields.text("anchor"), sfields.text("quote")
    text = sfields.localized("text")
    known = document_id is not None and require(sfields, "document", "document", document_id, docs, declared,
                                                 f"one of: {', '.join(sorted(docs))}" if docs else None)
    if known and anchor and quote:
        sfields.ok = check_quote(item, fields.what, docs[document_id], anchor, quote, errors) and sfields.ok
    fields.ok = fields.ok and sfields.ok
    return Side(document_id, anchor, quote, text) if sfields.ok else None


def goal(record: Record, order: int, docs, inds, themes: set[str], declared: Declared, glossary: Glossary,
          errors: Collector) -> Goal | None:
    fields = Fields(record, errors, describe("goal", record))
    fields.no_unknown(GOAL_FIELDS)
    goal_id, document_id = fields.ident("id"), fields.ident("document")
    document = docs.get(document_id) if document_id else None
    if document_id:
        require(fields, "document", "document", document_id, docs, declared,
                 f"one of: {', '.join(sorted(docs))}" if docs else None)
    source = source_of(fields, document)
    horizon = fields.number("horizon", required=True)
    if horizon is not None and not (horizon == int(horizon) and 2000 < horizon < 2100):
        fields.fail("horizon", f"horizon {horizon} is not a year", "the year the goal is set for: YYYY")
    text = fields.localized("text")
    if text and source:
        _check_goal_text(fields, text, source, glossary)
    indicators = tuple(fields.idents("indicators"))
    for indicator in indicators:
        require(fields, "indicators", "indicator", indicator, inds, declared, "define it under content/indicators/")
    goal_themes = tuple(fields.idents("themes"))
    for theme in goal_themes:
        require(fields, "themes", "theme", theme, themes, declared, "themes are listed in content/themes.yaml")
    parent = fields.ident("parent", required=False)
    if not fields.ok or source is None:
        return None
    return Goal(goal_id, document_id, source, int(horizon), text, indicators, goal_themes, parent, order,
                record.ref())


def _check_goal_text(fields: Fields, text: Localized, source: Source, glossary: Glossary) -> None:
    """A goal's figures are the quote's; its English carries every one of them and the glossary's renderings."""
    quoted = squeeze(source.quote)
    for number in re.findall(r"\d+(?:\.\d+)?", text.zh):
        if number not in quoted:
            fields.fail("text", f"figure {number} of 'text.zh' is not in its quote",
                        "a goal states only figures its quote states")
    missing = missing_numbers(text.zh, text.en)
    if missing:
        fields.fail("text", f"'text.en' lacks numbers of 'text.zh': {', '.join(missing)}",
                    "carry every figure over (magnitudes may be converted: 2000亿 -> 200 billion)")
    for term in glossary.untranslated(text.zh, text.en):
        fields.fail("text", f"'text.en' translates glossary term {term.term.zh} without its English "
                    f"'{term.term.en}'", "use the glossary's rendering")


def check_parents(goals: list[Goal], docs, model: Model | None, refs: dict, errors: Collector) -> None:
    """A parent is a known goal of an earlier or the same layer (in site.yaml's order of layers; not checked
    when site.yaml failed: `model` None), and following parents never comes back to where it started.
    `refs`: where each goal id's parent is written."""
    by_id = {g.id: g for g in goals}
    rank = {d.id: model.rank(d.layer) if model else 0 for d in docs.values()}
    for goal in goals:
        if goal.parent is None:
            continue
        parent = by_id.get(goal.parent)
        if parent is None:
            if goal.parent not in refs:
                errors.add(refs[goal.id], f"goal '{goal.id}': unknown parent '{goal.parent}'",
                           "a parent is the id of the earlier-layer goal this one takes up")
            continue
        if rank[parent.document] > rank[goal.document]:
            errors.add(refs[goal.id], f"goal '{goal.id}': parent '{parent.id}' is in a later layer "
                       f"({docs[parent.document].layer} after {docs[goal.document].layer})",
                       f"layers run {' -> '.join(model.ids)}; the parent is the earlier goal")
        seen, step = {goal.id}, parent
        while step is not None and step.parent is not None:
            if step.parent in seen:
                errors.add(refs[goal.id], f"goal '{goal.id}': its parents form a cycle back to '{step.parent}'",
                           "a chain runs from an earlier goal to later ones, never back")
                break
            seen.add(step.id)
            step = by_id.get(step.parent)
