"""The comparison at a glance: 2024 statuses over the real annex, the focused matrix and its filters in the
URL, the home page's headline panel, and charts a reader can read."""
from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from conftest import edit, generate
from portal import charts
from portal.compare import matrix, standings
from portal.errors import ContentErrors
from portal.model import Layer, Localized
from test_real_content import site

# Annex 1 of the 2025 plan report (content/documents/plan2025-report/zh.md), row by row: the 2024 target
# and expected outcome as printed, and the status read off them by hand.
ANNEX_1 = [
    (1, "gdp-growth", "6左右 / 6左右", "met"),
    (2, "gdp-per-capita", "＞28.2 / ＞29", "met"),
    (3, "public-budget-revenue-growth", "6 / 23.2", "met"),
    (4, "fixed-asset-investment-growth", "5 / 5", "met"),
    (5, "retail-sales-growth", "7.5 / 4", "missed"),
    (6, "private-economy-value-added", "650 / 预计完成", "reported"),
    (7, "digital-economy-core-growth", "10 / 预计完成", "reported"),
    (8, "labour-productivity", "保持全市前列 / 保持全市前列", "qualitative"),
    (9, "rd-intensity", "0.7左右 / 0.62", "missed"),
    (10, "invention-patents-per-10k", "＞37.77 / ＞37.77", "met"),
    (11, "culture-tourism-performance", "市计划 / 高于全市平均水平", "qualitative"),
    (12, "urban-income-growth", "保持与经济发展同步 / 保持与经济发展同步", "qualitative"),
    (13, "surveyed-unemployment", "5.3以内 / 5.3以内", "met"),
    (14, "schooling-years", "高于全市平均水平 / 高于全市平均水平", "qualitative"),
    (15, "life-expectancy", "高于全市平均水平 / 高于全市平均水平", "qualitative"),
    (16, "childcare-places-per-1000", "3.5 / 3.95", "met"),
    (17, "physicians-per-1000", "＞13.2 / 13.7", "met"),
    (18, "trade-growth", "3 / 预计完成", "reported"),
    (19, "fdi-growth", "20 / 预计完成", "reported"),
    (20, "land-sea-corridor-growth", "15 / 预计完成", "reported"),
    (21, "energy-intensity-reduction", "3 / 预计完成", "reported"),
    (22, "co2-intensity-reduction", "市计划 / 预计完成", "qualitative"),
    (23, "water-quality-sections", "100 / 100", "met"),
    (24, "good-air-days", "300 / 303", "met"),
    (25, "green-coverage", "38.9左右 / 38.94", "met"),
    (26, "safety-death-rate", "＜0.01 / 0.0055", "met"),
]


def rows():
    return {row.indicator.id: row for _, rows in matrix(site()) for row in rows}


@pytest.mark.parametrize(("number", "indicator", "printed", "expected"), ANNEX_1)
def test_annex_1_status(number, indicator, printed, expected):
    values = [v for v in site().values if v.source.anchor == f"annex-1-r{number}"]
    assert {v.indicator for v in values} == {indicator}
    target, outcome = printed.split(" / ")
    assert [v.text.zh for v in values if v.kind == "target"] == [target]
    assert [v.text.zh for v in values if v.kind == "outcome"] == [outcome]
    assert rows()[indicator].status == expected


def test_annex_1_status_counts():
    counts = Counter(rows()[indicator].status for _, indicator, _, _ in ANNEX_1)
    assert counts == {"met": 12, "missed": 2, "reported": 6, "qualitative": 6}


def stated_layers() -> dict[str, set]:
    """Independently of portal.compare: which layers state each indicator."""
    layers = {d.id: d.layer for d in site().documents}
    found: dict[str, set] = {}
    for value in site().values:
        found.setdefault(value.indicator, set()).add(layers[value.document])
    return found


def test_default_rows_are_the_annex_indicators_and_those_two_layers_state():
    """Rule: a row is in the default matrix iff an annex table states it or two or more layers do."""
    annex = {v.indicator for v in site().values if v.source.anchor.startswith("annex-")}
    layers = stated_layers()
    expected = annex | {i for i, found in layers.items() if len(found) >= 2}
    focus = {i for i, row in rows().items() if row.focus}
    assert focus == expected
    assert len(annex) == 30 and annex <= focus
    assert all(len(layers[i]) >= 2 for i in focus - annex)
    assert len(focus) < len(site().indicators) / 4


