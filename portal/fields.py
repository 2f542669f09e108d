"""Typed, error-collecting access to the fields of one YAML record."""
from __future__ import annotations

import difflib
import re
from decimal import Decimal, InvalidOperation

from .errors import Collector
from .loading import Record
from .model import Localized

ID = r"[a-z0-9]+(?:[-.][a-z0-9]+)*"


def _type_name(value) -> str:
    return {dict: "a mapping", Record: "a mapping", list: "a list", bool: "true/false",
            int: "a number", float: "a number", str: "text"}.get(type(value), type(value).__name__)


class Fields:
    """Reads one record's fields; every problem is added to `errors` with its line."""

    def __init__(self, record: Record, errors: Collector, what: str) -> None:
        self.record = record
        self.errors = errors
        self.what = what
        self.ok = True

    def fail(self, key: str | None, message: str, hint: str | None = None) -> None:
        self.errors.add(self.record.ref(key), f"{self.what}: {message}", hint)
        self.ok = False

    def present(self, key: str) -> bool:
        return self.record.get(key) not in (None, "")

    def text(self, key: str, required: bool = True, pattern: str | None = None,
             hint: str | None = None) -> str | None:
        """A text field; numbers are accepted as text (period: 2024)."""
        if not self.present(key):
            if required:
                self.fail(None, f"missing field '{key}'", hint)
            return None
        value = self.record[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.fail(key, f"field '{key}' must be text, not {_type_name(value)}", hint)
            return None
        if pattern and not re.fullmatch(pattern, value):
            self.fail(key, f"field '{key}' has the malformed value {value!r}", hint)
            return None
        return value

    def ident(self, key: str, required: bool = True) -> str | None:
        return self.text(key, required, ID, "ids use lowercase letters, digits, '-' and '.'")

    def choice(self, key: str, options, required: bool = True) -> str | None:
        value = self.text(key, required)
        if value is not None and value not in options:
            self.fail(key, f"field '{key}' is {value!r}, not one of {', '.join(map(str, options))}")
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
            self.fail(key, f"field '{key}' must be true/false, not {_type_name(value)}")
            return None
        return value

    def number(self, key: str, required: bool = False) -> Decimal | None:
        if not self.present(key):
            if required:
                self.fail(None, f"missing field '{key}'")
            return None
        value = self.record[key]
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(key, f"field '{key}' must be a number, not {_type_name(value)}")
            return None
        try:
            if isinstance(value, str) and re.fullmatch(r"\d+/\d+", value.strip()):
                top, bottom = value.strip().split("/")
                return Decimal(top) / Decimal(bottom)
            return Decimal(str(value))
        except InvalidOperation:
            self.fail(key, f"field '{key}' must be a number, not {value!r}")
            return None

    def mapping(self, key: str, required: bool = True) -> Record | None:
        if not self.present(key):
            if required:
                self.fail(None, f"missing field '{key}'")
            return None
        value = self.record[key]
        if not isinstance(value, Record):
            self.fail(key, f"field '{key}' must be a mapping, not {_type_name(value)}")
            return None
        return value

    def items(self, key: str, required: bool = False) -> list:
        if not self.present(key):
            if required:
                self.fail(None, f"missing field '{key}'")
            return []
        value = self.record[key]
        if not isinstance(value, list):
            self.fail(key, f"field '{key}' must be a list, not {_type_name(value)}")
            return []
        return value

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
                self.errors.add(pair.ref(lang), f"{self.what}: '{key}.{lang}' must be text, not {_type_name(value)}")
                self.ok = False
            elif lang == "en" and re.search(r"[\u3400-\u9fff]", str(value)):
                self.errors.add(pair.ref(lang), f"{self.what}: Chinese characters in '{key}.en'",
                                "write the English only; the Chinese is shown from 'zh'")
                self.ok = False
            else:
                sides[lang] = str(value).strip()
        for extra in set(pair) - {"zh", "en"}:
            self.errors.add(pair.ref(extra), f"{self.what}: unknown language '{key}.{extra}'", "use zh and en")
            self.ok = False
        return Localized(sides["zh"], sides["en"]) if len(sides) == 2 else None

    def no_unknown(self, allowed) -> None:
        for key in self.record:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), list(allowed), n=1)
                self.fail(key, f"unknown field '{key}'", f"did you mean '{close[0]}'?" if close else
                          f"allowed fields: {', '.join(allowed)}")
