"""The quality gates of a public site, over the real build: valid HTML, links, weight, headers, CSP."""
from __future__ import annotations

import gzip
import re
import subprocess
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest

from conftest import ROOT

BASE = "https://yuzhong-plans.netlify.app"
VNU = ROOT / "node/node_modules/vnu-jar/build/dist/vnu.jar"


class Links(HTMLParser):
    """The ids a page defines and the URLs it refers to."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        for name in ("href", "src"):
            if attributes.get(name) and not (tag == "link" and attributes.get("rel") in ("canonical",)):
                self.refs.append(attributes[name])


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def target_file(site: Path, page: Path, url: str) -> Path | None:
    path = url[len(BASE):] if url.startswith(BASE) else url
    if path.startswith("/"):
        target = site / unquote(path).lstrip("/")
    else:
        target = page.parent / unquote(path)
    return target / "index.html" if (target.is_dir() or str(path).endswith("/")) else target


@pytest.mark.slow
def test_every_page_is_valid_html(real_site):
    site = real_site[0]
    pages = list(site.rglob("*.html"))
    result = subprocess.run(["java", "-jar", str(VNU), "--skip-non-html", "--errors-only", str(site)],
                            capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr[:3000]
    assert len(pages) > 700


def test_every_internal_link_and_fragment_resolves(real_site):
    site = real_site[0]
    parsed = {page: parse(page) for page in site.rglob("*.html")}
    broken = []
    for page, links in parsed.items():
        for ref in links.refs:
            if re.match(r"^(mailto:|data:)", ref) or (re.match(r"^https?://", ref) and not ref.startswith(BASE)):
                broken.append(f"{page.relative_to(site)}: external reference {ref}")
                continue
            url, fragment = urldefrag(ref)
            target = page if not url else target_file(site, page, url)
            if target is None or not target.exists():
                broken.append(f"{page.relative_to(site)}: {ref} (no file)")
            elif fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(fragment) not in ids:
                    broken.append(f"{page.relative_to(site)}: {ref} (no #{fragment})")
    assert broken == [], "\n".join(broken[:40])
    assert len(parsed) > 700


def test_document_pages_weigh_at_most_60_kb_compressed(real_site):
    site = real_site[0]
    for page in site.glob("*/documents/*/index.html"):
        html = page.read_text(encoding="utf-8")
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
        total = len(gzip.compress(html.encode(), 9)) + sum(
            len(gzip.compress((site / asset.lstrip("/")).read_bytes(), 9)) for asset in assets)
        assert total <= 60_000, f"{page.relative_to(site)}: {total} bytes"


def test_assets_are_fingerprinted_and_long_cached():
    config = tomllib.loads((ROOT / "netlify.toml").read_text())
    static = next(h for h in config["headers"] if h["for"] == "/static/*")
    assert "immutable" in static["values"]["Cache-Control"] and "max-age=31536000" in static["values"]["Cache-Control"]


def site_headers() -> dict[str, str]:
    config = tomllib.loads((ROOT / "netlify.toml").read_text())
    return next(h for h in config["headers"] if h["for"] == "/*")["values"]


def test_security_headers_are_set():
    headers = site_headers()
    csp = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"  # Pagefind's WebAssembly, nothing else
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


def test_language_redirects_cover_chinese_and_english():
    config = tomllib.loads((ROOT / "netlify.toml").read_text())
    rules = [r for r in config["redirects"] if r["from"] == "/"]
    languages = {lang: r["to"] for r in rules for lang in r.get("conditions", {}).get("Language", [])}
    for lang in ("zh", "zh-CN", "zh-Hans"):
        assert languages[lang] == "/zh/"
    assert languages["en"] == "/en/"
    assert all(r["force"] for r in rules)


def test_pages_use_no_inline_script_or_style(real_site):
    for page in real_site[0].rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # JSON-LD (schema.org) is data, never run: the one script element without src
        assert not re.search(r'<script(?![^>]*\bsrc=)(?![^>]*type="application/ld\+json")[^>]*>', html), page
        assert "<style" not in html and " style=" not in html and " on" + "click=" not in html, page


def test_chinese_pages_use_full_width_punctuation_next_to_chinese(real_site):
    """The interface's own words around Chinese text (parentheses, commas, colons) are full-width on the
    zh pages; English quoted there (the side-by-side column, glosses) keeps its own punctuation."""
    import html as entities

    found = []
    for page in (real_site[0] / "zh").rglob("*.html"):
        text = re.sub(r"<script.*?</script>|<style.*?</style>", "", page.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r'<(td|div|p|li|span|h\d)\b[^>]*lang="en"[^>]*>.*?</\1>', "", text, flags=re.S)
        text = entities.unescape(re.sub(r"<[^>]+>", "", text))
        found += [(page.name, page.parent.name, m.group(0))
                  for m in re.finditer(r"[\u4e00-\u9fff] ?[(),:;?!]|[(),:;][\u4e00-\u9fff]", text)]
    assert not found, found[:10]
