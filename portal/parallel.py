"""Rendering on forked processes, one per CPU, when a build has a lot to render."""
from __future__ import annotations

import multiprocessing
import os

from . import rendering
from .errors import ContentError
from .markup import Renderer
from .model import LANGS


def _render_chunk(args):
    """Worker: render a chunk of bodies (one Renderer per language per process)."""
    items, links, labels = args
    renderers = {lang: Renderer(lang, labels[lang]) for lang in LANGS}
    return [(key, renderers[lang].render(text, shown, links[lang])) for lang, text, shown, key in items]


WORKERS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def render_in_parallel(items, bodies: dict, links: dict, labels: dict, workers: int = WORKERS, minimum: int = 200,
                       advance=lambda count: None) -> None:
    """Render the bodies not yet in `bodies` on `workers` processes when there are many of them."""
    pending = [(lang, source.text, source.shown, key) for lang, source, key in items if key not in bodies]
    if not pending or len(pending) < minimum or workers < 2:
        return
    chunks = [pending[i::workers * 4] for i in range(workers * 4)]
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        for results in pool.imap_unordered(_render_chunk, [(c, links, labels) for c in chunks if c]):
            bodies.update(results)
            advance(len(results))


_PAGES_TO_RENDER: tuple = ()  # set before forking workers; children inherit it instead of unpickling pages


def _render_slice(bounds: tuple[int, int]) -> list:
    environments, pages = _PAGES_TO_RENDER
    return [_render_one(environments, page) for page in pages[bounds[0]:bounds[1]]]


def _render_one(environments, page):
    try:
        return rendering.render_page(environments, page).encode("utf-8")
    except ContentError as error:
        return error


def render_all(environments, todo: list, minimum: int, workers: int = WORKERS, advance=lambda count: None) -> list:
    """Each page's bytes (or its ContentError), in order; on forked processes when there are many."""
    global _PAGES_TO_RENDER
    if not todo or len(todo) < minimum or workers < 2:
        results = []
        for page in todo:
            results.append(_render_one(environments, page))
            advance(1)
        return results
    _PAGES_TO_RENDER = (environments, todo)
    step = -(-len(todo) // (workers * 4))
    parts = []
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for part in pool.imap(_render_slice, [(i, i + step) for i in range(0, len(todo), step)]):
                parts.append(part)
                advance(len(part))
    finally:
        _PAGES_TO_RENDER = ()
    return [result for part in parts for result in part]
