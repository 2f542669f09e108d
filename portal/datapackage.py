"""The data as one described package: data/datapackage.json (Frictionless Data Package, every CSV and JSON
file with its schema), the licence, one zip of everything with the same bytes every build, and the
schema.org JSON-LD of the Data page (Dataset) and of the documents (CreativeWork)."""
from __future__ import annotations

import io
import zipfile

from .compare import STATUSES
from .datasets import ASSESSMENT_COLUMNS, CSV_COLUMNS
from .jsontext import json_bytes
from .routing import url_for

LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
RIGHTS = ("The portal's data, structure and English translations: CC BY 4.0. The source documents remain the "
          "publications of the government and party bodies that issued them; their Chinese text is quoted from "
          "their public release and is not licensed by this portal.")
ZIP = "data/all-data.zip"
SCHEMA = "data/values.schema.json"
ASSESSMENTS_SCHEMA = "data/assessments.schema.json"
# The CSV columns described (README: "Dataset schema"); units are per row, in the column unit.
FIELDS = {
    "id": ("string", "The value's id: document, indicator, period and kind."),
    "indicator": ("string", "The indicator's id (see portal.json, indicators)."),
    "indicator_name": ("string", "The indicator's name, in the file's language."),
    "unit": ("string", "The unit of column number (and of text), in the file's language, e.g. CNY 100 million."),
    "document": ("string", "The id of the source document that states the value."),
    "document_title": ("string", "The source document's title, in the file's language."),
    "layer": ("string", "The plan layer of the document (portal.json, layers)."),
    "kind": ("string", "target (what a plan sets) or outcome (what a report states was reached)."),
    "period": ("string", "The year (YYYY) or period (YYYY-YYYY) the value is for."),
    "text": ("string", "The value as the document states it, qualifier included, in the file's language."),
    "number": ("number", "The figure in the unit of column unit; empty when the document states words."),
    "comparator": ("string", "How the figure is meant: > more than, ≥ at least, < less than, ≤ at most, ≈ about, "
                   "'= exactly (written with a leading apostrophe against spreadsheet formulas); empty for words."),
    "anchor": ("string", "The anchor of the source paragraph in the document."),
    "quote": ("string", "The source paragraph's words (Chinese) the value is quoted from."),
    "url": ("string", "The source paragraph on the portal, in the file's language."),
    "status": ("string", "The indicator's status in the year of column status_year: met, missed, reported, "
               "qualitative or no-target."),
    "status_year": ("integer", "The year the status compares a target and an outcome for."),
}
CONSTRAINTS = {"kind": {"enum": ["target", "outcome"]}, "status": {"enum": list(STATUSES)},
               "comparator": {"enum": [">", "≥", "<", "≤", "≈", "'="]}, "id": {"required": True},
               "url": {"required": True}}


# The assessments CSV (assessments.py): one row per goal and year judged
ASSESSMENT_FIELDS = {
    "goal": ("string", "The id of the goal or target (a value) judged."),
    "layer": ("string", "The plan layer of the goal's document (portal.json, layers)."),
    "indicator": ("string", "The indicator's id."),
    "indicator_name": ("string", "The indicator's name, in the file's language."),
    "goal_period": ("string", "The goal's year (YYYY) or period (YYYY-YYYY)."),
    "goal_text": ("string", "The goal as the document states it, in the file's language."),
    "goal_number": ("number", "The goal's figure in the indicator's unit; empty for words."),
    "goal_comparator": ("string", "How the goal's figure is meant (> ≥ < ≤ ≈ '=)."),
    "outcome": ("string", "The id of the outcome (a value) it is judged by; empty when none."),
    "year": ("integer", "The year judged; empty when no outcome."),
    "outcome_text": ("string", "The outcome as the document states it, in the file's language."),
    "outcome_number": ("number", "The outcome's figure in the indicator's unit."),
    "status": ("string", "met, ahead, on-schedule, behind, missed, latest or not-measurable."),
    "rule": ("string", "The rule applied: annual, horizon, progress, cumulative, latest, words or none."),
    "derived_share": ("number", "Derived, not stated by the sources: the share of the goal (or of the way) reached."),
    "derived_formula": ("string", "How derived_share is computed from the values named."),
    "elapsed_share": ("number", "Derived: the share of the goal's period elapsed (progress rule)."),
    "elapsed_formula": ("string", "How elapsed_share is computed."),
    "required_growth": ("number", "Derived: the average growth a year a level goal not yet due needs from the latest "
                                  "outcome (0.044 is 4.4 %)."),
    "required_formula": ("string", "How required_growth is computed: (goal / latest)^(1 / years) − 1."),
}


