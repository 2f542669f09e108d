"""Python-Markdown's attr_list pass (GuardedAttrList), step by step the library's, which parses each attribute
list's text once (the same `{: #p1 }` comes back in every document) and searches a string for a list only when
it holds a `{`: each of the library's three regexes (a block's last line, a heading's or cell's end, an inline
element's tail) starts its list with one (tests/test_library_passes.py and tests/test_bodies_stop37.py assign
against the library's pass)."""
from __future__ import annotations

import functools

from markdown.extensions.attr_list import AttrListTreeprocessor, get_attrs_and_remainder
from markdown.serializers import BOOLEAN_ATTRIBUTES

_AT_END = frozenset(["h1", "h2", "h3", "h4", "h5", "h6", "dt", "td", "th"])  # their list ends the element
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])


class GuardedAttrList(AttrListTreeprocessor):
    """The attr_list extension's pass: the library's run and assign_attrs, with the guard and the parse
    remembered (see the module's docstring)."""

    def run(self, doc) -> None:
        """The library's run: a block's list on its last line (a heading's, a cell's at its end) in its text or
        the tail of its last child (of an item's child before a nested list), an inline element's at the start
        of its tail."""
        is_block = self.md.is_block_level
        for elem in doc.iter():
            tag = elem.tag
            if is_block(tag):
                pattern = self.HEADER_RE if tag in _AT_END else self.BLOCK_RE
                if len(elem) and tag == "li":
                    position = next((i for i, child in enumerate(elem) if child.tag in ("ul", "ol")), None)
                    if position is None and elem[-1].tail:
                        self._from_tail(elem, elem[-1], pattern, False)
                    elif position is not None and position > 0 and elem[position - 1].tail:
                        self._from_tail(elem, elem[position - 1], pattern, False)
                    elif elem.text:
                        self._from_text(elem, pattern, False)
                elif len(elem) and elem[-1].tail:
                    self._from_tail(elem, elem[-1], pattern, tag in _HEADINGS)
                elif elem.text:
                    self._from_text(elem, pattern, tag in _HEADINGS)
            elif elem.tail and elem.tail[0] == "{":  # INLINE_RE: a list at the tail's start
                found = self.INLINE_RE.match(elem.tail)
                if found:
                    remainder = self.assign_attrs(elem, found.group(1))
                    elem.tail = elem.tail[found.end():] + remainder

    def _from_tail(self, elem, child, pattern, heading: bool) -> None:
        if (cut := self._without_list(elem, child.tail, pattern, heading)) is not None:
            child.tail = cut

    def _from_text(self, elem, pattern, heading: bool) -> None:
        if (cut := self._without_list(elem, elem.text, pattern, heading)) is not None:
            elem.text = cut

    def _without_list(self, elem, text: str, pattern, heading: bool) -> str | None:
        """`text` cut before the attribute list it ends with, once the list is assigned to `elem` (a heading's
        trailing #s cleaned up too); None when it ends with none, or with one that does not parse whole."""
        found = pattern.search(text) if "{" in text else None
        if not found or self.assign_attrs(elem, found.group(1), strict=True):
            return None
        cut = text[:found.start()]
        return cut.rstrip("#").rstrip() if heading else cut

    def assign_attrs(self, elem, attrs_string: str, *, strict: bool = False) -> str:
        attrs, remainder = _attribute_list(attrs_string)
        if strict and remainder:
            return remainder
        for k, v in attrs:
            if k == ".":
                cls = elem.get("class")
                elem.set("class", f"{cls} {v}" if cls else v)
            elif v is None:
                name = self.sanitize_name(k)
                boolean = name.lower() in BOOLEAN_ATTRIBUTES.get(self.md.output_format, frozenset())
                elem.set(name, name if boolean else None)
            else:
                elem.set(self.sanitize_name(k), v)
        return remainder


@functools.lru_cache(maxsize=4096)
def _attribute_list(text: str) -> tuple[tuple[tuple[str, str | None], ...], str]:
    attrs, remainder = get_attrs_and_remainder(text)
    return tuple(attrs), remainder
