"""What a build makes from its records beside the pages, while they render (pipeline's meanwhile): the data
files (portal.json, the CSVs, the sitemap), the search index, and the citation files, feeds and data package,
each kept while what it read is the same. With `later` (the preview's pages first) the last ones are served
as they are and made again by Builder.render_deferred()."""
from __future__ import annotations

from . import datasets, publishing
from .incremental import Digests, reuse
from .lastbuild import LastBuild
from .model import LANGS, Site


def data_files(last: LastBuild, digests: Digests, urls: list[str], later: list | None) -> dict[str, bytes]:
    """portal.json, the CSVs and the sitemap, kept while nothing they read changed. With `later` (the preview's
    pages first) the last ones, made by render_deferred() (no page shows them)."""
    if later is not None and last.data and (kept := last.all_of(last.data[2])):
        later.append((list(kept), lambda: (data_files(last, digests, urls, None), last.data[2])))
        return kept
    last.data, files = reuse(last.data, repr(urls), digests, lambda view: datasets.data_files(view, urls), last.file)
    return files


def search_files(last: LastBuild, site: Site, translations: dict, later: list | None, progress) -> dict[str, bytes]:
    """The search index, kept while its records are the same; with `later` the last one, made by
    render_deferred()."""
    if later is not None and (kept := last.all_of(last.search.made)):
        later.append((list(kept), lambda: (search_files(last, site, translations, None, progress), last.search.made)))
        return kept
    return last.search.files(site, {lang: translations[lang].gettext for lang in LANGS}, last.file, progress)


def citation_files(last: LastBuild, site: Site, line, files: dict[str, bytes], later: list | None,
                   engine: str) -> dict[str, bytes]:
    """Citation files, feeds and the data package, kept while what they show is the same; with `later` the last
    ones, made by render_deferred() from the data files it made."""
    if later is not None and last.reuse and (kept := last.all_of(last.reuse[1])):
        later.append((list(kept), lambda: (citation_files(last, site, line, last.files, None, engine), last.reuse[1])))
        return kept
    made, last.reuse = publishing.reuse_files(site, line, files, site.model.base_url, last.reuse, last.file,
                                              engine, last.data[2])
    return made
