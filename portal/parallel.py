"""Rendering pages on forked processes, one per CPU, when a build has a lot to render."""
from __future__ import annotations

import multiprocessing
import os

from . import rendering
from .errors import ContentError

WORKERS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

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
