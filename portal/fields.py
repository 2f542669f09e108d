"""Typed, error-collecting access to the fields of one YAML record."""
from __future__ import annotations

import difflib
import re
from decimal import Decimal, InvalidOperation

from .errors import Collector, ContentError, SourceRef, quote
from .loading import Record
from .model import Localized
from .typography import APOSTROPHE_HINT, STRAIGHT_APOSTROPHE

ID = r"[a-z0-9]+(?:[-.][a-z0-9]+)*"
# Ids name folders and files (indicators/<id>/, pdf/<id>.en.pdf) and anchors: far below a file system's
# 255-byte names, and far above the content's longest (30 characters)
MAX_ID = 100
ID_HINT = f"ids use lowercase letters, digits, '-' and '.', at most {MAX_ID} characters"


# What `build.py new-document` writes in each field an editor must fill in ("TO FILL: the title in English");
# the build refuses a record that still holds one
TO_FILL = "TO FILL"


def unfilled(record: Record, prefix: str = "") -> list[tuple[str, SourceRef]]:
    """The fields of a record (dotted: title.en) that still hold the TO FILL marker, with where each is."""
    found = []
    for key, value in record.items():
        name = f"{prefix}{key_name(key)}"
        if isinstance(value, Record):
            found += unfilled(value, name + ".")
        elif isinstance(value, str) and value.lstrip().startswith(TO_FILL):
            found.append((name, record.ref(key)))
    return found


# A figure in the content is at most trillions with a few decimals; beyond that it is a typo (and a
# number like 1e999999 would take minutes to print digit by digit).
MAX_EXPONENT = 18


def type_name(value) -> str:
    """What a YAML value is, in an editor's words."""
    for kind, name in ((bool, "true/false"), (dict, "a mapping"), (list, "a list"), (int, "a number"),
                       (float, "a number"), (str, "text")):
        if isinstance(value, kind):
            return name
    return "nothing" if value is None else "an unknown kind of value"


def decimal_of(value) -> Decimal | None:
    """A finite number of sensible size from YAML (int, float, or text such as '2100' or '1/3'), else None."""
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d+/\d+", text):
            top, bottom = text.split("/")
            if int(bottom) == 0:
                return None
            number = Decimal(top) / Decimal(bottom)
        else:
            number = Decimal(text)
    except (InvalidOperation, ValueError, ArithmeticError):
        return None
    if not number.is_finite() or (number and abs(number.adjusted()) > MAX_EXPONENT):
        return None
    return number


def key_name(key) -> str:
    """A mapping key as the editor wrote it (YAML reads an empty key or `~` as null)."""
    return "null" if key is None else str(key)


def describe(kind: str, record: Record) -> str:
    """How messages name a record: value 'plan.gdp', or value (no id)."""
    ident = record.get("id")
    if isinstance(ident, (str, int)) and not isinstance(ident, bool) and str(ident).strip():
        return f"{kind} {quote(ident)}"
    return f"{kind} (no id)"


