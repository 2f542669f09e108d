"""URLs and output paths: /zh/… and /en/… with identical paths, and collision checks."""
from __future__ import annotations

from .errors import ContentError, SourceRef

# page kind -> path pattern below /<lang>/
PATTERNS = {
    "home": "",
    "documents": "documents/",
    "document": "documents/{key}/",
    "parallel": "documents/{key}/parallel/",
    "indicators": "indicators/",
    "indicators-all": "indicators/all/",
    "indicator": "indicators/{key}/",
    "themes": "themes/",
    "theme": "themes/{key}/",
    "goals": "goals/",
    "goal": "goals/{key}/",
    "glossary": "glossary/",
    "conflicts": "conflicts/",
    "progress": "progress/",
    "data": "data/",
    "search": "search/",
    "print": "print/",
    "translation": "translation/",
    "changes": "changes/",
    "not-found": "404.html",
}


def url_for(kind: str, lang: str, key: str = "") -> str:
    """The site-absolute URL of a page: url_for('document', 'en', 'some-report')."""
    return f"/{lang}/" + PATTERNS[kind].format(key=key)


def output_path(url: str) -> str:
    """The file a URL is served from, relative to the site folder."""
    path = url.lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path


def pdf_path(lang: str, name: str) -> str:
    """Where a PDF is published: one document (its id) or the briefing book (site.yaml's `book`) in one
    language."""
    return f"pdf/{name}.{lang}.pdf"


def other_lang(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def check_collisions(pages) -> list[ContentError]:
    """Two pages that would write the same file, named with what made them."""
    seen: dict[str, str] = {}
    errors = []
    for page in pages:
        path = output_path(page.url)
        if path in seen:
            errors.append(ContentError(SourceRef(page.origin), f"two pages write {path}: {seen[path]} and "
                                       f"{page.kind} '{page.key}'", "give one of them another id"))
        else:
            seen[path] = f"{page.kind} '{page.key}'"
    return errors
