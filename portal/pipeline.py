"""The build, one path for every build (cold, warm, the preview's): read the inputs -> catalogs -> load
and validate -> assemble -> render -> data files, search index, PDFs. Reuse lives inside functions,
memoized by digests of what they read; pages are kept by what they read (see incremental.py)."""
from __future__ import annotations

import functools
import gc
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, charts, datasets, editions, i18n, loading, output, pages, pdf, publishing, rendering, routing, search, unchanged, validation
from .assets import collect_assets
from .checkmemo import Checks
from .errors import Collector, ContentError, ContentErrors, EnvironmentProblem, SourceRef, environment_problem
from .inputs import Project, read_inputs
from .incremental import (Digests, InputsChanged, SiteView, Verified, digest_of, kept_entries,
                          render_pages, reuse, saved_entries, translation_states)
from .keptbodies import KeptBodies, prefill, restore_bodies, saved_bodies
from .markup import BodyLabels, Renderer
from .model import LANGS, Site, TranslationState
from .progress import Progress, Quiet

glossary_href = functools.partial(routing.url_for, "glossary")  # by language
# Templates compiled in this process, kept by their source's checksum (Jinja compares it when loading):
# in memory only; a cache on disk would be code loaded from the disk, run by every page.
COMPILED = rendering.CompiledTemplates()
# The UI strings of each template and engine file, by (file, digest) (Babel takes about a second for all):
# shared by the builders of this process, saved with the cache, dropped when an input changed mid-build.
MESSAGES: dict[tuple[str, str], list] = {}


@dataclass(frozen=True)
class Generated:
    site: Site
    files: dict[str, bytes]
    pages: dict[str, int]
    records: int
    seconds: float
    rendered: list[str] = field(default_factory=list)
    deferred: list = field(default_factory=list)  # pages left at their last version, for render_deferred()
    translations: dict[str, TranslationState] = field(default_factory=dict)  # by document id

    def summary(self) -> str:
        return f"built {self.counts()} in {self.seconds:.2f} s"

    def counts(self) -> str:
        per_lang = ", ".join(f"{count} {lang}" for lang, count in self.pages.items())
        return f"{per_lang} pages, {self.records} records, {len(self.files)} files"


