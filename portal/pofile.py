"""A strict reader of gettext PO files: every entry with its lines, every mistake a `file.po:line` error.

Babel's reader is lax (an unterminated string loses a character, a duplicate entry silently wins,
a garbled header turns every entry into a "missing translation"); this one reads the subset of the
format that Babel and PO editors write, and stops at the first line it cannot read, so that one
mistake gives one error. Both the interface catalogs and `translations import` read through it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, SourceRef, quote

_KEYWORD = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(.*)$')
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"\s*$')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
# In a decoded string: C0 and C1 control characters other than newline and tab
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What Jinja's newstyle gettext formats: %% and %(name)s; any other % is a mistake
_PERCENT = re.compile(r"%(?:%|\((\w+)\)s|)")
_CHARSET = re.compile(r"charset=([\w.-]+)", re.I)


@dataclass
class PoEntry:
    """One entry: msgctxt (None when absent), msgid, the msgstr forms, flags, and where each part is."""

    context: str | None
    msgid: str
    plural: str | None
    strings: list[str]
    flags: set[str]
    line: int  # the entry's first keyword line (msgctxt or msgid)
    msgstr_line: int
    previous: str | None = None  # `#| msgid` (the source text a fuzzy translation was made for)

    @property
    def string(self) -> str:
        return self.strings[0] if self.strings else ""

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


class PoSyntaxError(Exception):
    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


def _decode(literal: str, number: int) -> str:
    """A PO string literal's text (the line's part after the keyword), escapes resolved."""
    match = _STRING.match(literal)
    if not match:
        if literal.startswith('"') and not re.match(r'"(?:[^"\\]|\\.)*"', literal):
            raise PoSyntaxError(number, "unterminated string", 'end the string with " on the same line')
        raise PoSyntaxError(number, f"expected one quoted string, found {quote(literal)}",
                            'write the text as "…" (a quote inside it as \\")')
    text = match.group(1)

    def unescape(escape: re.Match) -> str:
        if escape.group(1) not in _ESCAPES:
            raise PoSyntaxError(number, f"unknown escape {quote(escape.group(0))}",
                                'only \\n, \\t, \\" and \\\\ are allowed')
        return _ESCAPES[escape.group(1)]

    decoded = re.sub(r"\\(.)", unescape, text)
    control = _CONTROL.search(decoded)
    if control:
        raise PoSyntaxError(number, f"control character U+{ord(control.group(0)):04X} is not allowed",
                            "delete it; only \\n and \\t are allowed")
    return decoded


def _kind(name: str) -> str:
    """msgstr[0], msgstr[1] … are all msgstr."""
    return "msgstr" if name.startswith("msgstr") else name


class _Reader:
    """Lines -> entries, one keyword at a time; each entry's parts in the order msgctxt, msgid,
    msgid_plural, msgstr (or msgstr[0], msgstr[1], …)."""

    ORDER = {"msgctxt": 0, "msgid": 1, "msgid_plural": 2, "msgstr": 3}

    def __init__(self) -> None:
        self.entries: list[PoEntry] = []
        self.parts: dict[str, list] = {}  # keyword -> [line, text]
        self.flags: set[str] = set()
        self.previous: str | None = None
        self.last: str | None = None

    def comment(self, line: str, number: int) -> None:
        if self.last in ("msgctxt", "msgid", "msgid_plural"):
            raise PoSyntaxError(number, f"a comment inside an entry (after its {self.last})",
                                "comments go before msgctxt/msgid")
        self.finish()
        if line.startswith("#,"):
            self.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#| msgid "):
            self.previous = _decode(line[len("#| msgid "):].strip(), number)
        elif line.startswith('#| "') and self.previous is not None:
            self.previous += _decode(line[3:].strip(), number)

    def keyword(self, name: str, literal: str, number: int) -> None:
        kind = _kind(name)
        if self.last is not None and _kind(self.last) == "msgstr" and kind != "msgstr":
            self.finish()  # the next entry begins
        if name in self.parts:
            raise PoSyntaxError(number, f"{name} twice in one entry", "keep one")
        if self.last is not None and self.ORDER[kind] < self.ORDER[_kind(self.last)]:
            raise PoSyntaxError(number, f"{name} out of place", "an entry is [msgctxt] msgid [msgid_plural] msgstr")
        if kind == "msgstr" and "msgid" not in self.parts:
            raise PoSyntaxError(number, "msgstr without a msgid", "an entry is [msgctxt] msgid msgstr")
        self.parts[name] = [number, _decode(literal, number)]
        self.last = name

    def continuation(self, literal: str, number: int) -> None:
        if self.last is None:
            raise PoSyntaxError(number, "a string outside any entry", "continue a msgid or msgstr, or delete it")
        self.parts[self.last][1] += _decode(literal, number)

    def finish(self) -> None:
        """Close the entry being read (if any)."""
        if not self.parts:
            return
        if self.last is not None and _kind(self.last) != "msgstr":
            raise PoSyntaxError(self.parts[self.last][0], f"the entry ends after its {self.last}", 'add msgstr ""')
        strings = sorted((name, value) for name, value in self.parts.items() if name.startswith("msgstr"))
        context = self.parts.get("msgctxt")
        first = context or self.parts["msgid"]
        self.entries.append(PoEntry(context[1] if context else None, self.parts["msgid"][1],
                                    self.parts["msgid_plural"][1] if "msgid_plural" in self.parts else None,
                                    [value[1] for _, value in strings], self.flags, first[0],
                                    strings[0][1][0], self.previous))
        self.parts, self.flags, self.previous, self.last = {}, set(), None, None


def read_entries(text: str, shown: Path) -> list[PoEntry]:
    """Every entry of a PO file's text (obsolete `#~` entries left out); raises a ContentError at the
    first line that is not valid, and for an entry whose msgctxt and msgid appear twice."""
    reader = _Reader()
    try:
        for number, raw in enumerate(text.split("\n"), 1):
            line = raw.strip()
            if not line:
                reader.finish()
            elif line.startswith("#~"):
                continue
            elif line.startswith("#"):
                reader.comment(line, number)
            elif line.startswith('"'):
                reader.continuation(line, number)
            else:
                match = _KEYWORD.match(line)
                if not match:
                    raise PoSyntaxError(number, f"not a PO line: {quote(line)}",
                                        "a line is a comment (#), a keyword (msgid, msgstr, …) or a quoted string")
                reader.keyword(match.group(1), match.group(3), number)
        reader.finish()
    except PoSyntaxError as error:
        raise ContentError(SourceRef(shown, error.line), error.message, error.hint, blocking=True) from None
    seen: dict[tuple, int] = {}
    for entry in reader.entries:
        key = (entry.context, entry.msgid)
        if key in seen:
            what = f"msgctxt {quote(entry.context)}" if entry.context is not None else f"msgid {quote(entry.msgid)}"
            raise ContentError(SourceRef(shown, entry.line), f"duplicate entry: {what} (first on line {seen[key]})",
                               "keep one of the two entries", blocking=True)
        seen[key] = entry.line
    return reader.entries


def check_header(entries: list[PoEntry], shown: Path) -> None:
    """The header entry (msgid "") must declare UTF-8, the only encoding the files are read in."""
    header = next((e for e in entries if e.msgid == "" and e.context is None), None)
    if header is None:
        return
    match = _CHARSET.search(header.string)
    if match and match.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        line = header.msgstr_line + next((i for i, row in enumerate(header.string.split("\n"))
                                          if "charset=" in row.lower()), 0) + 1
        raise ContentError(SourceRef(shown, line), f"the header declares charset={match.group(1)}",
                           "PO files are read as UTF-8: write 'Content-Type: text/plain; charset=UTF-8' "
                           "and save the file as UTF-8", blocking=True)


def placeholders(text: str) -> list[str] | None:
    """The %(name)s names of a format string in order, or None when it has a % that is neither %% nor
    %(name)s (Jinja formats every translation: such a % fails on the page)."""
    names = []
    for match in _PERCENT.finditer(text):
        if match.group(0) == "%":
            return None
        if match.group(1):
            names.append(match.group(1))
    return names
