"""The validated Site -> the list of pages to render, in both languages; pure."""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import assessments, chains, charts, compare, figuretext, glossary, pairs, references
from .footnotes import note_marks
from .model import CONFLICT_KINDS, LANGS, Site
from .routing import url_for
from .typography import without_chinese_glosses


@dataclass(frozen=True)
class Page:
    """One page to render. Its context is made from the site view the rendering hands it (see
    siteview.SiteView): everything a page shows is read through that view, which notes what it read."""

    kind: str
    key: str
    lang: str
    template: str
    origin: Path
    make_context: Callable[[object], dict] = field(default=lambda site: {}, compare=False)

    @functools.cached_property  # a page is kept between builds while what makes it is the same (assemble)
    def url(self) -> str:
        return url_for(self.kind, self.lang, self.key)

    def context(self, site) -> dict:
        """What the template gets, from `site` (the view); computed only when the page is rendered."""
        return self.make_context(site)


CHART_WORDS = {
    "zh": ("{name}：各文件数值", "{period}年{kind}（{document}）：{text}", {"target": "目标", "outcome": "完成"}, "；"),
    "en": ("{name}: values by year", "{period} {kind} ({document}): {text}", {"target": "target", "outcome": "outcome"},
           "; "),
}


CHART_FONTS = {"zh": "Noto Sans CJK SC, Noto Sans S Chinese, DejaVu Sans, sans-serif",
               "en": "DejaVu Sans, Noto Sans CJK SC, Noto Sans S Chinese, sans-serif"}


def _chart(site: Site, indicator, values, lang: str, size: charts.Size = charts.FULL) -> dict | None:
    """The indicator's numeric values as an inline SVG with a title and a text description, and the layers
    and kinds its legend names; None when no value is a figure."""
    title, item, kinds, joiner = CHART_WORDS[lang]
    documents = {v.document: site.document(v.document) for v in values}  # not every document: a page has many charts
    # A figure a document states twice (annex table and text) is one point; two documents, two points.
    once = list({(v.document, v.kind, v.period, v.number, v.comparator): v for v in values[::-1]}.values())[::-1]
    layers = {layer.id: layer for layer in site.model.layers}
    points = [{"period": v.period, "number": v.number, "kind": v.kind, "layer": layers[documents[v.document].layer],
               "label": item.format(period=v.period, kind=kinds[v.kind], document=documents[v.document].kind[lang],
                                    text=figuretext.shown(v, indicator.unit.zh, lang))}
              for v in once]
    # A total over several years gets no place on an axis of single years: it is said beside the chart.
    totals = [p["label"] for p, v in zip(points, once) if p["number"] is not None and assessments.is_total(v)]
    points = [p for p, v in zip(points, once) if not assessments.is_total(v)]
    numeric = [p for p in points if p["number"] is not None]
    if not numeric:
        return None
    description = joiner.join(p["label"] for p in numeric)
    prefix = "chart" if size is charts.FULL else "spark"
    unit, factor = figuretext.axis_unit(indicator.unit.zh, indicator.unit.en, [p["number"] for p in numeric], lang)
    points = [{**p, "number": None if p["number"] is None else p["number"] * factor} for p in points]
    svg = charts.value_chart(f"{prefix}-{indicator.id}", title.format(name=indicator.name[lang]), description,
                             points, unit, size)
    # An SVG's text does not inherit the page's fonts in WeasyPrint: without a family it falls back to
    # whatever face fontconfig finds first for a Chinese unit (Noto Sans CJK JP), so name the language's.
    svg = svg.replace(' role="img"', f' font-family="{CHART_FONTS[lang]}" role="img"', 1)
    return {"svg": svg, "layers": [layer for layer in site.model.layers if any(p["layer"] is layer for p in numeric)],
            "kinds": [kind for kind in ("target", "outcome") if any(p["kind"] == kind for p in numeric)],
            "totals": totals, "unit": unit}  # the axis's unit, which the card's unit line repeats


def _full_chart(site, indicator_id: str, lang: str) -> dict | None:
    """An indicator page's chart, which the print edition shows too: made once (see SiteView.shared) from the
    same reads (the indicator, its values, the documents they come from, the layers)."""
    return site.shared(f"chart {indicator_id} {lang}", lambda view: _chart(
        view, view.indicator(indicator_id), _values(view).get(indicator_id, []), lang))


def _related_terms(site: Site, indicator, values) -> list:
    """Glossary terms named in the indicator's name or in the quotes its values come from."""
    text = indicator.name.zh + " ".join(v.source.quote for v in values)
    named = site.shared("terms by their Chinese", lambda view: [(t.term.zh, t) for t in view.terms])
    return [term for chinese, term in named if chinese in text]