def values_schema(columns=CSV_COLUMNS, described=None, key=("id",)) -> dict:
    """The Table Schema of every values CSV (or, given its columns and their descriptions, another CSV's)."""
    described = described or FIELDS
    fields = []
    for name in columns:
        kind, description = described[name]
        field = {"name": name, "type": kind, "description": description}
        if described is FIELDS and name in CONSTRAINTS:
            field["constraints"] = CONSTRAINTS[name]
        if name == "url":
            field["format"] = "uri"
        fields.append(field)
    return {"fields": fields, "missingValues": [""], **({"primaryKey": list(key)} if key else {})}


def _csv(name: str, path: str, title: str, lang: str, schema: str = SCHEMA, description: str = "") -> dict:
    description = description or ("one row per value stated by a source document, with its indicator, unit, "
                                  "document and source paragraph.")
    return {"name": name, "path": path, "title": title, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8-sig", "scheme": "file", "schema": schema.removeprefix("data/"),
            "description": f"In {'Chinese' if lang == 'zh' else 'English'}: {description}"}


def _json(name: str, path: str, title: str, description: str) -> dict:
    return {"name": name, "path": path, "title": title, "format": "json", "mediatype": "application/json",
            "encoding": "utf-8", "scheme": "file", "type": "json", "description": description}


def package(site, edition, base_url: str) -> dict:
    """datapackage.json: the package's facts and its resources (paths relative to data/)."""
    resources = [_json("portal", "portal.json", "The whole dataset",
                       "layers [{id, name {zh, en}, period}], "
                       "documents [{id, source_file, layer, title {zh, en}, date}], indicators [{id, name, unit, "
                       "category, attribute, predecessor, successor, layers, in_matrix, status {year, value}, "
                       "conflicts}], "
                       "values [{id, indicator, document, kind, period, text {zh, en}, number, comparator, source "
                       "{anchor, quote}}] (number in the indicator's unit), goals [{id, document, anchor, horizon, "
                       "text {zh, en}, indicators}], assessments [{goal, layer, indicator, outcome, year, status, "
                       "rule, figures, derived}]; see the portal's README, Dataset schema.")]
    for lang in ("zh", "en"):
        resources.append(_csv(f"values-{lang}", f"values.{lang}.csv", f"All values ({lang})", lang))
        resources.append(_csv(f"assessments-{lang}", f"assessments.{lang}.csv", f"Every goal judged ({lang})", lang,
                              ASSESSMENTS_SCHEMA, "one row per goal or target and year judged against an outcome, "
                              "with the rule applied and the derived shares and growth and their formulas."))
    for indicator in site.indicators:
        resources.append(_json(f"indicator-{indicator.id}", f"indicators/{indicator.id}.json",
                               indicator.name.en, f"{indicator.name.en}: the indicator and its values (unit: "
                               f"{indicator.unit.en}), with portal.json's fields."))
        for lang in ("zh", "en"):
            resources.append(_csv(f"indicator-{indicator.id}-{lang}", f"indicators/{indicator.id}.{lang}.csv",
                                  f"{indicator.name.en} ({lang})", lang))
    facts = {"name": site.model.book, "title": site.title.en, "description": site.tagline.en,
             "homepage": base_url + "/en/data/", "licenses": [LICENCE], "x-rights": RIGHTS,
             "sources": [{"title": d.title.en, "path": base_url + url_for("document", "en", d.id)}
                         for d in site.documents]}
    if edition:
        facts.update({"version": edition.version, "created": f"{edition.date}T00:00:00Z"})
    return {**facts, "resources": resources}


