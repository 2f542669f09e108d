"""build(): load -> validate -> route -> assemble -> render -> write, with caches for quick rebuilds."""
from __future__ import annotations

import fnmatch
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import datasets, i18n, loading, output, pages, pdf, rendering, routing, search, validation
from .errors import ContentError, ContentErrors, SourceRef
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


@dataclass(frozen=True)
class Generated:
    site: Site
    files: dict[str, bytes]
    pages: dict[str, int]
    records: int
    seconds: float
    rendered: list[str] = field(default_factory=list)

    def summary(self) -> str:
        per_lang = ", ".join(f"{count} {lang}" for lang, count in self.pages.items())
        return f"built {per_lang} pages, {self.records} records, {len(self.files)} files in {self.seconds:.2f} s"


def hash_inputs(project: Project) -> dict[str, str]:
    """sha1 of every input file, keyed 'content/…', 'templates/…' etc. as if all were below one root."""
    hashes = {}
    folders = {"content": project.content, "templates": project.templates, "static": project.static,
               "i18n": project.root / "i18n", "portal": project.root / "portal"}
    for name, base in folders.items():
        if not base.exists():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            key = f"{name}/{path.relative_to(base).as_posix()}"
            hashes[key] = hashlib.sha1(path.read_bytes()).hexdigest()
    return hashes


def fingerprint(hashes: dict[str, str], prefixes) -> str:
    """One hash over the files whose paths start with any of the prefixes (or match it, for globs)."""
    digest = hashlib.sha1()
    plain = tuple(p for p in prefixes if "*" not in p)
    globs = [p for p in prefixes if "*" in p]
    for path, value in hashes.items():
        if path.startswith(plain) or any(fnmatch.fnmatch(path, g) for g in globs):
            digest.update(f"{path}\0{value}\n".encode())
    return digest.hexdigest()


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
    """Builds the site in memory; keeps rendered bodies and pages to redo only what an edit touched."""

    def __init__(self, project: Project, pdfs: bool = False, search_index: bool = True) -> None:
        self.project = project
        self.pdfs = pdfs
        self.search_index = search_index
        self.refresh_search = True  # the preview turns this off after its first build: Pagefind takes seconds
        self._search: tuple[str, dict[str, bytes]] | None = None
        self._bodies: dict[tuple, tuple] = {}
        self._pages: dict[str, tuple[str, bytes]] = {}
        self._catalogs: tuple[str, dict] | None = None

    def catalogs(self, hashes: dict[str, str]) -> dict:
        key = fingerprint(hashes, ("i18n/", "templates/", "portal/"))
        if self._catalogs is None or self._catalogs[0] != key:
            self._catalogs = (key, i18n.load_catalogs(self.project.root))
        return self._catalogs[1]

    def load_site(self, translations: dict) -> Site:
        """Read and validate all content; raises ContentErrors with every problem."""
        raw = loading.load_content(self.project.content)
        renderers = {lang: Renderer(lang, translations[lang].gettext("Link to this paragraph")) for lang in LANGS}
        titles = {lang: translations[lang].gettext("Glossary") for lang in LANGS}
        bodies = self._bodies

        def render(lang: str, text: str, shown: Path, links):
            key = (lang, hashlib.sha1(text.encode()).hexdigest(), str(shown),
                   links.pattern.pattern if links.pattern else "", links.href)
            if key not in bodies:
                bodies[key] = renderers[lang].render(text, shown, links)
            return bodies[key]

        return validation.validate(raw, renderers, lambda lang: routing.url_for("glossary", lang), titles,
                                   render_body=render)

    def generate(self) -> Generated:
        """Everything the site consists of, in memory; raises ContentErrors before anything is written."""
        started = time.perf_counter()
        hashes = hash_inputs(self.project)
        translations = self.catalogs(hashes)
        site = self.load_site(translations)
        assets, files = collect_assets(self.project.static)
        all_pages = pages.assemble(site, loading.display_path(self.project.content, self.project.root))
        collisions = routing.check_collisions(all_pages)
        if collisions:
            raise ContentErrors(collisions)
        environments = rendering.make_environments(self.project.templates, translations, site, assets, BASE_URL,
                                                   self.pdfs)
        global_print = fingerprint(hashes, GLOBAL_INPUTS) + ("pdf" if self.pdfs else "")
        errors: list[ContentError] = []
        rendered = []
        for page in all_pages:
            path = routing.output_path(page.url)
            key = global_print + fingerprint(hashes, page.depends)
            cached = self._pages.get(path)
            if cached and cached[0] == key:
                files[path] = cached[1]
                continue
            try:
                files[path] = rendering.render_page(environments, page).encode("utf-8")
            except ContentError as error:
                errors.append(error)
                continue
            self._pages[path] = (key, files[path])
            rendered.append(page.url)
        if errors:
            raise ContentErrors(errors)
        root_env = environments["en"]
        for name in ("index.html", "404.html"):
            files[name] = root_env.get_template(f"root-{name}").render(assets=assets).encode("utf-8")
        files["data/portal.json"] = datasets.portal_json(site)
        for lang in LANGS:
            files[f"data/values.{lang}.csv"] = datasets.values_csv(site, lang, BASE_URL)
            for indicator in site.indicators:
                files[f"data/indicators/{indicator.id}.{lang}.csv"] = datasets.values_csv(
                    site, lang, BASE_URL, indicator.id)
        files["sitemap.xml"] = datasets.sitemap([p.url for p in all_pages if p.kind != "not-found"], BASE_URL)
        check_alternates(all_pages, files)
        if self.search_index:
            files.update(self.search_files(site))
        if self.pdfs:
            jobs = {routing.pdf_path(lang): routing.output_path(routing.url_for("print", lang)) for lang in LANGS}
            jobs.update({routing.pdf_path(lang, d.id): routing.output_path(routing.url_for("document", lang, d.id))
                         for lang in LANGS for d in site.documents})
            files.update(pdf.render_pdfs(jobs, files, self.project.root / ".cache" / "pdf"))
        counts = {lang: sum(1 for p in all_pages if p.lang == lang) for lang in LANGS}
        records = len(site.documents) + len(site.indicators) + len(site.values) + len(site.terms) + len(site.themes)
        return Generated(site, files, counts, records, time.perf_counter() - started, rendered)


    def search_files(self, site: Site) -> dict[str, bytes]:
        """The Pagefind bundle, rebuilt when the searchable text changed (and refreshing is on)."""
        records = search.search_records(site)
        digest = search.records_digest(records)
        if self._search is None or (self._search[0] != digest and self.refresh_search):
            self._search = (digest, search.build_index(records))
        return self._search[1]


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


def generate(project: Project, pdfs: bool = False) -> Generated:
    return Builder(project, pdfs).generate()


def build(project: Project, site_dir: Path, pdfs: bool = False) -> Generated:
    """Generate the whole site and swap it into site_dir; on any error site_dir is left untouched."""
    generated = generate(project, pdfs)
    output.replace_site(generated.files, site_dir)
    return generated
