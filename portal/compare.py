"""Lining the layers up: which value fills which matrix column, and whether a target was met."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Site, Value

# "about" (≈) and plain (=) targets are floors: every such target in the plans is a more-is-better
# measure. An outcome within ABOUT_TOLERANCE (5 %) below an "about" target still counts as met.
ABOUT_TOLERANCE = Decimal("0.05")

COLUMNS = ("fyp14", "congress", "plenary", "target-2024", "outcome-2024", "target-2025")
STATUSES = ("met", "missed", "qualitative", "no-data")


def status(target: Value | None, outcome: Value | None) -> str:
    """met / missed / qualitative / no-data, computed from numbers and comparators."""
    if target is None or outcome is None:
        return "no-data"
    if target.number is None or outcome.number is None:
        return "qualitative"
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


def _primary_first(values: list[Value]) -> list[Value]:
    """Annex-table values first (they are the plan's own indicator system), one value per distinct text."""
    ordered = sorted(values, key=lambda v: (not v.source.anchor.startswith("annex-1"),
                                             not v.source.anchor.startswith("annex-"), v.period))
    seen, distinct = set(), []
    for value in ordered:
        if (value.text.zh, value.period) not in seen:
            seen.add((value.text.zh, value.period))
            distinct.append(value)
    return distinct


@dataclass(frozen=True)
class Row:
    indicator: object
    cells: dict
    status: str


def matrix(site: Site) -> list[tuple[object, list[Row]]]:
    """Rows per category, each with the values of each column (first stated value first)."""
    layers = {d.id: d.layer for d in site.documents}
    by_indicator: dict[str, list[Value]] = {}
    for value in site.values:
        by_indicator.setdefault(value.indicator, []).append(value)
    groups = []
    for category in site.categories:
        rows = []
        for indicator in (i for i in site.indicators if i.category == category.id):
            cells: dict[str, list[Value]] = {column: [] for column in COLUMNS}
            for value in by_indicator.get(indicator.id, []):
                column = column_of(value, layers[value.document])
                if column:
                    cells[column].append(value)
            for column in COLUMNS:
                cells[column] = _primary_first(cells[column])
            target = cells["target-2024"][0] if cells["target-2024"] else None
            outcome = cells["outcome-2024"][0] if cells["outcome-2024"] else None
            rows.append(Row(indicator, cells, status(target, outcome)))
        groups.append((category, rows))
    return groups
