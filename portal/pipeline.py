"""The build, one path for every build (cold, warm, the preview's): read the inputs -> catalogs -> load
and validate -> assemble -> render -> data files, search index, PDFs. Reuse lives inside functions,
memoized by digests of what they read; pages are kept by what they read (see incremental.py)."""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path

from . import (cache, charts, editions, i18n, loading, output, pages, pdf, publishing, recordfiles, rendering, routing,
               unchanged, validation)
from .aside import Aside
from .assets import collect_assets
from .checkmemo import Checks
from .documentfields import documents_ahead
from .errors import Collector, ContentErrors, EnvironmentProblem, environment_problem
from .inputs import Project, read_inputs
from .incremental import Digests, InputsChanged, SiteView, Verified, digest_of, render_pages, translation_states
from .lastbuild import LastBuild
from .keptbodies import KeptBodies, prefill, restore_bodies, saved_bodies
from .markup import BodyLabels, Renderer
from .memory import collection_paused
from .model import LANGS, Site, TranslationState
from .progress import Progress, Quiet
from .routing import check_alternates
from .workerchecks import DocumentChecks

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
    rendered: list[str]
    deferred: list  # pages left at their last version, for render_deferred()
    translations: dict[str, TranslationState]  # by document id

    def summary(self) -> str:
        return f"built {self.counts()} in {self.seconds:.2f} s"

    def counts(self) -> str:
        per_lang = ", ".join(f"{count} {lang}" for lang, count in self.pages.items())
        return f"{per_lang} pages, {self.records} records, {len(self.files)} files"


