"""The sharing cards of a build: a card whose description is unchanged is taken from the last build by its
key, the others are drawn (cards.draw), on one forked process per CPU when there are many."""
from __future__ import annotations

import hashlib
import multiprocessing
import os

from . import cards as drawing  # by module, so the drawing can be replaced in tests
from .cards import Card

WORKERS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
PARALLEL_MIN = 40  # fewer cards draw faster than worker processes start


def draw_all(todo: list[Card]):
    """The PNG of each card, in order: on one forked process per CPU when there are many (a cold build of
    the real site draws about 870, some 11 s of CPU)."""
    if len(todo) < PARALLEL_MIN or WORKERS < 2:
        yield from map(drawing.draw, todo)
        return
    yield drawing.draw(todo[0])  # here first: the fonts are found and opened once, and the workers inherit them
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        yield from pool.imap(drawing.draw, todo[1:], chunksize=8)


def draw_cards(cards: dict, kept: dict, kept_file, salt: str, progress) -> tuple[dict, dict]:
    """The PNG of every card, with their cache entries {path: [key, digest]}: a card whose key (its
    description and `salt`, see look_digest) is that of `kept` is taken from the last build, when
    kept_file(path, digest) still has those bytes; the others are drawn."""
    files, entries = {}, {}
    for path, card in cards.items():
        key = hashlib.sha256((salt + repr(card)).encode("utf-8")).hexdigest()
        entry = kept.get(path)
        data = kept_file(path, entry[1]) if entry and entry[0] == key else None
        if data is not None:  # kept_file gives only bytes of that digest: it is not taken again
            files[path], entries[path] = data, [key, entry[1]]
        else:
            entries[path] = [key, None]
    todo = [path for path in cards if path not in files]
    with progress.stage("sharing cards", len(todo), "card") as stage:
        for path, data in zip(todo, draw_all([cards[path] for path in todo])):
            files[path], entries[path][1] = data, hashlib.sha256(data).hexdigest()
            stage.advance(1)
    return {path: files[path] for path in cards}, entries
