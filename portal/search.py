"""The search index: Pagefind (extended build, which segments Chinese), one record per paragraph."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from html import escape, unescape
from pathlib import Path

from .model import LANGS, Site
from .routing import url_for

PAGEFIND_LANG = {"zh": "zh-hans", "en": "en"}


# Pages that are not content but must be findable by what they offer ("PDF", "CSV", "简报手册"): their
# interface strings, translated by the catalogs, are their searchable text.
PAGE_WORDS = {
    "data": ("Data and how to cite", "Downloads", "All values, CSV (UTF-8)", "Full dataset, JSON", "PDF editions",
             "Briefing book as PDF", "How to cite"),
    "print": ("Briefing book", "Briefing book (print edition)", "Download this briefing book as PDF",
              "Indicator matrix", "Timeline"),
    "goals": ("Goals", "Goal chains"),
    "conflicts": ("Where the plans disagree", "Disagreements"),
}
# Pagefind weighs words by the element they are in (1 is ordinary text, 10 the most): a glossary term
# found by its exact name comes first.
TERM_WEIGHT = 10


OTHER = {"zh": "en", "en": "zh"}
# The punctuation that joins the parts of a record: Chinese in Chinese, never an ASCII full stop.
JOIN = {"zh": "；", "en": "; "}
LABEL = {"zh": "：", "en": ": "}


def _record(url: str, lang: str, kind: str, title: str, content: str, section: str = "", heading: str = "",
            names: tuple[str, ...] = (), other: str = "") -> dict:
    """One findable thing. `heading` and `names` (what it is called, also in the other language: an
    indicator's zh record carries its English name, so "GDP" finds 地区生产总值) are weighted; `other` is its Chinese text in an English record, so a reader of the English
    site finds it by the source's words; `content` is the rest. No part repeats another, so excerpts do not either."""
    names = tuple(n for n in dict.fromkeys(names) if n and n != heading)
    return {"url": url, "content": content, "language": PAGEFIND_LANG[lang], "heading": heading,
            "names": list(names), "other": other if other not in (heading, content, *names) else "",
            "meta": {"title": title, "section": section, "kind": kind}}


def row_headers(body_html: str) -> dict[str, list[str]]:
    """Each anchored table row's column headers (its table's <th> cells), by the row's anchor."""
    headers: dict[str, list[str]] = {}
    for table in re.finditer(r"<table\b.*?</table>", body_html, re.S):
        names = [_plain(cell) for cell in re.findall(r"<th\b[^>]*>(.*?)</th>", table.group(0), re.S)]
        for anchor in re.findall(r'<tr\b[^>]*\bid="([^"]+)"', table.group(0)):
            headers[anchor] = names
    return headers


def _plain(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html)).strip()


def row_text(cells: str, headers: list[str], lang: str) -> str:
    """A table row as labelled text ("指标名称：…；预期目标：6左右；…"), never pipe-joined cells; empty cells
    left out. Without one header per cell, the cells joined as a list."""
    values = cells.split(" | ")
    if len(values) != len(headers):
        return JOIN[lang].join(v for v in values if v)
    return JOIN[lang].join(f"{h}{LABEL[lang]}{v}" if h else v for h, v in zip(headers, values) if v)


def _document_records(site: Site, lang: str) -> list[dict]:
    records = []
    for document in site.documents:
        body = document.bodies[lang]
        headers = row_headers(body.html) if any(b.kind == "row" for b in body.blocks) else {}
        section = ""
        for block in body.blocks:
            if block.kind == "heading":
                section = block.text
            text = row_text(block.text, headers.get(block.anchor, []), lang) if block.kind == "row" else block.text
            # footnotes are printed after the last heading but belong to no section
            records.append(_record(f"{url_for('document', lang, document.id)}#{block.anchor}", lang, "document",
                                   document.short_title(lang), text, "" if block.kind == "footnote" else section))
    return records


def search_records(site: Site, gettext: dict[str, Callable[[str], str]]) -> list[dict]:
    """What is findable: every block of every document (linking to the paragraph), indicators, terms, goals,
    disagreements, themes, and the data, print, goals and disagreements pages. A record's title is short
    (a document's kind and year), its section the heading it is under."""
    records = []
    values_of: dict[str, list] = {}  # each indicator's values, in the site's order
    for value in site.values:
        values_of.setdefault(value.indicator, []).append(value)
    for lang in LANGS:
        other = OTHER[lang]
        records.extend(_document_records(site, lang))
        for indicator in site.indicators:
            texts = JOIN[lang].join(dict.fromkeys(v.text[lang] for v in values_of.get(indicator.id, ())))
            name = indicator.name
            records.append(_record(url_for("indicator", lang, indicator.id), lang, "indicator", name[lang],
                                   f"{indicator.unit[lang]} · {texts}", heading=name[lang], names=(name[other],)))
        for term in site.terms:
            records.append(_record(f"{url_for('glossary', lang)}#{term.id}", lang, "term", term.term[lang],
                                   term.definition[lang], heading=term.term[lang], names=(term.term[other],)))
        for goal in site.goals:
            records.append(_record(f"{url_for('goal', lang, site.chain_root(goal).id)}#goal-{goal.id}", lang, "goal",
                                   site.document(goal.document).short_title(lang), "", heading=goal.text[lang],
                                   other=goal.text[other] if lang == "en" else ""))
        for conflict in site.conflicts:
            records.append(_record(f"{url_for('conflicts', lang)}#conflict-{conflict.id}", lang, "conflict",
                                   conflict.title[lang], conflict.note[lang], heading=conflict.title[lang],
                                   other=conflict.title[other] if lang == "en" else ""))
        for theme in site.themes:
            records.append(_record(url_for("theme", lang, theme.id), lang, "theme", theme.name[lang],
                                   theme.summary[lang], heading=theme.name[lang]))
        for kind, words in PAGE_WORDS.items():
            text = [gettext[lang](w) for w in words]
            records.append(_record(url_for(kind, lang), lang, kind, text[0], " · ".join(text[1:]), heading=text[0]))
    return records


