"""Reuse between builds: a page is rendered again exactly when something it read has changed.

What a page reads is recorded while it is rendered, through a SiteView handed to its context and its
templates: each collection of the Site it touched (documents, values, the title…) or single record
(a document, indicator or goal by id), and the translation states. A page's key is a digest of the
build's global inputs (templates, catalogs, static names, engine), of the page itself and of the content
of everything it read; a page whose key from its last reads is unchanged is taken from the last build."""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import cache, quotedrows, routing
from .freshness import sources_input, state_key, translation_state
from .errors import ContentError, ContentErrors
from .model import Digested
from .parallel import render_all
from .progress import Progress, Quiet
from .siteview import SiteView

PLAIN = (str, int, float, type(None))  # bool is an int


def digest_of(inputs: dict[str, str], *prefixes: str) -> str:
    """One digest over the input files below these folders."""
    return cache.digest(repr([(k, v) for k, v in inputs.items() if k.startswith(prefixes)]).encode())


def translation_states(site, inputs: dict[str, str], content: Path, kept: dict,
                       parsed: dict | None = None) -> tuple[dict, dict]:
    """Each document's translation state, and those states by what they come from: one is taken from
    `kept` (the last build's, or this build's body workers': see workerchecks.py) while the document's bodies
    and en.sources.yaml are the same (`parsed` keeps en.sources.yaml files by the digest of their bytes: see
    freshness.read_confirmed)."""
    states, now = {}, {}
    for document in site.documents:
        zh, en, sources = document.bodies["zh"], document.bodies["en"], inputs.get(sources_input(document.id))
        key = state_key(document.id, zh, en, sources)
        now[key] = kept.get(key) or translation_state(document.id, zh, en, content / "documents" / document.id,
                                                      document.src.path.parent, parsed, sources)
        states[document.id] = now[key]
    return states, now


class InputsChanged(Exception):
    """An input file changed while the build read it: what was read may mix two versions."""


def without_bodies(document) -> tuple:
    return tuple((f.name, getattr(document, f.name)) for f in dataclasses.fields(document) if f.name != "bodies")


