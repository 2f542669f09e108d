"""The validated Site -> the list of pages to render, in both languages; pure."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import compare
from .model import LANGS, Site
from .routing import url_for


@dataclass(frozen=True)
class Page:
    kind: str
    key: str
    lang: str
    template: str
    origin: Path
    context: dict = field(default_factory=dict, compare=False)
    depends: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return url_for(self.kind, self.lang, self.key)


def assemble(site: Site, content: Path) -> list[Page]:
    """Every page of the site, each language in turn, in a stable order."""
    groups = compare.matrix(site)
    values_by_indicator: dict[str, list] = {}
    for value in site.values:
        values_by_indicator.setdefault(value.indicator, []).append(value)
    pages: list[Page] = []
    for lang in LANGS:
        def add(kind, template, key="", origin=content, depends=(), **context):
            pages.append(Page(kind, key, lang, template, origin, context, depends))

        add("home", "home.html", groups=groups)
        add("documents", "documents.html")
        for document in site.documents:
            add("document", "document.html", document.id, document.src.path.parent,
                depends=(f"document:{document.id}",), document=document, body=document.bodies[lang],
                values=[v for v in site.values if v.document == document.id])
        add("indicators", "indicators.html", groups=groups)
        for indicator in site.indicators:
            add("indicator", "indicator.html", indicator.id, indicator.src.path, indicator=indicator,
                values=values_by_indicator.get(indicator.id, []),
                conflicts=[c for c in site.conflicts if c.indicator == indicator.id])
        add("themes", "themes.html")
        for theme in site.themes:
            add("theme", "theme.html", theme.id, theme.src.path, theme=theme)
        add("glossary", "glossary.html")
        add("data", "data.html")
        add("not-found", "404.html")
    return pages
