"""Numbers in running text, for the zh/en consistency check: every Arabic number of a Chinese text (with
the magnitudes it may be converted by, 2000亿 -> 200 billion) must appear in its English in some form."""
from __future__ import annotations

import functools
import re
from decimal import Decimal

from .figures import MAGNITUDES

# Each pattern begins with a bare \d, its first digit taken out of the alternatives that all begin with one (the
# same matches): then the regex engine skips to the next digit in C instead of trying the whole pattern at
# every character (N=2000's English blocks: 0.22 -> 0.05 s; the zh: 0.034 -> 0.018 s)
_ZH_NUMBER = re.compile(r"(\d\d*(?:\.\d+)?)(?:余|多)?(万亿|亿|万)?")
_EN_NUMBER = re.compile(r"(\d(?:\d{0,2}(?:,\d{3})+|\d*))(?:\.(\d+))?(?:\s*(trillion|billion|million|thousand))?",
                        re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_EN_SCALE = {"trillion": Decimal("1e12"), "billion": Decimal("1e9"), "million": Decimal("1e6"),
             "thousand": Decimal("1e3")}
_EN_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "first": 1, "second": 2, "third": 3,
             "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
             "half": 2, "once": 1, "twice": 2, "single": 1, "double": 2, "dozen": 12,
             "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
             "august": 8, "september": 9, "october": 10, "november": 11, "december": 12}


def numbers_zh(text: str) -> list[tuple[str, set[Decimal]]]:
    """Each Arabic number in zh text with the values it may appear as in English."""
    found = []
    for match in _ZH_NUMBER.finditer(text):
        value = Decimal(match.group(1))
        options = {value}
        if match.group(2):
            options.add(value * MAGNITUDES[match.group(2)])
        found.append((match.group(0), options))
    return found


def numbers_en(text: str) -> set[Decimal]:
    """Every number an English text states, in digits or as a small number word."""
    return {value for stated in stated_numbers(text) for value in stated}


def stated_numbers(text: str) -> list[set[Decimal]]:
    """Each number an English text states (in digits or as a small number word), with the values it may
    stand for (200 billion: 200 and 200000000000)."""
    stated = []
    for match in _EN_NUMBER.finditer(text):
        whole = match.group(1).replace(",", "")
        value = Decimal(f"{whole}.{match.group(2)}" if match.group(2) else whole)
        stated.append({value, value * _EN_SCALE[match.group(3).lower()]} if match.group(3) else {value})
    for word in re.findall(r"[A-Za-z]+", text):
        if word.lower() in _EN_WORDS:
            stated.append({Decimal(_EN_WORDS[word.lower()])})
    return stated


def missing_numbers(zh: str, en: str) -> list[str]:
    """The zh numbers (as written) that the English text does not state in any form."""
    if _DIGIT.search(zh) is None:  # no number to carry over (every _ZH_NUMBER begins at a digit and any digit
        return []  # begins one): asked before the memo, which would hash both texts (N=2000: no zh block has one)
    return list(_missing_numbers(zh, en))


@functools.lru_cache(maxsize=16384)  # a pure function of two texts: an edit re-checks only the blocks it changed
def _missing_numbers(zh: str, en: str) -> tuple[str, ...]:
    """Per occurrence: each zh number needs an English number of its own (10 written twice in zh needs
    two 10s in English: a 10 changed to 11 is missing, though 10 appears elsewhere in the block)."""
    found = numbers_zh(zh)
    if not found:  # nothing to carry over: the English is not read (N=2000: no zh block has a figure)
        return ()
    stated = stated_numbers(en)
    matched = _match([options for _, options in found], stated)
    available = {value for values in stated for value in values}
    missing = []
    for position, (written, _options) in enumerate(found):
        if position in matched:
            continue
        # "1.1999年" in a numbered list is 1 and 1999, not a decimal
        parts = re.findall(r"\d+", written)
        if len(parts) == 2 and all(Decimal(p) in available for p in parts):
            continue
        missing.append(written)
    return tuple(missing)


SEARCH_BUDGET = 500  # steps one zh number may take to free an English number taken by another


def _match(wanted: list[set[Decimal]], stated: list[set[Decimal]]) -> set[int]:
    """Which zh numbers (by position) get an English number of their own: a bipartite matching, first
    greedy (each takes a free English number), then one bounded augmenting search per number left over
    (50亿 may be 50 or 5 billion: a lone 5 must not take the "5 billion" it needs)."""
    by_value: dict[Decimal, list[int]] = {}
    for index, values in enumerate(stated):
        for value in values:
            by_value.setdefault(value, []).append(index)
    owner: dict[int, int] = {}  # English number -> the zh number it stands for
    free = {value: iter(indexes) for value, indexes in by_value.items()}
    left = []
    for position, options in enumerate(wanted):
        taken = next((i for value in sorted(options, reverse=True) for i in free.get(value, ()) if i not in owner),
                     None)
        if taken is None:
            left.append(position)
        else:
            owner[taken] = position

    def augment(position: int, seen: set[int], budget: list[int]) -> bool:
        for value in wanted[position]:
            for index in by_value.get(value, ()):
                if index in seen or budget[0] <= 0:
                    continue
                budget[0] -= 1
                seen.add(index)
                if index not in owner or augment(owner[index], seen, budget):
                    owner[index] = position
                    return True
        return False

    for position in left:
        augment(position, set(), [SEARCH_BUDGET])
    return set(owner.values())