class Matrix(HTMLParser):
    """Rows of a built matrix page: data attributes, the entries of each cell and their links."""

    def __init__(self):
        super().__init__()
        self.rows, self.row, self.cell, self.entry, self.depth = {}, None, None, None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-indicator" in attrs:
            self.row = self.rows.setdefault(attrs["data-indicator"], {"attrs": attrs, "cells": {}})
        elif self.row is not None and tag == "td":
            self.cell = self.row["cells"].setdefault(attrs.get("data-label", ""), [])
        elif self.cell is not None and tag == "span" and attrs.get("class") == "entry":
            self.entry = {"text": "", "also": 0}
            self.cell.append(self.entry)
        elif self.entry is not None and tag == "small" and attrs.get("class") == "also":
            self.depth = 1
        elif self.entry is not None and tag == "a" and self.depth:
            self.entry["also"] += 1

    def handle_endtag(self, tag):
        if tag == "tr":
            self.row = None
        elif tag == "td":
            self.cell = self.entry = None
        elif tag == "small":
            self.depth = 0

    def handle_data(self, data):
        if self.entry is not None and not self.depth:
            self.entry["text"] += data


def parse_matrix(site_dir, path: str) -> dict:
    parser = Matrix()
    parser.feed((site_dir / path).read_text(encoding="utf-8"))
    return parser.rows


def test_matrix_pages_default_and_all(real_site):
    site_dir, _ = real_site
    focus = {i for i, row in rows().items() if row.focus}
    for lang in ("zh", "en"):
        default = parse_matrix(site_dir, f"{lang}/indicators/index.html")
        everything = parse_matrix(site_dir, f"{lang}/indicators/all/index.html")
        assert set(default) == focus
        assert set(everything) == {i.id for i in site().indicators}
        assert "/" + lang + "/indicators/all/" in (site_dir / f"{lang}/indicators/index.html").read_text()


def test_rows_name_the_layers_that_state_them(real_site):
    site_dir, _ = real_site
    layers = stated_layers()
    order = ("fyp14", "congress", "plenary", "plan2025")
    for indicator, row in parse_matrix(site_dir, "en/indicators/all/index.html").items():
        assert row["attrs"]["data-layers"] == " ".join(l for l in order if l in layers.get(indicator, ()))
    default = parse_matrix(site_dir, "en/indicators/index.html")
    # the 14th FYP proposal states the 2020 level (突破千亿, p1)
    assert default["gdp"]["attrs"]["data-layers"] == "fyp14 congress plenary plan2025"
    assert default["gdp-per-capita"]["attrs"]["data-layers"] == "plenary plan2025"


def test_a_figure_the_annex_and_the_text_both_state_is_shown_once(real_site):
    site_dir, _ = real_site
    default = parse_matrix(site_dir, "en/indicators/index.html")
    growth = default["gdp-growth"]["cells"]["2025 target"]           # 6左右 (annex 2) and 6%左右 (text)
    assert [e["text"].strip() for e in growth] == ["about 6%"] and growth[0]["also"] == 1
    revenue = default["public-budget-revenue-growth"]["cells"]["2024 outcome (expected)"]  # annexes and text
    assert [e["text"].strip() for e in revenue] == ["23.2%"] and revenue[0]["also"] == 2
    retail = default["retail-sales-growth"]["cells"]["2024 outcome (expected)"]  # 4, 4%左右, 4%
    assert [e["text"].strip() for e in retail] == ["4%", "about 4%"]
    gdp = default["gdp"]["cells"]["13th Party Congress goals (to 2026)"]  # two documents, one goal
    assert [e["text"].strip() for e in gdp] == ["over CNY 200 billion"] and gdp[0]["also"] == 1


def test_a_value_for_another_period_than_its_column_shows_the_period(real_site):
    site_dir, _ = real_site
    default = parse_matrix(site_dir, "en/indicators/index.html")
    renovation = default["old-housing-renovation"]["cells"]["13th Party Congress goals (to 2026)"]
    assert [e["text"].strip() for e in renovation] == ["8.6 million m² (2022–2026)"]
    assert [e["text"].strip() for e in default["gdp"]["cells"]["2nd plenary goals (five years)"]] == [
        "reaching the CNY 210 billion mark"]


def test_status_is_in_the_page_and_the_data(real_site):
    import csv
    import json
    site_dir, _ = real_site
    html = (site_dir / "zh/indicators/index.html").read_text(encoding="utf-8")
    assert 'data-status="reported"' in html and 'id="status-rules"' in html
    data = {i["id"]: i for i in json.loads((site_dir / "data/portal.json").read_text(encoding="utf-8"))["indicators"]}
    assert data["private-economy-value-added"]["status"] == {"year": 2024, "value": "reported"}
    assert data["gdp"]["layers"] == ["fyp14", "congress", "plenary", "plan2025"] and data["gdp"]["in_matrix"]
    with open(site_dir / "data/indicators/rd-intensity.en.csv", encoding="utf-8-sig") as handle:
        assert {(row["status"], row["status_year"]) for row in csv.DictReader(handle)} == {("missed", "2024")}


