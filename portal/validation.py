"""Raw records -> the validated Site; every error of a run is collected, then raised once (references
between records are checked in crossrefs.py, goals and conflicts in goalchecks.py, values in
valuechecks.py)."""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from . import disagreements, goalchecks, sitemodel, valuechecks
from .checkmemo import CheckMemo, Checks
from .crossrefs import Declared, check_source, check_unique, declared_ids, require
from .documentfields import DATE, document_fields
from .errors import Collector, quote
from .fields import Fields, describe
from .loading import RawContent, Record
from .markup import Renderer, TermLinks
from .model import (ATTRIBUTES, LANGS, Body, Category, Document, Event, Indicator, Localized, Model, Site, Term, Theme,
                    ThemeSection)
from .translation import Glossary, bodies_errors, indicator_name_errors, translation_errors

INDICATOR_FIELDS = ("id", "category", "name", "unit", "attribute", "definition", "predecessor", "successor")


def validate(raw: RawContent, renderers: dict[str, Renderer], glossary_href: Callable[[str], str],
             term_title: dict[str, str], checks: Checks | None = None) -> Site:
    """Turn raw content into a Site, or raise ContentErrors with every problem found (a renderer may
    keep what it rendered, by the text it was given: see keptbodies.KeptBodies; `checks` keeps records'
    checks by what they read: see checkmemo.py)."""
    checks = checks or Checks()
    errors = Collector()
    errors.extend(raw.errors)
    title, tagline, site_record = _site(raw, errors)
    model = sitemodel.site_model(site_record, errors)
    layer_ids = model.ids if model is not None else None
    terms = glossary_terms(raw, errors, checks)
    links = term_links(terms, glossary_href, term_title, checks)

    def render(lang: str, source):
        if source.text == "" and source.error:  # unreadable (bad UTF-8, too large, …)
            return None, [source.error]
        return renderers[lang].render(source.text, source.shown, links[lang])

    documents = [d for d in (_document(meta, bodies, render, errors, layer_ids, checks.documents)
                             for meta, bodies in raw.documents) if d]
    glossary_digest = digest_of_terms(terms)
    for document in documents:  # kept by all that translation_errors reads (a body worker may have checked it)
        key = translation_key(document.src.path.parent, document.bodies["zh"], document.bodies["en"], glossary_digest)
        errors.extend(checks.kept(key, lambda: translation_errors(
            document, terms, lambda block, make: checks.block_problems(pair_key(block, glossary_digest), make))))
    categories, indicators = _indicators(raw, errors, checks)
    by_name = {i.name.zh: i for i in indicators}
    names = _digest(sorted((zh, i.name.en, i.id) for zh, i in by_name.items()))
    for document in documents:  # kept by the folder, both bodies and the indicators' names and ids
        key = ("indicator names", str(document.src.path.parent), document.bodies["zh"].digest,
               document.bodies["en"].digest, names)
        errors.extend(checks.kept(key, lambda: indicator_name_errors(
            document, by_name, lambda block, make: checks.block_problems((*block, names), make))))
    docs = {d.id: d for d in documents}
    inds = {i.id: i for i in indicators}
    declared = declared_ids(raw)
    phrases = sitemodel.phrases(site_record, errors)
    values = [v for v in (valuechecks.checked_value(record, docs, inds, declared, errors, checks.values, phrases)
                          for record in raw.values) if v]
    disagreements.check_notes(values, errors, declared)
    # goals, conflicts and themes kept per record by what each reads besides it: the cited paragraphs' texts,
    # the ids that exist (indicators, themes; values with their indicators), the glossary and its place
    by_value = {v.id: v for v in values}
    ids = {name: _digest(sorted(items)) for name, items in (("indicators", inds),
                                                             ("values", ((v.id, v.indicator) for v in values)))}
    conflicts = [c for c in (checks.conflicts(record, (goalchecks.side_reads(record, "sides", docs), ids["indicators"],
                                                       ids["values"]),
                                              lambda: goalchecks.conflict(record, docs, inds, by_value, declared, errors),
                                              errors) for record in raw.conflicts) if c]
    themes = [t for t in (checks.themes(record, (n, goalchecks.side_reads(record, "sections", docs), ids["indicators"]),
                                        lambda: _theme(record, n, docs, inds, declared, errors), errors)
                          for n, record in enumerate(raw.themes)) if t]
    theme_ids = {t.id for t in themes} | themes_declared(raw)
    ids["themes"] = _digest(sorted(theme_ids))
    glossary = checks.kept(("glossary", glossary_digest), lambda: Glossary(terms))  # its pattern, made once
    goals = [g for g in (checks.goals(record, (n, goalchecks.goal_reads(record, docs), ids["indicators"],
                                               ids["themes"], glossary_digest),
                                      lambda: goalchecks.goal(record, n, docs, inds, theme_ids, declared, glossary,
                                                              errors), errors)
                         for n, record in enumerate(raw.goals)) if g]
    goalchecks.check_parents(goals, docs, model, {str(r.get("id")): r.ref("parent") for r in raw.goals}, errors)
    for term in terms:
        check_source(term.src, f"term '{term.id}'", term.document, term.anchor, docs, errors, declared)
    _check_links(indicators, inds, errors)
    for kind, items in (("document", documents), ("indicator", indicators), ("value", values),
                        ("conflict", conflicts), ("term", terms), ("theme", themes), ("category", categories),
                        ("goal", goals)):
        check_unique(kind, items, errors)
    timeline, horizons = _overview(site_record, docs, errors, declared)
    complete = not (raw.failed or raw.failed_documents) and len(values) == len(raw.values) and \
        len(documents) == len(raw.documents)
    headline = _headline(site_record, docs, inds, values, errors, declared, complete)
    errors.raise_if_any()
    return Site(title, tagline, model or Model(), timeline, horizons,
                tuple(sorted(documents, key=lambda d: d.order)), tuple(categories),
                tuple(indicators), tuple(values), tuple(conflicts), tuple(terms), tuple(themes), tuple(goals),
                headline)


