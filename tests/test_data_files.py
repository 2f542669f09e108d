"""The files a build makes beside the pages (data files, citations, feeds), made quicker: the same bytes. The data
files made with each value's JSON and CSV row made once are the files made one by one."""
from __future__ import annotations

import csv
import io
import json
import random

import pytest

from conftest import FIXTURE, ROOT, project_for
from portal import datasets
from portal.model import LANGS
from portal.pipeline import Builder, Project


def reference_cell(value) -> str:
    """csv_cell as it was written first: the number test, then the formula starts after any whitespace."""
    text = "" if value is None else str(value)
    if datasets._PLAIN_NUMBER.fullmatch(text):
        return text
    if text.startswith(datasets._CONTROL_START) or text.lstrip().startswith(datasets._FORMULA_START):
        return "'" + text
    return text


def test_a_cell_is_guarded_as_before_for_random_texts():
    rng = random.Random(5)
    alphabet = "=+-@＝＋－＠\t\r\n \u3000\xa0\u2003a渝1.0-"
    texts = ["", " ", "-", "-1", "-1.5", "- 1", "1-", "=1", " =SUM(A1)", "\u3000＝1", "\xa0@x", "\t1", "\r"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(6))) for _ in range(5000)]
    for value in texts + [None, 0, -3, 2.5, -0.5]:
        assert datasets.csv_cell(value) == reference_cell(value), repr(value)


def files_one_by_one(site) -> dict[str, bytes]:
    """The data files as they were made before: each CSV written whole, each JSON encoded by json.dumps."""
    def dumped(data) -> bytes:
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    def values_csv(lang, values) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(datasets.CSV_COLUMNS)
        for row in datasets.value_rows(site, lang, values, documents, indicators):
            buffer.write(row)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")

    described = datasets._described(site)
    documents, indicators = {d.id: d for d in site.documents}, {i.id: i for i in site.indicators}
    data = json.loads(datasets.portal_json(site))
    files = {"data/portal.json": dumped(data)}
    for lang in LANGS:
        files[f"data/values.{lang}.csv"] = values_csv(lang, site.values)
        for indicator in site.indicators:
            own = [v for v in site.values if v.indicator == indicator.id]
            files[f"data/indicators/{indicator.id}.{lang}.csv"] = values_csv(lang, own)
    for indicator in site.indicators:
        own = [datasets._value_json(v) for v in site.values if v.indicator == indicator.id]
        files[f"data/indicators/{indicator.id}.json"] = dumped({"indicator": described[indicator.id], "values": own})
    return files


@pytest.mark.parametrize("root", ["fixture", "real"])
def test_the_data_files_are_the_files_made_one_by_one(root):
    project = project_for(FIXTURE) if root == "fixture" else Project(ROOT)
    site = Builder(project, search_index=False).generate().site
    made = datasets.data_files(site, ["/zh/", "/en/"])
    expected = files_one_by_one(site)
    assert len(expected) > 10 and {name: made[name] for name in expected} == expected
    assert json.loads(made["data/portal.json"])["values"] == [datasets._value_json(v) for v in site.values]

