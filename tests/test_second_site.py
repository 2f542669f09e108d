"""A second site proves the engine general: tests/fixture-second is an invented district (示例区, Example
District) with layers, years and documents of its own — a five-year plan for 2026–2030 and annual plans for
2026 and 2027 — built by the same engine with no code of its own, into every kind of page."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from conftest import check_golden, project_for
from portal.pipeline import Builder, Generated

SECOND = Path(__file__).resolve().parent / "fixture-second"


@functools.cache
def second_site() -> Generated:
    return Builder(project_for(SECOND / "content")).generate()


def test_second_site_golden_output():
    """The second site builds to exactly the reviewed tree (refresh with UPDATE_GOLDEN=1, then review it)."""
    check_golden(second_site().files, SECOND / "expected")


def test_second_site_has_every_kind_of_page():
    files = second_site().files
    for lang in ("zh", "en"):
        for page in ("index.html", "indicators/index.html", "indicators/output/index.html", "goals/index.html",
                     "goals/outline.output/index.html", "conflicts/index.html", "data/index.html",
                     "print/index.html", "themes/growth/index.html", "glossary/index.html"):
            assert f"{lang}/{page}" in files, f"{lang}/{page}"
    home = files["en/index.html"].decode()
    assert "Where Example District stands" in home
    # the scorecard by the second site's own layers, and its five-year plan's last year summed up
    assert "2030, the last year of the Five-year outline:" in home
    assert 'href="/en/progress/#annual-first-met"' in home
    assert "Two layers of plans" in home and "The three documents in full" in home


def test_second_site_matrix_columns_and_status_come_from_its_model():
    files = second_site().files
    page = files["en/indicators/index.html"].decode()
    matrix = page[page.index("<thead>"):page.index("</thead>")]
    headings = ["Five-year outline (to 2030)", "2026 target", "2026 outcome", "2027 target", "2026 status"]
    assert all(heading in matrix for heading in headings)
    assert [matrix.index(h) for h in headings] == sorted(matrix.index(h) for h in headings)
    portal = json.loads(files["data/portal.json"])
    assert [(layer["id"], layer["period"]) for layer in portal["layers"]] == [
        ("outline", "2026-2030"), ("annual-first", "2026"), ("annual-second", "2027")]
    data = {i["id"]: i for i in portal["indicators"]}
    assert data["output"]["status"] == {"year": 2026, "value": "met"}         # 1120 against 1100
    assert data["green-space"]["status"] == {"year": 2026, "value": "missed"}  # 255 against 260
    assert data["output"]["layers"] == ["outline", "annual-first", "annual-second"]


def test_second_site_charts_colours_addresses_and_book_are_its_own():
    files = second_site().files
    chart = files["en/indicators/output/index.html"].decode()
    assert '<svg class="chart chart-full"' in chart and 'stroke="#7a3b00"' in chart  # the outline's colour
    css = next(data for name, data in files.items() if name.startswith("static/layers."))
    assert b".layer-annual-second { --layer: #2e6b1f; }" in css
    assert b"Sitemap: https://plans.example.org/sitemap.xml" in files["robots.txt"]
    assert 'href="https://plans.example.org/en/"' in files["en/index.html"].decode()
    goal = files["en/goals/outline.output/index.html"].decode()
    assert "Example District 2026 annual plan" in goal and "Example District 2027 annual plan" in goal
    conflicts = files["en/conflicts/index.html"].decode()
    assert "The park green space goal for 2030" in conflicts
    air = next(v for v in json.loads(files["data/portal.json"])["values"] if v["indicator"] == "air-quality")
    assert air["text"]["en"] == "rising steadily"  # the site's own phrase table

