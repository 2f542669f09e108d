"""build(): load -> validate -> route -> assemble -> render -> write."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from . import datasets, i18n, loading, output, pages, rendering, routing, validation
from .errors import ContentError, ContentErrors, SourceRef
from .markup import Renderer
from .model import LANGS, Site

BASE_URL = "https://yuzhong-plans.netlify.app"
STATIC_PLAIN = {"robots.txt", "favicon.svg"}


@dataclass(frozen=True)
class Project:
    """Where a site's inputs are: content/, templates/, static/, i18n/ below one folder."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

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

    def summary(self) -> str:
        per_lang = ", ".join(f"{count} {lang}" for lang, count in self.pages.items())
        return f"built {per_lang} pages, {self.records} records, {len(self.files)} files in {self.seconds:.2f} s"


def load_site(project: Project, translations: dict) -> Site:
    """Read and validate all content; raises ContentErrors with every problem."""
    raw = loading.load_content(project.content)
    renderers = {lang: Renderer(lang, translations[lang].gettext("Link to this paragraph")) for lang in LANGS}
    titles = {lang: translations[lang].gettext("Glossary") for lang in LANGS}
    return validation.validate(raw, renderers, lambda lang: routing.url_for("glossary", lang), titles)


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


def generate(project: Project) -> Generated:
    """Everything the site consists of, in memory; raises ContentErrors before anything is written."""
    started = time.perf_counter()
    translations = i18n.load_catalogs(project.root)
    site = load_site(project, translations)
    assets, files = collect_assets(project.static)
    all_pages = pages.assemble(site, project.content)
    collisions = routing.check_collisions(all_pages)
    if collisions:
        raise ContentErrors(collisions)
    environments = rendering.make_environments(project.templates, translations, site, assets, BASE_URL)
    errors: list[ContentError] = []
    for page in all_pages:
        try:
            files[routing.output_path(page.url)] = rendering.render_page(environments, page).encode("utf-8")
        except ContentError as error:
            errors.append(error)
    if errors:
        raise ContentErrors(errors)
    root_env = environments["en"]
    for name in ("index.html", "404.html"):
        files[name] = root_env.get_template(f"root-{name}").render(assets=assets).encode("utf-8")
    files["data/portal.json"] = datasets.portal_json(site)
    for lang in LANGS:
        files[f"data/values.{lang}.csv"] = datasets.values_csv(site, lang, BASE_URL)
    files["sitemap.xml"] = datasets.sitemap([p.url for p in all_pages if p.kind != "not-found"], BASE_URL)
    check_alternates(all_pages, files)
    counts = {lang: sum(1 for p in all_pages if p.lang == lang) for lang in LANGS}
    records = len(site.documents) + len(site.indicators) + len(site.values) + len(site.terms) + len(site.themes)
    return Generated(site, files, counts, records, time.perf_counter() - started)


def check_alternates(all_pages, files: dict[str, bytes]) -> None:
    """Every page's language switch and hreflang alternates resolve to a built page, both ways."""
    errors = []
    for page in all_pages:
        twin = routing.url_for(page.kind, routing.other_lang(page.lang), page.key)
        if routing.output_path(twin) not in files:
            errors.append(ContentError(SourceRef(page.origin), f"{page.url} switches language to {twin}, which is not built"))
        html = files[routing.output_path(page.url)].decode("utf-8")
        for target in (twin, page.url):
            if f'href="{target}"' not in html and f'href="{BASE_URL}{target}"' not in html:
                errors.append(ContentError(SourceRef(page.origin), f"{page.url} has no link to {target}"))
    if errors:
        raise ContentErrors(errors)


def build(project: Project, site_dir: Path) -> Generated:
    """Generate the whole site and swap it into site_dir; on any error site_dir is left untouched."""
    generated = generate(project)
    output.replace_site(generated.files, site_dir)
    return generated
