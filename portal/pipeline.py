"""The build: load -> validate -> assemble -> render -> write (what can be reused is in incremental.py)."""
from __future__ import annotations

import gc
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import datasets, i18n, inputs, loading, output, pages, pdf, rendering, routing, search, validation
from .cache import BuildCache, engine_digest, fingerprint, hash_inputs
from .errors import Collector, ContentError, ContentErrors, SourceRef
from .incremental import Incremental, LastBuild, PageKeys, touched_by
from .markup import BodyLabels, Renderer
from .model import LANGS, Site, TranslationState
from .progress import Progress, Quiet

BASE_URL = "https://yuzhong-plans.netlify.app"
STATIC_PLAIN = {"robots.txt", "favicon.svg"}


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
    translations: dict[str, TranslationState] = field(default_factory=dict)  # by document id

    def summary(self) -> str:
        per_lang = ", ".join(f"{count} {lang}" for lang, count in self.pages.items())
        return f"built {per_lang} pages, {self.records} records, {len(self.files)} files in {self.seconds:.2f} s"


def collect_assets(static: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    """Fingerprint static files: style.css -> /static/style.3f2a1b4c.css (plain names for a few)."""
    names, files = {}, {}
    for path in inputs.input_files(static, Path("static")):
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
    """Builds the site in memory; what it keeps between builds (in memory, and on disk with a cache folder)
    lets it redo only what an edit touched (see incremental.py)."""

    def __init__(self, project: Project, pdfs: bool = False, search_index: bool = True,
                 cache_dir: Path | None = None, parallel_min: int = 200, pdf_cache_dir: Path | None = None,
                 progress: Progress | None = None) -> None:
        self.project = project
        self.pdf_cache_dir = pdf_cache_dir or project.root / ".cache" / "pdf"  # tests pass a temporary one
        self.pdfs = pdfs
        self.search_index = search_index
        self.refresh_search = True  # the preview turns this off after its first build: Pagefind takes seconds
        self.cache_dir = cache_dir
        self.cache = BuildCache.load(cache_dir, engine_digest()) if cache_dir else BuildCache()
        self.progress = progress or Quiet()  # `build.py build` reports the stages of a long build
        self.incremental = Incremental(self.cache, parallel_min, self.progress)
        self._environments: tuple[str, dict] | None = None
        self._assets: tuple[str, dict, dict] | None = None
        self._renderers: tuple | None = None  # (their labels, a Renderer per language)
        self._hashes: dict[str, str] = {}  # the inputs of the last build
        self._rendered = False  # whether any build of this process rendered a page
        self._po: dict = {}  # catalogs read and compiled, by file and digest (a template edit reads none again)
        self._compiled = rendering.CompiledTemplates()  # templates compiled in this process, by source checksum

    def generate(self, defer: tuple[str, ...] = (), first: set[str] | None = None) -> Generated:
        """Everything the site consists of, in memory; raises ContentErrors before anything is written.

        Stale pages of the kinds in `defer` (the print edition, which holds every document) or, when
        `first` is given, all but the pages at these output paths (those open in a browser) keep their
        last version for now; they are listed in Generated.deferred and rendered by render_deferred()."""
        # The cyclic garbage collector would walk the whole cache each time a build allocates a few
        # thousand objects; a build makes no garbage cycles worth collecting midway.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._generate(defer, first)
        finally:
            if enabled:
                gc.enable()

    def _generate(self, defer: tuple[str, ...], first: set[str] | None) -> Generated:
        started = time.perf_counter()
        hashes = self._hashes = hash_inputs(self.project.folders(), self.cache.stats)
        translations = self.catalogs(hashes)
        # load and validate; when only document texts changed: the last site with those documents re-checked
        quick = None if self.pdfs else self.incremental.quick_update(hashes, self.project.content)
        kept = None if quick or self.pdfs else self.incremental.unchanged_site(hashes)
        site, changed = quick or (kept or self.load_site(translations, hashes), None)
        self.incremental.validated(hashes, site)
        # assemble
        states = self.incremental.translation_states(site, hashes, self.project.content)
        all_pages = pages.assemble(site, loading.display_path(self.project.content, self.project.root), states)
        if not quick:
            collisions = routing.check_collisions(all_pages)
            if collisions:
                raise ContentErrors(collisions)
        # render what changed (after a quick update: only the pages depending on the changed files)
        files = dict(self.incremental.last.files) if quick else {}
        assets = self.assets(hashes, files)
        environments = self.environments(hashes, translations, site, assets)
        page_key = PageKeys(hashes, "pdf" if self.pdfs else "")
        touched = touched_by(changed or [])
        candidates = all_pages if changed is None else [p for p in all_pages if touched(tuple(p.depends))
                                                        or p.url in self.incremental.deferred]
        rendered, deferred = self.incremental.render_pages(
            candidates, environments, page_key, files,
            lambda page: page.kind in defer if first is None else routing.output_path(page.url) not in first)
        if not quick:
            for name in ("index.html", "404.html"):
                files[name] = environments["en"].get_template(f"root-{name}").render(assets=assets).encode("utf-8")
            files.update(self.data_files(site, all_pages, page_key.prints(pages.DATA)))
        self._rendered = self._rendered or bool(rendered)
        check_alternates(rendered, files)
        if self.search_index:
            files.update(self.search_files(site, translations))
        if self.pdfs:
            files.update(self.pdf_files(site, files))
        self.incremental.remember(LastBuild(site, files, hashes, environments, page_key), deferred)
        counts = {lang: sum(1 for p in all_pages if p.lang == lang) for lang in LANGS}
        records = (len(site.documents) + len(site.indicators) + len(site.values) + len(site.terms) + len(site.themes)
                   + len(site.goals))
        touched = {routing.output_path(p.url) for p in rendered} if quick else None
        return Generated(site, files, counts, records, time.perf_counter() - started, [p.url for p in rendered],
                         deferred, touched, states)

    def render_deferred(self, stop=lambda: False) -> dict[str, bytes]:
        """Render the pages the last generate() deferred into its files, until done or stop() is true;
        returns the files they change."""
        return self.incremental.render_deferred(stop)

    def write(self, files: dict[str, bytes], site_dir: Path, only: set[str] | None = None) -> list[str]:
        """Write the files to site_dir (only what changed, see Incremental.write_site); returns the names
        written or removed."""
        return self.incremental.write_site(files, site_dir, only)

    def save_cache(self) -> None:
        """Keep the cache for the next build; not written again when this process rendered nothing and
        the inputs and output are those it was saved for (saving a large site's cache takes a while)."""
        if not self.cache_dir:
            return
        written = self.cache.written["site"] if self.cache.written else None
        state = hashlib.sha1(repr((sorted(self._hashes.items()), written, self.pdfs, self.search_index))
                             .encode("utf-8")).hexdigest()
        if state == self.cache.saved_for and not self._rendered:
            return
        self.cache.saved_for = state
        self.cache.save(self.cache_dir, engine_digest())

    def catalogs(self, hashes: dict[str, str]) -> dict:
        key = fingerprint(hashes, ("i18n/", "templates/"))
        if key not in self.cache.catalogs:
            # the strings of files as they are now (the engine's own files are kept under "": the cache is
            # dropped whenever the engine changes)
            self.cache.messages = {k: v for k, v in self.cache.messages.items() if hashes.get(k[0], "") == k[1]}
            self.cache.catalogs = {key: i18n.load_catalogs(self.project.root, digests=hashes,
                                                           memo=self.cache.messages, compiled=self._po)}
        return self.cache.catalogs[key]

    def load_site(self, translations: dict, hashes: dict[str, str]) -> Site:
        """Read and validate all content; raises ContentErrors with every problem."""
        raw = loading.load_content(self.project.content, hashes, self.cache.parsed)
        labels = {lang: BodyLabels.translated(translations[lang].gettext) for lang in LANGS}
        key = tuple(labels[lang] for lang in LANGS)
        if self._renderers is None or self._renderers[0] != key:  # kept: each keeps its sections rendered
            self._renderers = (key, {lang: Renderer(lang, labels[lang]) for lang in LANGS})
        renderers = self._renderers[1]
        titles = {lang: translations[lang].gettext("Glossary") for lang in LANGS}
        glossary_href = lambda lang: routing.url_for("glossary", lang)  # noqa: E731
        reuse = self.incremental.validated_parts(hashes)
        found = Collector()  # the glossary's problems are reported by validate()
        terms = reuse("terms", (), lambda: validation.glossary_terms(raw, found),
                      lambda: not found.errors and not found.suppressed)
        links = validation.term_links(terms, glossary_href, titles)
        render = self.incremental.body_renderer(raw, renderers, links, labels)
        check = self.incremental.translation_checker()
        return validation.validate(raw, renderers, glossary_href, titles, render_body=render, check_translation=check,
                                   reuse=reuse, records=self.incremental.values)

    def assets(self, hashes: dict[str, str], files: dict[str, bytes]) -> dict[str, str]:
        """The fingerprinted names of the static files, which are added to `files` (read again only when
        static/ changed)."""
        key = fingerprint(hashes, ("static/",))
        if self._assets is None or self._assets[0] != key:
            self._assets = (key, *collect_assets(self.project.static))
        files.update(self._assets[2])
        return self._assets[1]

    def environments(self, hashes: dict[str, str], translations: dict, site: Site, assets: dict) -> dict:
        """Jinja environments, kept while templates and catalogs stay the same (compiled templates are
        reused); the site and asset names are refreshed on every build."""
        key = fingerprint(hashes, ("templates/", "i18n/")) + ("pdf" if self.pdfs else "")
        if self._environments is None or self._environments[0] != key:
            compiled = self.cache_dir / "templates" if self.cache_dir else self._compiled
            made = rendering.make_environments(self.project.templates, translations, site, assets, BASE_URL, self.pdfs,
                                               compiled)
            self._environments = (key, made)
        else:
            rendering.refresh_environments(self._environments[1], site, assets)
        return self._environments[1]

    def data_files(self, site: Site, all_pages, key: str) -> dict[str, bytes]:
        """portal.json, the CSVs and the sitemap, rebuilt only when data or documents changed."""
        if key not in self.cache.data:
            self.cache.data = {key: datasets.data_files(site, [p.url for p in all_pages if p.kind != "not-found"],
                                                        BASE_URL)}
        return self.cache.data[key]

    def search_files(self, site: Site, translations: dict) -> dict[str, bytes]:
        """The Pagefind bundle, rebuilt when the searchable text changed (and refreshing is on)."""
        previous = self.cache.search
        if previous is not None and not self.refresh_search:
            return previous[1]
        records = search.search_records(site, {lang: translations[lang].gettext for lang in LANGS})
        digest = search.records_digest(records)
        if previous is None or (previous[0] != digest and self.refresh_search):
            with self.progress.stage("search index", len(records), "record") as stage:
                self.cache.search = (digest, search.build_index(records))
                stage.advance(len(records))
        return self.cache.search[1]

    def pdf_files(self, site: Site, files: dict[str, bytes]) -> dict[str, bytes]:
        """The briefing books and every document as PDF, from their built pages."""
        jobs = {routing.pdf_path(lang): routing.output_path(routing.url_for("print", lang)) for lang in LANGS}
        jobs.update({routing.pdf_path(lang, d.id): routing.output_path(routing.url_for("document", lang, d.id))
                     for lang in LANGS for d in site.documents})
        pages_in = {page: output.content(files[page]) for page in jobs.values()}  # kept pages are read now
        with self.progress.stage("PDFs", len(jobs), "PDF") as stage:
            return pdf.render_pdfs(jobs, {**files, **pages_in}, self.pdf_cache_dir, advance=stage.advance)


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
          cache_dir: Path | None = None, progress: Progress | None = None) -> Generated:
    """Generate the whole site and write it to site_dir; on any error site_dir is left untouched.

    With a cache folder, a rebuild reuses what the last build rendered and rewrites only the files
    whose bytes changed (each atomically); without one, the site goes to a fresh folder swapped in."""
    builder = Builder(project, pdfs, search_index, cache_dir, progress=progress)
    generated = builder.generate()
    with builder.progress.stage("write"):
        builder.write(generated.files, site_dir)
    builder.save_cache()
    return generated
