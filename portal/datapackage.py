"""The data as one described package: data/datapackage.json (Frictionless Data Package, every CSV and JSON
file with its schema), the licence, one zip of everything with the same bytes every build, and the
schema.org JSON-LD of the Data page (Dataset) and of the documents (CreativeWork)."""
from __future__ import annotations

import io
import json
import zipfile

from .compare import STATUSES
from .datasets import CSV_COLUMNS
from .routing import url_for

LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
RIGHTS = ("The portal's data, structure and English translations: CC BY 4.0. The source documents remain the "
          "publications of the government and party bodies of Yuzhong District that issued them; their "
          "Chinese text is quoted from their public release and is not licensed by this portal.")
ZIP = "data/yuzhong-plans-data.zip"
SCHEMA = "data/values.schema.json"
# The CSV columns described (README: "Dataset schema"); units are per row, in the column unit.
FIELDS = {
    "id": ("string", "The value's id: document, indicator, period and kind."),
    "indicator": ("string", "The indicator's id (see portal.json, indicators)."),
    "indicator_name": ("string", "The indicator's name, in the file's language."),
    "unit": ("string", "The unit of column number (and of text), in the file's language, e.g. CNY 100 million."),
    "document": ("string", "The id of the source document that states the value."),
    "document_title": ("string", "The source document's title, in the file's language."),
    "layer": ("string", "The plan layer of the document: fyp14, congress, plenary or plan2025."),
    "kind": ("string", "target (what a plan sets) or outcome (what a report states was reached)."),
    "period": ("string", "The year (2024) or period (2021-2025) the value is for."),
    "text": ("string", "The value as the document states it, qualifier included, in the file's language."),
    "number": ("number", "The figure in the unit of column unit; empty when the document states words."),
    "comparator": ("string", "How the figure is meant: > more than, ≥ at least, < less than, ≤ at most, ≈ about, "
                   "'= exactly (written with a leading apostrophe against spreadsheet formulas); empty for words."),
    "anchor": ("string", "The anchor of the source paragraph in the document."),
    "quote": ("string", "The source paragraph's words (Chinese) the value is quoted from."),
    "url": ("string", "The source paragraph on the portal, in the file's language."),
    "status_2024": ("string", "The indicator's 2024 status: met, missed, reported, qualitative or no-target."),
}
CONSTRAINTS = {"kind": {"enum": ["target", "outcome"]}, "status_2024": {"enum": list(STATUSES)},
               "comparator": {"enum": [">", "≥", "<", "≤", "≈", "'="]}, "id": {"required": True},
               "url": {"required": True}}


def values_schema() -> dict:
    """The Table Schema of every values CSV."""
    fields = []
    for name in CSV_COLUMNS:
        kind, description = FIELDS[name]
        field = {"name": name, "type": kind, "description": description}
        if name in CONSTRAINTS:
            field["constraints"] = CONSTRAINTS[name]
        if name == "url":
            field["format"] = "uri"
        fields.append(field)
    return {"fields": fields, "missingValues": [""], "primaryKey": ["id"]}


def _csv(name: str, path: str, title: str, lang: str) -> dict:
    return {"name": name, "path": path, "title": title, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8-sig", "scheme": "file", "schema": SCHEMA.removeprefix("data/"),
            "description": f"Values in {'Chinese' if lang == 'zh' else 'English'}: one row per value stated by a "
                          "source document, with its indicator, unit, document and source paragraph."}


def _json(name: str, path: str, title: str, description: str) -> dict:
    return {"name": name, "path": path, "title": title, "format": "json", "mediatype": "application/json",
            "encoding": "utf-8", "scheme": "file", "type": "json", "description": description}


def package(site, edition, base_url: str) -> dict:
    """datapackage.json: the package's facts and its resources (paths relative to data/)."""
    resources = [_json("portal", "portal.json", "The whole dataset",
                       "documents [{id, source_file, layer, title {zh, en}, date}], indicators [{id, name, unit, "
                       "category, attribute, predecessor, successor, layers, in_matrix, status_2024, conflicts}], "
                       "values [{id, indicator, document, kind, period, text {zh, en}, number, comparator, source "
                       "{anchor, quote}}] (number in the indicator's unit), goals [{id, document, anchor, horizon, "
                       "text {zh, en}, indicators}]; see the portal's README, Dataset schema.")]
    for lang in ("zh", "en"):
        resources.append(_csv(f"values-{lang}", f"values.{lang}.csv", f"All values ({lang})", lang))
    for indicator in site.indicators:
        resources.append(_json(f"indicator-{indicator.id}", f"indicators/{indicator.id}.json",
                               indicator.name.en, f"{indicator.name.en}: the indicator and its values (unit: "
                               f"{indicator.unit.en}), with portal.json's fields."))
        for lang in ("zh", "en"):
            resources.append(_csv(f"indicator-{indicator.id}-{lang}", f"indicators/{indicator.id}.{lang}.csv",
                                  f"{indicator.name.en} ({lang})", lang))
    facts = {"name": "yuzhong-plans", "title": site.title.en, "description": site.tagline.en,
             "homepage": base_url + "/en/data/", "licenses": [LICENCE], "x-rights": RIGHTS,
             "sources": [{"title": d.title.en, "path": base_url + url_for("document", "en", d.id)}
                         for d in site.documents]}
    if edition:
        facts.update({"version": edition.version, "created": f"{edition.date}T00:00:00Z"})
    return {**facts, "resources": resources}


def _json_bytes(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def data_of(files: dict[str, bytes]) -> dict[str, bytes]:
    """The data files a package describes: those under data/ but the package's own."""
    own = (ZIP, SCHEMA, "data/datapackage.json")
    return {name: content for name, content in files.items() if name.startswith("data/") and name not in own}


def package_files(site, data: dict[str, bytes], edition, base_url: str) -> dict[str, bytes]:
    """datapackage.json, the CSV schema and the zip of the data files (`data`: the data/ files so far)."""
    files = {"data/datapackage.json": _json_bytes(package(site, edition, base_url)),
             SCHEMA: _json_bytes(values_schema())}
    inside = {**data_of(data), **files}
    inside["data/LICENCE.txt"] = (f"{site.title.en} ({site.title.zh})\n\n{RIGHTS}\n\n{LICENCE['title']}: "
                                  f"{LICENCE['path']}\n").encode("utf-8")
    files[ZIP] = archive(inside, edition.date if edition else "1980-01-01")
    return files


def archive(files: dict[str, bytes], date: str) -> bytes:
    """A zip with the same bytes for the same files: sorted, one fixed time, fixed permissions."""
    stamp = tuple(int(part) for part in date.split("-")) + (0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        for name in sorted(files):
            info = zipfile.ZipInfo("yuzhong-plans-data/" + name.removeprefix("data/"), date_time=stamp)
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
