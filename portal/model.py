"""The portal's content as frozen, validated objects; no I/O here."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal

from .errors import SourceRef

LANGS = ("zh", "en")
LAYERS = ("fyp14", "congress", "plenary", "plan2025")
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
        """The kind and year, for references and search results: 'Annual plan report (2025)'."""
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
class Conflict:
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
class Goal:
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
class Theme:
    id: str
    name: Localized
    summary: Localized
    sections: tuple[ThemeSection, ...]
    indicators: tuple[str, ...]
    order: int
    src: SourceRef


@dataclass(frozen=True)
class Layer:
    id: str
    name: Localized
    summary: Localized


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
    layers: tuple[Layer, ...]
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
    headline: tuple[str, ...] = ()  # indicator ids of the home page's "where Yuzhong stands" panel

    def document(self, doc_id: str) -> Document:
        return next(d for d in self.documents if d.id == doc_id)

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)

    def goal(self, goal_id: str) -> Goal:
        return next(g for g in self.goals if g.id == goal_id)

    def chain_root(self, goal: Goal) -> Goal:
        """The earliest goal of the chain a goal belongs to (validation rules out cycles)."""
        while goal.parent:
            goal = self.goal(goal.parent)
        return goal
