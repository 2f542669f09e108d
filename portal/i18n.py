"""UI strings from gettext catalogs, and locale formatting of dates and numbers through Babel."""
from __future__ import annotations

import datetime
import functools
import gettext
import io
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from .errors import ContentError, ContentErrors, SourceRef
from .loading import display_path

LOCALES = {"zh": Locale.parse("zh_Hans_CN"), "en": Locale.parse("en_GB")}
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
# Where UI strings live: (folder, pattern, extraction method, options). Only these folders are walked.
SOURCES = [("templates", "**.html", "jinja2", {"extensions": "jinja2.ext.i18n"}), ("portal", "**.py", "python", {})]


def catalog_path(i18n_dir: Path, lang: str) -> Path:
    return i18n_dir / lang / "LC_MESSAGES" / "messages.po"


KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extract_messages(project: Path, digests: dict[str, str] | None = None,
                     memo: dict | None = None) -> dict[str, SourceRef]:
    """Every translatable string in the templates and the engine, with where it is first used.

    With `memo` (a dict kept between builds), each file's strings are kept under its digest (from
    `digests`, by project-relative name; the engine's own files under ""), so that only the files that
    changed are read again: Babel takes about a second for all of them."""
    found: dict[str, SourceRef] = {}
    digests = digests or {}
    for folder, pattern, method, options in SOURCES:
        suffix = pattern.rsplit(".", 1)[1]
        for path in sorted((project / folder).rglob(f"*.{suffix}")):
            relative = path.relative_to(project).as_posix()
            key = (relative, digests.get(relative, ""))
            if memo is None or key not in memo:
                strings = [(lineno, message if isinstance(message, str) else message[0])
                           for lineno, message, _comments, _context
                           in extract_from_file(method, str(path), keywords=KEYWORDS, options=options)]
                if memo is None:
                    memo = {}
                memo[key] = strings
            for lineno, msgid in memo[key]:
                found.setdefault(msgid, SourceRef(Path(relative), lineno))
    return found


def load_catalogs(project: Path, langs=("zh", "en"), digests: dict[str, str] | None = None,
                  memo: dict | None = None, compiled: dict | None = None) -> dict[str, gettext.NullTranslations]:
    """Compile each language's catalog in memory; any string without a translation is an error
    (`digests` and `memo` as for extract_messages; `compiled`, a dict kept between builds, holds each
    catalog read and compiled under its file's digest, so that a template edit reads none again)."""
    used = extract_messages(project, digests, memo)
    errors: list[ContentError] = []
    translations = {}
    for lang in langs:
        path = catalog_path(project / "i18n", lang)
        shown = display_path(path, project)
        relative = path.relative_to(project).as_posix()
        key = (relative, (digests or {}).get(relative, ""))
        if compiled is not None and key[1] and key in compiled:
            catalog, translations[lang] = compiled[key]
        else:
            try:
                with path.open("rb") as handle:
                    catalog = read_po(handle, locale=LOCALES[lang])
            except FileNotFoundError:
                errors.append(ContentError(SourceRef(shown), "catalog not found",
                                           "create it with 'pybabel init' (see README, Translating the interface)"))
                continue
            except Exception as error:  # babel raises plain exceptions for malformed catalogs
                errors.append(ContentError(SourceRef(shown), f"cannot read catalog: {error}"))
                continue
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            translations[lang] = gettext.GNUTranslations(buffer)
            if compiled is not None and key[1]:
                compiled[key] = (catalog, translations[lang])
        for msgid, where in used.items():
            message = catalog.get(msgid)
            if message is None:
                errors.append(ContentError(where, f"UI string {msgid!r} is not in {shown}",
                                           "run 'pybabel extract' and 'pybabel update' (see README)"))
            elif not message.string or message.fuzzy:
                line = getattr(message, "lineno", None)
                errors.append(ContentError(SourceRef(shown, line), f"missing translation for {msgid!r}"
                                           + (" (marked fuzzy)" if message.fuzzy else ""),
                                           "write the msgstr and remove any '#, fuzzy' line"))
    if errors:
        raise ContentErrors(errors)
    return translations


@functools.lru_cache(maxsize=4096)  # Babel takes ~30 µs a date; a translation status page lists thousands
def format_date(iso: str, lang: str) -> str:
    """2025-01-24 -> 2025年1月24日 / 24 January 2025; partial dates keep their precision."""
    parts = [int(p) for p in iso.split("-")]
    locale = LOCALES[lang]
    if len(parts) == 1:
        return f"{parts[0]}年" if lang == "zh" else str(parts[0])
    day = datetime.date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
    if len(parts) == 2:
        return babel_format_date(day, "y年M月" if lang == "zh" else "MMMM y", locale=locale)
    return babel_format_date(day, "long", locale=locale)


def format_number(number: Decimal | int | float, lang: str) -> str:
    return format_decimal(number, locale=LOCALES[lang], decimal_quantization=False)


def format_share(ratio: Decimal | float, lang: str) -> str:
    return format_percent(ratio, locale=LOCALES[lang], decimal_quantization=False)
