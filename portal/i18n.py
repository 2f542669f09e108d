"""UI strings from gettext catalogs, and locale formatting of dates and numbers through Babel."""
from __future__ import annotations

import datetime
import functools
import gettext
import io
import re
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.catalog import Catalog
from babel.numbers import format_decimal, format_percent
from jinja2.ext import extract_from_ast

from . import compiling, inputs, pofile
from .errors import ContentError, ContentErrors, SourceRef, quote
from .loading import display_path, read_text

LOCALES = {"zh": Locale.parse("zh_Hans_CN"), "en": Locale.parse("en_GB")}
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
# Where UI strings live: (folder, pattern, extraction method, options). Only these folders are walked.
SOURCES = [("templates", "**.html", "jinja2", {"extensions": "jinja2.ext.i18n"}), ("portal", "**.py", "python", {})]


def catalog_path(i18n_dir: Path, lang: str) -> Path:
    return i18n_dir / lang / "LC_MESSAGES" / "messages.po"


KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
# Babel's Python extractor takes a message only from a keyword (a name: no letter or _ just before it) followed by
# "(" (spaces and line joins between): a file with no such text has none, and is not tokenized (most of the engine's)
_PYTHON_CALL = re.compile(rb"(?<![A-Za-z_])(?:" + b"|".join(re.escape(k.encode()) for k in KEYWORDS) + rb")[ \t\f]*"
                          rb"(?:\\(?:\r\n|\r|\n)[ \t\f]*)*\(")
# A `{% trans %}` block's text depends on the whitespace settings, which Babel's extractor sets otherwise
_TRANS_TAG = re.compile(re.escape(compiling.PARSER.block_start_string) + r"[-+]?\s*(?:trans|pluralize)\b")


def extract_messages(project: Path, digests: dict[str, str] | None = None,
                     memo: dict | None = None, sources: list = SOURCES) -> dict[str, SourceRef]:
    """Every translatable string in the templates and the engine (or the folders of `sources`, some of
    SOURCES), with where it is first used.

    With `memo` (a dict kept between builds), each file's strings are kept under its digest (from
    `digests`, by project-relative name; the engine's own files under ""), so that only the files that
    changed are read again."""
    found: dict[str, SourceRef] = {}
    digests = digests or {}
    for folder, pattern, method, options in sources:
        suffix = pattern.rsplit(".", 1)[1]
        for path in sorted((project / folder).rglob(f"*.{suffix}")):
            relative = path.relative_to(project).as_posix()
            key = (relative, digests.get(relative, ""))
            if memo is None or key not in memo:
                strings = [(lineno, message if isinstance(message, str) else message[0]) for lineno, message, _, _
                           in file_messages(method, path.read_bytes(), path.relative_to(project / folder), options)]
                if memo is None:
                    memo = {}
                memo[key] = strings
            for lineno, msgid in memo[key]:
                found.setdefault(msgid, SourceRef(Path(relative), lineno))
    return found


def file_messages(method: str, data: bytes, name: Path, options: dict) -> list[tuple]:
    """What Babel's extract_from_file gives for a file of these bytes (`name` relative to its folder): a
    template's from the tree it is parsed into once a build (compiling.parsed, which compiles it too), an
    engine file's only when it has a keyword call."""
    if method == "python" and not _PYTHON_CALL.search(data):
        return []
    if method == "jinja2":
        source = data.decode("utf-8")  # as Babel reads it
        if not _TRANS_TAG.search(source):
            method = tree_extractor(compiling.parsed(name.as_posix(), source))
    return list(extract(method, io.BytesIO(data), keywords=KEYWORDS, options=options))


def tree_extractor(tree):
    """A Babel extraction method giving what Jinja's gives for a template parsed into `tree`, with no syntax
    error (else none: Jinja's skips those) and no `{% trans %}` block (whose text depends on the whitespace
    settings, the only ones in SOURCES' options that PARSER does not share); no comment tags are asked for."""
    def extract_tree(_fileobj, keywords, _comment_tags, options):
        if tree is not None:
            for lineno, function, message in extract_from_ast(tree, keywords):
                yield lineno, function, message, []
    return extract_tree


