"""Checks of single records kept between builds, by digests of what they read: a record's key (its file,
the digest of the text parsed, its place in the file: see loading.RawContent.read_yaml) and a value for
everything else the check looks at. Only a check that found no problem (and suppressed none) is kept, so
every message is always made afresh; a record without a key (not read from a file) is checked every time.
Checks whose result is their list of problems, made from what they read alone (the zh/en check of a
document), are kept whole by the digests of those inputs (Checks.kept)."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from .errors import Collector
from .loading import Record

LIMIT = 50_000  # entries; past it the memo starts again (several projects in one process, long sessions)
BLOCK_LIMIT = 250_000  # the same for pairs of blocks: a large site has tens of thousands (N=2000: 32,000)


class CheckMemo:
    """One kind of check (values, indicators, terms, goals, conflicts, themes) and the results it kept."""

    def __init__(self) -> None:
        self.kept: dict[tuple, object] = {}

    def __call__(self, record: Record, against: Hashable, check: Callable[[], object], errors: Collector):
        """check()'s result for `record` checked against `against` (what else the check reads, as a value)."""
        if record.key is None:
            return check()
        key = (record.key, against)
        if key in self.kept:
            return self.kept[key]
        before = (len(errors.errors), errors.suppressed)
        result = check()
        if (len(errors.errors), errors.suppressed) == before:
            if len(self.kept) >= LIMIT:
                self.kept.clear()
            self.kept[key] = result
        return result


@dataclass
class Checks:
    """What a builder keeps of validation between its builds (a new one for every fresh build)."""

    values: CheckMemo = field(default_factory=CheckMemo)
    indicators: CheckMemo = field(default_factory=CheckMemo)
    terms: CheckMemo = field(default_factory=CheckMemo)
    goals: CheckMemo = field(default_factory=CheckMemo)
    conflicts: CheckMemo = field(default_factory=CheckMemo)
    themes: CheckMemo = field(default_factory=CheckMemo)
    documents: CheckMemo = field(default_factory=CheckMemo)  # their fields (validation.documents_ahead)
    problems: dict[tuple, list] = field(default_factory=dict)
    blocks: dict[tuple, list] = field(default_factory=dict)

    def kept(self, key: tuple, make: Callable[[], object]):
        """make()'s result, kept by `key`: everything the pure function make() reads (a check's problems:
        its messages are made from those alone, so a kept list is the list a fresh check gives)."""
        return kept_in(self.problems, LIMIT, key, make)

    def keep(self, results: list[tuple[str, tuple, object]]) -> None:
        """Keep results made elsewhere by what they read, as kept() ("translation") and block_problems()
        ("pair") would have: [(kind, key, make()'s result)]; other kinds are not theirs."""
        for kind, key, result in results:
            if kind == "translation":
                self.kept(key, lambda: result)
            elif kind == "pair":
                self.block_problems(key, lambda: result)

    def block_problems(self, key: tuple, check: Callable[[], list]) -> list:
        """The problems of one pair of blocks (zh and en), kept as kept() keeps a document's, in a
        store of their own: a large site's pairs would fill the other store and clear it every build."""
        return kept_in(self.blocks, BLOCK_LIMIT, key, check)


def kept_in(store: dict, limit: int, key: tuple, make: Callable[[], object]):
    """make()'s result, kept in `store` by `key` (the store starts again past `limit` entries)."""
    if key not in store:
        if len(store) >= limit:
            store.clear()
        store[key] = make()
    return store[key]
