"""Where two documents' figures disagree, and whether the content says so.

The rule, stated to readers on the disagreements page: two value records are *comparable* when they
measure the same indicator, come from different documents, are of the same kind (a target beside a
target, an outcome beside an outcome: a target later reported done is progress, not disagreement) and
both state a figure. Two comparable values *disagree* when
  - their periods overlap (2043 lies within 2041-2045) and their figures differ: the number or the
    comparator (突破75% is not 75%以上); numbers are in the indicator's unit (see figures.number_in_unit),
    so 2000亿元 and 2100亿元 are compared as 2000 and 2100; or
  - their periods do not overlap and their figures are the same: one figure credited to two periods, or
    one target set for two years.
Every disagreeing pair must be *covered*: by a conflict listing both values (content/conflicts.yaml),
or by a `consistent:` note on one of them naming the other and saying, in both languages, why the
two agree (a different scope, a later revision, a year the site inferred for an undated text …)."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from .errors import Collector, ContentError
from .fields import Fields
from .model import Conflict, Consistency, Value


def consistency(fields: Fields) -> Consistency | None:
    """A value's `consistent: {with: [value ids], note: {zh, en}}`, read from its record (the ids are
    checked against the other values by check_notes)."""
    record = fields.mapping("consistent", required=False)
    if record is None:
        return None
    cfields = Fields(record, fields.errors, fields.what)
    cfields.no_unknown(("with", "note"))
    others = cfields.idents("with", required=True)
    note = cfields.localized("note")
    fields.ok = fields.ok and cfields.ok
    return Consistency(tuple(others), note, record.ref("with")) if cfields.ok and note else None


def span(period: str) -> tuple[int, int]:
    """A period's first and last year: '2043' -> (2043, 2043), '2041-2045' -> (2041, 2045)."""
    first, _, last = period.partition("-")
    return int(first), int(last or first)


def overlap(a: Value, b: Value) -> bool:
    (a_first, a_last), (b_first, b_last) = span(a.period), span(b.period)
    return a_first <= b_last and b_first <= a_last


def figure(value: Value) -> tuple:
    """What a value states, for comparison: its number (in the indicator's unit) and its comparator."""
    return (value.number.normalize(), value.comparator or "=")


def comparable(a: Value, b: Value) -> bool:
    """Same indicator, different documents, same kind, both a figure."""
    return (a.indicator == b.indicator and a.document != b.document and a.kind == b.kind
            and a.number is not None and b.number is not None)


def disagree(a: Value, b: Value) -> bool:
    """Comparable, and different figures for overlapping periods or the same figure for periods apart."""
    return comparable(a, b) and (overlap(a, b) != (figure(a) == figure(b)))


@dataclass(frozen=True)
class Disagreement:
    """Two values that disagree by the rule; `covered_by` is a conflict id, 'consistent' or None (open)."""

    first: Value
    second: Value
    covered_by: str | None

    def error(self) -> ContentError:
        a, b = self.first, self.second
        how = "a different figure for an overlapping period" if overlap(a, b) else "the same figure for another period"
        return ContentError(a.src, f"value '{a.id}' ({_stated(a)}) disagrees with '{b.id}' at {b.src} "
                            f"({_stated(b)}: {how}), and no conflict or consistency note covers them",
                            f"add a conflict listing both to content/conflicts.yaml, or a 'consistent:' note "
                            f"on one naming the other (with: [{b.id}]) that says why they agree")


def _stated(value: Value) -> str:
    return f"{value.document}, {value.kind} {value.period}: {value.text.zh}"


def disagreements(values: tuple[Value, ...] | list[Value], conflicts: tuple[Conflict, ...] | list[Conflict]
                  ) -> list[Disagreement]:
    """Every disagreeing pair of values, in content order, with what covers it."""
    covering: dict[frozenset, str] = {}
    for conflict in conflicts:
        for pair in combinations(conflict.values, 2):
            covering.setdefault(frozenset(pair), conflict.id)
    for value in values:
        for other in value.consistent.others if value.consistent else ():
            covering.setdefault(frozenset((value.id, other)), "consistent")
    by_indicator: dict[str, list[Value]] = {}
    for value in values:
        by_indicator.setdefault(value.indicator, []).append(value)
    found = []
    for group in by_indicator.values():
        for a, b in combinations(group, 2):
            if disagree(a, b):
                found.append(Disagreement(a, b, covering.get(frozenset((a.id, b.id)))))
    return found


def open_errors(values, conflicts) -> list[ContentError]:
    """One `path:line` error per disagreement nothing covers (for `check --strict`)."""
    return [d.error() for d in disagreements(values, conflicts) if d.covered_by is None]


def check_notes(values: list[Value], errors: Collector, declared=None) -> None:
    """A consistency note names other values of the same indicator and kind from another document. A value
    that is declared but failed its own checks (`declared.explains`, see crossrefs.Declared) was reported
    already: naming it is not reported again."""
    by_id = {v.id: v for v in values}
    for value in values:
        if value.consistent is None:
            continue
        for other_id in value.consistent.others:
            other = by_id.get(other_id)
            if other is None and declared is not None and declared.explains("value", other_id):
                errors.suppress()
            elif other is None:
                errors.add(value.consistent.src, f"value '{value.id}': consistent with unknown value '{other_id}'",
                           "name a value id from content/values/")
            elif not comparable(value, other):
                errors.add(value.consistent.src, f"value '{value.id}': consistent with '{other_id}', which it "
                           "is not comparable with", "a consistency note names a value of the same indicator and "
                           "kind, from another document, both stating a figure")
            elif not disagree(value, other):
                errors.add(value.consistent.src, f"value '{value.id}': consistent with '{other_id}', which it "
                           "does not disagree with", "remove the note: the rule does not set these two apart")


def agreements(values) -> list[tuple[Value, list[Value]]]:
    """Each value with a consistency note, and the values it names, for the disagreements page."""
    by_id = {v.id: v for v in values}
    return [(v, [by_id[o] for o in v.consistent.others if o in by_id]) for v in values if v.consistent]
