"""Rendered Markdown bodies kept between builds, in memory and across processes: each by a digest of the
text it was rendered from, its path, its language and the glossary links; in the build cache in an exact
JSON form (only a body whose JSON form reads back to an equal repr is saved), valid for the labels and the
Markdown library it was rendered with."""
from __future__ import annotations

import dataclasses
import hashlib
import itertools
import operator
from pathlib import Path

import markdown

from .markup import Renderer
from .model import Block, Body
from .parallel import WORKERS, render_bodies
from .progress import Progress


class KeptBodies:
    """A language's Markdown renderer that keeps each body it rendered by a digest of the text it was
    given, its path and the glossary links (an edit renders only that body); it keeps the bodies of the
    last build only."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.kept: dict[tuple, tuple] = {}
        self.used: dict[tuple, tuple] = {}
        self.forms: dict[tuple, list | None] = {}  # the JSON form of each body saved (see saved_bodies)
        self.digests: dict[str, str] = {}  # the sha256 of each text given in this build, by the text
        self.last_digests: dict[str, str] = {}  # and in the last one

    def next_build(self) -> None:
        if self.used:
            self.forms = {key: form for key, form in self.forms.items() if key in self.used}
            self.kept, self.used = self.used, {}
        if self.digests:
            self.last_digests, self.digests = self.digests, {}

    def key(self, text: str, shown: Path, links) -> tuple:
        """The text's digest is taken once: a text read again from the same bytes is the same string (see
        textfiles.read_input), found by identity."""
        digest = self.digests.get(text) or self.last_digests.get(text) or hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.digests[text] = digest
        return (self.renderer.state["lang"], digest, str(shown), links.digest if links else "")

    def todo(self, sources: list, links) -> list:
        """(key, text, shown, links) of each body of `sources` not kept yet (see prefill)."""
        return [(key, s.text, s.shown, links) for s in sources if not s.error
                and (key := self.key(s.text, s.shown, links)) not in self.kept]

    def render(self, text: str, shown: Path, links):
        key = self.key(text, shown, links)
        if key not in self.kept:
            self.kept[key] = self.renderer.render(text, shown, links)
        self.used[key] = self.kept[key]
        return self.used[key]


def prefill(bodies: dict[str, KeptBodies], sources: dict[str, list], links: dict, minimum: int,
            progress: Progress, meanwhile=lambda: None, check=None) -> list:
    """Render on several processes the bodies of `sources` (by language) that `bodies` has not kept yet,
    when there are `minimum` of them (a cold build); meanwhile() is called once, while they render when
    they do. A worker that rendered both bodies of a document checks them there: check(folder, {lang:
    rendered}) gives [(kind, key, result)], and prefill returns all of those (see workerchecks.py)."""
    todo = [item for lang, kept in bodies.items() for item in kept.todo(sources[lang], links[lang])]
    if todo and len(todo) >= minimum and WORKERS >= 2:
        labels = {lang: kept.renderer.state["labels"] for lang, kept in bodies.items()}
        documents: dict[Path, list] = {}  # a document's bodies go to one worker
        for item in todo:
            documents.setdefault(item[2].parent, []).append(item)
        checked = []
        with progress.stage("Markdown", len(todo), "body") as stage:
            for rendered, found in render_bodies(list(documents.items()), labels, meanwhile=meanwhile, check=check):
                stage.advance(len(rendered))
                for key, result in rendered:
                    bodies[key[0]].kept[key] = result
                checked.extend(found)
        return checked
    meanwhile()
    return []


def _body(item: list) -> Body:
    html, toc, blocks, footnotes, edits, faulty = item
    return Body(html, tuple(toc), tuple(Block(*block) for block in blocks), footnotes,
                tuple(tuple(edit) for edit in edits), faulty)


def _valid_for(bodies: dict[str, KeptBodies]) -> list:
    """What the saved bodies were rendered with besides their keys: the labels, Python-Markdown's version."""
    return [markdown.__version__, {lang: repr(kept.renderer.state["labels"]) for lang, kept in bodies.items()}]


_LEAVES = frozenset({str, int, float, bool, type(None)})  # what JSON gives back as the same type and value
_BLOCK_FIELDS = operator.attrgetter(*(field.name for field in dataclasses.fields(Block)))  # in order, as _body gives them


def _exact(value) -> bool:
    """Whether JSON gives `value` back as it is: only JSON's own types in it (no subclass, tuple or other
    key), so a load gives the same values of the same types (the same repr)."""
    kind = type(value)
    if kind is not list and kind is not dict:
        return kind in _LEAVES
    if kind is dict and not all(type(key) is str for key in value):
        return False
    items = value.values() if kind is dict else value
    kinds = set(map(type, items))
    return kinds <= _LEAVES or (kinds <= _LEAVES | {list, dict} and all(map(_exact, items)))


def exact_form(body: Body) -> list | None:
    """The body's JSON form when loading it gives the body back exactly (_body), else None: a Body of Blocks
    (no subclass: equality and repr name the class), tuples where _body makes tuples, and leaves of JSON's own
    types only. The blocks' fields are taken and their types checked in C (attrgetter, map): a Python step per
    block took most of a large cache's save (N=2000: 77,000 blocks); they stay tuples in the form, which JSON
    writes as the lists _body reads."""
    blocks, edits = list(map(_BLOCK_FIELDS, body.blocks)), list(map(list, body.edits))
    exact = (type(body) is Body and type(body.html) is str and type(body.toc) is tuple and _exact(list(body.toc))
             and type(body.blocks) is tuple and set(map(type, body.blocks)) <= {Block}
             and set(map(type, itertools.chain.from_iterable(blocks))) <= _LEAVES
             and type(body.edits) is tuple and set(map(type, body.edits)) <= {tuple} and _exact(edits)
             and _exact(body.footnotes) and _exact(body.faulty))
    return [body.html, list(body.toc), blocks, body.footnotes, edits, body.faulty] if exact else None


def saved_bodies(bodies: dict[str, KeptBodies]) -> dict:
    """The bodies this build used that rendered without a problem, in JSON's types, for the cache (each
    body's form is made once per process: `forms`, by key, None when it is not exact)."""
    items = []
    for kept in bodies.values():
        for key, (body, errors) in kept.used.items():
            if key not in kept.forms and body is not None and not errors:
                kept.forms[key] = exact_form(body)
            if kept.forms.get(key) is not None:
                items.append([list(key), kept.forms[key]])
    return {"valid_for": _valid_for(bodies), "items": items}


def restore_bodies(bodies: dict[str, KeptBodies], saved: dict | None) -> None:
    """Put the bodies a cache saved (see saved_bodies) back, when rendered with the same labels and library."""
    if saved and saved.get("valid_for") == _valid_for(bodies):
        for key, item in saved["items"]:
            if key[0] in bodies:
                bodies[key[0]].kept[tuple(key)] = (_body(item), [])
                bodies[key[0]].forms[tuple(key)] = item
