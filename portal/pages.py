"""The validated Site -> the list of pages to render, in both languages; pure."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import compare
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

        add("home", "home.html", depends=DATA, groups=groups)
        add("documents", "documents.html", depends=(META,))
        for document in site.documents:
            add("document", "document.html", document.id, document.src.path.parent,
                depends=(f"content/documents/{document.id}/", GLOSSARY), document=document,
                body=document.bodies[lang])
        add("indicators", "indicators.html", depends=DATA, groups=groups)
        for indicator in site.indicators:
            add("indicator", "indicator.html", indicator.id, indicator.src.path, depends=DATA, indicator=indicator,
                values=values_by_indicator.get(indicator.id, []),
                conflicts=[c for c in site.conflicts if c.indicator == indicator.id])
        add("themes", "themes.html", depends=(THEMES,))
        for theme in site.themes:
            add("theme", "theme.html", theme.id, theme.src.path, depends=(THEMES, "content/documents/"), theme=theme)
        add("glossary", "glossary.html", depends=(GLOSSARY, META))
        add("data", "data.html", depends=(META,))
        add("not-found", "404.html")
    return pages
