"""Issue 27, citing and sharing: every page's Open Graph, Twitter and citation_* tags and its card, the cards'
cache, the citation files (BibTeX and RIS round-trip through parsers), the data package (validated with
frictionless), the zip, JSON-LD that cannot break out of its script element."""
from __future__ import annotations

import dataclasses
import hashlib
import html
import io
import json
import re
import zipfile
from html.parser import HTMLParser

import bibtexparser
import pytest
import rispy

from conftest import FIXTURE, project_for
from portal import cardcache, cards, citations, routing
from portal.pipeline import Builder, build
from portal.progress import Quiet
from portal.safety import script_json


class Meta(HTMLParser):
    """The <meta> tags of a page as a reference manager or a social site reads them: (name, content)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if tag == "meta" and ("name" in values or "property" in values):
            self.tags.append((values.get("name") or values["property"], values.get("content", "")))
        self._in_json = tag == "script" and values.get("type") == "application/ld+json"

    def handle_data(self, data) -> None:
        if self._in_json:
            self.scripts.append(data)

    def handle_endtag(self, tag) -> None:
        self._in_json = False


def meta(page_html: bytes) -> dict[str, list[str]]:
    parser = Meta()
    parser.feed(page_html.decode("utf-8"))
    found: dict[str, list[str]] = {}
    for name, content in parser.tags:
        found.setdefault(name, []).append(content)
    return found


def pages_of(files):
    return [name for name in files if name.endswith(".html") and name.startswith(("zh/", "en/"))]


def test_every_page_has_its_sharing_and_citation_tags_and_its_card(fixture_site):
    from PIL import Image
    files = fixture_site.files
    names = pages_of(files)
    assert len(names) == 44
    for name in names:
        tags = meta(files[name])
        url = "/" + name.removesuffix("index.html")
        for key in ("og:title", "og:description", "og:url", "og:image", "og:locale", "twitter:card", "citation_title", "citation_author", "citation_publication_date",
                    "citation_language", "citation_public_url"):
            assert tags.get(key) and tags[key][0].strip(), f"{name} has no {key}"
        card = cards.card_path(url)
        assert tags["og:image"] == [f"https://yuzhong-plans.netlify.app/{card}"], name
        image = Image.open(io.BytesIO(files[card]))
        assert (image.format, image.size) == ("PNG", (1200, 630)), card
        assert tags["og:locale"] == ["zh_CN" if name.startswith("zh/") else "en_GB"]
        assert tags["twitter:card"] == ["summary_large_image"]  # X takes title, text and image from og:*


def test_cards_are_drawn_once_and_kept_by_their_digest(tmp_path, monkeypatch):
    """A warm build (a new process: the cache on disk) draws no card; a changed title redraws that card only."""
    first = build(project_for(FIXTURE), tmp_path / "site", cache_dir=tmp_path / "cache", cards=True)
    drawn = []
    real_draw = cards.draw
    monkeypatch.setattr(cards, "draw", lambda card: drawn.append(card) or real_draw(card))
    again = Builder(project_for(FIXTURE), cache_dir=tmp_path / "cache", cards=True).generate()
    assert drawn == []
    assert {n: d for n, d in again.files.items() if n.startswith("cards/")} == \
        {n: d for n, d in first.files.items() if n.startswith("cards/")}
    # a damaged card in the published site is drawn again, not served wrong
    damaged = tmp_path / "site" / "cards" / "en" / "documents.png"
    damaged.write_bytes(b"not a png")
    Builder(project_for(FIXTURE), cache_dir=tmp_path / "cache", cards=True).generate()
    assert [c.address for c in drawn] == ["yuzhong-plans.netlify.app/en/documents/"]


def test_a_kept_card_keeps_its_digest_and_a_drawn_one_is_digested(monkeypatch):
    """draw_cards's entries are [key, sha256 of the PNG]: a drawn card's bytes are digested, a kept one's digest
    is the one kept_file verified (its 20 KiB are not hashed again on every warm build)."""
    made = {"cards/en/a.png": cards.Card("en", "Indicator", "A", (), "", (), "Portal", "x/a"),
            "cards/en/b.png": cards.Card("en", "Indicator", "B", (), "", (), "Portal", "x/b")}
    monkeypatch.setattr(cards, "draw", lambda card: f"png of {card.title}".encode())
    files, entries = cardcache.draw_cards(made, {}, lambda path, digest: None, "salt", Quiet())
    assert entries == {path: [entries[path][0], hashlib.sha256(data).hexdigest()] for path, data in files.items()}
    hashed, sha256 = [], hashlib.sha256
    monkeypatch.setattr(hashlib, "sha256", lambda data: hashed.append(data) or sha256(data))
    changed = {**made, "cards/en/b.png": dataclasses.replace(made["cards/en/b.png"], title="B2")}
    again, kept = cardcache.draw_cards(changed, entries, lambda path, digest: files[path], "salt", Quiet())
    assert again == {"cards/en/a.png": b"png of A", "cards/en/b.png": b"png of B2"}
    assert kept["cards/en/a.png"] == entries["cards/en/a.png"]
    assert kept["cards/en/b.png"][1] == hashlib.sha256(b"png of B2").hexdigest()
    assert b"png of A" not in hashed and b"png of B2" in hashed


def test_a_card_takes_its_title_from_the_page_bytes():
    """page_title reads og:title from the page's UTF-8 bytes (not decoding a whole page per card): Chinese,
    escaped characters and a page without the tag."""
    page = '<head><meta property="og:title" content="渝中区“十四五”规划 &amp; R&amp;D &quot;2025&quot;"></head>'
    assert cards.page_title(page.encode("utf-8")) == '渝中区“十四五”规划 & R&D "2025"'
    assert cards.page_title('<meta property="og:type" content="网站">'.encode("utf-8")) == ""


def test_cards_say_what_the_page_is_in_its_language():
    from conftest import first_fixture_build
    from portal.chains import Chains
    from portal.pages import assemble
    builder, generated = first_fixture_build()
    site = generated.site
    values = {}
    for value in site.values:
        values.setdefault(value.indicator, []).append(value)
    by_url = {p.url: p for p in assemble(site, FIXTURE)}
    made = lambda url: cards.card_for(site, Chains(site), values, by_url[url], "", None, "https://x.example")
    indicator = made("/en/indicators/software-enterprises/")
    assert (indicator.kicker, indicator.title, indicator.figure) == ("Indicator", "Number of software enterprises",
                                                                     site.values[-1].text.en)
    assert indicator.points and indicator.lines[0] == "enterprises"
    assert made("/zh/indicators/software-enterprises/").kicker == "指标"
    gdp = {lang: made(f"/{lang}/indicators/gdp/") for lang in ("zh", "en")}  # its axis as the page's: 亿元 -> CNY billion
    assert (gdp["zh"].lines[0], gdp["en"].lines[0]) == ("亿元", "CNY billion")
    assert gdp["en"].points and [p[1] for p in gdp["en"].points] == [p[1] / 10 for p in gdp["zh"].points]
    document = made("/zh/documents/plenary-demo/")
    assert document.title == site.documents[0].title.zh and document.lines[0] == site.documents[0].issuer.zh
    goal = made("/en/goals/demo.gdp/")
    assert goal.kicker == "Goal chain" and goal.lines[0].startswith(("Its indicators: ", "No figure"))


HOSTILE = "R&D {share} 100% of #1_a^b~c \\ $5"


def test_bibtex_escapes_and_round_trips_through_a_parser(fixture_site):
    for name, data in fixture_site.files.items():
        if name.endswith(".bib"):
            library = bibtexparser.parse_string(data.decode("utf-8"))
            assert len(library.entries) == 1 and not library.failed_blocks, name
    entry = bibtexparser.parse_string(fixture_site.files["cite/en/document-plenary-demo.bib"].decode()).entries[0]
    assert entry.entry_type == "techreport" and entry["edition"] == "1.1"
    assert entry["institution"] == entry["author"].strip("{}") == "CPC Yuzhong District Committee"
    assert entry["url"] == "https://yuzhong-plans.netlify.app/en/documents/plenary-demo/"
    hostile = citations.Citation("x", "webpage", HOSTILE, "A & B", "Portal_1", "1.0", "2026-12-06",
                                 "https://e.example/a_b%20c", "en")
    parsed = bibtexparser.parse_string(citations.bibtex(hostile))
    assert not parsed.failed_blocks
    title = parsed.entries[0]["title"]
    assert title == "{" + citations.bibtex_text(HOSTILE) + "}"
    from pylatexenc.latex2text import LatexNodes2Text
    # pylatexenc reads \textasciicircum as the modifier letter ˆ (LaTeX prints ^)
    assert LatexNodes2Text().latex_to_text(title).replace("ˆ", "^") == HOSTILE
    assert parsed.entries[0]["url"] == "https://e.example/a_b%20c"  # verbatim, as the url package reads it


def test_ris_has_one_tag_a_line_and_round_trips_through_a_parser(fixture_site):
    for lang in ("zh", "en"):
        text = fixture_site.files[f"cite/{lang}/indicator-gdp.ris"].decode("utf-8")
        assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in text.split("\r\n") if line)
        record = rispy.loads(text)[0]
        assert record["type_of_reference"] == "DATA" and record["urls"] == [
            f"https://yuzhong-plans.netlify.app/{lang}/indicators/gdp/"]
        assert record["edition"] == "1.1" and record["date"] == "2026/12/01"
    hostile = citations.Citation("x", "webpage", "a\nTY  - JOUR\nb", "A", "P", None, None, "https://e.example", "en")
    records = rispy.loads(citations.ris(hostile))
    assert len(records) == 1 and records[0]["title"] == "a TY - JOUR b"


def test_csl_json_names_the_edition_in_the_page_language(fixture_site):
    for lang in ("zh", "en"):
        item = json.loads(fixture_site.files[f"cite/{lang}/portal.json"])[0]
        assert item["title"] == ("渝中规划对照（样例）" if lang == "zh" else "Yuzhong Plans (sample)")
        assert item["version"] == "1.1" and item["issued"] == {"date-parts": [[2026, 12, 1]]}


def test_cite_this_is_on_documents_indicators_goals_disagreements_and_the_data_page(fixture_site):
    files = fixture_site.files
    for name, expected in (("en/documents/plenary-demo/index.html", 1), ("en/indicators/gdp/index.html", 1),
                           ("en/goals/demo.gdp/index.html", 1), ("en/data/index.html", 1),
                           ("zh/conflicts/index.html", len(fixture_site.site.conflicts))):
        page = files[name].decode("utf-8")
        assert page.count('<details class="cite-this">') == expected, name
        for link in re.findall(r'href="/(cite/[^"]+)"', page):
            assert link in files, link
    data = files["en/data/index.html"].decode("utf-8")
    assert "Yuzhong Plans (sample), edition 1.1 (2026-12-01). https://yuzhong-plans.netlify.app/en/ (accessed [date])" \
        in html.unescape(data)


def reference_manager_view(page_html: bytes) -> dict[str, str]:
    """What Zotero's Embedded Metadata translator takes from a page: the citation_* tags."""
    return {name: ", ".join(values) for name, values in meta(page_html).items() if name.startswith("citation_")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_reference_manager_reads_title_date_edition_and_url(fixture_site, lang):
    document = reference_manager_view(fixture_site.files[f"{lang}/documents/plenary-demo/index.html"])
    assert document["citation_title"] == fixture_site.site.documents[0].title[lang]
    assert document["citation_author"] == fixture_site.site.documents[0].issuer[lang]
    assert document["citation_edition"] == "1.1" and document["citation_online_date"] == "2026/12/01"
    assert document["citation_public_url"].endswith(f"/{lang}/documents/plenary-demo/")
    assert document["citation_language"] == ("zh-Hans" if lang == "zh" else "en")
    indicator = reference_manager_view(fixture_site.files[f"{lang}/indicators/gdp/index.html"])
    assert indicator["citation_title"].startswith("地区生产总值" if lang == "zh" else "GDP")
    assert indicator["citation_publication_date"] == "2026/12/01" and indicator["citation_edition"] == "1.1"


def test_json_ld_cannot_close_its_script_element():
    hostile = {"name": "</script><script>alert(1)</script><!-- \u2028 &amp;"}
    text = script_json(hostile)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == hostile


def test_json_ld_on_the_data_page_and_documents(fixture_site):
    for lang in ("zh", "en"):
        parser = Meta()
        parser.feed(fixture_site.files[f"{lang}/data/index.html"].decode("utf-8"))
        dataset = json.loads(parser.scripts[0])
        assert dataset["@type"] == "Dataset" and dataset["version"] == "1.1"
        assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
        parser = Meta()
        parser.feed(fixture_site.files[f"{lang}/documents/plenary-demo/index.html"].decode("utf-8"))
        work = json.loads(parser.scripts[0])
        assert work["@type"] == "CreativeWork" and work["author"]["name"] == fixture_site.site.documents[0].issuer[lang]


def test_the_data_package_validates_against_the_frictionless_schema(fixture_site, tmp_path):
    from frictionless import Package, validate
    for name, data in fixture_site.files.items():
        if name.startswith("data/"):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_bytes(data)
    descriptor = tmp_path / "data" / "datapackage.json"
    report = validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(descriptor))
    names = {r.name for r in package.resources}
    assert {"portal", "values-zh", "values-en", "indicator-gdp", "indicator-gdp-en"} <= names
    described = {r.path for r in package.resources}
    data_files = {n.removeprefix("data/") for n in fixture_site.files if n.startswith("data/")
                  and n.endswith((".csv", ".json")) and n not in ("data/datapackage.json", "data/values.schema.json",
                                                                                    "data/assessments.schema.json")}
    assert data_files == described
    assert package.licenses[0]["name"] == "CC-BY-4.0"
    unit = next(f for f in json.loads(fixture_site.files["data/values.schema.json"])["fields"] if f["name"] == "unit")
    assert "unit" in unit["description"]