def _listed(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


class Fields:
    """Reads one record's fields; every problem is added to `errors` with its line."""

    def __init__(self, record: Record, errors: Collector, what: str) -> None:
        self.record = record
        self.errors = errors
        self.what = what
        self.ok = True
        self.misspelt: set[str] = set()  # allowed fields an unknown field looks like a misspelling of
        self.missed: list[str] = []  # required fields found missing, reported as one error
        self.missed_error: ContentError | None = None

    def fail(self, key: str | None, message: str, hint: str | None = None) -> None:
        self.errors.add(self.record.ref(key), f"{self.what}: {message}", hint)
        self.ok = False

    def known(self, key: str, value: str | None, known, noun: str, hint: str, reported: bool = False) -> None:
        """A reference must name one of `known`. When `reported` (the list it names failed, or the value is
        one that list's own error already names) the mistake is that one: no second error, the record not ok."""
        if not value:
            return
        if reported:
            self.errors.suppress()
            self.ok = False
        elif value not in known:
            close = difflib.get_close_matches(value, sorted(known), n=1)
            self.fail(key, f"unknown {noun} '{value}'", f"did you mean '{close[0]}'?" if close else hint)

    def missing(self, key: str, hint: str | None = None) -> None:
        """A required field is absent; an empty record is one error, not one per field, and a misspelt
        field (already reported) none."""
        if key in self.misspelt:
            self.errors.suppress()
        elif self.missed:  # several fields missing (a line lost, an indentation slipped): one error
            self.missed.append(key)
            first = self.errors.errors.index(self.missed_error)
            self.missed_error = ContentError(self.missed_error.src, f"{self.what}: missing fields "
                                             f"{_listed(self.missed)}", "see the content schema in README.md")
            self.errors.errors[first] = self.missed_error
        elif self.record:
            self.missed.append(key)
            self.fail(None, f"missing field '{key}'", hint)
            self.missed_error = self.errors.errors[-1]
        elif self.ok:
            self.fail(None, "the record is empty", "fill in its fields (see the content schema in README.md)")
        self.ok = False

    def present(self, key: str) -> bool:
        return self.record.get(key) not in (None, "")

    def text(self, key: str, required: bool = True, pattern: str | None = None,
             hint: str | None = None) -> str | None:
        """A text field; numbers are accepted as text (period: 1999)."""
        if not self.present(key):
            if required:
                self.missing(key, hint)
            return None
        value = self.record[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.fail(key, f"field '{key}' must be text, not {type_name(value)}", hint)
            return None
        if pattern and not re.fullmatch(pattern, value):
            self.fail(key, f"field '{key}' has the malformed value {quote(value)}", hint)
            return None
        return value

    def ident(self, key: str, required: bool = True) -> str | None:
        value = self.text(key, required, ID, ID_HINT)
        if value is not None and len(value) > MAX_ID:
            self.fail(key, f"field '{key}' is longer than {MAX_ID} characters ({len(value)})", ID_HINT)
            return None
        return value

    def choice(self, key: str, options, required: bool = True) -> str | None:
        value = self.text(key, required)
        if value is not None and value not in options:
            self.fail(key, f"field '{key}' is {quote(value)}, not one of {', '.join(map(str, options))}")
            return None
        return value

    def flag(self, key: str, required: bool = True) -> bool | None:
        """A true/false field (YAML true/false, not text)."""
        if key not in self.record or self.record[key] is None:
            if required:
                self.fail(None, f"missing field '{key}'", f"write '{key}: true' or '{key}: false'")
            return None
        value = self.record[key]
        if not isinstance(value, bool):
            self.fail(key, f"field '{key}' must be true/false, not {type_name(value)}")
            return None
        return value

    def number(self, key: str, required: bool = False) -> Decimal | None:
        if not self.present(key):
            if required:
                self.missing(key)
            return None
        value = self.record[key]
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(key, f"field '{key}' must be a number, not {type_name(value)}")
            return None
        number = decimal_of(value)
        if number is None:
            self.fail(key, f"field '{key}' must be a number, not {quote(value)}",
                      "write digits, e.g. 2100 or 6.5 (no .inf, .nan or division by zero)")
        return number

    def idents(self, key: str, required: bool = False) -> list[str]:
        """A list of ids (references); each item must be an id, reported at its own line."""
        good = []
        items = self.items(key, required)
        for index, item in enumerate(items):
            line = items.lines[index] if hasattr(items, "lines") else None
            if isinstance(item, str) and re.fullmatch(ID, item) and len(item) <= MAX_ID:
                good.append(item)
                continue
            problem = f"must be an id, not {type_name(item)}" if not isinstance(item, str) else \
                f"{quote(item)} is longer than {MAX_ID} characters" if re.fullmatch(ID, item) else \
                f"{quote(item)} is not an id"
            src = SourceRef(self.record.path, line) if line else self.record.ref(key)
            self.errors.add(src, f"{self.what}: item {index + 1} of '{key}' {problem}",
                            "list ids: '- some-id' or [a-id, b-id]")
            self.ok = False
        return good

    def mapping(self, key: str, required: bool = True) -> Record | None:
        if not self.present(key):
            if required:
                self.missing(key)
            return None
        value = self.record[key]
        if not isinstance(value, Record):
            self.fail(key, f"field '{key}' must be a mapping, not {type_name(value)}")
            return None
        return value

    def items(self, key: str, required: bool = False) -> list:
        if not self.present(key):
            if required:
                self.missing(key)
            return []
        value = self.record[key]
        if not isinstance(value, list):
            self.fail(key, f"field '{key}' must be a list, not {type_name(value)}")
            return []
        return value

    def records(self, key: str, required: bool = False) -> list[Record]:
        """A list of mappings; other items are reported at their own line."""
        good = []
        items = self.items(key, required)
        for index, item in enumerate(items):
            if isinstance(item, Record):
                good.append(item)
            else:
                line = items.lines[index] if hasattr(items, "lines") else None
                self.errors.add(SourceRef(self.record.path, line) if line else self.record.ref(key),
                                f"{self.what}: item {index + 1} of '{key}' must be a mapping, not {type_name(item)}")
                self.ok = False
        return good

    def localized(self, key: str, required: bool = True) -> Localized | None:
        """A {zh, en} pair; a missing side is a missing translation."""
        pair = self.mapping(key, required)
        if pair is None:
            return None
        sides = {}
        for lang in ("zh", "en"):
            value = pair.get(lang)
            if value in (None, ""):
                self.errors.add(pair.ref(), f"{self.what}: missing translation '{key}.{lang}'",
                                f"add the {'Chinese' if lang == 'zh' else 'English'}: '{lang}: …'")
                self.ok = False
            elif not isinstance(value, (str, int, float)) or isinstance(value, bool):
                self.errors.add(pair.ref(lang), f"{self.what}: '{key}.{lang}' must be text, not {type_name(value)}")
                self.ok = False
            elif lang == "en" and re.search(r"[\u3400-\u9fff]", str(value)):
                self.errors.add(pair.ref(lang), f"{self.what}: Chinese characters in '{key}.en'",
                                "write the English only; the Chinese is shown from 'zh'")
                self.ok = False
            elif lang == "en" and STRAIGHT_APOSTROPHE.search(str(value)):
                self.errors.add(pair.ref(lang), f"{self.what}: straight apostrophe in '{key}.en'", APOSTROPHE_HINT)
                self.ok = False
            else:
                sides[lang] = str(value).strip()
        for extra in set(pair) - {"zh", "en"}:
            self.errors.add(pair.ref(extra), f"{self.what}: unknown language '{key}.{key_name(extra)}'",
                            "use zh and en")
            self.ok = False
        return Localized(sides["zh"], sides["en"]) if len(sides) == 2 else None

    def refuse_unfilled(self) -> bool:
        """One error naming every field that still holds the TO FILL marker; True when there was one."""
        todo = unfilled(self.record)
        if todo:
            names = ", ".join(name for name, _ in todo)
            self.errors.add(todo[0][1], f"{self.what}: {len(todo)} field(s) still to be filled: {names}",
                            f"replace each '{TO_FILL}: …' with what it asks for (see the content schema in README.md)")
            self.ok = False
        return bool(todo)

    def no_unknown(self, allowed) -> None:
        """Each field not in `allowed` is an error; one that looks like a misspelt allowed field names it,
        and that field's absence is then not reported again."""
        for key in self.record:
            if key not in allowed:
                close = difflib.get_close_matches(key_name(key), list(allowed), n=1)
                self.misspelt.update(c for c in close if c not in self.record)
                self.fail(key, f"unknown field {quote(key_name(key))}", f"did you mean '{close[0]}'?" if close else
                          f"allowed fields: {', '.join(allowed)}")
