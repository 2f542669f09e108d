"""The published data: portal.json, the CSV downloads, the sitemap and robots.txt."""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from .assessments import as_record, assessments
from .compare import matrix
from .jsontext import Encoded, json_bytes, json_text
from .model import LANGS, Conflict, Indicator, Site, Value
from .routing import url_for

CSV_COLUMNS = ("id", "indicator", "indicator_name", "unit", "document", "document_title", "layer", "kind",
               "period", "text", "number", "comparator", "anchor", "quote", "url", "status", "status_year")


# A spreadsheet reads a cell starting with one of these as a formula (=HYPERLINK(…) phones home), also
# after leading whitespace, and in East Asian locales in their full-width forms
_FORMULA_START = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
_CONTROL_START = ("\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


_RISKY_FIRST = frozenset("".join(_FORMULA_START + _CONTROL_START))  # the first characters of those


def csv_cell(value) -> str:
    """A cell as OWASP recommends against CSV injection: text that a spreadsheet would run as a
    formula gets a leading apostrophe; numbers stay numbers."""
    text = "" if value is None else str(value)
    if text[:1] not in _RISKY_FIRST and not text[:1].isspace():  # most cells: no formula start, as it is
        return text
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    if text.startswith(_CONTROL_START) or text.lstrip().startswith(_FORMULA_START):
        return "'" + text
    return text


def _number(number: Decimal | None):
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


_ROWS: list = [None, {}]  # the last site's rows: every CSV of a build asks for the same site's


def _rows(site: Site) -> dict:
    """The matrix row of each indicator: the layers that state it, whether the default matrix shows it, its
    status in the model's status year."""
    if _ROWS[0] is not site:
        _ROWS[:] = [site, {row.indicator.id: row for _, rows in matrix(site) for row in rows}]
    return _ROWS[1]


def portal_json(site: Site, described: dict | None = None, values: list | None = None,
                assessed: list | None = None) -> bytes:
    """site/data/portal.json: the layers (in order, with their plan periods), documents, indicators, values,
    goals — stable order and formatting (`described`: each indicator's _indicator_json by id, `values`: each
    value's _value_json in site order, and `assessed`: the site's assessments, when made)."""
    described = described or _described(site)
    data = {
        "layers": [{"id": layer.id, "name": _pair(layer.name), "period": layer.period} for layer in site.model.layers],
        "documents": [{"id": d.id, "source_file": d.source_file, "layer": d.layer,
                       "title": {"zh": d.title.zh, "en": d.title.en}, "date": d.date} for d in site.documents],
        "indicators": [described[i.id] for i in site.indicators],
        "values": [_value_json(v) for v in site.values] if values is None else values,
        "goals": [{"id": g.id, "document": g.document, "anchor": g.source.anchor, "horizon": g.horizon,
                   "text": {"zh": g.text.zh, "en": g.text.en}, "indicators": list(g.indicators)} for g in site.goals],
        "assessments": [as_record(a) for a in (assessments(site) if assessed is None else assessed)],
    }
    return json_bytes(data)


def indicator_json(described: dict, values: list) -> bytes:
    """site/data/indicators/<id>.json: one indicator (its _indicator_json) and its values' _value_json (in site
    order), with portal.json's fields."""
    return json_bytes({"indicator": described, "values": values})


def _described(site: Site) -> dict[str, dict]:
    """Each indicator's JSON form by its id, made once for portal.json and its own file: each category and
    conflict looked up by indicator once, not every category and conflict read again for each indicator."""
    categories, conflicts = {}, {i.id: [] for i in site.indicators}
    for category in site.categories:
        categories.setdefault(category.id, category)  # the first of an id, as a search from the start finds
    for conflict in site.conflicts:
        for indicator_id in dict.fromkeys(conflict.indicators):  # once per conflict, as `in` tests it
            conflicts.setdefault(indicator_id, []).append(conflict)
    return {i.id: _indicator_json(site, i, categories[i.category], conflicts[i.id]) for i in site.indicators}


def _indicator_json(site: Site, indicator: Indicator, category, conflicts: list[Conflict]) -> dict:
    row = _rows(site)[indicator.id]
    return {"id": indicator.id, "name": _pair(indicator.name), "unit": _pair(indicator.unit),
            "category": _pair(category.name), "attribute": indicator.attribute,
            "predecessor": indicator.predecessor, "successor": indicator.successor,
            "layers": list(row.layers), "in_matrix": row.focus,
            "status": {"year": _year(site), "value": row.status},
            "conflicts": [_conflict_json(c) for c in conflicts]}


def _year(site: Site) -> int | None:
    return int(site.model.status_year) if site.model.status_year else None


def _conflict_json(conflict: Conflict) -> dict:
    return {"id": conflict.id, "kind": conflict.kind, "comparable": conflict.comparable,
            "title": _pair(conflict.title), "values": list(conflict.values),
            "sides": [{"document": s.document, "anchor": s.anchor, "quote": s.quote, "text": _pair(s.text)}
                      for s in conflict.sides],
            "note": _pair(conflict.note)}


def _pair(text) -> dict:
    return {"zh": text.zh, "en": text.en}


def _value_json(value: Value) -> dict:
    return {"id": value.id, "indicator": value.indicator, "document": value.document, "kind": value.kind,
            "period": value.period, "text": {"zh": value.text.zh, "en": value.text.en},
            "number": _number(value.number), "comparator": value.comparator,
            "source": {"anchor": value.source.anchor, "quote": value.source.quote}}


def csv_file(rows: list[str]) -> bytes:
    """A values CSV (all, or one indicator's) of these rows (value_rows'), with its header, UTF-8 with BOM so
    spreadsheets read Chinese."""
    return ("\ufeff" + _HEADER + "".join(rows)).encode("utf-8")


def value_rows(site: Site, lang: str, values, documents: dict, indicators: dict) -> list[str]:
    """Each value's CSV row in one language, as csv writes it (a row's text is its own: the CSV of all values
    and an indicator's own take the same rows); `documents` and `indicators` by id, made once for all."""
    rows, base_url, year = _rows(site), site.model.base_url, _year(site)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    sizes = []
    for value in values:
        measure, document = indicators[value.indicator], documents[value.document]
        link = base_url + url_for("document", lang, document.id) + "#" + value.source.anchor
        number = _number(value.number)
        comparator = value.comparator or ""  # "=" is written '= like any cell a formula could start with
        sizes.append(writer.writerow([csv_cell(cell) for cell in (
            value.id, value.indicator, measure.name[lang], measure.unit[lang], value.document,
            document.title[lang], document.layer, value.kind, value.period, value.text[lang],
            "" if number is None else number, comparator, value.source.anchor, value.source.quote, link,
            rows[value.indicator].status, year)]))  # what it wrote: the characters of the row
    text, start, found = buffer.getvalue(), 0, []
    for size in sizes:
        found.append(text[start:start + size])
        start += size
    return found


def _header() -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(CSV_COLUMNS)
    return buffer.getvalue()


_HEADER = _header()


ASSESSMENT_COLUMNS = ("goal", "layer", "indicator", "indicator_name", "goal_period", "goal_text", "goal_number",
                      "goal_comparator", "outcome", "year", "outcome_text", "outcome_number", "status", "rule",
                      "derived_share", "derived_formula", "elapsed_share", "elapsed_formula", "required_growth",
                      "required_formula")


def assessments_csv(site: Site, lang: str, assessed: list | None = None) -> bytes:
    """Every assessment (see assessments.py; `assessed`: the site's, when made) as CSV in one language; derived
    figures with their formula."""
    names = {i.id: i.name[lang] for i in site.indicators}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ASSESSMENT_COLUMNS)
    for found in assessments(site) if assessed is None else assessed:
        goal, outcome, covered, elapsed = found.goal, found.outcome, found.covered, found.elapsed
        required = found.required
        writer.writerow([csv_cell(cell) for cell in (
            goal.id, found.layer, goal.indicator, names[goal.indicator], goal.period, goal.text[lang],
            _number(goal.number), goal.comparator, outcome.id if outcome else None, found.year,
            outcome.text[lang] if outcome else None, _number(outcome.number) if outcome else None, found.status,
            found.rule, covered and covered.value, covered and covered.formula, elapsed and elapsed.value,
            elapsed and elapsed.formula, required and required.value, required and required.formula)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def sitemap(urls: list[str], base_url: str) -> bytes:
    """sitemap.xml with the zh/en alternates of every page."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for url in urls:
        if not url.startswith("/zh/"):
            continue
        twin = "/en/" + url[len("/zh/"):]
        for own in (url, twin):
            lines.append(f"  <url><loc>{base_url}{own}</loc>")
            for lang, target in (("zh-Hans", url), ("en", twin)):
                lines.append(f'    <xhtml:link rel="alternate" hreflang="{lang}" href="{base_url}{target}"/>')
            lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href="{base_url}/"/>')
            lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")



def robots(base_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {base_url}/sitemap.xml\n".encode("utf-8")


def data_files(site: Site, urls: list[str]) -> dict[str, bytes]:
    """portal.json, the values as CSV (all, and per indicator), each indicator as JSON, the sitemap of `urls`
    and robots.txt pointing to it (at the published address: site.yaml's base_url). Each indicator's and
    value's JSON (Encoded), each value's CSV row and the assessments are made once: portal.json and the values'
    CSVs hold them all, an indicator's files its own."""
    described = {key: Encoded(json_text(form)) for key, form in _described(site).items()}
    forms = [Encoded(json_text(_value_json(value))) for value in site.values]
    assessed = assessments(site)  # for portal.json and both languages' CSVs
    files = {"data/portal.json": portal_json(site, described, forms, assessed)}
    documents, indicators = {d.id: d for d in site.documents}, {i.id: i for i in site.indicators}
    for lang in LANGS:
        rows = value_rows(site, lang, site.values, documents, indicators)
        files[f"data/values.{lang}.csv"] = csv_file(rows)
        files[f"data/assessments.{lang}.csv"] = assessments_csv(site, lang, assessed)
        for indicator_id, own in _by_indicator(site, rows).items():
            files[f"data/indicators/{indicator_id}.{lang}.csv"] = csv_file(own)
    for indicator_id, own in _by_indicator(site, forms).items():
        files[f"data/indicators/{indicator_id}.json"] = indicator_json(described[indicator_id], own)
    files["sitemap.xml"] = sitemap(urls, site.model.base_url)
    files["robots.txt"] = robots(site.model.base_url)
    return files


def _by_indicator(site: Site, made: list) -> dict[str, list]:
    """What was made of each value (`made`, in site order) by indicator, in the indicators' order."""
    found = {i.id: [] for i in site.indicators}
    for value, item in zip(site.values, made):
        found[value.indicator].append(item)
    return found
