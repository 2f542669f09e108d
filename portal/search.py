"""The search index: Pagefind (extended build, which segments Chinese), one record per paragraph."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path

from .model import LANGS, Site
from .routing import url_for

PAGEFIND_LANG = {"zh": "zh-hans", "en": "en"}


def search_records(site: Site) -> list[dict]:
    """What is findable: every block of every document (linking to the paragraph), indicators, terms, goals
    (linking to their place in their chain), themes."""
    records = []
    for lang in LANGS:
        for document in site.documents:
            section = ""
            for block in document.bodies[lang].blocks:
                if block.kind == "heading":
                    section = block.text
                records.append({"url": f"{url_for('document', lang, document.id)}#{block.anchor}",
                                "content": block.text, "language": PAGEFIND_LANG[lang],
                                # footnotes are printed after the last heading but belong to no section
                                "meta": {"title": document.title[lang],
                                         "section": "" if block.kind == "footnote" else section}})
        for indicator in site.indicators:
            texts = " ".join(v.text[lang] for v in site.values if v.indicator == indicator.id)
            records.append({"url": url_for("indicator", lang, indicator.id),
                            "content": f"{indicator.name[lang]} {indicator.name.zh} {indicator.unit[lang]} {texts}",
                            "language": PAGEFIND_LANG[lang], "meta": {"title": indicator.name[lang], "section": ""}})
        for term in site.terms:
            records.append({"url": f"{url_for('glossary', lang)}#{term.id}",
                            "content": f"{term.term[lang]} {term.term.zh} {term.definition[lang]}",
                            "language": PAGEFIND_LANG[lang], "meta": {"title": term.term[lang], "section": ""}})
        for goal in site.goals:
            records.append({"url": f"{url_for('goal', lang, site.chain_root(goal).id)}#goal-{goal.id}",
                            "content": f"{goal.text[lang]} {goal.text.zh}", "language": PAGEFIND_LANG[lang],
                            "meta": {"title": goal.text[lang], "section": site.document(goal.document).title[lang]}})
        for theme in site.themes:
            records.append({"url": url_for("theme", lang, theme.id), "content": f"{theme.name[lang]} {theme.summary[lang]}",
                            "language": PAGEFIND_LANG[lang], "meta": {"title": theme.name[lang], "section": ""}})
    return records


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
                f'<h1 data-pagefind-meta="title">{escape(meta["title"])}</h1>'
                f'<p>{escape(record["content"])}</p></body></html>', encoding="utf-8")
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
