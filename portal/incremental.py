"""Redoing only what changed: memoized bodies and checks, stale pages by fingerprint, quick document
updates and pages deferred until after the preview has reloaded."""
from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from . import loading, routing, translation
from .cache import BuildCache, Fingerprints
from .errors import ContentError, ContentErrors
from .model import LANGS, Site
from .parallel import render_all, render_in_parallel

# What every page depends on: a change here re-renders everything.
GLOBAL_INPUTS = ("templates/", "static/", "i18n/", "content/site.yaml")
DOCUMENT_TEXT = re.compile(r"content/documents/([^/]+)/(zh|en)\.md")


@dataclass
class LastBuild:
    """What the last successful build made, for a quick update and for rendering its deferred pages."""

    site: Site
    files: dict[str, bytes]
    hashes: dict[str, str]
    environments: dict
    page_key: "PageKeys"


class PageKeys:
    """A page's cache key: the fingerprint of the global inputs and of the files the page depends on."""

    def __init__(self, hashes: dict[str, str], extra: str = "") -> None:
        self.prints = Fingerprints(hashes)
        self.global_print = self.prints(GLOBAL_INPUTS) + extra

    def __call__(self, page) -> str:
        return self.global_print + self.prints(page.depends)


class Incremental:
    """The memory of a Builder between builds: the cache, how bodies and checks were made, the last build."""

    def __init__(self, cache: BuildCache, parallel_min: int) -> None:
        self.cache = cache
        self.parallel_min = parallel_min  # render on several processes when this many items are new
        self.last: LastBuild | None = None
        self._render_body = None
        self._check = None

    def body_renderer(self, raw: loading.RawContent, renderers: dict, links: dict, labels: dict):
        """render(lang, source, links) for validation, memoized by the text, its path and the glossary links;
        the bodies not yet cached are rendered up front on several processes when there are many."""
        link_keys = {lang: hashlib.sha1(repr((links[lang].pattern.pattern if links[lang].pattern else "",
                                              links[lang].href, links[lang].title, labels[lang])).encode()).hexdigest()
                     for lang in LANGS}
        bodies = self.cache.bodies

        def key_of(lang: str, source) -> tuple:
            return (lang, source.digest or hashlib.sha1(source.text.encode()).hexdigest(), str(source.shown),
                    link_keys[lang])

        render_in_parallel([(lang, source, key_of(lang, source)) for _, texts in raw.documents
                            for lang, source in texts.items()], bodies, links, labels, minimum=self.parallel_min)

        def render(lang: str, source, lang_links):
            key = key_of(lang, source)
            if key not in bodies:
                bodies[key] = renderers[lang].render(source.text, source.shown, lang_links)
            return bodies[key]

        self._render_body = lambda lang, source: render(lang, source, links[lang])
        return render

    def translation_checker(self, glossary_digest: str):
        """check(document, terms) for validation, memoized by the document's bodies and the glossary."""
        checks = self.cache.checks

        def check(document, terms):
            key = (document.id, document.bodies["zh"].html, document.bodies["en"].html, glossary_digest)
            digest = hashlib.sha1(repr(key).encode()).hexdigest()
            if digest not in checks:
                checks[digest] = translation.translation_errors(document, terms)
            return checks[digest]

        self._check = check
        return check

    def quick_update(self, hashes: dict[str, str], content: Path) -> tuple[Site, list[str]] | None:
        """When only document texts (zh.md/en.md) changed since the last build: the last site with just
        those re-rendered and re-checked with what cites them, and the changed files. None otherwise."""
        last = self.last
        if last is None or set(hashes) != set(last.hashes):
            return None
        changed = [k for k, v in hashes.items() if last.hashes[k] != v]
        if not changed or not all(DOCUMENT_TEXT.fullmatch(k) for k in changed):
            return None
        by_id = {d.id: d for d in last.site.documents}
        updated, errors = {}, []
        for key in changed:
            doc_id, lang = DOCUMENT_TEXT.fullmatch(key).groups()
            document = updated.get(doc_id, by_id.get(doc_id))
            if document is None:
                return None
            source = loading.SourceText(content / "documents" / doc_id / f"{lang}.md", Path(key), hashes[key])
            body, problems = self._render_body(lang, source)
            errors.extend(problems)
            updated[doc_id] = dataclasses.replace(document, bodies={**document.bodies, lang: body})
        site = dataclasses.replace(last.site, documents=tuple(updated.get(d.id, d) for d in last.site.documents))
        for document in updated.values():
            errors.extend(self._check(document, site.terms))
            errors.extend(translation.reference_errors(site, document))
        if errors:
            raise ContentErrors(errors)
        return site, changed

    def render_pages(self, candidates, environments, page_key: PageKeys, files: dict[str, bytes],
                     defer: tuple[str, ...] = ()) -> tuple[list, list]:
        """Render into `files` the pages whose inputs changed since they were cached (the others come from
        the cache); pages of the kinds in `defer` keep their last version and are returned to render later."""
        errors: list[ContentError] = []
        todo, deferred = [], []
        for page in candidates:
            path = routing.output_path(page.url)
            key = page_key(page)
            cached = self.cache.pages.get(path)
            if cached and cached[0] == key:
                files[path] = cached[1]
            elif page.kind in defer:
                deferred.append(page)
                if cached:
                    files[path] = cached[1]  # the last version, until render_deferred() replaces it
            else:
                todo.append((page, path, key))
        rendered = []
        for (page, path, key), result in zip(todo, render_all(environments, [t[0] for t in todo], self.parallel_min)):
            if isinstance(result, ContentError):
                errors.append(result)
                continue
            files[path] = result
            self.cache.pages[path] = (key, result)
            rendered.append(page)
        if errors:
            raise ContentErrors(errors)
        return rendered, deferred

    def render_deferred(self, deferred: list) -> dict[str, bytes]:
        """Render the pages the last build deferred into its files; returns the files they change."""
        last = self.last
        done, _ = self.render_pages(deferred, last.environments, last.page_key, last.files)
        return {routing.output_path(p.url): last.files[routing.output_path(p.url)] for p in done}


def touches(depends: tuple[str, ...], changed: list[str]) -> bool:
    """Whether a page depending on these path prefixes (or globs) is affected by the changed files."""
    return any(key.startswith(p) if "*" not in p else fnmatch.fnmatch(key, p) for p in depends for key in changed)
