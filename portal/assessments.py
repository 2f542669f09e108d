"""Every outcome against every goal or target with a figure that applies to it, layer by layer.

The rules, in the order they are tried (RULES names them; pages and the help section state them):
  words       the goal is words (保持前列, 稳步提升): not measurable;
  annual      a goal for every year (每年, 年均 in its quote) or a one-year target of an annual plan: each year
              with an outcome is judged met / missed (compare.meets: ＞, ≥, 左右 within 5 % …);
  horizon     a level goal whose horizon year has an outcome: met / missed;
  progress    a level goal with a baseline (the latest outcome known when it was set) and a later outcome
              before its horizon: the share of the way covered against the share of the time elapsed
              (时序进度): ahead of / on / behind schedule, within SCHEDULE_BAND of each other is on schedule;
  cumulative  a total over several years: the stated years are listed, no verdict (a year may be missing);
  latest      otherwise, the latest outcome against the goal (its share, a derived figure), no verdict;
  none        no outcome at all: not measurable.
A level goal not yet due also gets the average growth a year it needs from its latest outcome (a derived
figure), where the figures allow it: an amount (not a rate, rank or age), both figures positive, the goal above.
Pure functions of the Site."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from .compare import meets
from .model import Site, Value

STATUSES = ("met", "ahead", "on-schedule", "behind", "missed", "latest", "not-measurable")
VERDICTS = ("met", "ahead", "on-schedule", "behind", "missed")
RULES = ("annual", "horizon", "progress", "cumulative", "latest", "words", "none")
SCHEDULE_BAND = Decimal("0.05")  # covered within 5 points of elapsed: on schedule
EVERY_YEAR = ("每年", "年均", "连续")  # each year, a yearly average, so many years running
LESS_IS_BETTER = ("≤", "<")
# Units of rates, ranks, ages and durations: a level in them does not grow by a share a year
NOT_AMOUNTS = ("%", "个百分点", "位次", "岁", "年", "天", "倍", "连冠", "-", "")


@dataclass(frozen=True)
class Derived:
    """A figure the sources do not state: its value, the inputs it is computed from and the formula."""

    value: Decimal
    formula: str
    inputs: tuple[str, ...]  # value ids


@dataclass(frozen=True)
class Assessment:
    goal: Value
    layer: str
    status: str
    rule: str
    outcome: Value | None = None
    year: int | None = None
    baseline: Value | None = None
    covered: Derived | None = None  # share of the goal (latest) or of the way from the baseline (progress)
    elapsed: Derived | None = None  # share of the period elapsed (progress)
    counted: tuple[Value, ...] = ()  # cumulative: the stated years
    required: Derived | None = None  # a level goal not yet due: the average growth a year it needs


def _span(period: str) -> tuple[int, int]:
    first, _, last = period.partition("-")
    return int(first), int(last or first)


def _single(value: Value) -> int | None:
    """The year of a one-year value, None for a span."""
    first, last = _span(value.period)
    return first if first == last else None


def _year_of(document) -> int | None:
    return int(document.date[:4]) if document.date else None


def _order(value: Value) -> tuple:
    """Annex-table values first (the plan's own indicator system), then the text."""
    return (not value.source.anchor.startswith("annex-"), value.source.anchor)


def is_total(value: Value) -> bool:
    """A figure over several years that is not a yearly one (累计新增就业N万人 over a span of years): a total,
    never on one axis with single years."""
    first, last = _span(value.period)
    return first != last and not any(word in value.source.quote for word in EVERY_YEAR)


def goal_kind(goal: Value, set_in: int | None) -> str:
    """annual, level or cumulative: what the goal's period and wording make it."""
    first, last = _span(goal.period)
    if first != last and not is_total(goal):
        return "annual"
    if first == last:
        return "annual" if set_in is not None and last <= set_in + 1 else "level"
    return "cumulative"


def _share(part: Decimal, whole: Decimal, formula: str, inputs: tuple[str, ...]) -> Derived | None:
    return None if whole == 0 else Derived((part / whole).quantize(Decimal("0.001")), formula, inputs)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _latest(goal: Value, layer: str, outcomes: list[Value], rule: str = "latest") -> Assessment:
    latest = outcomes[-1]
    covered = None
    if goal.comparator not in LESS_IS_BETTER and latest.number is not None:
        covered = _share(latest.number, goal.number, f"{_plain(latest.number)} / {_plain(goal.number)}",
                         (latest.id, goal.id))
    return Assessment(goal, layer, "latest", rule, latest, _single(latest), covered=covered)


def _judged(goal: Value, layer: str, outcome: Value, rule: str) -> Assessment:
    if outcome.number is None:
        return Assessment(goal, layer, "not-measurable", rule, outcome, _single(outcome))
    met = meets(outcome.number, outcome.comparator or "=", goal.comparator or "=", goal.number)
    return Assessment(goal, layer, "met" if met else "missed", rule, outcome, _single(outcome))


def _progress(goal: Value, layer: str, baseline: Value, latest: Value, horizon: int) -> Assessment:
    """Share of the way covered from the baseline against the share of the time elapsed to the horizon."""
    base_year, year = _single(baseline), _single(latest)
    way = goal.number - baseline.number
    covered = _share(latest.number - baseline.number, way,
                     f"({_plain(latest.number)} − {_plain(baseline.number)}) / ({_plain(goal.number)} − "
                     f"{_plain(baseline.number)})", (latest.id, baseline.id, goal.id))
    elapsed = _share(Decimal(year - base_year), Decimal(horizon - base_year),
                     f"({year} − {base_year}) / ({horizon} − {base_year})", (latest.id, baseline.id, goal.id))
    if covered is None or elapsed is None or goal.comparator in LESS_IS_BETTER:
        return _latest(goal, layer, [latest])
    if covered.value >= elapsed.value + SCHEDULE_BAND:
        status = "ahead"
    elif covered.value >= elapsed.value - SCHEDULE_BAND:
        status = "on-schedule"
    else:
        status = "behind"
    return Assessment(goal, layer, status, "progress", latest, year, baseline, covered, elapsed)


def required_growth(goal: Value, latest: Value | None, unit: str) -> Derived | None:
    """The average growth a year that takes the latest outcome to a level goal by its horizon,
    (goal / latest)^(1 / years) − 1; None unless the unit is an amount, both figures are positive, the goal
    lies above the outcome and its horizon after it."""
    if latest is None or latest.number is None or goal.number is None or unit in NOT_AMOUNTS:
        return None
    year, horizon = _single(latest), _span(goal.period)[1]
    if goal.comparator in LESS_IS_BETTER or year is None or year >= horizon or not 0 < latest.number < goal.number:
        return None
    growth = (goal.number / latest.number) ** (Decimal(1) / (horizon - year)) - 1
    formula = f"({_plain(goal.number)} / {_plain(latest.number)})^(1 / ({horizon} − {year})) − 1"
    return Derived(growth.quantize(Decimal("0.001")), formula, (latest.id, goal.id))


def assess_goal(goal: Value, layer: str, set_in: int | None, outcomes: list[Value],
                known_when_set: list[Value], unit: str = "") -> list[Assessment]:
    """The assessments of one goal. outcomes: the indicator's one-year outcomes, one per year, oldest first;
    known_when_set: those a document stated by the time the goal was set; unit: the indicator's (zh), which
    says whether a level goal can be given the growth a year it needs."""
    found = _assess(goal, layer, set_in, outcomes, known_when_set)
    if goal.number is None or goal_kind(goal, set_in) != "level":
        return found
    return [replace(a, required=required_growth(goal, a.outcome, unit)) for a in found]


def _assess(goal: Value, layer: str, set_in: int | None, outcomes: list[Value],
            known_when_set: list[Value]) -> list[Assessment]:
    if goal.number is None:
        return [Assessment(goal, layer, "not-measurable", "words")]
    first, last = _span(goal.period)
    kind = goal_kind(goal, set_in)
    if kind == "annual":
        judged = [_judged(goal, layer, o, "annual") for o in outcomes if first <= _single(o) <= last]
        if judged:
            return judged
    elif kind == "level":
        at_horizon = [o for o in outcomes if _single(o) == last]
        if at_horizon:
            return [_judged(goal, layer, at_horizon[0], "horizon")]
        baseline = next((o for o in reversed(known_when_set) if o.number is not None and _single(o) < last), None)
        later = [o for o in outcomes if baseline and _single(baseline) < _single(o) < last and o.number is not None]
        if baseline is not None and later:
            return [_progress(goal, layer, baseline, later[-1], last)]
    else:
        counted = tuple(o for o in outcomes if first <= _single(o) <= last)
        if counted:
            return [Assessment(goal, layer, "not-measurable", "cumulative", counted[-1], _single(counted[-1]),
                               counted=counted)]
    stated = [o for o in outcomes if o.number is not None]
    return [_latest(goal, layer, stated)] if stated else [Assessment(goal, layer, "not-measurable", "none")]


def assessments(site: Site, indicator_id: str | None = None) -> list[Assessment]:
    """Every goal or target of the site (or of one indicator), layer by layer (site order of the layers),
    each distinct figure once (the annex's record when a figure is stated twice)."""
    documents = {d.id: d for d in site.documents}
    result = []
    indicators = [indicator_id] if indicator_id else [i.id for i in site.indicators]
    units = {i.id: i.unit.zh for i in site.indicators}
    values = {}
    for value in site.values:
        values.setdefault(value.indicator, []).append(value)
    layers = layers_of(site)
    for ind in indicators:
        own = sorted(values.get(ind, []), key=_order)
        yearly: dict[int, Value] = {}
        for value in own:
            if value.kind == "outcome" and _single(value) is not None:
                yearly.setdefault(_single(value), value)
        outcomes = [yearly[year] for year in sorted(yearly)]
        for layer in layers:
            seen = set()
            for goal in (v for v in own if v.kind == "target" and documents[v.document].layer == layer):
                figure = (goal.period, goal.number, goal.comparator) if goal.number is not None else goal.text.zh
                if figure in seen:
                    continue
                seen.add(figure)
                set_in = _year_of(documents[goal.document])
                known = [o for o in outcomes if set_in is not None and
                         _year_of(documents[o.document]) is not None and
                         _year_of(documents[o.document]) <= set_in and _single(o) <= set_in]
                result.extend(assess_goal(goal, layer, set_in, outcomes, known, units[ind]))
    return result


def layers_of(site: Site) -> tuple[str, ...]:
    """The layers that have documents, in site.yaml's order (the earliest layer first)."""
    used = {d.layer for d in site.documents}
    return tuple(layer for layer in site.model.ids if layer in used)


def scorecard(site: Site, found: list[Assessment]) -> dict[str, dict[str, int]]:
    """How many assessments of each layer end in each status (every status counted, zero included)."""
    return {layer: {status: sum(1 for a in found if a.layer == layer and a.status == status)
                    for status in STATUSES} for layer in layers_of(site)}


def _figure(value: Value | None) -> dict | None:
    if value is None:
        return None
    number = value.number
    return {"id": value.id, "period": value.period, "text": {"zh": value.text.zh, "en": value.text.en},
            "number": None if number is None else (int(number) if number == number.to_integral_value()
                                                   else float(number)),
            "comparator": value.comparator}


def _derived(name: str, derived: Derived | None) -> list[dict]:
    return [] if derived is None else [{"name": name, "value": float(derived.value), "formula": derived.formula,
                                        "inputs": list(derived.inputs), "derived": True}]


def as_record(found: Assessment) -> dict:
    """One assessment as portal.json carries it: ids, status, rule, the figures used and the derived ones."""
    return {"goal": found.goal.id, "layer": found.layer, "indicator": found.goal.indicator,
            "outcome": found.outcome.id if found.outcome else None, "year": found.year, "status": found.status,
            "rule": found.rule,
            "figures": {"goal": _figure(found.goal), "outcome": _figure(found.outcome),
                        "baseline": _figure(found.baseline), "counted": [_figure(v) for v in found.counted]},
            "derived": (_derived("covered", found.covered) + _derived("elapsed", found.elapsed)
                        + _derived("required-growth", found.required))}


def first_horizon(site: Site, found: list[Assessment]) -> tuple[str, int, dict[str, int]] | None:
    """The earliest layer's horizon (the last year its goals name) and how the goals of every layer due
    that year stand: (layer, year, count per status); None when the earliest layer states no goal figure."""
    layers = layers_of(site)
    own = [a for a in found if layers and a.layer == layers[0]]
    if not own:
        return None
    year = max(_span(a.goal.period)[1] for a in own)
    due = [a for a in found if _span(a.goal.period)[1] == year]
    return layers[0], year, {status: sum(1 for a in due if a.status == status) for status in STATUSES}
