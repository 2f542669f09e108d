"""Goal chains: how later layers take up a goal, down to the latest outcome of the figures that measure it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import compare
from .model import Body, Goal, Indicator, Model, Site, Value
from .typography import without_chinese_glosses


@dataclass(frozen=True)
class Outcome:
    """Where an indicator stands: its latest stated outcome, the target of that period, the status between them."""

    indicator: Indicator
    latest: Value | None
    target: Value | None
    status: str


@dataclass(frozen=True)
class Step:
    """One goal of a chain with the later goals that take it up."""

    goal: Goal
    layer: str
    outcomes: tuple[Outcome, ...]
    children: tuple["Step", ...]


class Chains:
    """The goals of a site arranged as chains: roots (goals with no parent) and what takes each up."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.layers = {d.id: d.layer for d in site.documents}
        self.children: dict[str, list[Goal]] = {}
        for goal in site.goals:
            if goal.parent:
                self.children.setdefault(goal.parent, []).append(goal)
        self.values: dict[str, list[Value]] = {}
        for value in site.values:
            self.values.setdefault(value.indicator, []).append(value)

    def roots(self) -> list[Goal]:
        """Goals that take up no other goal, in layer order, then as written."""
        return sorted((g for g in self.site.goals if not g.parent), key=self._order)

    def root_of(self, goal: Goal) -> Goal:
        return self.site.chain_root(goal)

    def members(self, goal: Goal) -> list[Goal]:
        """The goal and every later goal that takes it up, directly or through others."""
        found = [goal]
        for child in sorted(self.children.get(goal.id, []), key=self._order):
            found += self.members(child)
        return found

    def layers_of(self, goals) -> list[str]:
        """The layers a set of goals come from, in layer order."""
        present = {self.layers[g.document] for g in goals}
        return [layer for layer in self.site.model.ids if layer in present]

    def step(self, goal: Goal) -> Step:
        kids = sorted(self.children.get(goal.id, []), key=self._order)
        return Step(goal, self.layers[goal.document], tuple(self.outcome(i) for i in goal.indicators),
                    tuple(self.step(child) for child in kids))

    def outcome(self, indicator_id: str) -> Outcome:
        values = self.values.get(indicator_id, [])
        model = self.site.model
        latest = _latest(model, [v for v in values if v.kind == "outcome"])
        target = None
        if latest is not None:
            target = _latest(model, [v for v in values if v.kind == "target" and v.period == latest.period])
        return Outcome(self.site.indicator(indicator_id), latest, target, compare.status(target, latest))

    def about(self, goals) -> list[Goal]:
        """Goals in chain order (layer, then as written)."""
        return sorted(goals, key=self._order)

    def _order(self, goal: Goal) -> tuple[int, int]:
        return (self.site.model.rank(self.layers[goal.document]), goal.order)


def _latest(model: Model, values: list[Value]) -> Value | None:
    """The value of the latest period; between equals, those of site.yaml's `first` anchors (a plan's own
    indicator tables), then the text."""
    if not values:
        return None
    return max(values, key=lambda v: (int(v.period[-4:]), *(not later for later in model.priority(v.source.anchor))))


def section_of(body: Body, anchor: str) -> str:
    """The heading a paragraph stands under, in words (for print, where a bare anchor means nothing);
    empty before the first heading. An English heading loses its Chinese glosses: "Title (标题)" -> "Title"."""
    heading = ""
    for block in body.blocks:
        if block.anchor == anchor:
            heading = block.text if block.kind == "heading" else heading
            break
        if block.kind == "heading":
            heading = block.text
    if re.search(r"[A-Za-z]", heading):
        heading = without_chinese_glosses(heading)
    return heading
