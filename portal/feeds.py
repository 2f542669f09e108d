"""Atom feeds of what changed: one entry per edition, for the whole portal and for each indicator, in
each language (feeds/changes.<lang>.xml, feeds/indicators/<id>.<lang>.xml)."""
from __future__ import annotations

from .editions import Timeline, change_label, indicator_keys
from .routing import url_for

TITLES = {"zh": ("{portal}：更新记录", "{portal}：{name}的更新记录", "第{version}版"),
          "en": ("{portal}: what changed", "{portal}: what changed for {name}", "Edition {version}")}
HOW = {"zh": {"added": "新增", "changed": "修改", "removed": "删除"},
       "en": {"added": "added", "changed": "changed", "removed": "removed"}}


def escape(text: str) -> str:
    """Text in an element, as xml.sax.saxutils.escape gives it (whose module imports urllib.request, http
    and ssl: a tenth of the engine's imports, for three replacements)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """An attribute's value in its quotes, as xml.sax.saxutils.quoteattr gives it."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    return f"'{text}'" if "'" not in text else '"' + text.replace('"', "&quot;") + '"'


def feed_path(lang: str, indicator: str | None = None) -> str:
    return f"feeds/indicators/{indicator}.{lang}.xml" if indicator else f"feeds/changes.{lang}.xml"


def edition_anchor(version: str) -> str:
    return "edition-" + version.replace(".", "-")


def _entry(entry_id: str, title: str, date: str, link: str, summary: str) -> str:
    return (f"  <entry>\n    <id>{escape(entry_id)}</id>\n    <title>{escape(title)}</title>\n"
            f"    <updated>{date}T00:00:00Z</updated>\n    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(link)}/>\n"
            f"    <summary type=\"text\">{escape(summary)}</summary>\n  </entry>\n")


def atom(title: str, own_url: str, page_url: str, author: str, lang: str, entries: list[str], updated: str) -> bytes:
    head = (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
            f'xml:lang="{"zh-Hans" if lang == "zh" else "en"}">\n  <id>{escape(own_url)}</id>\n'
            f"  <title>{escape(title)}</title>\n  <updated>{updated}T00:00:00Z</updated>\n"
            f"  <author><name>{escape(author)}</name></author>\n"
            f"  <link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(own_url)}/>\n"
            f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr(page_url)}/>\n")
    return (head + "".join(entries) + "</feed>\n").encode("utf-8")


def _listed(site, changes, lang: str) -> str:
    """The changes in words: 'changed: GDP growth: <period> 6%; added: …'."""
    parts = []
    for how in ("added", "changed", "removed"):
        keys = getattr(changes, how)
        if keys:
            names = [change_label(site, key, lang)[0] for key in keys[:20]]
            more = len(keys) - len(names)
            tail = (f"等{len(keys)}项" if lang == "zh" else f" and {more} more") if more else ""
            parts.append(f"{HOW[lang][how]}{'：' if lang == 'zh' else ': '}{('、' if lang == 'zh' else '; ').join(names)}{tail}")
    return ("；" if lang == "zh" else ". ").join(parts)


def feed_files(site, timeline: Timeline, base_url: str) -> dict[str, bytes]:
    """Every feed; none before the first edition (a feed needs a date)."""
    if timeline.latest is None:
        return {}
    files = {}
    host = base_url.removeprefix("https://").removeprefix("http://")
    values_of: dict[str, list[str]] = {}
    for value in site.values:
        values_of.setdefault(value.indicator, []).append(value.id)
    for lang in ("zh", "en"):
        portal = site.title[lang]
        whole, per_indicator, edition_title = TITLES[lang]
        changes_url = base_url + url_for("changes", lang)
        entries = []
        for edition in timeline.newest_first():
            summary = edition.summary[lang]
            listed = "" if edition.first else _listed(site, edition.changes, lang)
            if listed:
                summary = summary.rstrip("。.") + ("。" if lang == "zh" else ". ") + listed
            entries.append(_entry(f"tag:{host},{edition.date}:edition/{edition.version}/{lang}",
                                  edition_title.format(version=edition.version), edition.date,
                                  f"{changes_url}#{edition_anchor(edition.version)}", summary))
        path = feed_path(lang)
        files[path] = atom(whole.format(portal=portal), f"{base_url}/{path}", changes_url, portal, lang, entries,
                           timeline.latest.date)
        for indicator in site.indicators:
            keys = indicator_keys(indicator.id, values_of.get(indicator.id, []))
            touched = timeline.touching(keys)
            entries = [_entry(f"tag:{host},{e.date}:edition/{e.version}/{lang}/indicator/{indicator.id}",
                              edition_title.format(version=e.version), e.date,
                              f"{changes_url}#{edition_anchor(e.version)}",
                              e.summary[lang] if e.first else _listed(site, changes, lang))
                       for e, changes in touched]
            path = feed_path(lang, indicator.id)
            updated = touched[0][0].date if touched else timeline.latest.date
            files[path] = atom(per_indicator.format(portal=portal, name=indicator.name[lang]), f"{base_url}/{path}",
                               base_url + url_for("indicator", lang, indicator.id), portal, lang, entries, updated)
    return files
