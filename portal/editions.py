"""Editions: the portal's dated versions, and what changed between them, derived from the data.

content/editions.yaml lists each edition (version, date, summary in zh and en); content/editions/<version>.json
is the snapshot `build.py edition new` took of every record's digest when that edition was made. What an
edition changed is the difference between its snapshot and the one before; when a record last changed is
the oldest edition since which its digest reads as now. Nothing comes from file times or git: the same
content gives the same pages."""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from dataclasses import MISSING, dataclass
from decimal import Decimal
from pathlib import Path
from types import NoneType

from .errors import Collector, ContentError, ContentErrors, SourceRef
from .fields import Fields
from .loading import RawContent
from .model import Localized, Site
from .output import write_atomic
from .routing import url_for
from .textfiles import read_text

FILE = "editions.yaml"
FOLDER = "editions"
VERSION = r"\d{1,4}(?:\.\d{1,4}){0,3}"
DATE = r"\d{4}-\d{2}-\d{2}"
# Record kinds in the order the "What changed" page lists them; a document's text (its zh body and
# facts) and its English translation are two records, so a translation's change shows as such.
KINDS = ("document", "translation", "indicator", "value", "goal", "conflict", "term", "theme")
_SKIPPED = {"src", "order", "bodies"}  # where a record is written is no change of what it says


@dataclass(frozen=True)
class Changes:
    """Record keys ('value/<value id>', 'indicator/<id>', …) added, changed and removed, each sorted."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def touching(self, keys: set[str]) -> Changes:
        """Only the changes of these records."""
        return Changes(*(tuple(sorted(keys.intersection(group))) for group in self._sets))

    @functools.cached_property
    def _sets(self) -> tuple[frozenset[str], ...]:
        """added, changed and removed as sets: an intersection with a set walks the smaller one (a feed asks
        for an indicator's few records in every edition, the first of which added them all)."""
        return frozenset(self.added), frozenset(self.changed), frozenset(self.removed)

    def counts(self) -> dict[str, dict[str, int]]:
        """{how: {kind: number}} for how in added, changed, removed."""
        found: dict[str, dict[str, int]] = {}
        for how in ("added", "changed", "removed"):
            for key in getattr(self, how):
                kind = key.split("/", 1)[0]
                found.setdefault(how, {}).setdefault(kind, 0)
                found[how][kind] += 1
        return found


@dataclass(frozen=True)
class Edition:
    version: str
    date: str
    summary: Localized
    records: dict  # record key -> digest, as the snapshot holds them
    changes: Changes  # against the edition before (the first edition: every record added)
    first: bool


@dataclass(frozen=True)
class LastChange:
    """When a record (or a group, such as an indicator with its values) last changed: `edition` since
    which it reads as now, or `pending` when it changed after the latest edition."""

    edition: Edition | None
    pending: bool


def _canon(value):
    """A record's fields as builtin values, without where it was written (its file, line and order)."""
    if isinstance(value, (str, int, NoneType)):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(_canon(item) for item in value)
    if isinstance(value, Decimal):
        return str(value.normalize())
    if dataclasses.is_dataclass(value):  # a field at its default is left out: a new optional field changes nothing
        found = []
        for name, default, factory in _fields(type(value)):
            field = getattr(value, name)
            if not (default is not MISSING and field == default or factory is not MISSING and field == factory()):
                found.append((name, _canon(field)))
        return tuple(found)
    return value


@functools.cache
def _fields(kind: type) -> tuple:
    """(name, default, default factory) of each field of a record class that a digest reads."""
    return tuple((f.name, f.default, f.default_factory) for f in dataclasses.fields(kind) if f.name not in _SKIPPED)


def _digest(value) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:16]


def _body(document, lang: str) -> tuple:
    return tuple((b.anchor, b.kind, b.text) for b in document.bodies[lang].blocks)


def record_digests(site: Site, kept: dict[str, str] | None = None) -> dict[str, str]:
    """Every record's digest by its key, 'kind/id'. `kept` (the last build's, by the own digest of each record
    and body that has one, model.Digested: the sha256 of its repr) gives those unchanged without their
    canonical form being taken again; it is refreshed in place to hold this site's alone."""
    found, used, kept = {}, {}, {} if kept is None else kept

    def known(record, make) -> str:
        own = getattr(record, "digest", None)
        if own is None:
            return make()
        used[own] = kept[own] if own in kept else make()
        return used[own]

    for document in site.documents:
        found[f"document/{document.id}"] = _digest((_canon(document), known(
            document.bodies["zh"], lambda d=document: _digest(_body(d, "zh")))))
        found[f"translation/{document.id}"] = known(document.bodies["en"], lambda d=document: _digest(_body(d, "en")))
    for kind, records in (("indicator", site.indicators), ("value", site.values), ("goal", site.goals),
                          ("conflict", site.conflicts), ("term", site.terms), ("theme", site.themes)):
        for record in records:
            found[f"{kind}/{record.id}"] = known(record, lambda r=record: _digest(_canon(r)))
    kept.clear()
    kept.update(used)
    return dict(sorted(found.items()))