def digest_of_terms(terms: list[Term]) -> str:
    return hashlib.sha256("".join(term.digest for term in terms).encode()).hexdigest()


def translation_key(folder: Path, zh: Body, en: Body, glossary_digest: str) -> tuple:
    """What a document's translation check reads: its folder, both bodies and the glossary."""
    return ("translation", str(folder), zh.digest, en.digest, glossary_digest)


def pair_key(block: tuple, glossary_digest: str) -> tuple:
    """What one pair of blocks' check reads: the pair's own reads (translation.body_errors) and the glossary."""
    return (*block, glossary_digest)


def translation_checked(terms: list[Term], folder: Path, rendered: dict[str, tuple]) -> list[tuple[str, tuple, list]]:
    """The translation check of the document in `folder` where its bodies were rendered (`rendered`: each
    language's (body, problems); a body worker, see keptbodies.prefill), as validate() keeps it: ("translation",
    the document's key, its problems), then ("pair", key, problems) for each pair of blocks (an edit checks
    its own pair again); [] when a body is missing or has problems (the document is then not checked)."""
    (zh, zh_problems), (en, en_problems) = rendered.get("zh", (None, [])), rendered.get("en", (None, []))
    if zh is None or en is None or zh_problems or en_problems:
        return []
    glossary_digest, pairs = digest_of_terms(terms), []

    def kept(block: tuple, make) -> list:
        pairs.append(("pair", pair_key(block, glossary_digest), make()))
        return pairs[-1][2]

    problems = bodies_errors(folder, zh, en, terms, kept)
    return [("translation", translation_key(folder, zh, en, glossary_digest), problems), *pairs]


def themes_declared(raw: RawContent) -> set[str]:
    return {str(r.get("id")) for r in raw.themes}


def _digest(items) -> str:
    return hashlib.sha256(repr(list(items)).encode("utf-8")).hexdigest()


def glossary_terms(raw: RawContent, errors: Collector, checks: Checks | None = None) -> list[Term]:
    memo = (checks or Checks()).terms
    return [t for t in (memo(record, (), lambda: _term(record, errors), errors) for record in raw.terms) if t]


def term_links(terms: list[Term], glossary_href: Callable[[str], str], term_title: dict[str, str],
               checks: Checks | None = None) -> dict:
    """The glossary as linking patterns per language (documents link a term's first use per section), kept
    by the terms' digests, the glossary's addresses and its title."""
    key = ("term links", tuple(t.digest for t in terms), *((glossary_href(lang), term_title[lang]) for lang in LANGS))
    return (checks or Checks()).kept(key, lambda: {
        lang: TermLinks.build({t.term[lang]: t.id for t in terms}, glossary_href(lang), term_title[lang])
        for lang in LANGS})


def _site(raw: RawContent, errors: Collector) -> tuple[Localized, Localized, Record | None]:
    if raw.site is None:
        return Localized("", ""), Localized("", ""), None
    fields = Fields(raw.site, errors, "site")  # its unknown fields are reported with the model (sitemodel.py)
    return (fields.localized("title") or Localized("", ""), fields.localized("tagline") or Localized("", ""),
            raw.site)


