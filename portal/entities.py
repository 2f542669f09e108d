"""Character references in a body (&amp;, &nbsp;, &#8212;): passed through as written (Python-Markdown
keeps them aside from the text), but not counted as raw HTML, and refused when they name a character the
control-character check refuses in a file."""
from __future__ import annotations

import re

from markdown.inlinepatterns import ENTITY_RE, HtmlInlineProcessor

from .loading import character_problem

_NUMERIC = re.compile(r"&#(x?)([0-9a-fA-F]+);", re.IGNORECASE)


def reference_allowed(reference: str) -> bool:
    """Whether a character reference names a character a page may hold: not a control, bidirectional,
    surrogate or non-character code point (a browser would put the character itself on the page)."""
    numeric = _NUMERIC.fullmatch(reference)
    if not numeric:
        return True  # a named one: none names such a character
    number = int(numeric.group(2), 16 if numeric.group(1) else 10)
    if number > 0x10FFFF or 0xD800 <= number <= 0xDFFF or 0xFDD0 <= number <= 0xFDEF or (number & 0xFFFE) == 0xFFFE:
        return False
    return number != 0 and character_problem(chr(number)) is None


def is_reference(stashed) -> bool:
    """Whether a piece of Python-Markdown's raw-HTML stash is a character reference (known or not: a
    browser shows an unknown one as text), not markup."""
    return isinstance(stashed, str) and re.fullmatch(ENTITY_RE, stashed) is not None


class EntityPattern(HtmlInlineProcessor):
    """Python-Markdown's own handling of character references, which lists the refused ones in
    state["refused_entities"]."""

    def __init__(self, md, state: dict) -> None:
        super().__init__(ENTITY_RE, md)
        self.state = state

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API name)
        if not reference_allowed(m.group(1)):
            self.state.setdefault("refused_entities", []).append(m.group(1))
        return super().handleMatch(m, data)