def test_home_panel_lists_headline_indicators_two_layers_state(real_site):
    site_dir, _ = real_site
    chosen = standings(site(), matrix(site()))
    assert 8 <= len(chosen) <= 12
    layers = stated_layers()
    for lang in ("zh", "en"):
        html = (site_dir / f"{lang}/index.html").read_text(encoding="utf-8")
        cards = re.findall(r'<li class="standing-card" data-indicator="([^"]+)">(.*?)</li>\n', html, re.S)
        assert [c[0] for c in cards] == [s.row.indicator.id for s in chosen]
        for indicator, card in cards:
            assert len(layers[indicator]) >= 2
            assert card.count('<svg class="chart chart-small"') == 1 and "data-status=" in card
        assert html.index('id="standing-heading"') < html.index('id="layers-heading"')


def test_headline_indicators_are_checked(content):
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "  indicators: [gpd, software-enterprises]\n",
                         encoding="utf-8")
    line = len(site_yaml.read_text(encoding="utf-8").splitlines())
    with pytest.raises(ContentErrors) as caught:
        generate(content)
    assert [str(e) for e in caught.value.errors] == [
        f"content/site.yaml:{line}: site headline: indicator 'gpd' does not exist\n    hint: did you mean 'gdp'?",
        f"content/site.yaml:{line}: site headline: indicator 'software-enterprises' is stated by plenary only\n"
        "    hint: the panel compares layers: choose an indicator two or more layers state"]


# ---- charts ----

# Layers as site.yaml declares them (the engine knows none of its own)
LAYERS = {layer_id: Layer(layer_id, Localized(layer_id, layer_id), Localized(layer_id, layer_id), "2025", colour, shape,
                          layer_id)
          for layer_id, colour, shape in (("fyp14", "#8a1c1c", "triangle"), ("congress", "#0b4f8a", "square"),
                                          ("plenary", "#5b4a8a", "diamond"), ("plan2025", "#1f6b35", "circle"))}


def point(period, number, kind="target", layer="congress"):
    return {"period": period, "number": Decimal(number), "kind": kind, "layer": LAYERS[layer], "label": period}


TICKS = [
    ([7], ["0", "2", "4", "6", "8"]),                          # one point
    ([6, 6], ["0", "2", "4", "6", "8"]),                       # two equal points
    (["0.7", "0.62"], ["0.6", "0.65", "0.7", "0.75"]),
    ([300, 303], ["298", "300", "302", "304"]),
    ([1400, 2000, 2100, 2300], ["1,000", "1,500", "2,000", "2,500", "3,000"]),
    (["0.01", "0.0055"], ["0.004", "0.006", "0.008", "0.01", "0.012"]),
    ([-3], ["-4", "-3", "-2", "-1", "0"]),
]


@pytest.mark.parametrize(("numbers", "expected"), TICKS)
def test_ticks_are_round(numbers, expected):
    from portal.figures import plain
    assert [plain(t) for t in charts.nice_ticks(*charts.value_range([Decimal(n) for n in numbers]))] == expected


def markers(svg: str) -> list[tuple[float, float]]:
    """Centres of the chart's markers (circles, squares, polygons)."""
    found = [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)]
    for x, y, w, h in re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="#f', svg):
        found.append((float(x) + float(w) / 2, float(y) + float(h) / 2))
    for corners in re.findall(r'<polygon points="([^"]+)"', svg):
        xy = [tuple(map(float, c.split(","))) for c in corners.split()]
        found.append((sum(x for x, _ in xy) / len(xy), sum(y for _, y in xy) / len(xy)))
    return found