def digested(value):
    """What a read returns, with every Digested record in it (alone, in a collection, in a pair, in a dict)
    replaced by its name and digest: the repr of the result stands for the whole, and is quick to make."""
    if isinstance(value, PLAIN):  # most of what a read returns: one test, not three
        return value
    if isinstance(value, Digested):
        return type(value).__name__, value.digest
    if isinstance(value, dict):
        return {key: digested(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(digested(item) for item in value)
    return value


class Digests:
    """The digest of what each read returns in this build (of its repr: model objects are frozen
    dataclasses of builtin values, so a repr is the same in every process; a Digested record's digest
    is taken once, and records kept between builds keep it: see checkmemo.py and KeptBodies)."""

    def __init__(self, site, states: dict) -> None:
        self.site, self.states = site, states
        self.memo: dict[tuple[str, str], str] = {}
        self.kinds: dict[str, set[str]] = {}  # the reads in memo: their keys by kind
        self.rows: dict[str, tuple | None] = {}  # what each "rows" read in memo returns
        self.by_id: dict[str, dict] = {}

    def __call__(self, read: tuple[str, str]) -> str:
        """The read and the digest of what it returns, as one line of a key."""
        if read not in self.memo:
            value = self.value(*read)
            if read[0] == "rows":  # plain strings: the next build compares them rather than their digests
                self.rows[read[1]] = value
            digest = cache.digest(repr(digested(value)).encode("utf-8"))
            self.memo[read] = f"\n{read[0]}\0{read[1]}\0{digest}"
            self.kinds.setdefault(read[0], set()).add(read[1])
        return self.memo[read]

    def carry(self, last: "Digests") -> None:
        """Take the last build's lines of the reads not taken now (those Moved found giving the same line)."""
        self.memo, self.rows = {**last.memo, **self.memo}, {**last.rows, **self.rows}
        self.kinds = {kind: last.kinds.get(kind, set()) | self.kinds.get(kind, set())
                      for kind in last.kinds.keys() | self.kinds.keys()}

    def value(self, kind: str, key: str):
        if kind == "states":
            return self.states.get(key) if key else sorted(self.states.items())
        if kind == "documents" and not key:
            return [without_bodies(d) for d in self.site.documents]
        if not key:
            return getattr(self.site, kind, None)
        if kind == "rows":
            lang, doc_id, anchor = key.split("/", 2)
            document = self.record("documents", doc_id)
            return quotedrows.row_reads(document, anchor, lang) if document is not None else None
        record = self.record("documents" if kind == "bodies" else kind, key)
        if record is None or kind not in ("documents", "bodies"):
            return record
        return record.bodies if kind == "bodies" else without_bodies(record)

    def record(self, kind: str, key: str):
        return self.records(kind).get(key)

    def records(self, kind: str) -> dict:
        if kind not in self.by_id:
            self.by_id[kind] = {r.id: r for r in getattr(self.site, kind, ())}
        return self.by_id[kind]

    def whole(self, kind: str) -> tuple:
        """The objects a whole collection's or field's read (kind, "") is made from."""
        if kind == "states":
            return tuple(item for pair in self.states.items() for item in pair)
        value = getattr(self.site, kind, None)
        return tuple(value) if isinstance(value, tuple) else (value,)


class Moved:
    """Which reads of the last build's Digests may give another line now, found by identity: records,
    bodies and translation states kept between builds are the very objects they were (checkmemo.py,
    keptbodies.py, translation_states), and model objects are frozen, never changed once made, so a read
    made from the same objects gives the same value. Each kind's records are compared once, not per read."""

    def __init__(self, now: Digests, last: Digests) -> None:
        self.now, self.last, self.keys = now, last, {}

    def __call__(self, read: tuple[str, str]) -> bool:
        kind, key = read
        if not key:
            return not same_objects(self.now.whole(kind), self.last.whole(kind))
        if kind == "rows":  # the zh row's text and its table's headings in the read's language
            lang, doc_id, _ = key.split("/", 2)
            return not {(doc_id, "zh"), (doc_id, lang)}.isdisjoint(self.moved("bodies"))
        return key in self.moved(kind)

    def reads(self, kinds: dict[str, set[str]]) -> set:
        """The reads of `kinds` (keys by kind, as Digests.kinds) that may give another line now: what
        __call__ says of each, found from the kinds' moved ids rather than by asking for every read; of a
        moved body's rows, those whose text or headings are not the last build's."""
        found = set()
        for kind, keys in kinds.items():
            if "" in keys and self((kind, "")):
                found.add((kind, ""))
            if kind == "rows" and self.moved("bodies"):  # a row of an edited body, if its text or headings moved
                found.update(("rows", key) for key in keys
                             if self(("rows", key)) and self.now.value("rows", key) != self.last.rows[key])
            elif kind != "rows" and len(keys) > ("" in keys):
                found.update((kind, key) for key in keys & self.moved(kind))
        return found

    def moved(self, kind: str) -> set:
        """The ids of `kind` whose objects are not the last build's; for "bodies", the documents and
        (document, language) pairs whose bodies are not."""
        if kind not in self.keys:
            if kind == "states":
                now, last = self.now.states, self.last.states
            elif kind == "bodies":
                now, last = bodies_of(self.now.records("documents")), bodies_of(self.last.records("documents"))
            else:
                now, last = self.now.records(kind), self.last.records(kind)
            self.keys[kind] = {key for key in now.keys() | last.keys() if now.get(key) is not last.get(key)}
            if kind == "bodies":
                self.keys[kind] |= {doc_id for doc_id, _ in self.keys[kind]}
        return self.keys[kind]


def bodies_of(documents: dict) -> dict:
    """Each body by (document, language); a document without bodies (none after validation) as (id, "zh")."""
    bodies = {(doc_id, lang): body for doc_id, document in documents.items() for lang, body in document.bodies.items()}
    return bodies | {(doc_id, "zh"): documents[doc_id] for doc_id in documents.keys() - {d for d, _ in bodies}}


def same_objects(mine: tuple, theirs: tuple) -> bool:
    return len(mine) == len(theirs) and all(a is b or (type(a) is str and a == b) for a, b in zip(mine, theirs))


def reads_key(base: str, reads: tuple, digests: Digests) -> str:
    """A digest of `base` and of the content of everything read (`reads`, sorted)."""
    try:  # mostly every line is taken already (a page's reads, hundreds): looked up without a call each
        lines = "".join(map(digests.memo.__getitem__, reads))
    except KeyError:
        lines = "".join(map(digests, reads))
    return cache.digest((base + lines).encode())


def page_key(base: str, page, reads, digests: Digests) -> str:
    """The page's key: the global inputs, the page itself, and the content of everything it read."""
    return reads_key(f"{base}\n{page.kind}\n{page.key}\n{page.lang}\n{page.template}\n{page.origin}", reads, digests)


def reuse(last: tuple | None, base: str, digests: Digests, make: Callable, load: Callable) -> tuple[tuple, dict]:
    """The files make(view) makes, with (key, reads, their digests) — or those of `last`, the same made
    before, when nothing it read changed and load(name, digest) still has every one of them."""
    if last is not None and reads_key(base, last[1], digests) == last[0]:
        files = {name: load(name, digest) for name, digest in last[2].items()}
        if None not in files.values():
            return last, files
    view = SiteView(digests.site, digests.states)
    files = make(view)
    reads = tuple(sorted(view.all_reads()))
    return (reads_key(base, reads, digests), reads, {name: cache.digest(data) for name, data in files.items()}), files


@dataclass(frozen=True)
class Verified:
    """The page entries a build made or found current, with the base and the Digests their keys were
    taken with. A later build with the same base knows such an entry's key unchanged, without taking it
    again, when none of its reads gives another line now: the key is a digest of exactly those lines."""

    base: str
    digests: Digests
    entries: dict[str, Entry]

    def unchanged(self, base: str, digests: Digests) -> Callable[[str, Entry], bool]:
        """known(path, entry): True when `entry` is one of these and its key under `digests` is the same."""
        if base != self.base:
            return lambda path, entry: False
        last = self.digests
        changed = {read for read in Moved(digests, last).reads(last.kinds) if digests(read) != last.memo[read]}
        digests.carry(last)
        return lambda path, entry: ((kept := self.entries.get(path)) is entry or kept == entry) and \
            changed.isdisjoint(entry.reads)  # mostly the very entry: no tuples of its fields compared


@dataclass(frozen=True)
class Entry:
    """What a build remembers of a page: its key, what it read, the digest of its bytes."""

    key: str
    reads: tuple[tuple[str, str], ...]
    digest: str


@dataclass
class Rendered:
    files: dict[str, bytes]
    entries: dict[str, Entry]
    rendered: list  # the pages rendered now
    deferred: list  # pages left at their last version for now (see render_pages' `defer`)


def render_pages(all_pages, environments, digests: Digests, base: str, last: dict[str, Entry],
                 load: Callable[[str, str], bytes | None], defer=lambda page: False, parallel_min: int = 200,
                 progress: Progress | None = None, known=lambda path, entry: False, meanwhile=lambda: None) -> Rendered:
    """Every page's bytes: from the last build (`load(path, digest)`, None when it has not got them) when
    its key is unchanged (known(path, entry) says so without taking it: see Verified), else rendered now.
    A changed page for which defer(page) is true keeps its last version and is listed as deferred (the
    preview renders the pages open in a browser first). meanwhile() is the build's other work, done while
    the pages render on other processes; an error of it is raised after the pages' errors, as if it ran after."""
    done = Rendered({}, {}, [], [])
    todo = []
    for page in all_pages:
        path = routing.output_path(page.url)
        entry = last.get(path)
        current = entry is not None and (known(path, entry) or page_key(base, page, entry.reads, digests) == entry.key)
        data = load(path, entry.digest) if entry is not None and (current or defer(page)) else None
        if data is None:
            todo.append(page)
            continue
        done.files[path], done.entries[path] = data, entry
        if not current:
            done.deferred.append(page)
    results, entries = [None] * len(todo), [None] * len(todo)
    make_view = functools.partial(SiteView, digests.site, digests.states)  # make_view(shared), for render_all
    failed: list[Exception] = []

    def other_work() -> None:
        try:
            meanwhile()
        except Exception as error:  # noqa: BLE001 (raised below, after the pages' own errors)
            failed.append(error)

    with (progress or Quiet()).stage("pages", len(todo)) as stage:
        for i, result in render_all(environments, todo, make_view, parallel_min, advance=stage.advance,
                                    meanwhile=other_work):
            results[i] = result
            if not isinstance(result, ContentError):  # its key taken here while the workers render the rest
                reads = tuple(sorted(result[1]))
                entries[i] = Entry(page_key(base, todo[i], reads, digests), reads, cache.digest(result[0]))
    errors = [result for result in results if isinstance(result, ContentError)]
    if errors and done.deferred:  # a failing build reports every page's errors, as a build without deferral
        errors += [r for _, r in sorted(render_all(environments, done.deferred, make_view, parallel_min),
                                        key=lambda made: made[0]) if isinstance(r, ContentError)]
    if errors:
        raise ContentErrors(errors)
    if failed:
        raise failed[0]
    for page, (data, _), entry in zip(todo, results, entries):
        path = routing.output_path(page.url)
        done.files[path], done.entries[path] = data, entry
        done.rendered.append(page)
    return done
