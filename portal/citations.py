"""Citing the portal and its pages: a formatted citation, BibTeX, RIS and CSL-JSON, and Highwire tags.

A citation names the portal's edition (version and date) and the page's URL; a document's keeps the
source's own issuer, number and date. Titles are in the page's language."""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from urllib.parse import urlparse

from .routing import url_for

FORMATS = {"bib": "application/x-bibtex", "ris": "application/x-research-info-systems",
           "json": "application/vnd.citationstyles.csl+json"}
LANGUAGE = {"zh": "zh-Hans", "en": "en"}
# BibTeX's special characters and what stands for each inside a braced field
_BIBTEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%", "#": r"\#",
           "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}
_BIBTEX_TABLE = str.maketrans(_BIBTEX)  # for str.translate: each character looked up in C


@dataclass(frozen=True)
class Citation:
    """One citable item in one language."""

    slug: str  # the files' name: cite/<lang>/<slug>.bib
    kind: str  # CSL type: report (a source document), dataset (an indicator, the portal), webpage
    title: str
    author: str  # an institution: the document's issuer, else the portal
    portal: str
    version: str | None  # the edition's, None before the first edition
    date: str | None  # the edition's date (YYYY-MM-DD)
    url: str
    lang: str
    number: str | None = None  # a source document's number
    original_date: str | None = None  # a source document's own date (YYYY, YYYY-MM or YYYY-MM-DD)
    translation: bool = False  # the portal's English translation of a Chinese document
    site_key: str = "portal"  # the keys' prefix: the first label of the published address's host

    def file(self, extension: str) -> str:
        return f"cite/{self.lang}/{self.slug}.{extension}"

    @property
    def published(self) -> str | None:
        """The date a reference manager files it under: the document's own, else the edition's."""
        return self.original_date or self.date


def make(kind: str, record, lang: str, portal: str, edition, base_url: str, title: str = "") -> Citation:
    """The citation of a page: kind is document, indicator, goal, conflict, portal or any other page kind
    (then `record` is the page's URL path and `title` its title)."""
    version, date = (edition.version, edition.date) if edition else (None, None)
    common = {"portal": portal, "version": version, "date": date, "lang": lang, "site_key": site_key(base_url)}
    if kind == "document":
        return Citation(f"document-{record.id}", "report", record.title[lang], record.issuer[lang],
                        url=base_url + url_for("document", lang, record.id), number=record.number,
                        original_date=record.date, translation=lang == "en", **common)
    if kind == "indicator":
        unit = f"（{record.unit[lang]}）" if lang == "zh" else f" ({record.unit[lang]})"
        return Citation(f"indicator-{record.id}", "dataset", record.name[lang] + unit, portal,
                        url=base_url + url_for("indicator", lang, record.id), **common)
    if kind == "goal":
        return Citation(f"goal-{record.id}", "webpage", record.text[lang], portal,
                        url=base_url + url_for("goal", lang, record.id), **common)
    if kind == "conflict":
        return Citation(f"conflict-{record.id}", "webpage", record.title[lang], portal,
                        url=base_url + url_for("conflicts", lang) + f"#conflict-{record.id}", **common)
    if kind == "portal":
        return Citation("portal", "dataset", portal, portal, url=base_url + f"/{lang}/", **common)
    return Citation("", "webpage", title, portal, url=base_url + record, **common)


@functools.lru_cache(maxsize=8)  # one published address a build; parsing it was a tenth of a page's citation
def site_key(base_url: str) -> str:
    """The citation keys' prefix: the first label of the published address's host."""
    host = urlparse(base_url).hostname or ""
    return re.sub(r"[^a-z0-9-]", "-", host.split(".")[0].lower()) or "portal"


def formatted(citation: Citation) -> str:
    """The citation as a reader copies it; '[date]' is where the date of access goes."""
    edition = citation.version or ""
    if citation.lang == "zh":
        where = f"{citation.portal}，第{edition}版（{citation.date}）" if edition else citation.portal
        source = ""
        if citation.kind == "report":
            source = f"（{citation.number}，{citation.original_date}）" if citation.number else \
                f"（{citation.original_date}）" if citation.original_date else ""
        return f"{citation.author}：《{citation.title}》{source}。{where}。{citation.url}（访问日期：[日期]）。"
    where = f"{citation.portal}, edition {edition} ({citation.date})" if edition else citation.portal
    if citation.kind == "report":
        facts = ", ".join(part for part in (citation.number, citation.original_date) if part)
        title = f"{citation.title}{f' ({facts})' if facts else ''}"
        prefix = "English translation in " if citation.translation else "In "
        return f"{citation.author}. {title}. {prefix}{where}. {citation.url} (accessed [date])."
    return f"{citation.author}. “{citation.title}”. {where}. {citation.url} (accessed [date])."


def bibtex_text(text: str) -> str:
    """Text for a braced BibTeX field: specials escaped, whitespace one space."""
    return " ".join(text.split()).translate(_BIBTEX_TABLE)