def values_by_indicator(site) -> dict[str, list]:
    by_indicator: dict[str, list] = {}
    for value in site.values:
        by_indicator.setdefault(value.indicator, []).append(value)
    return by_indicator


# What many pages share, made once per build from the site view (see SiteView.shared)
def _groups(site):
    return site.shared("matrix", compare.matrix)


def _chains(site):
    return site.shared("chains", chains.Chains)


def _values(site) -> dict[str, list]:
    return site.shared("values by indicator", values_by_indicator)


def _assessments(site) -> list:
    return site.shared("assessments", assessments.assessments)


def _assessed(site) -> dict[str, list]:
    """The assessments by indicator (in their order): each indicator page lists its own."""
    def group(view) -> dict[str, list]:
        by_indicator: dict[str, list] = {}
        for assessment in _assessments(view):
            by_indicator.setdefault(assessment.goal.indicator, []).append(assessment)
        return by_indicator

    return site.shared("assessments by indicator", group)


def _progress_context(site) -> dict:
    """Every assessment, by indicator and by layer, and the scorecard: how many per status and layer."""
    found = _assessments(site)
    return {"scorecard": assessments.scorecard(site, found), "assessed": _assessed(site),
            "assessment_statuses": assessments.STATUSES, "final_year": assessments.first_horizon(site, found)}


def assemble(site: Site, content: Path) -> list[Page]:
    """Every page of the site, each language in turn, in a stable order; each context is made at
    rendering from the view of the site it is handed (`s` below), never from `site` itself. The pages
    are those of the last build while what they are made of (ids, origins, chain roots) is the same."""
    roots = chains.Chains(site).roots()
    return list(_assembled(content, *(tuple((item.id, item.src.path) for item in items)
                                      for items in (site.documents, site.indicators, site.themes, roots))))


@functools.lru_cache(maxsize=2)  # the last build's pages, and the one before (a failed build's)
def _assembled(content: Path, documents: tuple, indicators: tuple, themes: tuple, roots: tuple) -> tuple[Page, ...]:
    """The pages of records given as (id, source path)."""
    pages: list[Page] = []
    for lang in LANGS:
        def add(kind, template, key="", origin=content, context=lambda s: {}):
            pages.append(Page(kind, key, lang, template, origin, context))

        add("home", "home.html", context=lambda s, l=lang: {"standings": [
            (standing, _chart(s, standing.row.indicator, _values(s)[standing.row.indicator.id], l, charts.SMALL))
            for standing in compare.standings(s, _groups(s))], **_progress_context(s)})
        add("documents", "documents.html")
        for document_id, path in documents:
            add("document", "document.html", document_id, path.parent,
                context=lambda s, i=document_id, l=lang: {"document": s.document(i), "body": s.document(i).bodies[l],
                                                          "state": s.state(i)})
            add("parallel", "parallel.html", document_id, path.parent,
                context=lambda s, i=document_id, l=lang: _parallel_context(s.document(i), s.state(i), l))
        for kind, everything in (("indicators", False), ("indicators-all", True)):
            add(kind, "indicators.html", context=lambda s, e=everything: _matrix_context(s.model, _groups(s), e))
        for indicator_id, path in indicators:
            add("indicator", "indicator.html", indicator_id, path,
                context=lambda s, i=indicator_id, l=lang: {
                    **_indicator_context(s, s.indicator(i), _values(s).get(i, []), l),
                    "goals": _chains(s).about(_concerning(s, "goals").get(i, ())), "chains": _chains(s),
                    "assessments": _assessed(s).get(i, []),
                    "latest": compare.latest_outcome(s.model, _values(s).get(i, []))})
        add("themes", "themes.html")
        for theme_id, path in themes:
            add("theme", "theme.html", theme_id, path,
                context=lambda s, i=theme_id: {"theme": next(t for t in s.themes if t.id == i), "chains": _chains(s),
                                               "goals": _chains(s).about(g for g in s.goals if i in g.themes)})
        add("goals", "goals.html", context=lambda s: {"chains": _chains(s)})
        for root_id, path in roots:
            add("goal", "goal.html", root_id, path,
                context=lambda s, i=root_id: {"chain": _chains(s).step(s.goal(i)), "chains": _chains(s)})
        add("glossary", "glossary.html", context=lambda s, l=lang: {"index": glossary.index_groups(s.terms, l)})
        add("conflicts", "conflicts.html",
            context=lambda s, l=lang: {"kinds": conflicts_by_kind(s, l), "agreements": agreements(s, l)})
        add("progress", "progress.html", context=_progress_context)
        add("print", "book.html",
            context=lambda s, l=lang: {"kinds": conflicts_by_kind(s, l), "chains": _chains(s),
                                       "goal_steps": [_chains(s).step(r) for r in _chains(s).roots()],
                                       **_book_context(s, _values(s), _groups(s), l),
                                       **_progress_context(s),
                                       **_matrix_context(s.model, _groups(s), False)})
        add("data", "data.html", context=lambda s: {"groups": indicators_by_category(s), "counts": {
            i.id: len(_values(s).get(i.id, [])) for i in s.indicators}})
        add("translation", "translation.html", context=lambda s: {"states": s.states})
        # what changed since the latest edition is a difference over every record, texts included: read them all
        add("changes", "changes.html", context=lambda s: {"records": (
            [d.bodies for d in s.documents], s.indicators, s.values, s.goals, s.conflicts, s.terms, s.themes)})
        add("search", "search.html")
        add("not-found", "404.html")
    return tuple(pages)