class Builder:
    """Builds the site in memory. Between builds it keeps, by digests of what they read: parsed YAML,
    rendered bodies, catalogs, template environments, and what the last build made (lastbuild.py; on disk
    too, with a cache folder: see cache.py)."""

    engine = cache.engine_digest()

    def __init__(self, project: Project, pdfs: bool = False, search_index: bool = True,
                 cache_dir: Path | None = None, parallel_min: int = 200, pdf_cache_dir: Path | None = None,
                 progress: Progress | None = None, cards: bool = False) -> None:
        self.project, self.pdfs, self.search_index, self.cards = project, pdfs, search_index, cards
        self.pdf_cache_dir = pdf_cache_dir or project.root / ".cache" / "pdf"  # tests pass a temporary one
        self.cache_dir, self.parallel_min, self.progress = cache_dir, parallel_min, progress or Quiet()
        state = cache.load(cache_dir, self.engine)
        self.last = LastBuild(state)
        MESSAGES.update({(name, digest): [tuple(s) for s in strings]
                         for name, digest, strings in state.get("messages", [])})
        self.memo: dict[str, tuple] = {}  # catalogs, assets, environments: (digest of their inputs, value)
        self.parsed, self.compiled_po = {}, {}  # YAML by file and digest of its text; catalogs by file digest
        self.bodies: tuple | None = None  # (labels, a KeptBodies per language)
        self.saved_bodies = state.get("bodies")  # the last process's, put back once the labels are known
        self.checks = Checks()  # records' checks by what they read
        self.states: dict = {}  # translation states by document and digests of what they come from
        self.sources, self.stats = {}, {}  # en.sources.yaml parsed by its text's digest; inputs' times (read_inputs)
        self.inputs: dict[str, str] | None = None  # the inputs' digests the last generate() read, and found unchanged
        self.taken: dict[str, str] | None = None  # the inputs' digests read just before it for the build's key
        # what render_deferred() needs, the pages left for it, and what it makes after them: (names kept, make)
        self.pending, self.deferred, self.later = None, [], []

    def generate(self, first: set[str] | None = None) -> Generated:
        """Everything the site consists of, in memory; raises ContentErrors before anything is written.
        With `first` (output paths: the pages open in the preview's browser) changed pages not in it,
        and a changed search index, keep their last version for now: render_deferred() makes them."""
        with collection_paused():  # a build makes no garbage cycles worth collecting midway: it would walk it all
            for attempt in range(3):
                try:
                    return self._generate(first, check=attempt < 2)
                except InputsChanged:  # what was kept by digests taken before the change is not to be trusted
                    self.memo.clear()
                    MESSAGES.clear()

    def _generate(self, first: set[str] | None, check: bool) -> Generated:
        started, self.deferred = time.perf_counter(), []  # a failed build leaves nothing for later: the next one
        # the inputs as the build's key found them just now (a change since is found by the read at the end)
        inputs, self.taken = self.taken or read_inputs(self.project.folders(), self.stats), None
        translations = self.catalogs(inputs)
        site = self.load_site(translations, inputs)
        states, self.states = translation_states(site, inputs, self.project.content, self.states, self.sources)
        all_pages = pages.assemble(site, loading.display_path(self.project.content, self.project.root))
        if collisions := routing.check_collisions(all_pages):
            raise ContentErrors(collisions)
        files: dict[str, bytes] = {}
        assets = {**self.assets(inputs, files), **charts.layer_stylesheet(site.model.layers, files)}
        environments = self.environments(inputs, translations, site, assets)
        loaded = self.memoized("editions", digest_of(inputs, "content/editions"),
                               lambda: editions.load(self.project.content))
        line = publishing.timeline(site, loaded, self.last.records)
        publishing.install(environments, line, site.model.base_url)
        base = cache.digest(repr((self.engine, digest_of(inputs, "templates/", "i18n/", "static/", "content/editions"),
                                  self.pdfs, [d.id for d in site.documents], site.model)).encode())
        defer = (lambda page: routing.output_path(page.url) not in first) if first is not None else lambda page: False
        digests = Digests(site, states)
        known = self.last.verified.unchanged(base, digests) if self.last.verified else lambda path, entry: False
        later = [] if first is not None else None  # with `first`, what render_deferred() makes after the pages
        made: dict[str, bytes] = {}  # made while the pages render (from the records, not the pages)

        def meanwhile() -> None:
            urls = [p.url for p in all_pages if p.kind != "not-found"]
            made.update(recordfiles.data_files(self.last, digests, urls, later))
            if self.search_index:
                made.update(recordfiles.search_files(self.last, site, translations, later, self.progress))
            made.update(recordfiles.citation_files(self.last, site, line, {**files, **made}, later, self.engine))

        done = render_pages(all_pages, environments, digests, base, self.last.entries, self.last.file, defer,
                            self.parallel_min, self.progress, known, meanwhile)
        files.update(done.files)
        view = SiteView(site, states)  # the root pages and data files are made anew every build
        for name in ("index.html", "404.html"):
            files[name] = environments["en"].get_template(f"root-{name}").render(site=view, assets=assets).encode()
        files.update(made)
        check_alternates(done.rendered, files, site.model.base_url, i18n.HTML_LANG)
        if self.cards:  # kept while what each shows is; the preview does without (a shared page is a published one)
            cards, self.last.cards = publishing.card_files(site, line, all_pages, files, self.last.cards, self.last.file,
                                                           site.model.base_url, self.progress)
            files.update(cards)
        if self.pdfs:
            files.update(pdf.site_pdfs(site, files, self.pdf_cache_dir, self.progress))
        if check and read_inputs(self.project.folders(), self.stats) != inputs:
            raise InputsChanged()
        self.inputs = inputs if check else None  # what it read, the same at its end (unchanged.Last.save)
        last, self.deferred, self.later = self.last, done.deferred, later or []
        last.entries, last.files = done.entries, files
        deferred = {routing.output_path(page.url) for page in done.deferred}  # kept under their old keys
        last.verified = Verified(base, digests, {p: e for p, e in done.entries.items() if p not in deferred})
        last.made = {**{path: entry.digest for path, entry in done.entries.items()}, **last.data[2], **last.search.made,
                     **{p: e[1] for p, e in last.cards.items() if self.cards}, **last.reuse[1]}
        self.pending = (environments, digests, base)
        counts = {lang: sum(1 for p in all_pages if p.lang == lang) for lang in LANGS}
        records = sum(len(getattr(site, k)) for k in ("documents", "indicators", "values", "terms", "themes", "goals"))
        return Generated(site, files, counts, records, time.perf_counter() - started, [p.url for p in done.rendered],
                         done.deferred, states)

    def render_deferred(self, stop=lambda: False) -> dict[str, bytes]:
        """Make what the last generate() left for later, until done or until stop() is true; returns the whole
        output, as generate() would have made it."""
        environments, digests, base = self.pending
        while self.deferred and not stop():
            batch, self.deferred = self.deferred[:20], self.deferred[20:]
            try:
                done = render_pages(batch, environments, digests, base, {}, self.last.file, parallel_min=10**9)
                check_alternates(done.rendered, {**self.last.files, **done.files}, digests.site.model.base_url,
                                 i18n.HTML_LANG)
            except ContentErrors:  # reported as the build reports them: every failing page of the site
                render_pages(batch + self.deferred, environments, digests, base, {}, self.last.file)
                raise
            self.last.entries.update(done.entries)
            self.last.verified.entries.update(done.entries)
            self.last.replace([], done.files, {path: entry.digest for path, entry in done.entries.items()})
        while not self.deferred and self.later and not stop():
            names, make = self.later.pop(0)
            self.last.replace(names, *make())
        return self.last.files

    def save_cache(self, site_dir: Path) -> None:
        """Keep what this build made for the next one (its pages are in site_dir, where it published them)."""
        if self.cache_dir:
            cache.save(self.cache_dir, self.engine, {
                **self.last.saved(site_dir), "bodies": saved_bodies(self.bodies[1]) if self.bodies else None,
                "messages": [[name, digest, strings] for (name, digest), strings in MESSAGES.items()]})

    def memoized(self, name: str, key: str, make):
        if name not in self.memo or self.memo[name][0] != key:
            self.memo[name] = (key, make())
        return self.memo[name][1]

    def catalogs(self, inputs: dict[str, str]) -> dict:
        def load() -> dict:  # with every page to render (no last build), the templates are compiled on another
            # core meanwhile, from the trees the UI strings' extraction parsed, as soon as the catalogs are read
            made = i18n.load_catalogs(self.project.root, digests=inputs, memo=MESSAGES, compiled=self.compiled_po,
                                      parsed=lambda read: self.last.entries or rendering.compile_ahead(
                                          self.project.templates, read, COMPILED))
            for key in [k for k in MESSAGES if inputs.get(k[0], "") != k[1]]:  # UI strings and catalogs of the files
                del MESSAGES[key]  # as they are now (the engine's files are kept under "")
            self.compiled_po = {k: v for k, v in self.compiled_po.items() if inputs.get(k[0]) == k[1]}
            return made

        return self.memoized("catalogs", digest_of(inputs, "i18n/", "templates/"), load)

    def load_site(self, translations: dict, inputs: dict[str, str] | None = None) -> Site:
        """Read and validate all content; raises ContentErrors with every problem."""
        raw = loading.read_texts(self.project.content, self.parsed, inputs)  # the glossary and the Markdown first
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
        sources = {lang: [texts[lang] for texts in raw.texts.values() if lang in texts] for lang in LANGS}
        # a body takes some twenty pages' time: a cold build renders ten on several processes, while this one
        # reads the rest of the content and checks the documents' fields; a worker checks each document it
        # rendered (see workerchecks.py)
        found = prefill(self.bodies[1], sources, links, max(2, self.parallel_min // 20), self.progress,
                        lambda: documents_ahead(loading.load_content(raw), self.checks),
                        DocumentChecks.of(terms, self.project.content, inputs))
        self.checks.keep(found)
        self.states.update((key, result) for kind, key, result in found if kind == "state")
        self.parsed = {key: self.parsed[key] for key in raw.read if key in self.parsed}
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


def generate(project: Project, pdfs: bool = False, search_index: bool = True, cards: bool = False) -> Generated:
    return Builder(project, pdfs, search_index, cards=cards).generate()


@collection_paused()  # to the record too: publishing and the record start full collections (N=2000: 0.3 s)
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
    builder.stats, builder.taken = last.known, last.inputs  # the inputs' digests (by their times), just taken
    generated = builder.generate()
    published, written = [], {}  # which tree site_dir is once published, the files written (unchanged.Last.save)
    # the cache names the pages by their digests, read back from site_dir and checked: saved meanwhile
    saving = Aside(lambda: builder.save_cache(site_dir)) if cache_dir else None
    try:
        with builder.progress.stage("write"):
            changed = output.publish(generated.files, site_dir, known=builder.last.read_back,
                           then=lambda: published.append(unchanged.tree_id(site_dir)), written=written)
    except BaseException:
        if saving:
            saving.cancel()
        raise
    try:
        if saving and not saving.succeeded():
            builder.save_cache(site_dir)  # here again, to say why
    except OSError as error:  # site/ is published: say so
        if environment_problem(error):
            raise EnvironmentProblem(error.filename or cache_dir, error, f"{site_dir} is published; the build cache "
                                     "is not saved (the next build starts without it)") from None
        raise
    last.save(site_dir, published[0] if published else None, builder.stats, generated.counts(),
              generated.files if changed else None, written, builder.inputs)  # None: site_dir left as it was
    return generated