def _overview(record: Record | None, docs, errors: Collector, declared: Declared) -> tuple[tuple, tuple]:
    """The home page's timeline and horizons from site.yaml."""
    if record is None:
        return (), ()
    fields = Fields(record, errors, "site")
    events = []
    for item in fields.records("timeline"):
        efields = Fields(item, errors, "timeline event")
        efields.no_unknown(("date", "label", "document", "anchor"))
        event = Event(efields.text("date", pattern=DATE) or "", efields.localized("label"),
                      efields.ident("document") or "", efields.text("anchor") or "")
        if efields.ok and check_source(item.ref("anchor"), "timeline event", event.document, event.anchor,
                                        docs, errors, declared):
            events.append(event)
    horizons = []
    for year in fields.items("horizons"):
        if isinstance(year, int) and not isinstance(year, bool) and 2000 < year < 2100:
            horizons.append(year)
        else:
            fields.fail("horizons", f"horizon {quote(year)} is not a year")
    return tuple(events), tuple(horizons)


def _headline(record: Record | None, docs, inds, values, errors: Collector, declared: Declared,
              complete: bool) -> tuple[str, ...]:
    """The home page's headline indicators: ids that resolve, each stated by two or more layers. An
    indicator that is itself invalid, or stated in values or documents that failed (`complete` false), is
    not reported again."""
    headline = record.get("headline") if record is not None else None
    if not isinstance(headline, Record):  # a wrong or missing headline is reported with the model (sitemodel.py)
        return ()
    fields = Fields(headline, errors, "site headline")
    layers: dict[str, set] = {}
    for value in values:
        layers.setdefault(value.indicator, set()).add(docs[value.document].layer)
    chosen = []
    for item in fields.idents("indicators"):
        if (item not in inds and declared.explains("indicator", item)) or \
                (item in inds and len(layers.get(item, ())) < 2 and not complete):
            errors.suppress()
        elif item not in inds:
            close = difflib.get_close_matches(item, list(inds), n=1)
            fields.fail("indicators", f"indicator '{item}' does not exist",
                        f"did you mean '{close[0]}'?" if close else "use an id from content/indicators/")
        elif len(layers.get(item, ())) < 2:
            fields.fail("indicators", f"indicator '{item}' is stated by "
                        f"{' and '.join(sorted(layers.get(item, ()))) or 'no document'} only",
                        "the panel compares layers: choose an indicator two or more layers state")
        else:
            chosen.append(item)
    return tuple(chosen)


def _document(meta: Record, bodies: dict, render, errors: Collector, layers: tuple[str, ...] | None,
              kept: CheckMemo) -> Document | None:
    """One document; its layer must be one site.yaml declares (`layers` None: site.yaml failed, and the
    layer is not checked again). Its fields' check is kept in `kept` by the record and the layers (see
    documentfields.documents_ahead)."""
    checked = kept(meta, layers, lambda: document_fields(meta, errors, layers), errors)
    if checked is None:  # a draft of build.py new-document: its other checks wait until it is filled
        return None
    document, ok = dataclasses.replace(checked[0], bodies={}), checked[1]
    faulty = False
    for lang in LANGS:
        if lang not in bodies:
            continue
        body, problems = render(lang, bodies[lang])  # an unreadable file's problem is its error
        errors.extend(problems)
        faulty = faulty or bool(problems)
        if body is not None:
            document.bodies[lang] = body
    # a body with errors leaves the document out: the zh/en comparison and the references into it would
    # repeat those errors (a lost anchor is not also "missing" in en.md and in every record citing it)
    if not ok or len(document.bodies) != 2 or faulty:
        return None
    return document


def _indicators(raw: RawContent, errors: Collector, checks: Checks) -> tuple[list[Category], list[Indicator]]:
    categories = []
    for order, record in enumerate(raw.categories):
        fields = Fields(record, errors, describe("category", record))
        fields.no_unknown(("id", "name"))
        category = Category(fields.ident("id") or "", fields.localized("name"), order, record.ref())
        if fields.ok:
            categories.append(category)
    known = {c.id for c in categories}
    known_or_lost = known if "categories" not in raw.failed else None
    # an invalid category's indicators, and all but the first indicator naming an unknown one, follow from
    # one mistake in categories.yaml: not reported again (a kept check found no problem: its category was
    # known, so what `explained` holds does not change it)
    against = frozenset(known_or_lost) if known_or_lost is not None else None
    explained = {str(r.get("id")) for r in raw.categories} - known
    indicators = []
    for order, record in enumerate(raw.indicators):
        indicator = checks.indicators(record, (order, against),
                                      lambda: _indicator(record, known_or_lost, explained, order, errors), errors)
        if indicator:
            indicators.append(indicator)
        explained.add(str(record.get("category")))
    return categories, indicators


