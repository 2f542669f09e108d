"""What the portal offers for reuse, wired into a build: the templates' helpers (edition, "Cite this",
sharing tags, JSON-LD) and the files (citations, feeds, data package, sharing cards)."""
from __future__ import annotations

import hashlib

from markupsafe import Markup

from . import cardcache, cards, citations, datapackage, editions, feeds
from .chains import Chains
from .model import LANGS
from .routing import output_path, pdf_path
from .safety import script_json


def timeline(site, loaded: list, kept: dict[str, str] | None = None) -> editions.Timeline:
    """The editions against this site's records (`kept`: see editions.record_digests). With no edition, no
    answer of the timeline reads a record's digest (nothing changed since an edition, nothing last changed in
    one): the digests, every record's and body's text hashed, are not taken."""
    return editions.Timeline(loaded, editions.record_digests(site, kept) if loaded else {})


def install(environments: dict, line: editions.Timeline, base_url: str) -> None:
    """The templates' helpers for this build's editions (set on kept environments too)."""
    for lang, env in environments.items():
        pdfs = env.globals["pdfs"]

        def citation(kind, record, site, title="", _lang=lang):
            return citations.make(kind, record, _lang, site.title[_lang], line.latest, base_url, title)

        def highwire(citation, document=None, _lang=lang, _pdfs=pdfs):
            pdf = f"{base_url}/{pdf_path(_lang, document.id)}" if document is not None and _pdfs else None
            return citations.highwire(citation, pdf)

        env.globals.update(
            editions=line, edition=line.latest, citation=citation, highwire=highwire,
            formatted_citation=citations.formatted, card_url=lambda url: f"{base_url}/{cards.card_path(url)}",
            feed_url=lambda indicator=None, _lang=lang: "/" + feeds.feed_path(_lang, indicator),
            edition_anchor=feeds.edition_anchor, change_label=editions.change_label,
            last_change=line.last_change, document_keys=editions.document_keys,
            indicator_keys=lambda indicator, values: editions.indicator_keys(indicator.id, [v.id for v in values]),
            goal_keys=lambda goals: {f"goal/{g.id}" for g in goals},
            dataset_jsonld=lambda site, _lang=lang: Markup(script_json(
                datapackage.dataset_jsonld(site, _lang, line.latest, base_url))),
            document_jsonld=lambda document, site, _lang=lang: Markup(script_json(
                datapackage.document_jsonld(document, _lang, site.title[_lang], line.latest, base_url))),
            licence=datapackage.LICENCE, data_zip="/" + datapackage.ZIP)


def reuse_files(site, line: editions.Timeline, files: dict[str, bytes], base_url: str, kept: list, kept_file,
                engine: str, known: dict[str, str]) -> tuple[dict[str, bytes], list]:
    """The citation downloads, the feeds and the data package (made from the data files in `files`), with
    their cache entry [key, {path: digest}]: taken from the last build while their key is the same (the
    records, editions, portal title and data files they are made of) and kept_file still has the bytes.
    `known`: the sha256 of data files the build took of these very bytes (the others are taken here)."""
    found = {path: kept_file(path, digest) for path, digest in kept[1].items()} if kept else {}
    key = hashlib.sha256(repr((engine, line.current, [(e.version, e.date, e.summary) for e in line.editions],
                               site.title, site.tagline, base_url, sorted(
                                   (name, known.get(name) or hashlib.sha256(data).hexdigest())
                                   for name, data in datapackage.data_of(files).items()))).encode("utf-8")).hexdigest()
    if kept and kept[0] == key and None not in found.values():
        return found, kept
    made = _reuse_files(site, line, files, base_url)
    return made, [key, {path: hashlib.sha256(data).hexdigest() for path, data in made.items()}]


def _reuse_files(site, line: editions.Timeline, files: dict[str, bytes], base_url: str) -> dict[str, bytes]:
    made = {}
    for lang in LANGS:
        for citation in citations.all_citations(site, lang, line.latest, base_url):
            made.update(citations.files(citation))
    made.update(feeds.feed_files(site, line, base_url))
    made.update(datapackage.package_files(site, files, line.latest, base_url))
    return made


def card_files(site, line: editions.Timeline, pages, files: dict[str, bytes], kept: dict, kept_file, base_url: str,
               progress) -> tuple[dict[str, bytes], dict]:
    """Every page's sharing card (drawn again only when what it shows changed), with the cache entries."""
    chains, values = Chains(site), {}
    for value in site.values:
        values.setdefault(value.indicator, []).append(value)
    wanted = {}
    for page in pages:
        title = cards.page_title(files[output_path(page.url)])
        wanted[cards.card_path(page.url)] = cards.card_for(site, chains, values, page, title, line.latest, base_url)
    return cardcache.draw_cards(wanted, kept, kept_file, cards.look_digest(), progress)

