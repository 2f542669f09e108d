"""Lining the layers up: which value fills which matrix column (site.yaml's), one entry per figure, and the
status in the model's status year."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Column, Indicator, Model, Site, Value

# "about" (≈) and plain (=) targets are floors: every such target in the plans is a more-is-better
# measure. An outcome within ABOUT_TOLERANCE (5 %) below an "about" target still counts as met.
ABOUT_TOLERANCE = Decimal("0.05")

STATUSES = ("met", "missed", "reported", "qualitative", "no-target")


def status(target: Value | None, outcome: Value | None) -> str:
    """The status of a target and the outcome of the same year, in this order of rules:
    no-target    nothing to compare: no target, or a figure target with no outcome stated;
    qualitative  the target itself is words (a phrase such as "stay among the city's leaders");
    reported     a figure target whose outcome is words ("expected to be met", a rank): stated, not measurable;
    met / missed both are figures: compared with their comparators."""
    if target is None:
        return "no-target"
    if target.number is None:
        return "qualitative"
    if outcome is None:
        return "no-target"
    if outcome.number is None:
        return "reported"
    met = meets(outcome.number, outcome.comparator or "=", target.comparator or "=", target.number)
    return "met" if met else "missed"


def meets(outcome: Decimal, stated: str, comparator: str, target: Decimal) -> bool:
    """Whether an outcome stated as `stated outcome` (＞29 is "more than 29") satisfies `comparator target`."""
    if comparator == "≥":
        return outcome >= target
    if comparator == ">":
        return outcome > target or (stated in (">", "≥") and outcome >= target)
    if comparator == "≤":
        return outcome <= target
    if comparator == "<":
        return outcome < target or (stated in ("<", "≤") and outcome <= target)
    if comparator == "≈":
        return outcome >= target - abs(target) * ABOUT_TOLERANCE
    return outcome >= target


def column_of(value: Value, layer: str, columns: tuple[Column, ...]) -> Column | None:
    """The matrix column a value belongs in: its layer's and kind's, of its year (or of every year), or None
    when it is context (past results, other years)."""
    mine = [c for c in columns if c.layer == layer and c.kind == value.kind]
    return next((c for c in mine if c.year == value.period), None) or \
        next((c for c in mine if c.other_years), None)


@dataclass(frozen=True)
class Entry:
    """One figure in a cell: the value shown, the other places that state the same figure, and the period
    to show when it is not the column's."""

    value: Value
    also: tuple[Value, ...]
    period: str | None


def _rank(model: Model, value: Value) -> tuple:
    """The values of site.yaml's `first` anchors first (a plan's own indicator tables), then the text."""
    return (*model.priority(value.source.anchor), value.period)


def entries(model: Model, values: list[Value], period: str) -> list[Entry]:
    """One entry per distinct figure (number, comparator and period; the text's when there is no number):
    "6左右" in the annex and "6%左右" in the text are one figure stated twice. An entry shows its period
    when it is not `period`, the column's."""
    groups: dict[tuple, list[Value]] = {}
    for value in sorted(values, key=lambda v: _rank(model, v)):
        figure = (value.number, value.comparator or "=") if value.number is not None else value.text.zh
        groups.setdefault((figure, value.period), []).append(value)
    return [Entry(first, tuple(rest), None if first.period == period else first.period)
            for first, *rest in groups.values()]


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    cells: dict[str, list[Entry]]
    status: str
    layers: tuple[str, ...]
    annex: bool

    @property
    def focus(self) -> bool:
        """In the default matrix: the plan's annexes track it, or two or more layers state it."""
        return self.annex or len(self.layers) >= 2


def matrix(site: Site) -> list[tuple[object, list[Row]]]:
    """Rows per category, each with the entries of each column (the `first` anchors' first)."""
    model = site.model
    layers = {d.id: d.layer for d in site.documents}
    target_column, outcome_column = model.status_column("target"), model.status_column("outcome")
    by_indicator: dict[str, list[Value]] = {}
    for value in site.values:
        by_indicator.setdefault(value.indicator, []).append(value)
    groups = []
    for category in site.categories:
        rows = []
        for indicator in (i for i in site.indicators if i.category == category.id):
            values = by_indicator.get(indicator.id, [])
            columns: dict[str, list[Value]] = {column.key: [] for column in model.columns}
            for value in values:
                column = column_of(value, layers[value.document], model.columns)
                if column:
                    columns[column.key].append(value)
            cells = {c.key: entries(model, columns[c.key], c.year) for c in model.columns}
            target, outcome = (cells[c.key][0].value if c and cells[c.key] else None
                               for c in (target_column, outcome_column))
            stated = {layers[v.document] for v in values}
            rows.append(Row(indicator, cells, status(target, outcome), tuple(l for l in model.ids if l in stated),
                            any(False in model.priority(v.source.anchor) for v in values)))
        groups.append((category, rows))
    return groups


def used_columns(model: Model, groups: list[tuple[object, list[Row]]]) -> tuple[Column, ...]:
    """The columns at least one row fills: an empty column is left out of the page."""
    return tuple(c for c in model.columns if any(row.cells[c.key] for _, rows in groups for row in rows))


def focused(groups: list[tuple[object, list[Row]]]) -> list[tuple[object, list[Row]]]:
    """The default matrix: only the rows in focus, categories kept in order."""
    return [(category, [row for row in rows if row.focus]) for category, rows in groups]


@dataclass(frozen=True)
class Standing:
    """Where an indicator stands: its latest outcome, each layer's goals and the status."""

    row: Row
    latest: Value | None
    goals: tuple[tuple[str, tuple[Entry, ...]], ...]


def _end(period: str) -> int:
    return int(period.rpartition("-")[2])


def latest_outcome(model: Model, values: list[Value]) -> Value | None:
    """The outcome of the latest year (site.yaml's `first` anchors first), or None."""
    outcomes = sorted((v for v in values if v.kind == "outcome"), key=lambda v: (-_end(v.period), _rank(model, v)))
    return outcomes[0] if outcomes else None


def standings(site: Site, groups: list[tuple[object, list[Row]]]) -> list[Standing]:
    """The headline indicators of site.yaml in their order: latest outcome (latest year, annex first),
    goals by layer (one entry per figure and year, earliest year first)."""
    model = site.model
    layers = {d.id: d.layer for d in site.documents}
    rows = {row.indicator.id: row for _, rows in groups for row in rows}
    result = []
    for indicator_id in site.headline:
        values = [v for v in site.values if v.indicator == indicator_id]
        goals = []
        for layer in model.ids:
            targets = [v for v in values if v.kind == "target" and layers[v.document] == layer]
            if targets:
                stated = sorted(entries(model, targets, ""), key=lambda e: _end(e.value.period))
                goals.append((layer, tuple(Entry(e.value, e.also, e.value.period) for e in stated)))
        result.append(Standing(rows[indicator_id], latest_outcome(model, values), tuple(goals)))
    return result
