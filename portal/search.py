"""The search index: Pagefind (extended build, which segments Chinese), one record per paragraph."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from html import escape
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
}
# Pagefind weighs words by the element they are in (1 is ordinary text, 10 the most): a glossary term
# found by its exact name comes first.
TERM_WEIGHT = 10


def _record(url: str, lang: str, content: str, title: str, section: str = "", kind: str = "",
            heading: str = "") -> dict:
    return {"url": url, "content": content, "language": PAGEFIND_LANG[lang], "heading": heading,
            "meta": {"title": title, "section": section, "kind": kind}}


def search_records(site: Site, gettext: dict[str, Callable[[str], str]]) -> list[dict]:
    """What is findable: every block of every document (linking to the paragraph), indicators, terms, goals,
    themes, and the data and print pages. A record's title is short (a document's kind and year), its
    section the heading it is under; the content never repeats the title, so excerpts do not either."""
    records = []
    values_of: dict[str, list] = {}  # each indicator's values, in the site's order
    for value in site.values:
        values_of.setdefault(value.indicator, []).append(value)
    for lang in LANGS:
        for document in site.documents:
            section = ""
            for block in document.bodies[lang].blocks:
                if block.kind == "heading":
                    section = block.text
                # footnotes are printed after the last heading but belong to no section
                records.append(_record(f"{url_for('document', lang, document.id)}#{block.anchor}", lang, block.text,
                                       document.short_title(lang), "" if block.kind == "footnote" else section,
                                       "document"))
        for indicator in site.indicators:
            texts = ("；" if lang == "zh" else "; ").join(dict.fromkeys(v.text[lang]
                                                                   for v in values_of.get(indicator.id, ())))
            zh = f"{indicator.name.zh} · " if lang == "en" else ""
            records.append(_record(url_for("indicator", lang, indicator.id), lang,
                                   f"{zh}{indicator.unit[lang]} · {texts}", indicator.name[lang], kind="indicator",
                                   heading=indicator.name[lang]))
        for term in site.terms:
            zh = f"{term.term.zh} " if lang == "en" else ""
            records.append(_record(f"{url_for('glossary', lang)}#{term.id}", lang, f"{zh}{term.definition[lang]}",
                                   term.term[lang], kind="term", heading=term.term[lang]))
        for goal in site.goals:
            zh = f"{goal.text.zh} " if lang == "en" else ""
            records.append(_record(f"{url_for('goal', lang, site.chain_root(goal).id)}#goal-{goal.id}", lang,
                                   f"{zh}{goal.text[lang]}", site.document(goal.document).short_title(lang),
                                   kind="goal", heading=goal.text[lang]))
        for theme in site.themes:
            records.append(_record(url_for("theme", lang, theme.id), lang, theme.summary[lang], theme.name[lang],
                                   kind="theme", heading=theme.name[lang]))
        for kind, words in PAGE_WORDS.items():
            text = [gettext[lang](w) for w in words]
            records.append(_record(url_for(kind, lang), lang, " · ".join(text[1:]), text[0], kind=kind,
                                   heading=text[0]))
    return records


class Bundle:
    """The Pagefind bundle of the last build, kept by the digest of its records (`key`) with the digests of
    its files (`made`); made again only when the records change."""

    def __init__(self, state: tuple | list = ("", {})) -> None:
        self.key, self.made = state  # the key and files as saved in the build cache
        self.stale = False  # the kept bundle may not be the records' now: render_deferred() looks

    def files(self, site: Site, gettext: dict[str, Callable[[str], str]], kept_file: Callable, later: bool,
              progress) -> dict[str, bytes]:
        """The bundle's files (kept_file(name, digest) gives the last ones, or None). With `later` the last
        bundle is kept, when at hand, without gathering the records: stale says they are still to compare."""
        kept = {name: kept_file(name, digest) for name, digest in self.made.items()}
        at_hand = bool(kept) and None not in kept.values()
        self.stale = later and at_hand
        if self.stale:
            return kept
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
            lang = "zh-Hans" if record["language"] == "zh-hans" else "en"
            meta = record["meta"]
            (source / f"{number:05d}.html").write_text(
                f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(meta["title"])}'
                f'</title></head><body data-pagefind-body>'
                f'<span data-pagefind-meta="target[data-target]" data-target="{escape(record["url"])}"></span>'
                f'<span data-pagefind-meta="section[data-section]" data-section="{escape(meta["section"])}"></span>'
                f'<span data-pagefind-meta="title[data-title]" data-title="{escape(meta["title"])}"></span>'
                f'<span data-pagefind-meta="kind[data-kind]" data-kind="{escape(meta["kind"])}"></span>'
                + (f'<h1 data-pagefind-weight="{TERM_WEIGHT}">{escape(record["heading"])}</h1>' if record["heading"] else "")
                + f'<p>{escape(record["content"])}</p></body></html>', encoding="utf-8")
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
