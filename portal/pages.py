"""The validated Site -> the list of pages to render, in both languages; pure."""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import chains, charts, compare, glossary, references
from .model import CONFLICT_KINDS, LANGS, Site, TranslationState
from .routing import url_for
from .typography import without_chinese_glosses


# Inputs a page depends on besides the global ones (templates, static, catalogs, site.yaml), as path
# prefixes; the builder re-renders a page only when one of these files changed.
META = "content/documents/*/meta.yaml"
GLOSSARY = "content/glossary.yaml"
THEMES = "content/themes.yaml"
GOALS = "content/goals.yaml"
DATA = ("content/values/", "content/indicators/", "content/categories.yaml", "content/conflicts.yaml", META)


@dataclass(frozen=True)
class Page:
    kind: str
    key: str
    lang: str
    template: str
    origin: Path
    make_context: Callable[[], dict] = field(default=dict, compare=False)
    depends: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return url_for(self.kind, self.lang, self.key)

    @property
    def context(self) -> dict:
        """What the template gets; computed only when the page is rendered (charts are not free)."""
        return self.make_context()


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
    documents = {d.id: d for d in site.documents}
    # A figure a document states twice (annex table and text) is one point; two documents, two points.
    once = list({(v.document, v.kind, v.period, v.number, v.comparator): v for v in values[::-1]}.values())[::-1]
    points = [{"period": v.period, "number": v.number, "kind": v.kind, "layer": documents[v.document].layer,
               "label": item.format(period=v.period, kind=kinds[v.kind], document=documents[v.document].kind[lang],
                                    text=v.text[lang])}
              for v in once]
    numeric = [p for p in points if p["number"] is not None]
    if not numeric:
        return None
    description = joiner.join(p["label"] for p in numeric)
    prefix = "chart" if size is charts.FULL else "spark"
    svg = charts.value_chart(f"{prefix}-{indicator.id}", title.format(name=indicator.name[lang]), description,
                             points, indicator.unit[lang], size)
    # An SVG's text does not inherit the page's fonts in WeasyPrint: without a family it falls back to
    # whatever face fontconfig finds first for a Chinese unit (Noto Sans CJK JP), so name the language's.
    svg = svg.replace(' role="img"', f' font-family="{CHART_FONTS[lang]}" role="img"', 1)
    return {"svg": svg, "layers": [layer for layer in compare.LAYERS if any(p["layer"] == layer for p in numeric)],
            "kinds": [kind for kind in ("target", "outcome") if any(p["kind"] == kind for p in numeric)]}


def _related_terms(site: Site, indicator, values) -> list:
    """Glossary terms named in the indicator's name or in the quotes its values come from."""
    text = indicator.name.zh + " ".join(v.source.quote for v in values)
    return [t for t in site.terms if t.term.zh in text]


def assemble(site: Site, content: Path, translations: dict[str, TranslationState]) -> list[Page]:
    """Every page of the site, each language in turn, in a stable order (contexts computed lazily);
    `translations` is each document's translation state."""
    groups = functools.cache(lambda: compare.matrix(site))
    goal_chains = chains.Chains(site)
    values_by_indicator: dict[str, list] = {}
    for value in site.values:
        values_by_indicator.setdefault(value.indicator, []).append(value)
    pages: list[Page] = []
    for lang in LANGS:
        def add(kind, template, key="", origin=content, depends=(), context=dict):
            pages.append(Page(kind, key, lang, template, origin, context, depends))

        add("home", "home.html", depends=DATA, context=lambda l=lang: {"standings": [
            (standing, _chart(site, standing.row.indicator, values_by_indicator[standing.row.indicator.id], l,
                              charts.SMALL))
            for standing in compare.standings(site, groups())]})
        add("documents", "documents.html", depends=(META,))
        for document in site.documents:
            add("document", "document.html", document.id, document.src.path.parent,
                depends=(f"content/documents/{document.id}/", GLOSSARY),
                context=lambda d=document, l=lang: {"document": d, "body": d.bodies[l], "state": translations[d.id]})
            add("parallel", "parallel.html", document.id, document.src.path.parent,
                depends=(f"content/documents/{document.id}/", GLOSSARY),
                context=lambda d=document: {"document": d, "state": translations[d.id]})
        for kind, everything in (("indicators", False), ("indicators-all", True)):
            add(kind, "indicators.html", depends=DATA, context=lambda e=everything: _matrix_context(groups(), e))
        for indicator in site.indicators:
            add("indicator", "indicator.html", indicator.id, indicator.src.path,
                depends=DATA + (THEMES, GLOSSARY, GOALS),
                context=lambda i=indicator, l=lang: {
                    **_indicator_context(site, i, values_by_indicator.get(i.id, []), l),
                    "goals": goal_chains.about(g for g in site.goals if i.id in g.indicators), "chains": goal_chains})
        add("themes", "themes.html", depends=(THEMES,))
        for theme in site.themes:
            add("theme", "theme.html", theme.id, theme.src.path, depends=(THEMES, "content/documents/", GOALS, META),
                context=lambda t=theme: {"theme": t, "chains": goal_chains,
                                         "goals": goal_chains.about(g for g in site.goals if t.id in g.themes)})
        add("goals", "goals.html", depends=DATA + (GOALS,), context=lambda: {"chains": goal_chains})
        for root in goal_chains.roots():
            add("goal", "goal.html", root.id, root.src.path, depends=DATA + (GOALS,),
                context=lambda r=root: {"chain": goal_chains.step(r), "chains": goal_chains})
        add("glossary", "glossary.html", depends=(GLOSSARY, META),
            context=lambda l=lang: {"index": glossary.index_groups(site.terms, l)})
        add("conflicts", "conflicts.html", depends=DATA + ("content/documents/",),
            context=lambda l=lang: {"kinds": conflicts_by_kind(site, l)})
        add("print", "book.html", depends=DATA + ("content/documents/", GLOSSARY, THEMES, GOALS),
            context=lambda l=lang: {"kinds": conflicts_by_kind(site, l), "chains": goal_chains,
                                    "goal_steps": [goal_chains.step(r) for r in goal_chains.roots()],
                                    **_book_context(site, values_by_indicator, groups(), l),
                                    **_matrix_context(groups(), False)})
        add("data", "data.html", depends=DATA, context=lambda: {"groups": indicators_by_category(site), "counts": {
            i.id: len(values_by_indicator.get(i.id, [])) for i in site.indicators}})
        add("translation", "translation.html", depends=("content/documents/",),
            context=lambda: {"states": translations})
        add("search", "search.html")
        add("not-found", "404.html")
    return pages