def test_coincident_points_are_set_apart_and_no_point_touches_the_frame():
    svg = charts.value_chart("c", "t", "d", [point("2026", 2000), point("2026", 2000), point("2021", 1400, "outcome"),
                                             point("2027", 2100, layer="plenary")], "CNY 100 million")
    frame = re.search(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" fill="#ffffff" stroke', svg)
    left, top, width, height = map(float, frame.groups())
    centres = markers(svg)
    assert len(centres) == 4 and len(set(centres)) == 4
    radius = charts.FULL.radius * 1.3
    for x, y in centres:
        assert left + radius < x < left + width - radius and top + radius < y < top + height - radius
    # the tick labels are round numbers
    labels = re.findall(r'text-anchor="end"[^>]*>([^<]+)<', svg)
    assert labels == ["1,000", "1,500", "2,000", "2,500"]


def test_each_layer_has_its_own_shape():
    def shape(svg: str) -> tuple:  # element and number of corners
        return svg.split(" ", 1)[0], len(re.findall(r"[\d.]+,[\d.]+", svg))
    assert len({shape(charts.marker(layer, "target", 10, 10, 5)) for layer in LAYERS.values()}) == 4
    assert 'fill="#ffffff"' in charts.marker(LAYERS["plan2025"], "target", 0, 0, 5)
    assert 'fill="#1f6b35"' in charts.marker(LAYERS["plan2025"], "outcome", 0, 0, 5)


def test_gdp_page_chart_has_a_legend_and_two_distinct_2026_goals(real_site):
    site_dir, _ = real_site
    for lang, words in (("en", ["13th Party Congress", "2nd plenary", "2025 annual plan", "hollow: target"]),
                        ("zh", ["区第十三次党代会", "区委十三届二次全会", "2025年年度计划", "空心：目标"])):
        html = (site_dir / f"{lang}/indicators/gdp/index.html").read_text(encoding="utf-8")
        legend = re.search(r'<ul class="chart-legend">(.*?)</ul>', html, re.S).group(1)
        assert all(word in legend for word in words)
        svg = re.search(r"<svg class=\"chart chart-full\".*?</svg>", html, re.S).group(0)
        goals = [title for title in re.findall(r"<title>([^<]*2026[^<]*)</title>", svg)]
        assert len(goals) == 2
        assert len(set(markers(svg))) == len(markers(svg))


def test_print_edition_has_the_charts_with_legends(real_site):
    site_dir, _ = real_site
    html = (site_dir / "en/print/index.html").read_text(encoding="utf-8")
    assert html.count('<svg class="chart chart-full"') > 20
    assert html.count('<ul class="chart-legend">') == html.count('<svg class="chart chart-full"')


FONT_SIZES = """() => Array.from(document.querySelectorAll('svg.chart text, .chart-legend, .standing, .matrix'))
  .flatMap(el => el.tagName === 'text' ? [parseFloat(getComputedStyle(el).fontSize) * el.getScreenCTM().a]
    : Array.from(el.querySelectorAll('*')).filter(e => e.closest('svg') === null && e.textContent.trim())
        .map(e => parseFloat(getComputedStyle(e).fontSize)))"""


@pytest.mark.parametrize("path", ["/en/", "/zh/", "/en/indicators/gdp/", "/zh/indicators/good-air-days/",
                                  "/zh/indicators/"])
@pytest.mark.browser
def test_no_text_under_11_px_at_360(browser, served, path):
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(served + path)
    sizes = page.evaluate(FONT_SIZES)
    page.close()
    assert sizes and min(sizes) >= 11, (path, min(sizes))


@pytest.mark.browser
def test_matrix_filters_live_in_the_url(browser, served):
    page = browser.new_page()
    page.goto(f"{served}/en/indicators/")
    total = page.locator("tr[data-indicator]").count()
    page.select_option("#matrix-status", "reported")
    page.wait_for_url(f"{served}/en/indicators/?status=reported")
    reported = page.locator("tr[data-indicator]:not([hidden])").count()
    assert 0 < reported < total
    page.select_option("#matrix-layer", "plenary")
    page.wait_for_url(f"{served}/en/indicators/?status=reported&layer=plenary")
    page.locator("#matrix-filter").fill("gdp")
    page.wait_for_url(f"{served}/en/indicators/?q=gdp&status=reported&layer=plenary")
    shared = page.url
    # back: the previous filter comes back, in the controls and in the rows
    page.go_back()
    page.wait_for_url(f"{served}/en/indicators/?status=reported&layer=plenary")
    assert page.input_value("#matrix-filter") == "" and page.input_value("#matrix-layer") == "plenary"
    page.go_back()
    page.wait_for_url(f"{served}/en/indicators/?status=reported")
    assert page.input_value("#matrix-layer") == ""
    assert page.locator("tr[data-indicator]:not([hidden])").count() == reported
    # a shared link opens with its filter set
    other = browser.new_page()
    other.goto(f"{served}/en/indicators/?status=missed&layer=plan2025")
    assert other.input_value("#matrix-status") == "missed" and other.input_value("#matrix-layer") == "plan2025"
    visible = other.locator("tr[data-indicator]:not([hidden])")
    assert sorted(visible.nth(i).get_attribute("data-indicator") for i in range(visible.count())) == [
        "rd-intensity", "retail-sales-growth"]
    other.goto(shared)
    assert other.input_value("#matrix-filter") == "gdp"
    page.close()
    other.close()
