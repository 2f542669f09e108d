"""House style for English text that a check enforces: the typographic apostrophe."""
from __future__ import annotations

import re

# A straight apostrophe inside a word (people's, Xi'an) or closing a plural possessive (districts' plans);
# quotation marks are not looked at
STRAIGHT_APOSTROPHE = re.compile(r"(?<=[A-Za-z])'(?=[A-Za-z])|(?<=s)'(?=[\s,.;:!?)]|$)")
APOSTROPHE_HINT = "write the apostrophe as ’ (U+2019), as the rest of the English does"
