"""Which strings every match of a regex holds, read from the regex's parsed form: the inline pass gives a
text to a pattern only when it holds one of them (guarded.GuardedInlineProcessor)."""
from __future__ import annotations

import functools

try:  # the regex parser of the standard library (Python 3.11 renamed its module)
    from re import _constants as sre, _parser as sre_parse
except ImportError:  # pragma: no cover (Python before 3.11)
    import sre_constants as sre
    import sre_parse

# Characters without case: no flag (IGNORECASE) makes one of them match another character
CASELESS = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \n\t")
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))
_MOST = 16  # strings in one set at most (a run of alternatives multiplies them)


@functools.lru_cache(maxsize=256)
def needed_strings(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Strings of CASELESS characters of which every match of the regex holds one (lookaheads and
    lookbehinds included: they read the same text); None when the regex does not tell."""
    return _needed(sre_parse.parse(pattern, flags))


def _needed(items) -> frozenset[str] | None:
    """Of a sequence: every item matches, so any item's strings will do; a run of items that each match
    one of a few exact strings matches one of their concatenations. The longest strings are kept."""
    found, run = [], [""]
    for op, argument in items:
        exact = _exact(op, argument)
        if exact is not None and len(run) * len(exact) <= _MOST:
            run = [a + b for a in run for b in exact]
            continue
        found.append(frozenset(run))
        run = list(exact) if exact is not None else [""]
        if exact is None:
            found.append(_needed_by(op, argument))
    found.append(frozenset(run))
    found = [strings for strings in found if strings and "" not in strings]
    return max(found, key=lambda strings: (min(map(len, strings)), -len(strings)), default=None)


def _needed_by(op, argument) -> frozenset[str] | None:
    """What an item that is not one of a few exact strings needs."""
    if op in _REPEATS:
        low, _high, item = argument
        return _needed(item) if low >= 1 else None
    if op is sre.SUBPATTERN:
        return _needed(argument[-1])
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _needed(argument)
    if op is sre.ASSERT:
        return _needed(argument[1])
    if op is sre.BRANCH:  # one of the alternatives matches: each must need something
        alternatives = [_needed(alternative) for alternative in argument[1]]
        if any(strings is None for strings in alternatives):
            return None
        return frozenset().union(*alternatives)
    return None


def _exact(op, argument) -> list[str] | None:
    """The strings an item matches when it matches one of a few non-empty strings of CASELESS characters."""
    if op is sre.LITERAL:
        return [chr(argument)] if chr(argument) in CASELESS else None
    if op is sre.IN:  # a class of literals (no negation, range or category)
        if all(kind is sre.LITERAL and chr(code) in CASELESS for kind, code in argument):
            return [chr(code) for _, code in argument] or None
        return None
    if op is sre.SUBPATTERN:
        return _exact_sequence(argument[-1])
    if op is sre.BRANCH:
        alternatives = [_exact_sequence(alternative) for alternative in argument[1]]
        if any(strings is None for strings in alternatives):
            return None
        return [string for strings in alternatives for string in strings]
    if op in _REPEATS and argument[0] == argument[1] >= 1:  # exactly n times
        return _exact_sequence(list(argument[2]) * argument[0])
    return None


def _exact_sequence(items) -> list[str] | None:
    strings = [""]
    for op, argument in items:
        exact = _exact(op, argument)
        if exact is None or len(strings) * len(exact) > _MOST:
            return None
        strings = [a + b for a in strings for b in exact]
    return strings if "" not in strings else None


def pattern_needs(pattern) -> frozenset[str] | None:
    """What an inline pattern's regex needs (needed_strings), None for anything but a compiled regex."""
    compiled = getattr(pattern, "compiled_re", None)
    if compiled is None or not isinstance(compiled.pattern, str):
        return None
    return needed_strings(compiled.pattern, compiled.flags)