class Bundle:
    """The Pagefind bundle of the last build, kept by the digest of its records (`key`) with the digests of
    its files (`made`); made again only when the records change."""

    def __init__(self, state: tuple | list = ("", {})) -> None:
        self.key, self.made = state  # the key and files as saved in the build cache

    def files(self, site: Site, gettext: dict[str, Callable[[str], str]], kept_file: Callable,
              progress) -> dict[str, bytes]:
        """The bundle's files (kept_file(name, digest) gives the last ones, or None)."""
        kept = {name: kept_file(name, digest) for name, digest in self.made.items()}
        at_hand = bool(kept) and None not in kept.values()
        records = search_records(site, gettext)
        key = records_digest(records)
        if at_hand and key == self.key:
            return kept
        with progress.stage("search index", len(records), "record") as stage:
            bundle = build_index(records)
            stage.advance(len(records))
        self.key, self.made = key, {name: hashlib.sha256(data).hexdigest() for name, data in bundle.items()}
        return bundle


def records_digest(records: list[dict]) -> str:
    return hashlib.sha256(json.dumps(records, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


# The Chinese index is searched character by character: it holds each ideograph as a word (set apart by
# zero-width spaces, which Pagefind also puts between the words it segments) and the Chinese search page
# asks for a query's characters as a phrase. So a query finds every text holding it, however a segmenter
# would cut the query or the text (Pagefind's at build time and the browser's disagree: 人均预期寿命,
# 曾家岩大桥). The English index keeps Chinese as written: a name is found from its start.
IDEOGRAPH = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")
ZERO_WIDTH_SPACE = "\u200b"


def spaced(text: str, lang: str) -> str:
    """The text as indexed, escaped for HTML: in Chinese, each ideograph a word of its own."""
    if lang != "zh-Hans":
        return escape(text)
    return escape(IDEOGRAPH.sub(rf"{ZERO_WIDTH_SPACE}\1{ZERO_WIDTH_SPACE}", text.replace(ZERO_WIDTH_SPACE, "")))


def record_page(record: dict) -> str:
    """The small HTML page Pagefind indexes for one record: its metadata (where it links, its title,
    section, kind and names) and its text in inline elements only (Pagefind ends a block element that has
    no full stop with an ASCII one: "75%以上.")."""
    lang = "zh-Hans" if record["language"] == "zh-hans" else "en"
    other = "en" if lang == "zh-Hans" else "zh-Hans"
    meta = {**record["meta"], "target": record["url"],
            "names": json.dumps([record["heading"], *record["names"]], ensure_ascii=False)}
    parts = [f'<span data-pagefind-weight="{TERM_WEIGHT}">{spaced(record["heading"], lang)}</span>'] if record["heading"] else []
    parts += [f'<span data-pagefind-weight="{TERM_WEIGHT}"{_lang_of(name, lang, other)}>{spaced(name, lang)}</span>'
              for name in record["names"]]
    parts += [f"<span>{spaced(record['content'], lang)}</span>"] if record["content"] else []
    parts += [f'<span lang="{other}">{spaced(record["other"], lang)}</span>'] if record["other"] else []
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(meta["title"])}'
            f'</title></head><body data-pagefind-body>'
            + "".join(f'<span data-pagefind-meta="{key}[data-{key}]" data-{key}="{escape(meta[key])}"></span>'
                      for key in ("target", "section", "title", "kind", "names"))
            + " · ".join(parts) + "</body></html>")


def _lang_of(name: str, lang: str, other: str) -> str:
    """A name in the other language is marked so."""
    return f' lang="{other}"' if bool(IDEOGRAPH.search(name)) == (lang == "en") else ""


def build_index(records: list[dict]) -> dict[str, bytes]:
    """Run the Pagefind command over one small page per record; returns its bundle as {'pagefind/…': bytes}.

    Pagefind's record API answers one record at a time over a pipe (minutes for 2,000 records); its
    command line indexes the same pages in about a second. Each page names its real target in
    `data-pagefind-meta` (a paragraph's URL with its #anchor), which the search page links to.
    """
    with tempfile.TemporaryDirectory() as temp:
        source, output = Path(temp) / "records", Path(temp) / "pagefind"
        source.mkdir()
        for number, record in enumerate(records):
            (source / f"{number:05d}.html").write_text(record_page(record), encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(source), "--output-path",
                                 str(output), "--quiet"], capture_output=True, text=True)
        if result.returncode != 0 or "non-extended" in result.stdout + result.stderr:
            raise RuntimeError(f"pagefind failed: {result.stdout}{result.stderr}")
        bundle = {f"pagefind/{p.relative_to(output).as_posix()}": p.read_bytes()
                  for p in sorted(output.rglob("*")) if p.is_file()}
    # Pagefind writes its languages in a varying order; sorted, two builds are byte-identical.
    entry = json.loads(bundle["pagefind/pagefind-entry.json"])
    entry["languages"] = dict(sorted(entry["languages"].items()))
    bundle["pagefind/pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return bundle
