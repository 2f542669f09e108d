"""The engine has no subject: nothing in portal/, templates/ or static/ names a layer, a document, the
district, a year of the portal's model or a Chinese phrase of its documents. The forbidden words are read
from content/ (so the list cannot go stale), plus the district's names; words that parse figures (左右,
以上, …) are language, not subject, and are not in content's lists."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
ENGINE = ("portal", "templates", "static")
DISTRICT = ("渝中", "Yuzhong", "重庆", "Chongqing", "示例区", "Example District")  # the second site's too
SHORTEST_PHRASE = 3  # a two-character word (目标, 计划) is language; a phrase of three or more is a document's


def _years(period) -> set[str]:
    start, _, end = str(period).partition("-")
    return {str(year) for year in range(int(start), int(end or start) + 1)}


def forbidden() -> dict[str, str]:
    """Each forbidden word and where content/ has it."""
    site = yaml.safe_load((CONTENT / "site.yaml").read_text(encoding="utf-8"))
    words = {name: "district" for name in DISTRICT}
    for layer in site["layers"]:
        words[layer["id"]] = "layer id"
        for text in (layer["name"], layer["short"], (layer.get("section") or {}).get("name") or {}):
            if text.get("zh"):
                words[text["zh"]] = f"name of layer {layer['id']}"
        for year in _years(layer["period"]):
            words[year] = f"year of layer {layer['id']}"
    for column in site["matrix"]["columns"]:
        words[str(column["year"])] = "matrix column year"
        words[column["heading"]["zh"]] = "matrix column heading"
    words[str(site["matrix"]["status_year"])] = "status year"
    words[site["headline"]["heading"]["zh"]] = "headline panel"
    for year in site["horizons"]:
        words[str(year)] = "horizon"
    for phrase in site.get("phrases") or {}:
        words[phrase] = "phrase in site.yaml"
    for folder in (CONTENT / "documents").iterdir():
        words[folder.name] = "document id"
        meta = yaml.safe_load((folder / "meta.yaml").read_text(encoding="utf-8"))
        for field in ("title", "kind"):
            words[meta[field]["zh"]] = f"{field} of document {folder.name}"
    for path in sorted((CONTENT / "values").glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")):
            text = record["text"]["zh"]
            if record.get("number") is None and len(text) >= SHORTEST_PHRASE:  # a goal in words: the documents'
                words[text] = f"qualitative value {record['id']}"
    return words


def engine_files() -> list[Path]:
    return sorted(p for folder in ENGINE for p in (ROOT / folder).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def test_the_forbidden_list_is_read_from_content():
    words = forbidden()
    assert {"渝中", "Yuzhong"} <= set(words)
    assert sum(kind == "layer id" for kind in words.values()) >= 2
    assert sum(kind == "document id" for kind in words.values()) >= 2
    assert any(kind == "status year" for kind in words.values())
    assert any(kind.startswith("qualitative value") for kind in words.values())


def test_no_layer_document_district_year_or_phrase_of_the_portal_is_in_the_engine():
    words = forbidden()
    pattern = re.compile("|".join(rf"(?<![A-Za-z0-9+]){re.escape(w)}(?![A-Za-z0-9])"
                                  for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    found = []
    for path in engine_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in pattern.finditer(line):
                word = next(w for w in words if w.lower() == match.group(0).lower())
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)} ({words[word]})")
    assert not found, "the engine names its subject; move it to content/site.yaml:\n" + "\n".join(found)
