"""build(): load -> validate -> route -> assemble -> render -> write, with caches for quick rebuilds."""
from __future__ import annotations

import dataclasses
import fnmatch
import gc
import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import datasets, i18n, loading, output, pages, pdf, rendering, routing, search, translation, validation
from .cache import BuildCache, Fingerprints, engine_digest, fingerprint, hash_inputs
from .parallel import render_all, render_in_parallel
from .errors import Collector, ContentError, ContentErrors, SourceRef
from .markup import Renderer
from .model import LANGS, Site

BASE_URL = "https://yuzhong-plans.netlify.app"
STATIC_PLAIN = {"robots.txt", "favicon.svg"}
# What every page depends on: a change here re-renders everything.
GLOBAL_INPUTS = ("templates/", "static/", "i18n/", "content/site.yaml")


@dataclass(frozen=True)
class Project:
    """Where a site's inputs are: templates/, static/, i18n/ below root; content/ there or elsewhere."""

    root: Path
    content_dir: Path | None = None

    @property
    def content(self) -> Path:
        return self.content_dir or self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def static(self) -> Path:
        return self.root / "static"

    def folders(self) -> dict[str, Path]:
        """The input folders by the names their files are fingerprinted under."""
        return {"content": self.content, "templates": self.templates, "static": self.static,
                "i18n": self.root / "i18n"}


@dataclass(frozen=True)
class Generated:
    site: Site
    files: dict[str, bytes]
    pages: dict[str, int]
    records: int
    seconds: float
    rendered: list[str] = field(default_factory=list)
    deferred: list = field(default_factory=list)
    touched: set[str] | None = None  # after a quick update: the only files that may differ; None: any

    def summary(self) -> str:
        per_lang = ", ".join(f"{count} {lang}" for lang, count in self.pages.items())
        return f"built {per_lang} pages, {self.records} records, {len(self.files)} files in {self.seconds:.2f} s"