def _matrix_context(model, groups, everything: bool) -> dict:
    """The default matrix (indicators the annexes track or two layers state) or all of them."""
    shown = groups if everything else compare.focused(groups)
    return {"groups": shown, "everything": everything, "columns": compare.used_columns(model, shown),
            "total": sum(len(rows) for _, rows in groups)}


def _parallel_context(document, state, lang: str) -> dict:
    """The side-by-side page: the pairs of blocks and the translator's notes, each column made (pairs.py)."""
    notes = _note_marks(document.bodies["en"])
    return {"document": document, "state": state, "pairs": pairs.pairs(document, state, notes, lang),
            "translators_notes": pairs.translators_notes(document, notes, lang)}


def _indicator_context(site: Site, indicator, values, lang: str) -> dict:
    return {"indicator": indicator, "values": values, "chart": _full_chart(site, indicator.id, lang),
            "category": next(c for c in site.categories if c.id == indicator.category),  # validated: it is one
            "agreeing": [v for v in values if v.consistent],
            "conflicts": _concerning(site, "conflicts").get(indicator.id, []),
            "themes": _concerning(site, "themes").get(indicator.id, []),
            "terms": _related_terms(site, indicator, values),
            "changed_in_documents": {other: _changed_in(site, indicator.id, other)
                           for other in (indicator.predecessor, indicator.successor) if other}}


def _concerning(site, collection: str) -> dict[str, list]:
    """The records of a collection (conflicts, themes, goals) that concern each indicator, in the collection's
    order: made once (see SiteView.shared) from what each indicator page would read to look through them
    itself, the whole collection."""
    def index(view) -> dict[str, list]:
        by_indicator: dict[str, list] = {}
        for record in getattr(view, collection):
            for indicator_id in dict.fromkeys(record.indicators):
                by_indicator.setdefault(indicator_id, []).append(record)
        return by_indicator

    return site.shared(f"{collection} by indicator", index)


def _changed_in(site: Site, one: str, other: str):
    """The document where one indicator took another's place: the latest that states both (an annual plan's
    annex reporting last year by the old indicator and setting next year's by the new one), or None."""
    stating = {}
    for value in site.values:
        stating.setdefault(value.indicator, set()).add(value.document)
    both = stating.get(one, set()) & stating.get(other, set())
    return max((site.document(d) for d in both), key=lambda d: d.order, default=None)


def _book_context(site: Site, values_by_indicator: dict, groups, lang: str) -> dict:
    """The print edition: the matrix, the indicators by category (with their charts) and readers'
    references ('(IV) ¶4') for every anchored block of every document."""
    by_category = []
    for category in site.categories:
        items = [(i, values_by_indicator.get(i.id, []), _full_chart(site, i.id, lang))
                 for i in site.indicators if i.category == category.id]
        if items:
            by_category.append((category, items))
    labels = {d.id: references.block_labels(d.bodies[lang], lang) for d in site.documents}
    return {"groups": groups, "categories": by_category, "references": labels}


def indicators_by_category(site: Site) -> list[tuple]:
    """(category, its indicators, in content order) for every category that has any."""
    groups = [(c, [i for i in site.indicators if i.category == c.id]) for c in site.categories]
    return [(category, indicators) for category, indicators in groups if indicators]


