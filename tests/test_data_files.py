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
        files[f"data/assessments.{lang}.csv"] = datasets.assessments_csv(site, lang)  # its own assessments
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


TRICKY = "&<>\"'\n\r\t{}\\$%#_^~ \u3000渝a"


def random_texts(seed: int, count: int = 3000) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(TRICKY) for _ in range(rng.randrange(8))) for _ in range(count)]


def test_the_feeds_escape_as_saxutils_does():
    from xml.sax.saxutils import escape, quoteattr
    from portal import feeds
    for text in random_texts(1):
        assert feeds.escape(text) == escape(text) and feeds.quoteattr(text) == quoteattr(text), repr(text)


def test_a_bibtex_field_is_escaped_character_by_character_as_before():
    from portal import citations
    for text in random_texts(2):
        expected = "".join(citations._BIBTEX.get(char, char) for char in " ".join(text.split()))
        assert citations.bibtex_text(text) == expected, repr(text)


def test_an_editions_changes_of_some_records_are_the_sorted_intersections():
    from portal.editions import Changes
    rng = random.Random(3)
    for _ in range(300):
        pool = [f"value/v{n}" for n in range(12)]
        groups = [tuple(sorted(rng.sample(pool, rng.randrange(6)))) for _ in range(3)]
        changes, keys = Changes(*groups), set(rng.sample(pool, rng.randrange(5)))
        assert changes.touching(keys) == Changes(*(tuple(sorted(k for k in group if k in keys)) for group in groups))
        assert changes == Changes(*groups) and repr(changes) == repr(Changes(*groups))  # the sets kept aside


def test_no_engine_module_imports_the_network_stack():
    """xml.sax.saxutils imports urllib.request (http, email, ssl): 40 ms of every build's start, for three
    replacements the feeds now make themselves."""
    import ast
    heavy = ("xml.sax", "urllib.request", "http", "ssl", "email")
    for path in sorted((ROOT / "portal").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not [n for n in names if n.split(".")[0] in heavy or n.startswith(heavy)], (path.name, names)
