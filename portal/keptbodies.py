"""Rendered Markdown bodies kept between builds, in memory and across processes: each by a digest of the
text it was rendered from, its path, its language and the glossary links; in the build cache in an exact
JSON form (only a body whose JSON form reads back to an equal repr is saved), valid for the labels and the
Markdown library it was rendered with."""
from __future__ import annotations

import hashlib
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

    def next_build(self) -> None:
        if self.used:
            self.forms = {key: form for key, form in self.forms.items() if key in self.used}
            self.kept, self.used = self.used, {}

    def key(self, text: str, shown: Path, links) -> tuple:
        return (self.renderer.state["lang"], hashlib.sha256(text.encode("utf-8")).hexdigest(), str(shown),
                links.digest if links else "")

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
            progress: Progress, meanwhile=lambda: None) -> None:
    """Render on several processes the bodies of `sources` (by language) that `bodies` has not kept yet,
    when there are `minimum` of them (a cold build); meanwhile() is called once, while they render when
    they do."""
    todo = [item for lang, kept in bodies.items() for item in kept.todo(sources[lang], links[lang])]
    if todo and len(todo) >= minimum and WORKERS >= 2:
        labels = {lang: kept.renderer.state["labels"] for lang, kept in bodies.items()}
        with progress.stage("Markdown", len(todo), "body") as stage:
            for key, rendered in render_bodies(todo, labels, advance=stage.advance, meanwhile=meanwhile):
                bodies[key[0]].kept[key] = rendered
        return
    meanwhile()


def _body_json(body: Body) -> list:
    return [body.html, list(body.toc), [[b.anchor, b.kind, b.text, b.line, b.level] for b in body.blocks],
            body.footnotes, [list(edit) for edit in body.edits], body.faulty]


def _body(item: list) -> Body:
    html, toc, blocks, footnotes, edits, faulty = item
    return Body(html, tuple(toc), tuple(Block(*block) for block in blocks), footnotes,
                tuple(tuple(edit) for edit in edits), faulty)


def _valid_for(bodies: dict[str, KeptBodies]) -> list:
    """What the saved bodies were rendered with besides their keys: the labels, Python-Markdown's version."""
    return [markdown.__version__, {lang: repr(kept.renderer.state["labels"]) for lang, kept in bodies.items()}]


def _exact(value) -> bool:
    """Whether JSON gives `value` back as it is: only JSON's own types in it (no subclass, tuple or other
    key), so a load gives the same values of the same types (the same repr)."""
    kind = type(value)
    if kind in (str, int, float, bool) or value is None:
        return True
    if kind is list:
        return all(_exact(item) for item in value)
    return kind is dict and all(type(key) is str and _exact(item) for key, item in value.items())


def exact_form(body: Body) -> list | None:
    """The body's JSON form when loading it gives the body back exactly, else None: the form holds only
    JSON's own types and the body made from it (of the same leaves) is equal to it, so the containers
    _body() makes are the body's own."""
    form = _body_json(body)
    return form if _exact(form) and _body(form) == body else None


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
