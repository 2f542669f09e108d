"""The glossary's index: terms grouped by initial (A–Z in English, pinyin initials in Chinese), sorted."""
from __future__ import annotations

import functools
import re
import unicodedata

from .model import Term

DIGITS = "0–9"
# Quotation marks, brackets and other signs before a term's first letter or character
LEADING = re.compile(r"^[\W_]+")


@functools.lru_cache(maxsize=8192)  # pinyin of a few hundred terms: tenths of a second on every glossary edit
def sort_key(text: str, lang: str) -> str:
    """How a term sorts: its Latin spelling (Chinese read as toneless pinyin), lower case, no leading signs."""
    text = LEADING.sub("", text)
    if lang == "zh":
        # imported here: its phrase dictionary takes a few tenths of a second to load, and only the
        # Chinese glossary page (re-rendered when the glossary changes) needs it
        from pypinyin import lazy_pinyin
        text = " ".join(lazy_pinyin(text))
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.casefold()


def initial(key: str) -> str:
    """The index letter of a sort key: A–Z, or 0–9 for terms that start with a figure."""
    first = key[:1]
    return first.upper() if first.isalpha() else DIGITS


def index_groups(terms: tuple[Term, ...] | list[Term], lang: str) -> list[tuple[str, str, list[Term]]]:
    """The terms in index order as (initial, anchor, terms); figures first, then A–Z."""
    keyed = sorted((sort_key(t.term[lang], lang), t.id, t) for t in terms)
    groups: dict[str, list[Term]] = {}
    for key, _, term in keyed:
        groups.setdefault(initial(key), []).append(term)
    ordered = sorted(groups.items(), key=lambda item: (item[0] != DIGITS, item[0]))
    return [(letter, "index-digits" if letter == DIGITS else f"index-{letter}", group) for letter, group in ordered]
