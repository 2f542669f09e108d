"""The validated Site -> the list of pages to render, in both languages; pure."""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import charts, compare
from .model import LANGS, Site
from .routing import url_for


# Inputs a page depends on besides the global ones (templates, static, catalogs, site.yaml), as path
# prefixes; the builder re-renders a page only when one of these files changed.
META = "content/documents/*/meta.yaml"
GLOSSARY = "content/glossary.yaml"
THEMES = "content/themes.yaml"
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


def _chart(documents: dict, indicator, values, lang: str) -> str:
    """The indicator's numeric values as an inline SVG with a title and a text description."""
    title, item, kinds, joiner = CHART_WORDS[lang]
    points = [{"period": v.period, "number": v.number, "kind": v.kind, "layer": documents[v.document].layer,
               "label": item.format(period=v.period, kind=kinds[v.kind], document=documents[v.document].kind[lang],
                                    text=v.text[lang])}
              for v in values]
    numeric = [p for p in points if p["number"] is not None]
    description = joiner.join(p["label"] for p in numeric)
    return charts.value_chart(f"chart-{indicator.id}", title.format(name=indicator.name[lang]), description,
                              points, indicator.unit[lang])


def _related_terms(site: Site, indicator, values) -> list:
    """Glossary terms named in the indicator's name or in the quotes its values come from."""
    text = indicator.name.zh + " ".join(v.source.quote for v in values)
    return [t for t in site.terms if t.term.zh in text]


def assemble(site: Site, content: Path) -> list[Page]:
    """Every page of the site, each language in turn, in a stable order (contexts computed lazily)."""
    groups = functools.cache(lambda: compare.matrix(site))
    documents = {d.id: d for d in site.documents}  # once: a chart per indicator and language looks values' up
    values_by_indicator: dict[str, list] = {}
    for value in site.values:
        values_by_indicator.setdefault(value.indicator, []).append(value)
    pages: list[Page] = []
    for lang in LANGS:
        def add(kind, template, key="", origin=content, depends=(), context=dict):
            pages.append(Page(kind, key, lang, template, origin, context, depends))

        add("home", "home.html", depends=DATA, context=lambda: {"groups": groups()})
        add("documents", "documents.html", depends=(META,))
        for document in site.documents:
            add("document", "document.html", document.id, document.src.path.parent,
                depends=(f"content/documents/{document.id}/", GLOSSARY),
                context=lambda d=document, l=lang: {"document": d, "body": d.bodies[l]})
        add("indicators", "indicators.html", depends=DATA, context=lambda: {"groups": groups()})
        for indicator in site.indicators:
            add("indicator", "indicator.html", indicator.id, indicator.src.path, depends=DATA + (THEMES, GLOSSARY),
                context=lambda i=indicator, l=lang: _indicator_context(site, documents, i,
                                                                       values_by_indicator.get(i.id, []), l))
        add("themes", "themes.html", depends=(THEMES,))
        for theme in site.themes:
            add("theme", "theme.html", theme.id, theme.src.path, depends=(THEMES, "content/documents/"),
                context=lambda t=theme: {"theme": t})
        add("glossary", "glossary.html", depends=(GLOSSARY, META))
        add("print", "book.html", depends=DATA + ("content/documents/", GLOSSARY, THEMES),
            context=lambda l=lang: {"groups": groups(), "indicators": [
                (i, values_by_indicator.get(i.id, []), _chart(documents, i, values_by_indicator.get(i.id, []), l))
                for i in site.indicators]})
        add("data", "data.html", depends=(META,))
        add("search", "search.html")
        add("not-found", "404.html")
    return pages


def _indicator_context(site: Site, documents: dict, indicator, values, lang: str) -> dict:
    return {"indicator": indicator, "values": values, "chart": _chart(documents, indicator, values, lang),
            "conflicts": [c for c in site.conflicts if c.indicator == indicator.id],
            "themes": [t for t in site.themes if indicator.id in t.indicators],
            "terms": _related_terms(site, indicator, values)}