def conflicts_by_kind(site: Site, lang: str) -> list[tuple[str, list[dict]]]:
    """The conflicts grouped by kind (in CONFLICT_KINDS order), each with its sides in document order."""
    grouped, by_id = [], {}
    for kind in CONFLICT_KINDS:
        entries = [{"conflict": c, "sides": conflict_sides(site, c, lang, by_id),
                    "indicators": [site.indicator(i) for i in c.indicators]}
                   for c in site.conflicts if c.kind == kind]
        if entries:
            grouped.append((kind, entries))
    return grouped


def agreements(site: Site, lang: str) -> list[dict]:
    """Values with a consistency note (figures the disagreement rule sets apart that agree), each with the
    values it names as sides, in content order."""
    by_id: dict = {}
    return [{"value": v, "indicator": site.indicator(v.indicator), "note": v.consistent.note,
             "sides": value_sides(site, (v.id,) + v.consistent.others, (), lang, by_id)}
            for v in site.values if v.consistent]


def conflict_sides(site: Site, conflict, lang: str, by_id: dict | None = None) -> list[dict]:
    """Each side's document, wording and places (quote, anchor, where in words), in document order."""
    return value_sides(site, conflict.values, conflict.sides, lang, by_id)


def value_sides(site: Site, value_ids, statements, lang: str, by_id: dict | None = None) -> list[dict]:
    """Sides from value ids and statements (model.Side), in document order. `by_id`, a dict kept by the caller
    for all its calls, gets the values and documents by id on the first (the same reads as each call's).

    A figure a document states twice (in an annex table and in its text) is one side with two places."""
    by_id = {} if by_id is None else by_id
    if not by_id:
        by_id.update(values={v.id: v for v in site.values}, documents={d.id: d for d in site.documents})
    values, documents = by_id["values"], by_id["documents"]
    sides: list[dict] = []
    by_figure: dict[tuple, dict] = {}
    for value in (values[v] for v in value_ids):
        place = {"anchor": value.source.anchor, "quote": value.source.quote}
        key = (value.document, value.period, value.kind, value.number, value.comparator)
        if value.number is not None and key in by_figure:
            by_figure[key]["places"].append(place)
            continue
        side = {"document": documents[value.document], "text": value.text, "value": value, "places": [place]}
        by_figure[key] = side
        sides.append(side)
    sides += [{"document": documents[s.document], "text": s.text, "value": None,
               "places": [{"anchor": s.anchor, "quote": s.quote}]} for s in statements]
    sides.sort(key=lambda side: side["document"].order)
    for side in sides:
        for place in side["places"]:
            place["where"] = paragraph_words(side["document"], place["anchor"], lang)
    return sides


PARAGRAPH_WORDS = {
    "zh": {"section": "“{heading}”", "paragraph": "第{n}段", "item": "第{n}项", "row": "第{n}行",
           "heading": "小标题“{heading}”", "footnote": "注{n}", "join": "", "start": "开头"},
    "en": {"section": "section “{heading}”", "paragraph": "paragraph {n}", "item": "item {n}", "row": "row {n}",
           "heading": "heading “{heading}”", "footnote": "note {n}", "join": ", ", "start": "opening"},
}


def _note_marks(body) -> dict[str, str]:
    """Each footnote label of a body with the mark its readers see (17 -> "18", tn-1 -> "a")."""
    return note_marks(b.anchor.removeprefix("fn-") for b in body.blocks if b.kind == "footnote")


def paragraph_words(document, anchor: str, lang: str) -> str:
    """Where a paragraph is, in words a reader of paper can follow: its section heading and its place."""
    words = PARAGRAPH_WORDS[lang]
    heading, counts = None, {}  # the last heading block: put in words only when it is the one named
    for block in document.bodies[lang].blocks:
        if block.kind == "heading":
            heading, counts = block, {}
            if block.anchor == anchor:
                return words["heading"].format(heading=_heading_words(block.text, lang))
            continue
        if block.kind == "footnote":
            if block.anchor == anchor:
                return words["footnote"].format(n=_note_marks(document.bodies[lang])[anchor.removeprefix("fn-")])
            continue
        counts[block.kind] = counts.get(block.kind, 0) + 1
        if block.anchor == anchor:
            place = words.get(block.kind, words["paragraph"]).format(n=counts[block.kind])
            heading = _heading_words(heading.text, lang) if heading else ""
            section = words["section"].format(heading=heading) if heading else words["start"]
            return section + words["join"] + place
    return anchor


def _heading_words(text: str, lang: str) -> str:
    """A heading as plain words; in English, the Chinese glosses (七新) are dropped."""
    if lang == "en":
        text = re.sub(r"[\u3400-\u9fff]+", "", without_chinese_glosses(text))
    return re.sub(r"\s+", " ", text).strip()
