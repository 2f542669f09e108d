"""The portal's content as frozen, validated objects; no I/O here."""
from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal

from .errors import SourceRef

LANGS = ("zh", "en")
KINDS = ("target", "outcome")
COMPARATORS = (">", "≥", "<", "≤", "≈", "=")
ATTRIBUTES = {"预期性": "expected", "约束性": "binding"}
# How two documents disagree: a different level, year, scope, a five-year total against a yearly figure,
# a different unit, or names and lists that change between layers.
CONFLICT_KINDS = ("level", "horizon", "scope", "cumulative-vs-annual", "unit", "framing")


class Digested:
    """A frozen record that knows the sha256 of its repr, taken once (its fields are builtin values, so
    the repr is the same in every process); a page's key reads it (incremental.Digests)."""

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(repr(self).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Localized:
    """One text in both languages."""

    zh: str
    en: str

    def __getitem__(self, lang: str) -> str:
        return getattr(self, lang)


@dataclass(frozen=True)
class Block:
    """One anchored block of a rendered document body (heading, paragraph, item, row, footnote)."""

    anchor: str
    kind: str
    text: str
    line: int | None = None
    level: int = 0


_BLOCK_FIELDS = operator.attrgetter("anchor", "kind", "text", "line", "level")  # a Block's fields as a tuple


@dataclass(frozen=True)
class Body(Digested):
    """A document body in one language: rendered HTML, its table of contents and its blocks."""

    html: str
    toc: tuple[dict, ...]
    blocks: tuple[Block, ...]
    footnotes: int
    edits: tuple[tuple[str, str, str], ...] = ()  # editorial marks: (anchor, edition's text, source's reading)
    faulty: bool = False  # rendered with errors (reported with it): checks against it would only repeat them

    def block(self, anchor: str) -> Block | None:
        return self._by_anchor.get(anchor)

    @cached_property
    def digest(self) -> str:
        """The sha256 of all the body holds, as Digested's but without a dataclass repr per block (N=2000: 77,000
        of them, 0.2 s): the HTML's UTF-8 after its length in bytes, then the repr of the other fields, each block
        as the tuple of its fields (builtin values: the same in every process)."""
        html = self.html.encode("utf-8")
        rest = (self.toc, list(map(_BLOCK_FIELDS, self.blocks)), self.footnotes, self.edits, self.faulty)
        return hashlib.sha256(b"%d:%b%b" % (len(html), html, repr(rest).encode("utf-8"))).hexdigest()

    @cached_property
    def _by_anchor(self) -> dict[str, Block]:
        """The first block of each anchor (values, goals and terms look their paragraphs up by anchor)."""
        index: dict[str, Block] = {}
        for block in self.blocks:
            index.setdefault(block.anchor, block)
        return index


@dataclass(frozen=True)
class BlockState:
    """How one English block stands against the Chinese text it translates."""

    anchor: str
    kind: str
    state: str  # current | outdated (the zh text changed since the translation was confirmed) | missing
    zh_line: int | None
    en_line: int | None
    changed: str | None = None  # when outdated: the ISO date the zh text became what it is


@dataclass(frozen=True)
class TranslationState(Digested):
    """Every block of one document's English translation, in zh order."""

    document: str
    blocks: tuple[BlockState, ...]

    def count(self, state: str) -> int:
        return sum(1 for b in self.blocks if b.state == state)

    @property
    def outdated(self) -> tuple[BlockState, ...]:
        return tuple(b for b in self.blocks if b.state == "outdated")

    def of(self, anchor: str) -> BlockState | None:
        return next((b for b in self.blocks if b.anchor == anchor), None)


@dataclass(frozen=True)
class Document:
    id: str
    source_file: str
    layer: str
    title: Localized
    date: str | None
    date_note: Localized | None
    issuer: Localized
    number: str | None
    published: Localized
    kind: Localized
    translated: str
    summary: Localized
    order: int
    src: SourceRef
    bodies: dict[str, Body] = field(default_factory=dict, compare=False)

    def short_title(self, lang: str) -> str:
        """The kind and year, for references and search results: 'Annual plan report (1999)'."""
        if not self.date:
            return self.kind[lang]
        return f"{self.kind[lang]}（{self.date[:4]}）" if lang == "zh" else f"{self.kind[lang]} ({self.date[:4]})"


@dataclass(frozen=True)
class Category:
    id: str
    name: Localized
    order: int
    src: SourceRef | None = None


@dataclass(frozen=True)
class Indicator(Digested):
    id: str
    name: Localized
    unit: Localized
    category: str
    attribute: str | None
    definition: Localized | None
    predecessor: str | None
    successor: str | None
    order: int
    src: SourceRef


@dataclass(frozen=True)
class Source:
    anchor: str
    quote: str


@dataclass(frozen=True)
class Consistency:
    """Why a value agrees with others that, by the disagreement rule, look set apart (see disagreements.py)."""

    others: tuple[str, ...]
    note: Localized
    src: SourceRef


@dataclass(frozen=True)
class Value(Digested):
    id: str
    indicator: str
    document: str
    kind: str
    period: str
    text: Localized
    number: Decimal | None
    comparator: str | None
    source: Source
    note: Localized | None
    src: SourceRef
    consistent: Consistency | None = None


@dataclass(frozen=True)
class Side:
    """One document's wording in a conflict when it is not a value record (a goal stated in words)."""

    document: str
    anchor: str
    quote: str
    text: Localized


@dataclass(frozen=True)
class Conflict(Digested):
    id: str
    kind: str
    comparable: bool
    title: Localized
    indicator: str | None
    values: tuple[str, ...]
    sides: tuple[Side, ...]
    note: Localized
    indicators: tuple[str, ...]  # every indicator it concerns: its own, then its values' in order
    src: SourceRef


@dataclass(frozen=True)
class Goal(Digested):
    """A goal a document states, in words or figures; `parent` is the earlier-layer goal it takes up."""

    id: str
    document: str
    source: Source
    horizon: int
    text: Localized
    indicators: tuple[str, ...]
    themes: tuple[str, ...]
    parent: str | None
    order: int
    src: SourceRef


@dataclass(frozen=True)
class Term(Digested):
    id: str
    term: Localized
    definition: Localized
    document: str
    anchor: str
    src: SourceRef


@dataclass(frozen=True)
class ThemeSection:
    document: str
    anchor: str


@dataclass(frozen=True)
class Theme(Digested):
    id: str
    name: Localized
    summary: Localized
    sections: tuple[ThemeSection, ...]
    indicators: tuple[str, ...]
    order: int
    src: SourceRef


@dataclass(frozen=True)
class Layer:
    """One layer of plans, in the order the layers follow one another (site.yaml `layers`)."""

    id: str
    name: Localized  # the full name: goal pages
    short: Localized  # the label of tags, legends and cards
    period: str  # the plan period, "1996-2000" or "2000"
    colour: str  # "#rrggbb", for charts and the layer's custom property --layer
    shape: str  # a chart marker: one of SHAPES
    section: str  # the id of the layer whose overview section lists it (its own when it has one)
    title: Localized | None = None  # the overview section's name, when the layer has its own
    summary: Localized | None = None


SHAPES = ("circle", "square", "diamond", "triangle")


@dataclass(frozen=True)
class Column:
    """One column of the indicator matrix: a layer's values of one kind for one year; `other_years` takes
    the layer's values of every year too (they show their own)."""

    key: str
    layer: str
    kind: str
    year: str
    other_years: bool
    heading: Localized


@dataclass(frozen=True)
class Model:
    """What a site compares, from site.yaml: the layers, the matrix columns, the year a status is computed
    for, the anchors whose values come first (a plan's own indicator tables), the home page's panel,
    where the site is published and the book's file name."""

    layers: tuple[Layer, ...] = ()
    columns: tuple[Column, ...] = ()
    status_year: str = ""
    first: tuple[str, ...] = ()
    first_name: Localized | None = None  # what the `first` anchors are, in words: "the plan's annex tables"
    panel: Localized | None = None
    base_url: str = ""
    book: str = "book"

    def layer(self, layer_id: str) -> Layer:
        return next(layer for layer in self.layers if layer.id == layer_id)

    def rank(self, layer_id: str) -> int:
        return next((n for n, layer in enumerate(self.layers) if layer.id == layer_id), len(self.layers))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(layer.id for layer in self.layers)

    @property
    def sections(self) -> tuple[Layer, ...]:
        """The layers that head a section of the overview (home, themes, goals, book); each lists the
        documents of the layers whose `section` it is."""
        return tuple(layer for layer in self.layers if layer.section == layer.id)

    def status_column(self, kind: str) -> Column | None:
        """The column a status reads its target or outcome from: that kind, in the status year."""
        return next((c for c in self.columns if c.kind == kind and c.year == self.status_year), None)

    def priority(self, anchor: str) -> tuple[bool, ...]:
        """Sorts a value's anchor: those that start with an anchor of `first` come first, in that order."""
        return tuple(not anchor.startswith(prefix) for prefix in self.first)


@dataclass(frozen=True)
class Event:
    date: str
    label: Localized
    document: str
    anchor: str


@dataclass(frozen=True)
class Site:
    """Everything the build knows, validated and cross-referenced."""

    title: Localized
    tagline: Localized
    model: Model
    timeline: tuple[Event, ...]
    horizons: tuple[int, ...]
    documents: tuple[Document, ...]
    categories: tuple[Category, ...]
    indicators: tuple[Indicator, ...]
    values: tuple[Value, ...]
    conflicts: tuple[Conflict, ...]
    terms: tuple[Term, ...]
    themes: tuple[Theme, ...]
    goals: tuple[Goal, ...] = ()
    headline: tuple[str, ...] = ()  # indicator ids of the home page's panel (site.yaml `headline`)

    def document(self, doc_id: str) -> Document:
        return self._find("documents", doc_id)

    def indicator(self, indicator_id: str) -> Indicator:
        return self._find("indicators", indicator_id)

    def goal(self, goal_id: str) -> Goal:
        return self._find("goals", goal_id)

    @cached_property
    def _by_id(self) -> dict[str, dict]:
        """Documents, indicators and goals by id, the first of an id (every page looks some up)."""
        index: dict[str, dict] = {}
        for name in ("documents", "indicators", "goals"):
            for record in getattr(self, name):
                index.setdefault(name, {}).setdefault(record.id, record)
        return index

    def _find(self, collection: str, record_id: str):
        """The record of that id; StopIteration when there is none (as next() over them gave: callers catch it)."""
        record = self._by_id.get(collection, {}).get(record_id)
        if record is None:
            raise StopIteration(record_id)
        return record

    def chain_root(self, goal: Goal) -> Goal:
        """The earliest goal of the chain a goal belongs to (validation rules out cycles)."""
        while goal.parent:
            goal = self.goal(goal.parent)
        return goal