def bibtex(citation: Citation) -> str:
    entry = "techreport" if citation.kind == "report" else "misc"
    fields = [("title", "{" + bibtex_text(citation.title) + "}"),  # double braces keep the title's case
              ("author", "{" + bibtex_text(citation.author) + "}"),  # an institution, not "Last, First"
              # a report's institution is its issuer; the portal publishes the rest
              ("institution", bibtex_text(citation.author)) if entry == "techreport" else
              ("publisher", bibtex_text(citation.portal))]
    if citation.number:
        fields.append(("number", bibtex_text(citation.number)))
    if citation.published:
        fields += [("year", citation.published[:4]), ("date", citation.published)]
    if citation.version:
        fields += [("edition", bibtex_text(citation.version)), ("note", bibtex_text(
            f"{citation.portal}, edition {citation.version} ({citation.date})"))]
    # a url field is read verbatim (url, biblatex): not escaped, only braces (which would end it) encoded
    fields += [("url", citation.url.replace("{", "%7B").replace("}", "%7D")), ("language", LANGUAGE[citation.lang])]
    key = re.sub(r"[^A-Za-z0-9.-]", "-", f"{citation.site_key}-{citation.slug}-{citation.lang}")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry}{{{key},\n{body}\n}}\n"


def ris_text(text: str) -> str:
    """A RIS value: one line (a line break would start a new tag)."""
    return " ".join(text.split())


def ris(citation: Citation) -> str:
    kind = {"report": "RPRT", "dataset": "DATA"}.get(citation.kind, "ELEC")
    lines = [("TY", kind), ("TI", citation.title), ("AU", citation.author), ("PB", citation.portal)]
    if citation.kind != "report" or citation.translation:
        lines.append(("T2", citation.portal))
    if citation.number:
        lines.append(("M1", citation.number))
    if citation.published:
        lines += [("PY", citation.published[:4]), ("DA", citation.published.replace("-", "/"))]
    if citation.version:
        lines.append(("ET", citation.version))
    lines += [("UR", citation.url), ("LA", LANGUAGE[citation.lang]), ("ER", "")]
    return "".join(f"{tag}  - {ris_text(value)}".rstrip(" ") + (" " if tag == "ER" else "") + "\r\n"
                   for tag, value in lines)


def _date_parts(date: str) -> list[list[int]]:
    return [[int(part) for part in date.split("-")]]


def csl_json(citation: Citation) -> str:
    item = {"id": f"{citation.site_key}-{citation.slug}-{citation.lang}", "type": citation.kind, "title": citation.title,
            "author": [{"literal": citation.author}], "publisher": citation.portal, "URL": citation.url,
            "language": LANGUAGE[citation.lang]}
    if citation.kind != "report" or citation.translation:
        item["container-title"] = citation.portal
    if citation.number:
        item["number"] = citation.number
    if citation.published:
        item["issued"] = {"date-parts": _date_parts(citation.published)}
    if citation.version:
        item["version"] = citation.version
    return json.dumps([item], ensure_ascii=False) + "\n"  # on one line: the C encoder (indent is pure Python)


def files(citation: Citation) -> dict[str, bytes]:
    """The three downloads of a citation."""
    return {citation.file("bib"): bibtex(citation).encode("utf-8"),
            citation.file("ris"): ris(citation).encode("utf-8"),
            citation.file("json"): csl_json(citation).encode("utf-8")}


def highwire(citation: Citation, pdf_url: str | None = None) -> list[tuple[str, str]]:
    """The citation_* meta tags (Google Scholar's Highwire Press names) that reference managers read."""
    tags = [("citation_title", citation.title), ("citation_author", citation.author)]
    if citation.published:
        tags.append(("citation_publication_date", citation.published.replace("-", "/")))
    if citation.date:
        tags.append(("citation_online_date", citation.date.replace("-", "/")))
    if citation.kind == "report" and citation.number:
        tags.append(("citation_technical_report_number", citation.number))
    tags.append(("citation_publisher", citation.portal))
    if citation.version:
        tags.append(("citation_edition", citation.version))
    tags += [("citation_language", LANGUAGE[citation.lang]), ("citation_public_url", citation.url)]
    if pdf_url:
        tags.append(("citation_pdf_url", pdf_url))
    return tags


def all_citations(site, lang: str, edition, base_url: str) -> list[Citation]:
    """Every item offered with "Cite this" in one language: the portal, documents, indicators, goal
    chains (by their first goal) and disagreements."""
    portal = site.title[lang]
    found = [make("portal", None, lang, portal, edition, base_url)]
    found += [make("document", d, lang, portal, edition, base_url) for d in site.documents]
    found += [make("indicator", i, lang, portal, edition, base_url) for i in site.indicators]
    found += [make("goal", g, lang, portal, edition, base_url) for g in site.goals if not g.parent]
    found += [make("conflict", c, lang, portal, edition, base_url) for c in site.conflicts]
    return found