def compare(before: dict[str, str], after: dict[str, str]) -> Changes:
    return Changes(tuple(sorted(k for k in after if k not in before)),
                   tuple(sorted(k for k in after if k in before and before[k] != after[k])),
                   tuple(sorted(k for k in before if k not in after)))


class Timeline:
    """The editions, oldest first, with the records as they are now: what each edition changed, what
    changed since the latest, and when each record last changed."""

    def __init__(self, editions: list[Edition], current: dict[str, str]) -> None:
        self.editions = editions
        self.current = current
        self.pending = compare(editions[-1].records, current) if editions else Changes()

    @property
    def latest(self) -> Edition | None:
        return self.editions[-1] if self.editions else None

    def newest_first(self) -> list[Edition]:
        return self.editions[::-1]

    def last_change(self, keys) -> LastChange:
        """When the records `keys` together last changed (the latest of their changes)."""
        keys = [k for k in keys if k in self.current]
        if not self.editions or any(self.editions[-1].records.get(k) != self.current[k] for k in keys):
            return LastChange(None, bool(self.editions))
        since = self.editions[-1]
        for edition in self.editions[-2::-1]:
            if any(edition.records.get(k) != self.current[k] for k in keys):
                break
            since = edition
        return LastChange(since, False)

    def touching(self, keys: set[str]) -> list[tuple[Edition, Changes]]:
        """The editions that changed any of `keys`, newest first, with those changes."""
        return [(e, changes) for e in self.newest_first() if (changes := e.changes.touching(keys))]


def indicator_keys(indicator_id: str, value_ids) -> set[str]:
    return {f"indicator/{indicator_id}", *(f"value/{v}" for v in value_ids)}


def document_keys(document_id: str) -> set[str]:
    return {f"document/{document_id}", f"translation/{document_id}"}


def load(content: Path) -> list[Edition]:
    """The editions of content/editions.yaml with their snapshots, oldest first ([] without the file);
    raises ContentErrors with every problem."""
    if not (content / FILE).exists():
        return []
    raw, errors = RawContent(content), Collector()
    items = raw.read_list(content / FILE, "editions")
    errors.extend(raw.errors)
    editions: list[Edition] = []
    before: dict[str, str] = {}
    for item in items:
        fields = Fields(item, errors, f"edition {item.get('version')!r}")
        fields.no_unknown(("version", "date", "summary"))
        version = fields.text("version", pattern=VERSION, hint="a version such as 1.0 or 1.2.1")
        date = fields.text("date", pattern=DATE, hint="the edition's date as YYYY-MM-DD")
        summary = fields.localized("summary")
        if not fields.ok or version is None or date is None or summary is None:
            continue
        if editions and _order(version) <= _order(editions[-1].version):
            fields.fail("version", f"version {version} does not follow {editions[-1].version}",
                        "list editions oldest first, each with a higher version")
            continue
        if editions and date < editions[-1].date:
            fields.fail("date", f"date {date} is before the previous edition's ({editions[-1].date})",
                        "list editions oldest first")
            continue
        records = read_snapshot(content, version, item.ref("version"), errors)
        if records is None:
            continue
        editions.append(Edition(version, date, summary, records, compare(before, records), not editions))
        before = records
    errors.raise_if_any()
    return editions


