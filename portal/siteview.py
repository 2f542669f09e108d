"""The Site as one page's rendering sees it (SiteView, handed to its context and its templates): the same
fields and look-ups, each read noted, so that the page is rendered again exactly when something it read
has changed (see incremental.py)."""
from __future__ import annotations

from collections.abc import Callable

from . import quotedrows

LOOKUPS = {"document": "documents", "indicator": "indicators", "goal": "goals"}


class SiteView:
    """The Site as one page's rendering sees it: the same fields and look-ups, each read noted in `reads`
    as (collection, id), id "" for a whole collection or field; ("states", …) for translation states."""

    def __init__(self, site, states: dict, shared: dict | None = None) -> None:
        self._site, self._states = site, states
        self._shared = {} if shared is None else shared  # name -> (value, the view it was made from)
        self.reads: set[tuple[str, str]] = set()
        self.used: set[str] = set()
        self._documents: tuple | None = None  # the documents' views, made on the first read of them

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        self.reads.add((name, ""))
        if name == "documents":
            if self._documents is None:  # each read of them notes the same, so one set of views serves all
                self._documents = tuple(DocumentView(d, self.reads) for d in self._site.documents)
            return self._documents
        return getattr(self._site, name)

    def _lookup(self, kind: str, record_id: str):
        self.reads.add((LOOKUPS[kind], record_id))
        record = getattr(self._site, kind)(record_id)
        return DocumentView(record, self.reads) if kind == "document" else record

    def document(self, doc_id: str):
        return self._lookup("document", doc_id)

    def indicator(self, indicator_id: str):
        return self._lookup("indicator", indicator_id)

    def goal(self, goal_id: str):
        return self._lookup("goal", goal_id)

    def chain_root(self, goal):
        while goal.parent:
            goal = self.goal(goal.parent)
        return goal

    def row(self, doc_id: str, anchor: str, lang: str):
        """What quoting a table row reads (quotedrows.row_reads), noted as ("rows", "lang/document/anchor"):
        an edit elsewhere in the document leaves a page quoting the row as it was."""
        self.reads.add(("rows", f"{lang}/{doc_id}/{anchor}"))
        return quotedrows.row_reads(self._site.document(doc_id), anchor, lang)

    def state(self, doc_id: str):
        self.reads.add(("states", doc_id))
        return self._states[doc_id]

    @property
    def states(self) -> dict:
        self.reads.add(("states", ""))
        return self._states

    def shared(self, name: str, make: Callable):
        """A computation over the site that many pages use (the matrix, the goal chains), made once on a
        view of its own; a page that uses it depends on everything that view reads, then and later."""
        self.used.add(name)
        if name not in self._shared:
            view = SiteView(self._site, self._states, self._shared)
            self._shared[name] = (make(view), view)
        return self._shared[name][0]

    def all_reads(self) -> set[tuple[str, str]]:
        reads, seen, todo = set(self.reads), set(), list(self.used)
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                view = self._shared[name][1]
                reads |= view.reads
                todo.extend(view.used)
        return reads


class DocumentView:
    """A document as a page sees it: reading its bodies (the bulk of it, and what an edit of its text
    changes) is noted apart, as ("bodies", id); its other fields are ("documents", …) reads."""

    __slots__ = ("_document", "_reads")

    def __init__(self, document, reads: set) -> None:
        self._document, self._reads = document, reads

    def __getattr__(self, name: str):
        if name == "bodies":
            self._reads.add(("bodies", self._document.id))
        return getattr(self._document, name)

    def __eq__(self, other) -> bool:
        return self._document == getattr(other, "_document", other)

    __hash__ = None  # type: ignore[assignment]  (a Document holds dicts: not hashable either)
