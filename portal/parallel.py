"""Rendering pages on forked processes, one per CPU, when a build has a lot to render."""
from __future__ import annotations

import contextlib
import fcntl
import multiprocessing
import os

from . import rendering
from .errors import ContentError
from .markup import Renderer

WORKERS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
PIPE_BYTES = 1 << 20  # Linux lets any user's pipe hold this much (/proc/sys/fs/pipe-max-size); 64 KiB by default


@contextlib.contextmanager
def forked_pool(workers: int):
    """A pool of forked workers whose results come back through a pipe of PIPE_BYTES (see widen)."""
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        widen(pool)
        yield pool


def widen(pool) -> None:
    """Let the pool's results through its pipe in pieces of up to PIPE_BYTES. This process takes them on a
    thread of the pool's, which must get the interpreter's lock from the main thread for each piece it reads;
    the main thread is busy meanwhile (other work, the pages' keys), and gives the lock up every 5 ms. In
    64 KiB pieces a worker would wait that long for every 64 KiB of pages it sends back. Where the pipe cannot
    be widened (another platform or Python, or the user's pipe quota spent) it stays as it was."""
    reader = getattr(getattr(pool, "_outqueue", None), "_reader", None)
    try:
        fcntl.fcntl(reader.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (AttributeError, OSError):
        pass


_BODIES: tuple = ()  # (labels, check, chunks): set before forking body workers, which inherit it


def _render_bodies(index: int) -> tuple[list, list]:
    """Worker: render the Markdown bodies of chunk `index` (one Renderer per language per chunk: the sections
    it keeps go with it), a document's at a time, and check each document whose bodies it rendered with
    check(folder, {lang: rendered}) when there is one."""
    labels, check, chunks = _BODIES
    renderers = {lang: Renderer(lang, labels[lang]) for lang in labels}
    bodies, checked = [], []
    for folder, items in chunks[index]:
        rendered = [(key, renderers[key[0]].render(text, shown, links)) for key, text, shown, links in items]
        bodies.extend(rendered)
        if check is not None:
            checked.extend(check(folder, {key[0]: result for key, result in rendered}))
    return bodies, checked


def body_chunks(groups: list, workers: int) -> list[list]:
    """The documents (`groups`: (folder, [(key, text, shown, links)])) in chunks, in the order to render
    them: the longest texts first, in chunks of at most a quarter of a worker's share, smaller towards the
    end (an eighth of what is left for each of 2 workers, down to LAST_BODIES documents), so that no worker
    is left rendering a large chunk alone at the end while the others wait (N=2000: an eighth of the
    bodies, about 0.8 s, each)."""
    ordered = sorted(groups, key=lambda group: sum(len(item[1]) for item in group[1]), reverse=True)
    return shrinking(ordered, max(1, -(-len(ordered) // (workers * 4))), workers, LAST_BODIES)


def shrinking(items: list, largest: int, workers: int, last: int) -> list[list]:
    """`items` in order, in chunks of `largest` at most, smaller towards the end: an eighth of what is left for
    each of 2 workers (a quarter of it for each worker), down to `last` items."""
    chunks, start = [], 0
    while start < len(items):
        size = min(largest, max(last, -(-(len(items) - start) // (workers * 4))))
        chunks.append(items[start:start + size])
        start += size
    return chunks


LAST_BODIES = 2  # documents: about 10 ms of rendering


def render_bodies(groups: list, labels: dict, workers: int = WORKERS, meanwhile=lambda: None, check=None):
    """For each chunk of `groups` ((folder, [(key, text, shown, links)]), key[0] the language; see
    body_chunks) rendered on forked processes: its [(key, rendered)] and the results of `check` (a function,
    or None) for its folders; meanwhile() is called on this process while they render. The labels, the check
    and the chunks are inherited by the workers; a worker is sent a chunk's number: sent whole, the texts
    (N=2000: 13 MB) went through the pool's pipe by a thread of this process, which needs the interpreter's
    lock from this process's other work for each 64 KiB, and the workers waited for them (0.3 s each)."""
    global _BODIES
    chunks = body_chunks(groups, workers)
    _BODIES = (labels, check, chunks)
    try:
        with forked_pool(workers) as pool:
            rendering = pool.imap_unordered(_render_bodies, range(len(chunks)))
            meanwhile()
            yield from rendering
    finally:
        _BODIES = ()


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


def _render_chunk(indices: list[int]) -> tuple[list[int], list]:
    environments, pages, make_view, shared = _JOB  # `shared`: this process's own copy, filled as it renders
    return indices, [_render_one(environments, pages[i], make_view(shared)) for i in indices]


def _render_one(environments, page, view):
    """(bytes, what the page read) or its ContentError."""
    try:
        return rendering.render_page(environments, page, view).encode("utf-8"), view.all_reads()
    except ContentError as error:
        return error


def schedule(pages: list, workers: int) -> list[list[int]]:
    """The pages' indices in chunks, in the order to render them: each page of no record (a list page,
    which grows with the site: the print edition, the documents' list…) alone and first, so that no worker
    is left with one at the end; then the record pages by record, each record's pages (both languages,
    document and side by side) one after the other so that what they share is made once (pairs.blocks_of),
    in chunks of at most 1/16 of a worker's share, smaller towards the end (an eighth of what is left for each
    of 2 workers, down to LAST_CHUNK pages), so that the last ends soon after the others and the pages it
    brings back are few for this process to take in after them."""
    lists = [[i] for i, page in enumerate(pages) if not page.key]
    records = sorted((i for i, page in enumerate(pages) if page.key), key=lambda i: pages[i].key)
    return lists + shrinking(records, max(1, -(-len(records) // (workers * 16))), workers, LAST_CHUNK)


LAST_CHUNK = 4  # pages: about 2 ms of rendering


def render_all(environments, todo: list, make_view, minimum: int, workers: int = WORKERS,
               advance=lambda count: None, meanwhile=lambda: None):
    """Each page's (index in `todo`, bytes and reads or ContentError), as they are made (see schedule); on
    forked processes when there are many. make_view(shared) gives a page its view of the site; each process
    has its own `shared`, so that what many pages share is made once in each. meanwhile() is called once,
    before the first page: while the workers render, when there are workers."""
    global _JOB
    chunks = schedule(todo, workers)
    if not todo or len(todo) < minimum or workers < 2:
        shared: dict = {}
        meanwhile()
        for chunk in chunks:
            for i in chunk:
                yield i, _render_one(environments, todo[i], make_view(shared))
            advance(len(chunk))
        return
    compile_templates(environments)
    _JOB = (environments, todo, make_view, {})
    try:
        with forked_pool(workers) as pool:
            rendering = pool.imap_unordered(_render_chunk, chunks)
            meanwhile()  # on this process, which has little to do until the pages come back
            for indices, results in rendering:
                yield from zip(indices, results)
                advance(len(results))
    finally:
        _JOB = ()