def _matrix_context(groups, everything: bool) -> dict:
    """The default matrix (indicators the annexes track or two layers state) or all of them."""
    shown = groups if everything else compare.focused(groups)
    return {"groups": shown, "everything": everything, "columns": compare.used_columns(shown),
            "total": sum(len(rows) for _, rows in groups)}


def _indicator_context(site: Site, indicator, values, lang: str) -> dict:
    return {"indicator": indicator, "values": values, "chart": _chart(site, indicator, values, lang),
            "conflicts": [c for c in site.conflicts if indicator.id in c.indicators],
            "themes": [t for t in site.themes if indicator.id in t.indicators],
            "terms": _related_terms(site, indicator, values)}


def _book_context(site: Site, values_by_indicator: dict, groups, lang: str) -> dict:
    """The print edition: the matrix, the indicators by category (with their charts) and readers'
    references ('(IV) ¶4') for every anchored block of every document."""
    by_category = []
    for category in site.categories:
        items = [(i, values_by_indicator.get(i.id, []), _chart(site, i, values_by_indicator.get(i.id, []), lang))
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
    grouped = []
    for kind in CONFLICT_KINDS:
        entries = [{"conflict": c, "sides": conflict_sides(site, c, lang),
                    "indicators": [site.indicator(i) for i in c.indicators]}
                   for c in site.conflicts if c.kind == kind]
        if entries:
            grouped.append((kind, entries))
    return grouped


def conflict_sides(site: Site, conflict, lang: str) -> list[dict]:
    """Each side's document, wording and places (quote, anchor, where in words), in document order.

    A figure a document states twice (in an annex table and in its text) is one side with two places."""
    values = {v.id: v for v in site.values}
    documents = {d.id: d for d in site.documents}
    sides: list[dict] = []
    by_figure: dict[tuple, dict] = {}
    for value in (values[v] for v in conflict.values):
        place = {"anchor": value.source.anchor, "quote": value.source.quote}
        key = (value.document, value.period, value.kind, value.number, value.comparator)
        if value.number is not None and key in by_figure:
            by_figure[key]["places"].append(place)
            continue
        side = {"document": documents[value.document], "text": value.text, "value": value, "places": [place]}
        by_figure[key] = side
        sides.append(side)
    sides += [{"document": documents[s.document], "text": s.text, "value": None,
               "places": [{"anchor": s.anchor, "quote": s.quote}]} for s in conflict.sides]
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


def paragraph_words(document, anchor: str, lang: str) -> str:
    """Where a paragraph is, in words a reader of paper can follow: its section heading and its place."""
    words = PARAGRAPH_WORDS[lang]
    heading, counts = None, {}
    for block in document.bodies[lang].blocks:
        if block.kind == "heading":
            heading, counts = _heading_words(block.text, lang), {}
            if block.anchor == anchor:
                return words["heading"].format(heading=heading)
            continue
        if block.kind == "footnote":
            if block.anchor == anchor:
                return words["footnote"].format(n=anchor.removeprefix("fn-"))
            continue
        counts[block.kind] = counts.get(block.kind, 0) + 1
        if block.anchor == anchor:
            place = words.get(block.kind, words["paragraph"]).format(n=counts[block.kind])
            section = words["section"].format(heading=heading) if heading else words["start"]
            return section + words["join"] + place
    return anchor


def _heading_words(text: str, lang: str) -> str:
    """A heading as plain words; in English, the Chinese glosses (七新) are dropped."""
    if lang == "en":
        text = re.sub(r"[\u3400-\u9fff]+", "", without_chinese_glosses(text))
    return re.sub(r"\s+", " ", text).strip()
