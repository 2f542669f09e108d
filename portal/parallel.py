"""Rendering pages on forked processes, one per CPU, when a build has a lot to render."""
from __future__ import annotations

import multiprocessing
import os

from . import rendering
from .errors import ContentError
from .markup import Renderer

WORKERS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

def _render_bodies(args) -> list:
    """Worker: render Markdown bodies (one Renderer per language per process)."""
    items, labels = args
    renderers = {lang: Renderer(lang, labels[lang]) for lang in labels}
    return [(key, renderers[key[0]].render(text, shown, links)) for key, text, shown, links in items]


def render_bodies(items: list, labels: dict, workers: int = WORKERS, advance=lambda count: None):
    """(key, rendered) for each (key, text, shown, links), key[0] its language, on forked processes."""
    chunks = [items[i::workers * 4] for i in range(workers * 4)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for results in pool.imap_unordered(_render_bodies, [(chunk, labels) for chunk in chunks if chunk]):
            advance(len(results))
            yield from results


def compile_templates(environments: dict) -> None:
    """Load every template into each environment here, before forking: each worker would compile them
    all again (half a second of CPU each on the real site). One that fails to load is left to the page
    using it, which reports it as it would without this."""
    for env in environments.values():
        for name in env.list_templates(extensions=["html"]):
            try:
                env.get_template(name)
            except Exception:  # noqa: BLE001 (a syntax error, bad UTF-8…: the page using it reports it)
                continue


_JOB: tuple = ()  # set before forking workers; children inherit it instead of unpickling pages


def _render_slice(bounds: tuple[int, int]) -> list:
    environments, pages, make_view = _JOB
    shared: dict = {}
    return [_render_one(environments, page, make_view(shared)) for page in pages[bounds[0]:bounds[1]]]


def _render_one(environments, page, view):
    """(bytes, what the page read) or its ContentError."""
    try:
        return rendering.render_page(environments, page, view).encode("utf-8"), view.all_reads()
    except ContentError as error:
        return error


def render_all(environments, todo: list, make_view, minimum: int, workers: int = WORKERS,
               advance=lambda count: None) -> list:
    """Each page's (bytes, reads) or ContentError, in order; on forked processes when there are many.
    make_view(shared) gives a page its view of the site; each process has its own `shared`."""
    global _JOB
    if not todo or len(todo) < minimum or workers < 2:
        shared: dict = {}
        results = []
        for page in todo:
            results.append(_render_one(environments, page, make_view(shared)))
            advance(1)
        return results
    compile_templates(environments)
    _JOB = (environments, todo, make_view)
    step = -(-len(todo) // (workers * 4))
    parts = []
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for part in pool.imap(_render_slice, [(i, i + step) for i in range(0, len(todo), step)]):
                parts.append(part)
                advance(len(part))
    finally:
        _JOB = ()
    return [result for part in parts for result in part]
