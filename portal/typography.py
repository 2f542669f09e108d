"""House style for English text: the typographic apostrophe (a check enforces it), and headings shown
without their Chinese glosses."""
from __future__ import annotations

import re

# A straight apostrophe inside a word (people's, Xi'an) or closing a plural possessive (districts' plans);
# quotation marks are not looked at
STRAIGHT_APOSTROPHE = re.compile(r"(?<=[A-Za-z])'(?=[A-Za-z])|(?<=s)'(?=[\s,.;:!?)]|$)")
APOSTROPHE_HINT = "write the apostrophe as ’ (U+2019), as the rest of the English does"

# A parenthesis with the whitespace before it; (?<!\s) starts each match at the beginning of a run of
# whitespace, so no run is scanned twice (a leading \s* alone made long runs quadratic)
_PARENTHESIS = re.compile(r"(?<!\s)\s*\(([^()]*)\)")
_CHINESE = re.compile(r"[\u3400-\u9fff]")


def without_chinese_glosses(text: str) -> str:
    """English text without the parenthesised Chinese glosses it carries: "Title (标题)" -> "Title"."""
    return _PARENTHESIS.sub(lambda m: "" if _CHINESE.search(m.group(1)) else m.group(0), text)
