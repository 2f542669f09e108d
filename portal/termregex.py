"""The glossary terms' regex (markup.TermLinks): every term, case ignored, not inside a word, the longest one
found at each place. Written as one alternation of the terms, longest first, the regex engine tries every term
at every start of a word (185 terms: a fifth of the real portal's body rendering). Written here as a trie of
the terms' characters, it follows one path through the text and gives back the same matches
(tests/test_bodies_stop37.py against the alternation):

- At a place in the text the alternation gives the first term, longest first, that the text there matches
  and that no letter or digit follows: the longest such term (terms of one length that both match differ
  only in case, and match the same span).
- With case ignored, a character of a term matches a character of the text when both lower to the same
  character or to one of its extra cases (`ſ` for `s`, the Kelvin sign for `k`: the regex compiler's own
  table, re._compiler._EXTRA_CASES); a character without case matches itself only. Children of a node of
  the trie are keyed by those classes, so at most one of them matches the next character of the text (checked
  when the trie is made: otherwise, or without those tables, the alternation is used).
- At a node that ends a term, going on is tried first (a greedy `?`), then ending: the regex tries the terms
  on the text's path longest first, and backtracks to a shorter one when a letter or digit follows, as the
  alternation does."""
from __future__ import annotations

import re

try:  # the regex compiler's case tables (Python 3.11)
    import _sre
    from re import _compiler
    _EXTRA_CASES: dict | None = _compiler._EXTRA_CASES
except (ImportError, AttributeError):  # pragma: no cover (another Python: the alternation)
    _EXTRA_CASES = None

_OUTSIDE_WORDS = ("(?<![A-Za-z0-9])", "(?![A-Za-z0-9])")
_END = "end"  # the key of a node that ends a term


def terms_regex(terms) -> re.Pattern:
    """The regex finding the terms (see the module's docstring)."""
    alternatives = sorted(terms, key=len, reverse=True)
    body = _trie(alternatives)
    if body is None:
        body = alternation(alternatives)
    return re.compile(f"{_OUTSIDE_WORDS[0]}(?:{body}){_OUTSIDE_WORDS[1]}", re.IGNORECASE)


def alternation(alternatives: list[str]) -> str:
    """The terms as one alternation, in the order given."""
    return "|".join(re.escape(term) for term in alternatives)


def _trie(terms: list[str]) -> str | None:
    """The terms as a trie written as a regex; None when its children could not be told apart."""
    if _EXTRA_CASES is None:
        return None
    root: dict = {}
    for term in terms:
        node = root
        for char in term:
            node = node.setdefault(_matched_by(char), (char, {}))[1]
        node[_END] = True
    return _written(root) if _apart(root) else None


def _matched_by(char: str) -> tuple:
    """What a character of a term matches with case ignored: its lower cases (a text character matches when
    it lowers to one of them), or itself when it has no case."""
    code = ord(char)
    if not _sre.unicode_iscased(code):
        return ("itself", code)
    lower = _sre.unicode_tolower(code)
    return ("lowers", frozenset((lower, *_EXTRA_CASES.get(lower, ()))))


def _children(node: dict) -> list[tuple[tuple, str, dict]]:
    """(key, character, node) of each child of a trie node."""
    return [(key, value[0], value[1]) for key, value in node.items() if key != _END]


def _apart(node: dict) -> bool:
    """Whether no text character matches two children of a node, in the whole trie."""
    children = [(key, child) for key, _char, child in _children(node)]
    classes = [key[1] for key, _child in children if key[0] == "lowers"]
    lowers = set().union(*classes)
    if len(lowers) != sum(len(one) for one in classes):
        return False
    if any(key[0] == "itself" and _sre.unicode_tolower(key[1]) in lowers for key, _child in children):
        return False
    return all(_apart(child) for _key, child in children)


def _written(node: dict) -> str:
    branches = [re.escape(char) + _written(child) for _key, char, child in _children(node)]
    if not branches:
        return ""
    if _END in node:
        return "(?:" + "|".join(branches) + ")?"
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
