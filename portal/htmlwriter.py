"""Python-Markdown's HTML serializer (to_html_string) written as a recursive function, byte for byte: the
library's keeps a queue of elements and strings and escapes every attribute each time. Here each attribute
as written is remembered by its name and value (a body's permalinks, classes and labels repeat), an element's
several attributes, sorted and written, by their names and values in order, and what a tag needs (raw text,
an end tag) by the tag. A tree holding anything but plain tags, string attributes and
text (comments, processing instructions, qualified names), or nested too deep for recursion, goes to the
library's serializer (tests/test_bodyspeed.py writes every element of real and random bodies with both)."""
from __future__ import annotations

import re
from xml.etree.ElementTree import HTML_EMPTY

from markdown.serializers import BOOLEAN_ATTRIBUTES, _escape_attrib_html, _escape_cdata, to_html_string

_BOOLEAN = BOOLEAN_ATTRIBUTES["html"]
_KEPT = 8192  # attributes remembered at most (emptied when full)
_ATTRIBUTES: dict[tuple[str, str], str] = {}  # (name, value) -> ` name="value"` as the library writes it
_SEVERAL: dict[tuple, str] = {}  # an element's attributes (name, value), two or more, in order -> as written
_TAGS: dict[str, tuple[bool, str]] = {}  # tag -> (its text is raw, its end tag or "")


class _Unusual(Exception):
    """A tree holding what only the library's serializer writes."""


def serialize(element) -> str:
    """The HTML of an element and its children, as Python-Markdown's to_html_string writes it."""
    parts: list[str] = []
    try:
        _write(parts.append, element)
    except (_Unusual, RecursionError):
        return to_html_string(element)
    return "".join(parts)


def _write(write, element) -> None:
    """The library's order: start tag, text, children, end tag (none for an empty element), tail. A text
    without '&', '<' and '>' is written as it is (the library's escaping would give it back)."""
    tag = element.tag
    text = element.text
    if tag is None:  # children without a tag of their own
        if text:
            write(_escape_cdata(text) if _ESCAPED(text) else text)
        for child in element:
            _write(write, child)
    elif type(tag) is str:
        attributes = element.attrib
        if not attributes:
            write(f"<{tag}>")
        elif len(attributes) == 1:
            (name, value), = attributes.items()
            write(f"<{tag}{_attribute(name, value)}>")
        else:
            items = tuple(attributes.items())
            try:
                written = _SEVERAL.get(items)
            except TypeError:  # an unhashable value: the library's to write
                raise _Unusual from None
            if written is None:
                written = _several(items)
            write(f"<{tag}{written}>")
        raw, end = _TAGS.get(tag) or _tag(tag)
        if text:
            write(text if raw or not _ESCAPED(text) else _escape_cdata(text))
        for child in element:
            _write(write, child)
        if end:
            write(end)
    else:
        raise _Unusual
    tail = element.tail
    if tail:
        write(_escape_cdata(tail) if _ESCAPED(tail) else tail)


_ESCAPED = re.compile("[&<>]").search  # what _escape_cdata looks for


def _tag(tag: str) -> tuple[bool, str]:
    """Whether a tag's text is written raw (script, style) and its end tag ("" for an empty element)."""
    lower = tag.lower()
    _TAGS[tag] = (lower in ("script", "style"), "" if lower in HTML_EMPTY else f"</{tag}>")
    return _TAGS[tag]


def _several(items: tuple) -> str:
    """Attributes as the library writes them, sorted by name (remembered by the items in their order)."""
    written = "".join([_attribute(k, v) for k, v in sorted(items)])
    if len(_SEVERAL) >= _KEPT:
        _SEVERAL.clear()
    _SEVERAL[items] = written
    return written


def _attribute(name, value) -> str:
    if type(name) is not str or type(value) is not str:
        if value is None and type(name) is str:
            return f" {name}"  # a valueless attribute, as given
        raise _Unusual
    written = _ATTRIBUTES.get((name, value))
    if written is None:
        escaped = _escape_attrib_html(value)
        written = f" {escaped}" if name == escaped and name in _BOOLEAN else f' {name}="{escaped}"'
        if len(_ATTRIBUTES) >= _KEPT:
            _ATTRIBUTES.clear()
        _ATTRIBUTES[name, value] = written
    return written
