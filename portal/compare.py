"""Lining the layers up: which value fills which matrix column, one entry per figure, and the 2024 status."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Indicator, Site, Value

# "about" (≈) and plain (=) targets are floors: every such target in the plans is a more-is-better
# measure. An outcome within ABOUT_TOLERANCE (5 %) below an "about" target still counts as met.
ABOUT_TOLERANCE = Decimal("0.05")

COLUMNS = ("fyp14", "congress", "plenary", "target-2024", "outcome-2024", "target-2025")
# The period a column stands for; a value stated for another period shows its own.
COLUMN_PERIODS = {"fyp14": "2025", "congress": "2026", "plenary": "2027", "target-2024": "2024",
                  "outcome-2024": "2024", "target-2025": "2025"}
LAYERS = ("fyp14", "congress", "plenary", "plan2025")
STATUSES = ("met", "missed", "reported", "qualitative", "no-target")


def status(target: Value | None, outcome: Value | None) -> str:
    """The 2024 status, in this order of rules:
    no-target    nothing to compare: no target, or a figure target with no outcome stated;
    qualitative  the target itself is words (保持全市前列, 市计划);
    reported     a figure target whose outcome is words (预计完成, a rank): stated, not measurable;
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


def column_of(value: Value, layer: str) -> str | None:
    """The matrix column a value belongs in, or None when it is context (past results, other years)."""
    if layer == "plan2025":
        if value.kind == "target" and value.period in ("2024", "2025"):
            return f"target-{value.period}"
        if value.kind == "outcome" and value.period == "2024":
            return "outcome-2024"
        return None
    if value.kind == "target":
        return layer
    return None


@dataclass(frozen=True)
class Entry:
    """One figure in a cell: the value shown, the other places that state the same figure, and the period
    to show when it is not the column's."""

    value: Value
    also: tuple[Value, ...]
    period: str | None


def _rank(value: Value) -> tuple:
    """Annex-table values first (they are the plan's own indicator system), then the text, in order."""
    anchor = value.source.anchor
    return (not anchor.startswith("annex-1"), not anchor.startswith("annex-"), value.period)


def entries(values: list[Value], column: str) -> list[Entry]:
    """One entry per distinct figure (number, comparator and period; the text's when there is no number):
    "6左右" in the annex and "6%左右" in the text are one figure stated twice."""
    groups: dict[tuple, list[Value]] = {}
    for value in sorted(values, key=_rank):
        figure = (value.number, value.comparator or "=") if value.number is not None else value.text.zh
        groups.setdefault((figure, value.period), []).append(value)
    return [Entry(first, tuple(rest), None if first.period == COLUMN_PERIODS[column] else first.period)
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
    """Rows per category, each with the entries of each column (annex first)."""
    layers = {d.id: d.layer for d in site.documents}
    by_indicator: dict[str, list[Value]] = {}
    for value in site.values:
        by_indicator.setdefault(value.indicator, []).append(value)
    groups = []
    for category in site.categories:
        rows = []
        for indicator in (i for i in site.indicators if i.category == category.id):
            values = by_indicator.get(indicator.id, [])
            columns: dict[str, list[Value]] = {column: [] for column in COLUMNS}
            for value in values:
                column = column_of(value, layers[value.document])
                if column:
                    columns[column].append(value)
            cells = {column: entries(columns[column], column) for column in COLUMNS}
            target = cells["target-2024"][0].value if cells["target-2024"] else None
            outcome = cells["outcome-2024"][0].value if cells["outcome-2024"] else None
            stated = {layers[v.document] for v in values}
            rows.append(Row(indicator, cells, status(target, outcome), tuple(l for l in LAYERS if l in stated),
                            any(v.source.anchor.startswith("annex-") for v in values)))
        groups.append((category, rows))
    return groups


def used_columns(groups: list[tuple[object, list[Row]]]) -> tuple[str, ...]:
    """The columns at least one row fills: an empty column is left out of the page."""
    return tuple(c for c in COLUMNS if any(row.cells[c] for _, rows in groups for row in rows))


def focused(groups: list[tuple[object, list[Row]]]) -> list[tuple[object, list[Row]]]:
    """The default matrix: only the rows in focus, categories kept in order."""
    return [(category, [row for row in rows if row.focus]) for category, rows in groups]


@dataclass(frozen=True)
class Standing:
    """Where an indicator stands: its latest outcome, each layer's goals and the 2024 status."""

    row: Row
    latest: Value | None
    goals: tuple[tuple[str, tuple[Entry, ...]], ...]


def _end(period: str) -> int:
    return int(period.rpartition("-")[2])


def latest_outcome(values: list[Value]) -> Value | None:
    """The outcome of the latest year (annex first), or None."""
    outcomes = sorted((v for v in values if v.kind == "outcome"), key=lambda v: (-_end(v.period), _rank(v)))
    return outcomes[0] if outcomes else None


def standings(site: Site, groups: list[tuple[object, list[Row]]]) -> list[Standing]:
    """The headline indicators of site.yaml in their order: latest outcome (latest year, annex first),
    goals by layer (one entry per figure and year, earliest year first)."""
    layers = {d.id: d.layer for d in site.documents}
    rows = {row.indicator.id: row for _, rows in groups for row in rows}
    result = []
    for indicator_id in site.headline:
        values = [v for v in site.values if v.indicator == indicator_id]
        goals = []
        for layer in LAYERS:
            targets = [v for v in values if v.kind == "target" and layers[v.document] == layer]
            if targets:
                stated = sorted(entries(targets, "target-2024"), key=lambda e: _end(e.value.period))
                goals.append((layer, tuple(Entry(e.value, e.also, e.value.period) for e in stated)))
        result.append(Standing(rows[indicator_id], latest_outcome(values), tuple(goals)))
    return result