def _order(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def snapshot_path(content: Path, version: str) -> Path:
    return content / FOLDER / f"{version}.json"


def read_snapshot(content: Path, version: str, listed: SourceRef, errors: Collector) -> dict | None:
    """The record digests of one edition's snapshot; None (with the error collected) when it is missing
    or is not what `build.py edition new` writes."""
    path = snapshot_path(content, version)
    shown = Path("content") / FOLDER / path.name
    if not path.is_file():
        errors.add(listed, f"edition {version} has no snapshot {shown}",
                   "make editions with 'build.py edition new VERSION' (it writes both)")
        return None
    try:
        data = json.loads(read_text(path, shown))
    except ContentError as error:
        errors.extend([error])
        return None
    except json.JSONDecodeError as error:
        errors.add(SourceRef(shown, error.lineno), f"not valid JSON: {error.msg}",
                   "the snapshot is written by 'build.py edition new'; restore it from version control")
        return None
    records = data.get("records") if isinstance(data, dict) else None
    if (not isinstance(records, dict) or data.get("version") != version
            or not all(isinstance(k, str) and isinstance(v, str) and re.fullmatch(r"[0-9a-f]{16}", v)
                       for k, v in records.items())):
        errors.add(SourceRef(shown, 1), f"not a snapshot of edition {version}: expected "
                   '{"version": …, "records": {"kind/id": "<16 hex digits>", …}}',
                   "the snapshot is written by 'build.py edition new'; restore it from version control")
        return None
    return records


def snapshot_json(version: str, date: str, records: dict[str, str]) -> bytes:
    """A snapshot file: one record a line, sorted, so an edition's diff in version control reads well."""
    return (json.dumps({"version": version, "date": date, "records": records}, indent=1, sort_keys=True,
                       ensure_ascii=False) + "\n").encode("utf-8")


def yaml_entry(version: str, date: str, summary: Localized) -> str:
    """The entry `edition new` appends to editions.yaml (JSON strings are valid YAML scalars)."""
    return (f"- version: \"{version}\"\n  date: \"{date}\"\n  summary:\n"
            f"    zh: {json.dumps(summary.zh, ensure_ascii=False)}\n"
            f"    en: {json.dumps(summary.en, ensure_ascii=False)}\n")


def check_new(editions: list[Edition], version: str, date: str, current: dict[str, str]) -> None:
    """Refuse an edition that does not follow the last one, or that would record no change."""
    where = SourceRef(Path("content") / FILE)
    problems = []
    if not re.fullmatch(VERSION, version):
        problems.append(ContentError(where, f"'{version}' is not a version", "write it as 1.0 or 1.2.1"))
    elif editions and _order(version) <= _order(editions[-1].version):
        problems.append(ContentError(where, f"version {version} does not follow {editions[-1].version}",
                                     "give the new edition a higher version"))
    if not re.fullmatch(DATE, date):
        problems.append(ContentError(where, f"'{date}' is not a date", "write it as YYYY-MM-DD"))
    elif editions and date < editions[-1].date:
        problems.append(ContentError(where, f"date {date} is before edition {editions[-1].version}'s"))
    if editions and not compare(editions[-1].records, current):
        problems.append(ContentError(where, f"nothing changed since edition {editions[-1].version}",
                                     "an edition records changes: edit the content first"))
    if problems:
        raise ContentErrors(problems)


def write_edition(content: Path, version: str, date: str, summary: Localized, current: dict[str, str]) -> Path:
    """`build.py edition new`: the snapshot first, then its entry in editions.yaml (an entry without its
    snapshot would fail the build; a snapshot without an entry is only an unused file)."""
    editions = load(content)
    check_new(editions, version, date, current)
    path = snapshot_path(content, version)
    write_atomic(path, snapshot_json(version, date, current))
    listing = content / FILE
    text = read_text(listing, Path("content") / FILE) if listing.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    write_atomic(listing, (text + yaml_entry(version, date, summary)).encode("utf-8"))
    return path


def change_label(site, key: str, lang: str) -> tuple[str, str | None]:
    """How the "What changed" page names a record, and where it links (None: the record is gone)."""
    kind, _, ident = key.partition("/")
    try:
        if kind in ("document", "translation"):
            document = site.document(ident)
            return document.title[lang], url_for("document", "en" if kind == "translation" else lang, ident)
        if kind == "indicator":
            return site.indicator(ident).name[lang], url_for("indicator", lang, ident)
        if kind == "value":
            value = next(v for v in site.values if v.id == ident)
            name = site.indicator(value.indicator).name[lang]
            said = f"{name}：{value.period}年 {value.text[lang]}" if lang == "zh" else f"{name}: {value.period} {value.text[lang]}"
            return said, url_for("indicator", lang, value.indicator)
        if kind == "goal":
            goal = site.goal(ident)
            return _short(goal.text[lang]), url_for("goal", lang, site.chain_root(goal).id) + f"#goal-{ident}"
        if kind == "conflict":
            conflict = next(c for c in site.conflicts if c.id == ident)
            return conflict.title[lang], url_for("conflicts", lang) + f"#conflict-{ident}"
        if kind == "term":
            term = next(t for t in site.terms if t.id == ident)
            return term.term[lang], url_for("glossary", lang) + f"#{ident}"
        if kind == "theme":
            theme = next(t for t in site.themes if t.id == ident)
            return theme.name[lang], url_for("theme", lang, ident)
    except StopIteration:
        pass
    return ident, None


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