class Builder:
    """Builds the site in memory. Between builds it keeps, by digests of what they read: parsed YAML,
    rendered bodies, catalogs, template environments, and each page with what it read (on disk too,
    with a cache folder: see cache.py)."""

    engine = cache.engine_digest()

    def __init__(self, project: Project, pdfs: bool = False, search_index: bool = True,
                 cache_dir: Path | None = None, parallel_min: int = 200, pdf_cache_dir: Path | None = None,
                 progress: Progress | None = None, cards: bool = False) -> None:
        self.project, self.pdfs, self.search_index, self.cards = project, pdfs, search_index, cards
        self.pdf_cache_dir = pdf_cache_dir or project.root / ".cache" / "pdf"  # tests pass a temporary one
        self.cache_dir, self.parallel_min, self.progress = cache_dir, parallel_min, progress or Quiet()
        state = cache.load(cache_dir, self.engine)
        self.entries, self.data = kept_entries(state)  # pages, and the data files (see incremental.reuse)
        self.search = search.Bundle(state.get("search", ("", {})))
        MESSAGES.update({(name, digest): [tuple(s) for s in strings]
                         for name, digest, strings in state.get("messages", [])})
        self.files: dict[str, bytes] = {}  # the last build's output (a new process: its site, read when needed)
        self.made: dict[str, str] = {}  # the digests of the files in self.files that a build may keep
        self.read_back: dict[str, tuple] = {}  # site files read and verified, by path: (signature, bytes)
        self.site_dir = Path(state["site"]) if "site" in state else None
        self.memo: dict[str, tuple] = {}  # catalogs, assets, environments: (digest of their inputs, value)
        self.parsed, self.compiled_po = {}, {}  # YAML by file and digest of its text; catalogs by file digest
        self.bodies: tuple | None = None  # (labels, a KeptBodies per language)
        self.saved_bodies = state.get("bodies")  # the last process's, put back once the labels are known
        self.checks = Checks()  # records' checks by what they read
        self.states: dict = {}  # translation states by document and digests of what they come from
        self.sources, self.stats = {}, {}  # en.sources.yaml parsed by its text's digest; inputs' times (read_inputs)
        # what render_deferred() needs, pages and (digests, urls) of data files left for it
        self.pending, self.deferred, self.data_later = None, [], None
        self.verified: Verified | None = None  # the last build's page entries and the digests they were taken with
        self.card_entries, self.reuse_entry, self.reuse_later = state.get("cards", {}), state.get("reuse", []), None
        self.record_digests: dict[str, str] = state.get("records", {})  # the editions' (editions.record_digests)

    def generate(self, first: set[str] | None = None) -> Generated:
        """Everything the site consists of, in memory; raises ContentErrors before anything is written.
        With `first` (output paths: the pages open in the preview's browser) changed pages not in it,
        and a changed search index, keep their last version for now: render_deferred() makes them."""
        enabled = gc.isenabled()
        gc.disable()  # a build makes no garbage cycles worth collecting midway; the collector would walk it all
        try:
            for attempt in range(3):
                try:
                    return self._generate(first, check=attempt < 2)
                except InputsChanged:  # what was kept by digests taken before the change is not to be trusted
                    self.memo.clear()
                    MESSAGES.clear()
        finally:
            if enabled:
                gc.enable()

    def _generate(self, first: set[str] | None, check: bool) -> Generated:
        started, self.deferred = time.perf_counter(), []  # a failed build leaves nothing for later: the next one
        inputs = read_inputs(self.project.folders(), self.stats)
        translations = self.catalogs(inputs)
        site = self.load_site(translations)
        states, self.states = translation_states(site, inputs, self.project.content, self.states, self.sources)
        all_pages = pages.assemble(site, loading.display_path(self.project.content, self.project.root))
        if collisions := routing.check_collisions(all_pages):
            raise ContentErrors(collisions)
        files: dict[str, bytes] = {}
        assets = self.assets(inputs, files)
        assets = {**assets, **charts.layer_stylesheet(site.model.layers, files)}
        environments = self.environments(inputs, translations, site, assets)
        line = editions_for(self, inputs, site, environments)
        base = cache.digest(repr((self.engine, digest_of(inputs, "templates/", "i18n/", "static/", "content/editions"),
                                  self.pdfs, [d.id for d in site.documents], site.model)).encode())
        defer = (lambda page: routing.output_path(page.url) not in first) if first is not None else lambda page: False
        digests = Digests(site, states)
        known = self.verified.unchanged(base, digests) if self.verified else lambda path, entry: False
        done = render_pages(all_pages, environments, digests, base, self.entries, self.kept_file, defer,
                            self.parallel_min, self.progress, known)
        files.update(done.files)
        view = SiteView(site, states)  # the root pages and data files are made anew every build
        for name in ("index.html", "404.html"):
            files[name] = environments["en"].get_template(f"root-{name}").render(site=view, assets=assets).encode()
        urls = [p.url for p in all_pages if p.kind != "not-found"]
        data, data_later = data_files(self, digests, urls, later=first is not None)
        files.update(data)
        check_alternates(done.rendered, files, site.model.base_url)
        files.update(reuse_and_cards(self, site, line, all_pages, files, later=first is not None))
        if self.search_index:
            files.update(self.search.files(site, gettexts(translations), self.kept_file, first is not None,
                                           self.progress))
        if self.pdfs:
            files.update(pdf_files(site, files, self.pdf_cache_dir, self.progress))
        if check and read_inputs(self.project.folders(), self.stats) != inputs:
            raise InputsChanged()
        self.entries, self.files, self.deferred, self.data_later = done.entries, files, done.deferred, data_later
        deferred = {routing.output_path(page.url) for page in done.deferred}  # kept under their old keys
        self.verified = Verified(base, digests, {p: e for p, e in done.entries.items() if p not in deferred})
        self.made = {path: entry.digest for path, entry in done.entries.items()}
        self.made.update({**self.data[2], **self.search.made})
        self.made.update({**{p: e[1] for p, e in self.card_entries.items() if self.cards}, **self.reuse_entry[1]})
        self.pending = (environments, digests, base, translations)
        counts = {lang: sum(1 for p in all_pages if p.lang == lang) for lang in LANGS}
        records = sum(len(getattr(site, k)) for k in ("documents", "indicators", "values", "terms", "themes", "goals"))
        return Generated(site, files, counts, records, time.perf_counter() - started, [p.url for p in done.rendered],
                         done.deferred, states)

    def kept_file(self, name: str, digest: str) -> bytes | None:
        """A file of the last build: in memory, else read back from the site it was published to, used only
        when its bytes still have their digest."""
        data = self.files.get(name)
        if data is not None and self.made.get(name) == digest:  # the digest taken of these very bytes
            return data
        if data is None and self.site_dir is not None:
            data, known = output.read_back(os.path.join(self.site_dir, name)) or (None, None)  # 7,000 warm: no pathlib
            if data is None or cache.digest(data) != digest:
                return None
            if known:  # publish() need not read it again while it is unchanged and these bytes are published
                self.read_back[os.path.join(self.site_dir.absolute(), name)] = (known, data)
            return data
        return data if data is not None and cache.digest(data) == digest else None

    def render_deferred(self, stop=lambda: False) -> dict[str, bytes]:
        """Make what the last generate() left for later (pages, data files, search index), until done or until
        stop() is true; returns the whole output, as generate() would have made it."""
        environments, digests, base, translations = self.pending
        while self.deferred and not stop():
            batch, self.deferred = self.deferred[:20], self.deferred[20:]
            try:
                done = render_pages(batch, environments, digests, base, {}, self.kept_file, parallel_min=10**9)
                check_alternates(done.rendered, {**self.files, **done.files}, digests.site.model.base_url)
            except ContentErrors:  # reported as the build reports them: every failing page of the site
                render_pages(batch + self.deferred, environments, digests, base, {}, self.kept_file)
                raise
            self.files.update(done.files)
            self.entries.update(done.entries)
            self.verified.entries.update(done.entries)
            self.made.update({path: entry.digest for path, entry in done.entries.items()})
        if not self.deferred and not stop() and self.data_later:
            names, (data, self.data_later) = list(self.data[2]), data_files(self, *self.data_later, later=False)
            replace(self.files, self.made, names, data, self.data[2])
        if not self.deferred and not stop() and self.search.stale:
            names = list(self.search.made)
            bundle = self.search.files(digests.site, gettexts(translations), self.kept_file, False, self.progress)
            replace(self.files, self.made, names, bundle, self.search.made)
        if not self.deferred and not stop():
            finish_later(self)
        return self.files

    def save_cache(self, site_dir: Path) -> None:
        """Keep what this build made for the next one (its pages stay in site_dir, where it published them)."""
        if self.cache_dir:
            cache.save(self.cache_dir, self.engine, {
                "site": str(site_dir.absolute()),
                **saved_entries(self.entries, self.data), "search": [self.search.key, self.search.made],
                "bodies": saved_bodies(self.bodies[1]) if self.bodies else None,
                "cards": self.card_entries, "reuse": self.reuse_entry, "records": self.record_digests,
                "messages": [[name, digest, strings] for (name, digest), strings in MESSAGES.items()]})

    def memoized(self, name: str, key: str, make):
        if name not in self.memo or self.memo[name][0] != key:
            self.memo[name] = (key, make())
        return self.memo[name][1]

    def catalogs(self, inputs: dict[str, str]) -> dict:
        def load() -> dict:
            made = i18n.load_catalogs(self.project.root, digests=inputs, memo=MESSAGES, compiled=self.compiled_po)
            rendering.compile_ahead(self.project.templates, made, COMPILED)  # on another core while the content is read
            for key in [k for k in MESSAGES if inputs.get(k[0], "") != k[1]]:  # UI strings and catalogs of the files
                del MESSAGES[key]  # as they are now (the engine's files are kept under "")
            self.compiled_po = {k: v for k, v in self.compiled_po.items() if inputs.get(k[0]) == k[1]}
            return made

        return self.memoized("catalogs", digest_of(inputs, "i18n/", "templates/"), load)

    def load_site(self, translations: dict) -> Site:
        """Read and validate all content; raises ContentErrors with every problem."""
        raw = loading.load_content(self.project.content, self.parsed)
        self.parsed = {key: self.parsed[key] for key in raw.read if key in self.parsed}
        labels = {lang: BodyLabels.translated(translations[lang].gettext) for lang in LANGS}
        if self.bodies is None or self.bodies[0] != labels:
            self.bodies = (labels, {lang: KeptBodies(Renderer(lang, labels[lang])) for lang in LANGS})
            restore_bodies(self.bodies[1], self.saved_bodies)
            self.saved_bodies = None
        titles = {lang: translations[lang].gettext("Glossary") for lang in LANGS}
        terms = validation.glossary_terms(raw, Collector(), self.checks)
        links = validation.term_links(terms, glossary_href, titles, self.checks)
        for kept in self.bodies[1].values():
            kept.next_build()
        sources = {lang: [texts[lang] for _, texts in raw.documents if lang in texts] for lang in LANGS}
        # a body takes some twenty pages' time: a cold build renders ten on several processes
        prefill(self.bodies[1], sources, links, max(2, self.parallel_min // 20), self.progress)
        return validation.validate(raw, self.bodies[1], glossary_href, titles, self.checks)

    def assets(self, inputs: dict[str, str], files: dict[str, bytes]) -> dict[str, str]:
        """The fingerprinted names of the static files, which are added to `files`."""
        names, data = self.memoized("assets", digest_of(inputs, "static/"), lambda: collect_assets(self.project.static))
        return files.update(data) or names

    def environments(self, inputs: dict[str, str], translations: dict, site: Site, assets: dict) -> dict:
        """Jinja environments, kept (with their compiled templates) while templates and catalogs are the same."""
        environments = self.memoized("environments", digest_of(inputs, "templates/", "i18n/") + str(self.pdfs),
                                     lambda: rendering.make_environments(self.project.templates, translations, site,
                                                                         assets, self.pdfs, COMPILED))
        rendering.refresh_environments(environments, site, assets)
        return environments


def replace(files: dict[str, bytes], made: dict[str, str], names: list[str], new: dict[str, bytes],
            digests: dict[str, str]) -> None:
    """Files made after the reload in place of those kept for it (`names`: the new ones may be named otherwise)."""
    for name in set(names) - set(new):
        files.pop(name, None), made.pop(name, None)
    files.update(new)
    made.update(digests)


def gettexts(translations: dict) -> dict:
    return {lang: translations[lang].gettext for lang in LANGS}


def data_files(builder: Builder, digests: Digests, urls: list[str], later: bool) -> tuple[dict[str, bytes], tuple | None]:
    """portal.json, the CSVs and the sitemap, kept while nothing they read changed. With `later` the last ones
    are kept as they are, and what render_deferred() needs to make them is returned (no page shows them)."""
    kept = {name: builder.kept_file(name, digest) for name, digest in builder.data[2].items()} if builder.data else {}
    if later and kept and None not in kept.values():
        return kept, (digests, urls)
    builder.data, files = reuse(builder.data, repr(urls), digests,
                                lambda view: datasets.data_files(view, urls), builder.kept_file)
    return files, None


def editions_for(builder: Builder, inputs: dict[str, str], site: Site, environments: dict):
    """The editions (kept while content/editions* is the same) against this site's records, installed in the
    templates."""
    loaded = builder.memoized("editions", digest_of(inputs, "content/editions"),
                              lambda: editions.load(builder.project.content))
    line = publishing.timeline(site, loaded, builder.record_digests)
    publishing.install(environments, line, site.model.base_url)
    return line


def reuse_and_cards(builder: Builder, site: Site, line, all_pages, files: dict[str, bytes],
                    later: bool = False) -> dict[str, bytes]:
    """Citation files, feeds and the data package; the sharing cards unless the builder does without (the
    preview: a shared page is a published one). Each kept from the last build while what it shows is; with
    `later` (the preview's pages first) citations, feeds and package are checked and made by finish_later()."""
    # cache entries: sharing cards {path: [key, digest]}; citations, feeds, data package [key, {path: digest}]
    made, entry = publishing.reuse_files(site, line, files, site.model.base_url, builder.reuse_entry, builder.kept_file,
                                         builder.engine, builder.data[2], later)
    builder.reuse_later = (site, line) if entry is None else None
    builder.reuse_entry = entry or builder.reuse_entry
    if builder.cards:
        cards, builder.card_entries = publishing.card_files(site, line, all_pages, {**files, **made},
                                                            builder.card_entries, builder.kept_file, site.model.base_url,
                                                            builder.progress)
        made.update(cards)
    return made


def finish_later(builder: Builder) -> None:
    """What a preview build left at its last version after its pages and data files: the citation files,
    feeds and data package (made from the data files now in builder.files), in place of the kept ones."""
    if builder.reuse_later is None:
        return
    made_site, line = builder.reuse_later
    names = list(builder.reuse_entry[1]) if builder.reuse_entry else []
    files, builder.reuse_entry = publishing.reuse_files(made_site, line, builder.files, made_site.model.base_url,
                                                        builder.reuse_entry, builder.kept_file, builder.engine,
                                                        builder.data[2])
    builder.reuse_later = None
    replace(builder.files, builder.made, names, files, builder.reuse_entry[1])


def pdf_files(site: Site, files: dict[str, bytes], cache_dir: Path, progress: Progress) -> dict[str, bytes]:
    """The briefing books and every document as PDF, from their built pages."""
    jobs = {routing.pdf_path(lang, site.model.book): routing.output_path(routing.url_for("print", lang)) for lang in LANGS}
    jobs.update({routing.pdf_path(lang, d.id): routing.output_path(routing.url_for("document", lang, d.id))
                 for lang in LANGS for d in site.documents})
    with progress.stage("PDFs", len(jobs), "PDF") as stage:
        return pdf.render_pdfs(jobs, files, cache_dir, advance=stage.advance)


def check_alternates(rendered, files: dict[str, bytes], base_url: str) -> None:
    """Every rendered page's language switch and hreflang alternates resolve to a built page, both ways."""
    errors = []
    for page in rendered:
        twin = routing.url_for(page.kind, routing.other_lang(page.lang), page.key)
        if routing.output_path(twin) not in files:
            errors.append(ContentError(SourceRef(page.origin), f"{page.url} switches language to {twin}, "
                                       "which is not built"))
            continue
        html = files[routing.output_path(page.url)].decode("utf-8")
        if f'href="{twin}" hreflang=' not in html:
            errors.append(ContentError(SourceRef(page.origin), f"{page.url} has no language switch to {twin}"))
        for lang, target in ((page.lang, page.url), (routing.other_lang(page.lang), twin)):
            if f'hreflang="{i18n.HTML_LANG[lang]}" href="{base_url}{target}"' not in html:
                errors.append(ContentError(SourceRef(page.origin), f"{page.url} has no alternate link to {target}"))
    if errors:
        raise ContentErrors(errors)


def generate(project: Project, pdfs: bool = False, search_index: bool = True, cards: bool = False) -> Generated:
    return Builder(project, pdfs, search_index, cards=cards).generate()


def build(project: Project, site_dir: Path, pdfs: bool = False, search_index: bool = True,
          cache_dir: Path | None = None, progress: Progress | None = None, cards: bool = False,
          last: unchanged.Last | None = None) -> Generated | unchanged.Unchanged:
    """Generate the whole site and publish it to site_dir atomically (see output.publish); on any error
    site_dir is left as it was. With a cache, nothing is done when the last build read what this one would
    and site_dir is as it published it (see unchanged.py; `last`: that record and key, when taken already)."""
    last = last or unchanged.Last(cache_dir, project.folders(), Builder.engine, pdfs, search_index, cards)
    if last.holds(site_dir):
        return last.result(site_dir)
    builder = Builder(project, pdfs, search_index, cache_dir, progress=progress, cards=cards)
    builder.stats = last.known  # the inputs' digests by their times, just taken
    generated = builder.generate()
    published = []  # which tree site_dir is once published (see unchanged.Last.save)
    with builder.progress.stage("write"):
        output.publish(generated.files, site_dir, known=builder.read_back,
                       then=lambda: published.append(unchanged.tree_id(site_dir)))
    try:
        builder.save_cache(site_dir)
    except OSError as error:  # site/ is published: say so
        if environment_problem(error):
            raise EnvironmentProblem(error.filename or cache_dir, error, f"{site_dir} is published; the build cache "
                                     "is not saved (the next build starts without it)") from None
        raise
    last.save(site_dir, published[0] if published else None, builder.stats, generated.counts())
    return generated
