"""Redoing only what changed: memoized bodies and checks, stale pages by fingerprint, quick document
updates and pages deferred until after the preview has reloaded."""
from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import freshness, loading, output, routing, translation
from .cache import BuildCache, Fingerprints
from .errors import ContentError, ContentErrors
from .model import LANGS, Site
from .parallel import render_all, render_in_parallel
from .progress import Progress, Quiet

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


SITE_INPUTS = ("content/", "i18n/")  # what a validated site is made of (with the engine, which keys the cache)
# The files each reusable part of the validation reads (with the ids of what it refers to, passed
# by validate()): a glossary edit validates no indicator again (nor any value: see Incremental.values).
PART_INPUTS = {"terms": ("content/glossary.yaml",),
               "indicators": ("content/indicators/", "content/categories.yaml")}


class Incremental:
    """The memory of a Builder between builds: the cache, how bodies and checks were made, the last build."""

    def __init__(self, cache: BuildCache, parallel_min: int, progress: Progress | None = None) -> None:
        self.cache = cache
        self.progress = progress or Quiet()
        self.parallel_min = parallel_min  # render on several processes when this many items are new
        self.last: LastBuild | None = None
        self.deferred: dict[str, object] = {}  # url -> page left stale by the last build, to render later
        self._render_body = None
        self._check = None
        self._parts: dict[str, tuple] = {}  # part of the validation -> (its inputs' key, its result)
        self.values: dict = {}  # each value record's check, kept by validate() (see valuechecks.checker)
        # pages rendered by this process: output path -> (bytes, sha1). The cache keeps only (key, sha1,
        # size) per page: a page kept from another process is read from the site it was written to.
        self.page_bytes: dict[str, tuple[bytes, str]] = {}
        self._written_objects: dict[str, dict[str, bytes]] = {}  # site folder -> the bytes objects last written

    def validated_parts(self, hashes: dict[str, str]):
        """reuse(part, extra, compute, clean) for validate(): the part's last result while the files it
        reads (PART_INPUTS) and `extra` are as they were; a result is kept only when clean() says its
        run found no problem (a problem must be found again, not remembered away)."""
        prints = Fingerprints(hashes)

        def reuse(part: str, extra, compute, clean):
            key = (prints(PART_INPUTS[part]), repr(extra))
            kept = self._parts.get(part)
            if kept is not None and kept[0] == key:
                return kept[1]
            result = compute()
            if clean():
                self._parts[part] = (key, result)
            else:
                self._parts.pop(part, None)
            return result

        return reuse

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

        # not an unreadable file (its text reads as "" with an error): it must never be cached as a body
        new = [(lang, source, key) for _, texts in raw.documents for lang, source in texts.items()
               if (key := key_of(lang, source)) not in bodies and not (source.text == "" and source.error)]
        if len(new) >= self.parallel_min:
            with self.progress.stage("Markdown", len(new), "body") as stage:
                render_in_parallel(new, bodies, links, labels, minimum=self.parallel_min, advance=stage.advance)

        def render(lang: str, source, lang_links):
            key = key_of(lang, source)
            if key in bodies:  # rendered from these bytes before (so they were readable): not read again
                return bodies[key]
            if source.text == "" and source.error:  # unreadable: its error, and nothing to cache
                return None, [source.error]
            bodies[key] = renderers[lang].render(source.text, source.shown, lang_links)
            return bodies[key]

        self._render_body = lambda lang, source: render(lang, source, links[lang])
        return render

    def translation_checker(self):
        """check(document, terms) for validation, memoized by the document's bodies (and their lines) and
        the glossary's terms (not their definitions: editing one re-checks nothing)."""
        checks = self.cache.checks

        def check(document, terms):
            key = (document.id, str(document.src), [(t.term.zh, t.term.en) for t in terms],
                   *((b.html, [block.line for block in b.blocks]) for b in (document.bodies["zh"], document.bodies["en"])))
            digest = hashlib.sha1(repr(key).encode()).hexdigest()
            if digest not in checks:
                checks[digest] = translation.translation_errors(document, terms)
            return checks[digest]

        self._check = check
        return check

    def changed_files(self, hashes: dict[str, str]) -> list[str] | None:
        """The inputs whose digests changed since the last build; None when there is no last build or
        files were added or removed (neither quick path applies then)."""
        last = self.last
        if last is None or set(hashes) != set(last.hashes):
            return None
        return [k for k, v in hashes.items() if last.hashes[k] != v]

    def unchanged_site(self, hashes: dict[str, str]) -> Site | None:
        """The last site, when only templates or static files changed since it was validated: they are not
        content (a template's UI strings are checked with the catalogs), so nothing needs validating again.
        In a new process, the site the cache was saved with, when the content and catalogs are the same."""
        changed = self.changed_files(hashes)
        if changed and all(k.startswith(("templates/", "static/")) for k in changed):
            return self.last.site
        kept = self.cache.site
        if self.last is None and kept is not None and kept[0] == Fingerprints(hashes)(SITE_INPUTS):
            return kept[1]
        return None

    def validated(self, hashes: dict[str, str], site: Site) -> None:
        """Keep the site this build validated, for the next process (see unchanged_site)."""
        self.cache.site = (Fingerprints(hashes)(SITE_INPUTS), site)

    def quick_update(self, hashes: dict[str, str], content: Path) -> tuple[Site, list[str]] | None:
        """When only document texts (zh.md/en.md) changed since the last build: the last site with just
        those re-rendered and re-checked with what cites them, and the changed files. None otherwise."""
        changed = self.changed_files(hashes)
        if not changed or not all(DOCUMENT_TEXT.fullmatch(k) for k in changed):
            return None
        if self._render_body is None or self._check is None:  # the last site came from the cache: nothing
            return None                                         # was rendered or checked in this process yet
        last = self.last
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
            if body is None:
                continue
            updated[doc_id] = dataclasses.replace(document, bodies={**document.bodies, lang: body})
        site = dataclasses.replace(last.site, documents=tuple(updated.get(d.id, d) for d in last.site.documents))
        for document in updated.values():
            errors.extend(self._check(document, site.terms))
            errors.extend(translation.reference_errors(site, document))
        if errors:
            raise ContentErrors(errors)
        return site, changed

    def render_pages(self, candidates, environments, page_key: PageKeys, files: dict[str, bytes],
                     defer=lambda page: False) -> tuple[list, list]:
        """Render into `files` the pages whose inputs changed since they were cached (the others come from
        the cache); a page for which defer(page) is true keeps its last version (if it has one) and is
        returned to be rendered later."""
        errors: list[ContentError] = []
        todo, deferred = [], []
        for page in candidates:
            path = routing.output_path(page.url)
            key = page_key(page)
            cached = self.cache.pages.get(path)
            kept = self.kept_page(path, cached) if cached else None
            if kept is not None and cached[0] == key:
                files[path] = kept
            elif kept is not None and defer(page):
                deferred.append(page)
                files[path] = kept  # the last version, until render_deferred() replaces it
            else:
                todo.append((page, path, key))
        rendered = []
        with self.progress.stage("pages", len(todo)) as stage:
            results = render_all(environments, [t[0] for t in todo], self.parallel_min, advance=stage.advance)
        for (page, path, key), result in zip(todo, results):
            if isinstance(result, ContentError):
                errors.append(result)
                continue
            files[path] = result
            digest = hashlib.sha1(result).hexdigest()
            self.cache.pages[path] = (key, digest, len(result))
            self.page_bytes[path] = (result, digest)
            rendered.append(page)
        if errors:
            raise ContentErrors(errors)
        return rendered, deferred

    def kept_page(self, path: str, cached: tuple):
        """A cached page's bytes: in memory when this process rendered it, else the file the last build
        wrote if it is still there as written (by its size; its digest is checked when read); else None,
        and the file is no longer counted as written."""
        mine = self.page_bytes.get(path)
        if mine is not None:
            return mine[0]
        written = self.cache.written
        if not written or written["files"].get(path) != cached[1]:
            return None
        target = os.path.join(written["site"], path)  # not pathlib: this runs for every page of a warm build
        try:
            size = os.stat(target).st_size
        except OSError:
            size = None
        if size != cached[2]:  # gone or changed by hand: rendered and written again
            del written["files"][path]
            return None
        return output.Stored(target, cached[1])

    def write_site(self, files: dict[str, bytes], site_dir: Path, only: set[str] | None = None) -> list[str]:
        """Write the files to site_dir; returns the names written or removed. When the last write went to
        site_dir, only the files whose bytes changed are rewritten (each atomically; `only` limits the
        comparison to the files a quick update touched); else a fresh folder is swapped in."""
        site, written = str(site_dir.resolve()), self.cache.written
        kept = self._written_objects.get(site)
        if only is None and kept is not None and kept.keys() == files.keys():
            # the same names as the last write from this process: a page whose bytes object is the one
            # written then is unchanged (bytes are immutable), so only the others need comparing
            only = {name for name, data in files.items() if kept[name] is not data}
        known = self.page_bytes  # the pages rendered here were digested then
        current = output.digests(files, known) if only is None else None  # once, for the comparison and the record
        if written and written["site"] == site and site_dir.is_dir():
            changed = output.update_site(files, site_dir, written["files"], only, current)
            digests = written["files"]
        else:
            output.replace_site(files, site_dir)
            changed, digests, only = sorted(files), {}, None
        if only is None:
            digests = current if current is not None else output.digests(files)
            self._written_objects = {site: dict(files)}
        else:
            digests.update(output.digests({name: files[name] for name in only}, known))
            if kept is not None:
                kept.update({name: files[name] for name in only})
        self.cache.written = {"site": site, "files": digests}
        return changed

    def translation_states(self, site: Site, hashes: dict[str, str], content: Path) -> dict:
        """Each document's translation state (current, outdated, missing blocks), kept (in the cache, for
        the next process too) while its zh.md, en.md and en.sources.yaml stay the same."""
        states = {}
        for document in site.documents:
            prefix = f"content/documents/{document.id}/"
            key = tuple(hashes.get(prefix + name) for name in ("zh.md", "en.md", freshness.SOURCES))
            cached = self.cache.states.get(document.id)
            if cached is None or cached[0] != key:
                cached = (key, freshness.translation_state(document.id, document.bodies["zh"], document.bodies["en"],
                                                           content / "documents" / document.id,
                                                           document.src.path.parent, self.cache.parsed, key[2]))
                self.cache.states[document.id] = cached
            states[document.id] = cached[1]
        return states

    def remember(self, last: LastBuild, deferred: list) -> None:
        """The build that just succeeded, and the pages it deferred (including those deferred before)."""
        self.last = last
        self.deferred = {page.url: page for page in deferred}

    def render_deferred(self, stop=lambda: False, chunk: int = 20) -> dict[str, bytes]:
        """Render the pages the last build deferred into its files, a few at a time until done or until
        stop() is true (the rest stay deferred, for the next build); returns the files they change."""
        last, changed = self.last, {}
        while self.deferred and not stop():
            pages = list(self.deferred.values())[:chunk]
            done, _ = self.render_pages(pages, last.environments, last.page_key, last.files)
            for page in pages:
                del self.deferred[page.url]
            changed.update({routing.output_path(p.url): last.files[routing.output_path(p.url)] for p in done})
        return changed


def touches(depends: tuple[str, ...], changed: list[str]) -> bool:
    """Whether a page depending on these path prefixes (or globs) is affected by the changed files."""
    return any(key.startswith(p) if "*" not in p else fnmatch.fnmatch(key, p) for p in depends for key in changed)


def touched_by(changed: list[str]):
    """touches(depends, changed) for one build's changes, answered once per distinct depends (pages of a
    kind share theirs)."""
    answers: dict[tuple[str, ...], bool] = {}

    def touched(depends: tuple[str, ...]) -> bool:
        if depends not in answers:
            answers[depends] = touches(depends, changed)
        return answers[depends]

    return touched