def _indicator(record: Record, categories: set[str] | None, explained: set[str], order: int,
               errors: Collector) -> Indicator | None:
    """One indicator; `categories` is None when categories.yaml failed to load; naming a category in
    `explained` (invalid, or unknown and already reported) is not reported again."""
    fields = Fields(record, errors, describe("indicator", record))
    fields.no_unknown(INDICATOR_FIELDS)
    category = fields.ident("category")
    fields.known("category", category, categories or (), "category", "categories are listed in content/categories.yaml",
                 reported=categories is None or (category in explained and category not in categories))
    attribute = fields.choice("attribute", tuple(ATTRIBUTES), required=False)
    indicator = Indicator(
        id=fields.ident("id") or "", name=fields.localized("name"), unit=fields.localized("unit"),
        category=category, attribute=ATTRIBUTES.get(attribute) if attribute else None,
        definition=fields.localized("definition", required=False), predecessor=fields.ident("predecessor", False),
        successor=fields.ident("successor", False), order=order, src=record.ref())
    if indicator.name:
        _check_complete_name(fields, indicator.name)
    return indicator if fields.ok else None


# Words a name cannot end in: it was cut off ("… as a share of the city's"). Not "in", "on", "with":
# they end phrasal verbs ("firms brought in", "gangs dealt with").
_DANGLING_EN = re.compile(r"(?:\b(?:of|the|a|an|to|for|by|at|from|as|and|or|per|than|into)|['’]s|s['’])\W*$",
                          re.IGNORECASE)
_DANGLING_ZH = re.compile(r"[的占和及与或对按]$")


def _check_complete_name(fields: Fields, name: Localized) -> None:
    """An indicator's name must not end in a preposition, article, conjunction or possessive."""
    for lang, pattern in (("en", _DANGLING_EN), ("zh", _DANGLING_ZH)):
        text = name[lang].strip()
        if pattern.search(text):
            last = text.split()[-1] if lang == "en" else text[-1]
            fields.fail("name", f"name.{lang} '{text}' ends in '{last}': it looks cut off",
                        "complete the name, e.g. '… as a share of the city’s total'")


def _check_links(indicators: list[Indicator], by_id: dict[str, Indicator], errors: Collector) -> None:
    for indicator in indicators:
        for field, back in (("predecessor", "successor"), ("successor", "predecessor")):
            other_id = getattr(indicator, field)
            if other_id is None:
                continue
            other = by_id.get(other_id)
            if other is None:
                errors.add(indicator.src, f"indicator '{indicator.id}': unknown {field} '{other_id}'")
            elif getattr(other, back) != indicator.id:
                errors.add(indicator.src, f"indicator '{indicator.id}': {field} '{other_id}' does not name it "
                           f"as its {back}", f"add '{back}: {indicator.id}' to '{other_id}'")


def _term(record: Record, errors: Collector) -> Term | None:
    fields = Fields(record, errors, describe("term", record))
    fields.no_unknown(("id", "term", "definition", "source"))
    term_id, term, definition = fields.ident("id"), fields.localized("term"), fields.localized("definition")
    source = fields.mapping("source")
    document = anchor = None
    if source is not None:
        sfields = Fields(source, errors, fields.what)
        sfields.no_unknown(("document", "anchor"))
        document, anchor = sfields.ident("document"), sfields.text("anchor")
        fields.ok = fields.ok and sfields.ok
    if not fields.ok:
        return None
    return Term(term_id, term, definition, document, anchor, source.ref())


def _theme(record: Record, order: int, docs, inds, declared, errors: Collector) -> Theme | None:
    fields = Fields(record, errors, describe("theme", record))
    fields.no_unknown(("id", "name", "summary", "sections", "indicators"))
    theme_id, name, summary = fields.ident("id"), fields.localized("name"), fields.localized("summary")
    sections = []
    for item in fields.records("sections", required=True):
        sfields = Fields(item, errors, fields.what)
        sfields.no_unknown(("document", "anchor"))
        document, anchor = sfields.ident("document"), sfields.text("anchor")
        if document and anchor and check_source(item.ref("anchor"), fields.what, document, anchor, docs, errors,
                                                 declared):
            sections.append(ThemeSection(document, anchor))
        else:
            fields.ok = False
    indicators = fields.idents("indicators")
    for indicator in indicators:
        require(fields, "indicators", "indicator", indicator, inds, declared)
    if not fields.ok:
        return None
    return Theme(theme_id, name, summary, tuple(sections), tuple(indicators), order, record.ref())