def collect_assets(static: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    """Fingerprint static files: style.css -> /static/style.3f2a1b4c.css (plain names for a few)."""
    names, files = {}, {}
    for path in sorted(p for p in static.rglob("*") if p.is_file()):
        relative = path.relative_to(static).as_posix()
        data = path.read_bytes()
        if relative in STATIC_PLAIN:
            names[relative], files[relative] = f"/{relative}", data
            continue
        stem, dot, suffix = relative.rpartition(".")
        digest = hashlib.sha256(data).hexdigest()[:10]
        fingerprinted = f"static/{stem}.{digest}.{suffix}" if dot else f"static/{relative}.{digest}"
        names[relative], files[fingerprinted] = f"/{fingerprinted}", data
    return names, files


class Builder:
    """Builds the site in memory; keeps what it rendered (in memory, and on disk with a cache folder)
    to redo only what an edit touched."""

    def __init__(self, project: Project, pdfs: bool = False, search_index: bool = True,
                 cache_dir: Path | None = None, parallel_min: int = 200, pdf_cache_dir: Path | None = None) -> None:
        self.project = project
        self.pdf_cache_dir = pdf_cache_dir or project.root / ".cache" / "pdf"  # tests pass a temporary one
        self.parallel_min = parallel_min  # render Markdown on 2 processes when this many bodies are new
        self.pdfs = pdfs
        self.search_index = search_index
        self.refresh_search = True  # the preview turns this off after its first build: Pagefind takes seconds
        self.cache_dir = cache_dir
        self.cache = BuildCache.load(cache_dir, engine_digest()) if cache_dir else BuildCache()
        self._environments: tuple[str, dict] | None = None
        self._last: dict | None = None  # the last successful build, for quick document updates

    def save_cache(self) -> None:
        if self.cache_dir:
            self.cache.save(self.cache_dir, engine_digest())

    def catalogs(self, hashes: dict[str, str]) -> dict:
        key = fingerprint(hashes, ("i18n/", "templates/"))
        if key not in self.cache.catalogs:
            self.cache.catalogs = {key: i18n.load_catalogs(self.project.root)}
        return self.cache.catalogs[key]

    def load_site(self, translations: dict, hashes: dict[str, str]) -> Site:
        """Read and validate all content; raises ContentErrors with every problem."""
        cache = self.cache
        raw = loading.load_content(self.project.content, hashes, cache.parsed)
        labels = {lang: translations[lang].gettext("Link to this paragraph") for lang in LANGS}
        renderers = {lang: Renderer(lang, labels[lang]) for lang in LANGS}
        titles = {lang: translations[lang].gettext("Glossary") for lang in LANGS}
        glossary_href = lambda lang: routing.url_for("glossary", lang)  # noqa: E731
        links = validation.term_links(validation.glossary_terms(raw, Collector()), glossary_href, titles)
        link_keys = {lang: hashlib.sha1(repr((links[lang].pattern.pattern if links[lang].pattern else "",
                                              links[lang].href, links[lang].title, labels[lang])).encode()).hexdigest()
                     for lang in LANGS}

        def key_of(lang: str, source) -> tuple:
            return (lang, source.digest or hashlib.sha1(source.text.encode()).hexdigest(), str(source.shown),
                    link_keys[lang])

        render_in_parallel([(lang, source, key_of(lang, source)) for _, bodies in raw.documents
                            for lang, source in bodies.items()], cache.bodies, links, labels,
                           minimum=self.parallel_min)

        def render(lang: str, source, lk):
            if source.text == "" and source.error:  # unreadable: its error, and nothing to cache
                return None, [source.error]
            key = key_of(lang, source)
            if key not in cache.bodies:
                cache.bodies[key] = renderers[lang].render(source.text, source.shown, lk)
            return cache.bodies[key]

        self._render = lambda lang, source: render(lang, source, links[lang])  # for quick document updates

        terms_key = hashes.get("content/glossary.yaml", "")

        def check(document, terms):
            key = (document.id, document.bodies["zh"].html, document.bodies["en"].html, terms_key)
            digest = hashlib.sha1(repr(key).encode()).hexdigest()
            if digest not in cache.checks:
                cache.checks[digest] = translation.translation_errors(document, terms)
            return cache.checks[digest]

        self._check = check

        return validation.validate(raw, renderers, glossary_href, titles, render_body=render, check_translation=check)

    def generate(self, defer: tuple[str, ...] = ()) -> Generated:
        """Everything the site consists of, in memory; raises ContentErrors before anything is written.

        Pages of the kinds in `defer` (the preview defers the print edition) are not re-rendered now but
        listed in Generated.deferred for render_deferred()."""
        # The cyclic garbage collector would walk the whole cache each time a build allocates a few
        # thousand objects; a build makes no garbage cycles worth collecting midway.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._generate(defer)
        finally:
            if enabled:
                gc.enable()

    def _generate(self, defer: tuple[str, ...]) -> Generated:
        started = time.perf_counter()
        hashes = hash_inputs(self.project.folders(), self.cache.stats)
        quick = self._quick_update(hashes)
        if quick is not None:
            site, files, changed = quick
            translations, assets = self._last["translations"], self._last["assets"]
        else:
            translations = self.catalogs(hashes)
            site = self.load_site(translations, hashes)
            assets, files = collect_assets(self.project.static)
            changed = None
        all_pages = pages.assemble(site, loading.display_path(self.project.content, self.project.root))
        if quick is None:
            collisions = routing.check_collisions(all_pages)
            if collisions:
                raise ContentErrors(collisions)
        environments = self.environments(hashes, translations, site, assets)
        prints = Fingerprints(hashes)
        global_print = prints(GLOBAL_INPUTS) + ("pdf" if self.pdfs else "")
        candidates = all_pages if changed is None else [p for p in all_pages if _touches(p.depends, changed)]
        rendered, deferred = self._render_pages(candidates, environments, prints, global_print, files, defer)
        if quick is None:
            root_env = environments["en"]
            for name in ("index.html", "404.html"):
                files[name] = root_env.get_template(f"root-{name}").render(assets=assets).encode("utf-8")
            files.update(self.data_files(site, all_pages, prints(pages.DATA)))
        check_alternates(rendered, files)
        if self.search_index:
            files.update(self.search_files(site))
        if self.pdfs:
            jobs = {routing.pdf_path(lang): routing.output_path(routing.url_for("print", lang)) for lang in LANGS}
            jobs.update({routing.pdf_path(lang, d.id): routing.output_path(routing.url_for("document", lang, d.id))
                         for lang in LANGS for d in site.documents})
            files.update(pdf.render_pdfs(jobs, files, self.pdf_cache_dir))
        self._last = {"site": site, "files": files, "hashes": hashes, "translations": translations, "assets": assets,
                      "environments": environments, "prints": prints, "global": global_print}
        counts = {lang: sum(1 for p in all_pages if p.lang == lang) for lang in LANGS}
        records = len(site.documents) + len(site.indicators) + len(site.values) + len(site.terms) + len(site.themes)
        touched = None if quick is None else {routing.output_path(p.url) for p in rendered}
        return Generated(site, files, counts, records, time.perf_counter() - started, [p.url for p in rendered],
                         deferred, touched)

    def _render_pages(self, candidates, environments, prints, global_print, files, defer):
        """Render the pages whose inputs changed since they were cached; defer the kinds asked to."""
        errors: list[ContentError] = []
        todo, deferred = [], []
        for page in candidates:
            path = routing.output_path(page.url)
            key = global_print + prints(page.depends)
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

    def render_deferred(self, generated: "Generated") -> dict[str, bytes]:
        """Render the pages a generate() deferred; returns the files they change."""
        last = self._last
        done, _ = self._render_pages(generated.deferred, last["environments"], last["prints"], last["global"],
                                     last["files"], ())
        return {routing.output_path(p.url): last["files"][routing.output_path(p.url)] for p in done}

    def _quick_update(self, hashes: dict[str, str]):
        """When only document texts (zh.md/en.md) changed since the last build: re-render just those,
        re-check the documents and what cites them, and keep everything else. None otherwise."""
        last = self._last
        if last is None or set(hashes) != set(last["hashes"]) or self.pdfs:
            return None
        changed = [k for k, v in hashes.items() if last["hashes"][k] != v]
        if not changed or not all(_DOCUMENT_TEXT.fullmatch(k) for k in changed):
            return None
        site = last["site"]
        by_id = {d.id: d for d in site.documents}
        updated, errors = {}, []
        for key in changed:
            doc_id, lang = _DOCUMENT_TEXT.fullmatch(key).groups()
            document = updated.get(doc_id, by_id.get(doc_id))
            if document is None:
                return None
            path = self.project.content / "documents" / doc_id / f"{lang}.md"
            source = loading.SourceText(path, Path(key), hashes[key])
            body, problems = self._render(lang, source)
            errors.extend(problems)
            if body is None:
                continue
            updated[doc_id] = dataclasses.replace(document, bodies={**document.bodies, lang: body})
        new_site = dataclasses.replace(site, documents=tuple(updated.get(d.id, d) for d in site.documents))
        for document in updated.values():
            errors.extend(self._check(document, new_site.terms))
            errors.extend(translation.reference_errors(new_site, document))
        if errors:
            raise ContentErrors(errors)
        return new_site, dict(last["files"]), changed

    def environments(self, hashes: dict[str, str], translations: dict, site: Site, assets: dict) -> dict:
        """Jinja environments, kept while templates and catalogs stay the same (compiled templates are
        reused); the site and asset names are refreshed on every build."""
        key = fingerprint(hashes, ("templates/", "i18n/")) + ("pdf" if self.pdfs else "")
        if self._environments is None or self._environments[0] != key:
            made = rendering.make_environments(self.project.templates, translations, site, assets, BASE_URL, self.pdfs)
            self._environments = (key, made)
        else:
            rendering.refresh_environments(self._environments[1], site, assets)
        return self._environments[1]

    def data_files(self, site: Site, all_pages, key: str) -> dict[str, bytes]:
        """portal.json, the CSVs and the sitemap, rebuilt only when data or documents changed."""
        if key not in self.cache.data:
            files = {"data/portal.json": datasets.portal_json(site)}
            for lang in LANGS:
                files[f"data/values.{lang}.csv"] = datasets.values_csv(site, lang, BASE_URL)
                for indicator in site.indicators:
                    files[f"data/indicators/{indicator.id}.{lang}.csv"] = datasets.values_csv(
                        site, lang, BASE_URL, indicator.id)
            files["sitemap.xml"] = datasets.sitemap([p.url for p in all_pages if p.kind != "not-found"], BASE_URL)
            self.cache.data = {key: files}
        return self.cache.data[key]

    def search_files(self, site: Site) -> dict[str, bytes]:
        """The Pagefind bundle, rebuilt when the searchable text changed (and refreshing is on)."""
        previous = self.cache.search
        if previous is not None and not self.refresh_search:
            return previous[1]
        records = search.search_records(site)
        digest = search.records_digest(records)
        if previous is None or (previous[0] != digest and self.refresh_search):
            self.cache.search = (digest, search.build_index(records))
        return self.cache.search[1]


_DOCUMENT_TEXT = re.compile(r"content/documents/([^/]+)/(zh|en)\.md")


def _touches(depends: tuple[str, ...], changed: list[str]) -> bool:
    """Whether a page depending on these path prefixes (or globs) is affected by the changed files."""
    return any(key.startswith(p) if "*" not in p else fnmatch.fnmatch(key, p) for p in depends for key in changed)


def check_alternates(all_pages, files: dict[str, bytes]) -> None:
    """Every page's language switch and hreflang alternates resolve to a built page, both ways."""
    errors = []
    for page in all_pages:
        twin = routing.url_for(page.kind, routing.other_lang(page.lang), page.key)
        if routing.output_path(twin) not in files:
            errors.append(ContentError(SourceRef(page.origin), f"{page.url} switches language to {twin}, "
                                       "which is not built"))
            continue
        html = files[routing.output_path(page.url)].decode("utf-8")
        if f'href="{twin}" hreflang=' not in html:
            errors.append(ContentError(SourceRef(page.origin), f"{page.url} has no language switch to {twin}"))
        for lang, target in ((page.lang, page.url), (routing.other_lang(page.lang), twin)):
            if f'hreflang="{i18n.HTML_LANG[lang]}" href="{BASE_URL}{target}"' not in html:
                errors.append(ContentError(SourceRef(page.origin), f"{page.url} has no alternate link to {target}"))
    if errors:
        raise ContentErrors(errors)


def generate(project: Project, pdfs: bool = False, search_index: bool = True) -> Generated:
    return Builder(project, pdfs, search_index).generate()


def build(project: Project, site_dir: Path, pdfs: bool = False, search_index: bool = True,
          cache_dir: Path | None = None) -> Generated:
    """Generate the whole site and write it to site_dir; on any error site_dir is left untouched.

    With a cache folder, a rebuild reuses what the last build rendered and rewrites only the files
    whose bytes changed (each atomically); without one, the site goes to a fresh folder swapped in."""
    builder = Builder(project, pdfs, search_index, cache_dir)
    generated = builder.generate()
    written = builder.cache.written if cache_dir else None
    if written and written["site"] == str(site_dir.resolve()) and site_dir.is_dir():
        output.update_site(generated.files, site_dir, written["files"])
    else:
        output.replace_site(generated.files, site_dir)
    if cache_dir:
        builder.cache.written = {"site": str(site_dir.resolve()), "files": output.digests(generated.files)}
        builder.save_cache()
    return generated