def data_of(files: dict[str, bytes]) -> dict[str, bytes]:
    """The data files a package describes: those under data/ but the package's own."""
    own = (ZIP, SCHEMA, ASSESSMENTS_SCHEMA, "data/datapackage.json")
    return {name: content for name, content in files.items() if name.startswith("data/") and name not in own}


def package_files(site, data: dict[str, bytes], edition, base_url: str) -> dict[str, bytes]:
    """datapackage.json, the CSV schema and the zip of the data files (`data`: the data/ files so far)."""
    files = {"data/datapackage.json": json_bytes(package(site, edition, base_url)),
             SCHEMA: json_bytes(values_schema()),
             ASSESSMENTS_SCHEMA: json_bytes(values_schema(ASSESSMENT_COLUMNS, ASSESSMENT_FIELDS, ()))}
    inside = {**data_of(data), **files}
    inside["data/LICENCE.txt"] = (f"{site.title.en} ({site.title.zh})\n\n{RIGHTS}\n\n{LICENCE['title']}: "
                                  f"{LICENCE['path']}\n").encode("utf-8")
    files[ZIP] = archive(inside, edition.date if edition else "1980-01-01", f"{site.model.book}-data")
    return files


def archive(files: dict[str, bytes], date: str, folder: str = "data") -> bytes:
    """A zip with the same bytes for the same files: sorted, one fixed time, fixed permissions."""
    stamp = tuple(int(part) for part in date.split("-")) + (0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        for name in sorted(files):
            info = zipfile.ZipInfo(folder + "/" + name.removeprefix("data/"), date_time=stamp)
            info.compress_type, info.external_attr, info.create_system = zipfile.ZIP_DEFLATED, 0o644 << 16, 3
            bundle.writestr(info, files[name], compresslevel=1)  # level 6 is 2 % smaller, 3 times the time
    return out.getvalue()


def dataset_jsonld(site, lang: str, edition, base_url: str) -> dict:
    """schema.org Dataset of the Data page."""
    data = {"@context": "https://schema.org", "@type": "Dataset", "name": site.title[lang],
            "description": site.tagline[lang], "url": base_url + url_for("data", lang),
            "inLanguage": "zh-Hans" if lang == "zh" else "en", "license": LICENCE["path"],
            "creator": {"@type": "Organization", "name": site.title[lang], "url": base_url + f"/{lang}/"},
            "isBasedOn": [base_url + url_for("document", lang, d.id) for d in site.documents],
            "distribution": [{"@type": "DataDownload", "encodingFormat": kind, "contentUrl": f"{base_url}/{path}"}
                             for kind, path in (("application/zip", ZIP), ("application/json", "data/portal.json"),
                                                ("text/csv", f"data/values.{lang}.csv"))]}
    if edition:
        data.update({"version": edition.version, "dateModified": edition.date})
    return data


def document_jsonld(document, lang: str, portal: str, edition, base_url: str) -> dict:
    """schema.org CreativeWork of a document page: the source's own facts; in English, the translation."""
    data = {"@context": "https://schema.org", "@type": "CreativeWork", "name": document.title[lang],
            "url": base_url + url_for("document", lang, document.id), "inLanguage": "zh-Hans" if lang == "zh" else "en",
            "author": {"@type": "Organization", "name": document.issuer[lang]}}
    if document.date:
        data["datePublished"] = document.date
    if document.number:
        data["identifier"] = document.number
    if lang == "en":
        data["translator"] = {"@type": "Organization", "name": portal}
        data["translationOfWork"] = {"@type": "CreativeWork", "name": document.title.zh, "inLanguage": "zh-Hans"}
    if edition:
        data["version"] = edition.version
    return data
