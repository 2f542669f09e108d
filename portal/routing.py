"""URLs and output paths: /zh/… and /en/… with identical paths; the checks that no two pages collide and
that every page links to its other language."""
from __future__ import annotations

from .errors import ContentError, ContentErrors, SourceRef

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
    seen: dict[str, object] = {}
    errors = []
    for page in pages:
        path = output_path(page.url)
        if path in seen:
            first = seen[path]
            errors.append(ContentError(SourceRef(page.origin), f"two pages write {path}: {first.kind} '{first.key}' "
                                       f"and {page.kind} '{page.key}'", "give one of them another id"))
        else:
            seen[path] = page
    return errors


def check_alternates(rendered, files: dict[str, bytes], base_url: str, html_lang: dict[str, str]) -> None:
    """Every rendered page's language switch and hreflang alternates (`html_lang`: the codes they use)
    resolve to a built page, both ways."""
    errors = []
    for page in rendered:
        twin = url_for(page.kind, other_lang(page.lang), page.key)
        if output_path(twin) not in files:
            errors.append(ContentError(SourceRef(page.origin), f"{page.url} switches language to {twin}, "
                                       "which is not built"))
            continue
        html = files[output_path(page.url)]  # its UTF-8, searched as it is: a text is found in a str exactly
        if f'href="{twin}" hreflang='.encode() not in html:  # where its UTF-8 is found in the str's UTF-8
            errors.append(ContentError(SourceRef(page.origin), f"{page.url} has no language switch to {twin}"))
        for lang, target in ((page.lang, page.url), (other_lang(page.lang), twin)):
            if f'hreflang="{html_lang[lang]}" href="{base_url}{target}"'.encode() not in html:
                errors.append(ContentError(SourceRef(page.origin), f"{page.url} has no alternate link to {target}"))
    if errors:
        raise ContentErrors(errors)