def load_catalogs(project: Path, langs=("zh", "en"), digests: dict[str, str] | None = None,
                  memo: dict | None = None, compiled: dict | None = None,
                  parsed=lambda translations: None) -> dict[str, gettext.NullTranslations]:
    """Read each language's catalog strictly and compile it in memory; any string without a
    translation is an error (`digests` and `memo` as for extract_messages; `compiled`, a dict kept
    between builds, holds each catalog read and compiled under its file's digest, so that a template
    edit reads none again). A catalog that cannot be read is reported once, and nothing is checked
    against it. parsed(translations) is called once every catalog is read and the templates' strings
    are taken (their trees parsed: compiling.parsed), before the engine's strings and the check: a cold
    build starts compiling the templates there, on another core (rendering.compile_ahead)."""
    used = extract_messages(project, digests, memo, SOURCES[:1])
    read = {lang: read_catalog_kept(project, lang, digests or {}, compiled) for lang in langs}
    if all(entries is not None for entries, _, _ in read.values()):
        parsed({lang: translation for lang, (_, translation, _) in read.items()})
    for msgid, where in extract_messages(project, digests, memo, SOURCES[1:]).items():
        used.setdefault(msgid, where)  # as one walk of SOURCES finds them: the templates' first
    errors: list[ContentError] = []
    for lang, (entries, _, problems) in read.items():
        shown = display_path(catalog_path(project / "i18n", lang), project)
        errors.extend(problems if entries is None else _untranslated(used, entries, shown))
    if errors:
        raise ContentErrors(errors)
    return {lang: translation for lang, (_, translation, _) in read.items()}


def read_catalog_kept(project: Path, lang: str, digests: dict[str, str], compiled: dict | None) -> tuple:
    """(entries, translations, []) of a language's catalog, kept in `compiled` by its file's digest (see
    load_catalogs); (None, None, its errors) when it cannot be read."""
    path = catalog_path(project / "i18n", lang)
    relative = path.relative_to(project).as_posix()
    key = (relative, digests.get(relative, ""))
    if compiled is not None and key[1] and key in compiled:
        return (*compiled[key], [])
    try:
        entries, translations = read_catalog(project, path, display_path(path, project), lang)
    except ContentErrors as unreadable:
        return None, None, unreadable.errors
    if compiled is not None and key[1]:
        compiled[key] = (entries, translations)
    return entries, translations, []