def test_the_zip_holds_everything_with_fixed_times(fixture_site):
    bundle = zipfile.ZipFile(io.BytesIO(fixture_site.files["data/all-data.zip"]))
    names = bundle.namelist()
    assert names == sorted(names) and "yuzhong-plans-briefing-data/datapackage.json" in names
    assert "yuzhong-plans-briefing-data/LICENCE.txt" in names and "yuzhong-plans-briefing-data/values.en.csv" in names
    assert {info.date_time for info in bundle.infolist()} == {(2026, 12, 1, 0, 0, 0)}
    assert bundle.read("yuzhong-plans-briefing-data/portal.json") == fixture_site.files["data/portal.json"]


def test_card_paths_do_not_collide(fixture_site):
    urls = [routing.url_for(kind, lang) for kind in routing.PATTERNS if "{key}" not in routing.PATTERNS[kind]
            for lang in ("zh", "en")]
    paths = [cards.card_path(url) for url in urls]
    assert len(paths) == len(set(paths))


def test_a_document_page_names_its_pdf_when_the_build_makes_pdfs():
    """With --pdf, reference managers find the document's PDF (citation_pdf_url); a citation's own fields
    stay the document's (issuer, number, date)."""
    from conftest import first_fixture_build
    from portal import editions, publishing
    from jinja2 import Environment
    site = first_fixture_build()[1].site
    environments = {"en": Environment(), "zh": Environment()}
    for env in environments.values():
        env.globals["pdfs"] = True
    publishing.install(environments, editions.Timeline([], {}), "https://x.example")
    document = site.documents[0]
    cite = environments["en"].globals["citation"]("document", document, site)
    tags = dict(environments["en"].globals["highwire"](cite, document))
    assert tags["citation_pdf_url"] == f"https://x.example/pdf/{document.id}.en.pdf"
    assert tags["citation_author"] == document.issuer.en and "citation_edition" not in tags  # no edition yet