def read_catalog(project: Path, path: Path, shown: Path, lang: str) -> tuple[dict, gettext.GNUTranslations]:
    """One catalog's entries by msgid, and its translations; raises ContentErrors naming `file.po:line`
    for a file that is not a plain input, not a strict PO file, or has a translation that is wrong."""
    if not path.exists() and not path.is_symlink():
        raise ContentErrors([ContentError(SourceRef(shown), "catalog not found",
                                          "create it with 'pybabel init' (see README, Translating the interface)")])
    try:
        inputs.refuse_link(path, project, shown)
        entries = pofile.read_entries(read_text(path, shown), shown)
        pofile.check_header(entries, shown)
    except ContentError as error:
        raise ContentErrors([error]) from None
    problems = [problem for entry in entries if entry.msgid for problem in translation_errors(entry, shown)]
    if problems:
        raise ContentErrors(problems)
    catalog = Catalog(locale=LOCALES[lang], charset="utf-8")
    for entry in entries:
        if entry.msgid:
            catalog.add((entry.msgid, entry.plural) if entry.plural is not None else entry.msgid,
                        tuple(entry.strings) if entry.plural is not None else entry.string,
                        flags=entry.flags, context=entry.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return {e.msgid: e for e in entries if e.msgid and e.context is None}, gettext.GNUTranslations(buffer)


MANY_ABSENT = 3  # more UI strings than this missing from a catalog are reported as one error

# An HTML character reference: the page escapes translations, so it would show as written
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def translation_errors(entry: pofile.PoEntry, shown: Path) -> list[ContentError]:
    """A translation is plain text: no markup or character references the msgid does not have itself,
    and the same %(name)s placeholders as the msgid (Jinja formats every translation)."""
    errors = []
    where = SourceRef(shown, entry.msgstr_line)
    expected = pofile.placeholders(entry.msgid + (entry.plural or ""))
    for text in entry.strings:
        markup = [ch for ch in "<>" if ch in text and ch not in entry.msgid]
        entity = _ENTITY.search(text)
        names = pofile.placeholders(text)
        if markup:
            errors.append(ContentError(where, f"markup ({quote(markup[0])}) in the translation of {quote(entry.msgid)}",
                                       "translations are plain text, shown as written: remove the HTML"))
        elif entity and entity.group(0) not in entry.msgid:
            errors.append(ContentError(where, f"character reference {quote(entity.group(0))} in the translation of "
                                       f"{quote(entry.msgid)}", "write the character itself: translations are "
                                       "plain text, shown as written"))
        elif names is None:
            errors.append(ContentError(where, f"a lone '%' in the translation of {quote(entry.msgid)}",
                                       "write %% for a percent sign, %(name)s for a placeholder"))
        elif doubled(text) and not doubled(entry.msgid):
            errors.append(ContentError(where, f"the translation of {quote(entry.msgid)} is its text written twice",
                                       "keep it once: a merge or a paste wrote it a second time"))
        elif text and expected is not None and sorted(set(names)) != sorted(set(expected)):
            shown_names = ", ".join(f"%({n})s" for n in sorted(set(expected))) or "none"
            errors.append(ContentError(where, f"the placeholders of the translation of {quote(entry.msgid)} "
                                       f"differ from the msgid's ({shown_names})",
                                       "keep every %(name)s of the msgid, spelled as there, and add none"))
    return errors


def doubled(text: str, shortest: int = 8) -> bool:
    """Whether the text is one text of `shortest` or more characters written twice (with or without one
    space between)."""
    text = text.strip()
    for gap in ("", " "):
        half, rest = divmod(len(text) - len(gap), 2)
        if not rest and half >= shortest and text[half:half + len(gap)] == gap and text[:half] == text[half + len(gap):]:
            return True
    return False


def _untranslated(used: dict[str, SourceRef], entries: dict, shown: Path) -> list[ContentError]:
    """Each string the templates and the engine use must have a translation in the catalog; when many
    are missing (a catalog cut short, an old one), one error says so."""
    absent = [(msgid, where) for msgid, where in used.items() if msgid not in entries]
    if len(absent) > MANY_ABSENT:
        return [ContentError(SourceRef(shown), f"{len(absent)} of the interface's {len(used)} UI strings are not "
                             f"in the catalog, first {quote(absent[0][0])} ({absent[0][1]})",
                             "was the file cut short? run 'pybabel extract' and 'pybabel update' (see README)")]
    errors = [ContentError(where, f"UI string {msgid!r} is not in {shown}",
                           "run 'pybabel extract' and 'pybabel update' (see README)") for msgid, where in absent]
    for msgid in used:
        entry = entries.get(msgid)
        if entry is not None and (not entry.string or entry.fuzzy):
            errors.append(ContentError(SourceRef(shown, entry.msgstr_line), f"missing translation for {msgid!r}"
                                       + (" (marked fuzzy)" if entry.fuzzy else ""),
                                       "write the msgstr and remove any '#, fuzzy' line"))
    return errors


@functools.lru_cache(maxsize=4096)  # Babel takes ~30 µs a date; a translation status page lists thousands
def format_date(iso: str, lang: str) -> str:
    """1999-01-24 -> 1999年1月24日 / 24 January 1999; partial dates keep their precision."""
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


# Small counts are written out in running text: "three layers", 三个层级 (两 before a measure word).
COUNT_WORDS = {"zh": ("零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十"),
               "en": ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")}


def count_words(count: int, lang: str) -> str:
    """A count in words up to ten ("five documents", 五份文件), in figures beyond."""
    words = COUNT_WORDS[lang]
    return words[count] if 0 <= count < len(words) else format_number(count, lang)
