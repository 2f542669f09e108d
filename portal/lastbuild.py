"""What the last build made, kept for the next: its files (in memory, else read back from the site it was
published to) with their digests, and the entries that say while each may be kept: pages and data files
(incremental.py), the search index (search.Bundle), citations, feeds, package and sharing cards
(publishing.py), the records' digests (editions.record_digests). Loaded from the build cache, saved to it."""
from __future__ import annotations

import os
from pathlib import Path

from . import cache, output, search
from .incremental import Entry, Verified


class LastBuild:
    """The last build's output and entries; a file is given only while its bytes have the digest asked for."""

    def __init__(self, state: dict) -> None:
        self.entries = {path: Entry(e[0], tuple(map(tuple, e[1])), e[2]) for path, e in state.get("pages", {}).items()}
        data = state.get("data")
        self.data = (data[0], tuple(map(tuple, data[1])), data[2]) if data else None  # (key, reads, {name: digest})
        self.search = search.Bundle(state.get("search", ("", {})))
        self.cards, self.reuse = state.get("cards", {}), state.get("reuse", [])  # {path: [key, digest]}, [key, {…}]
        self.records: dict[str, str] = state.get("records", {})
        self.site_dir = Path(state["site"]) if "site" in state else None
        self.files: dict[str, bytes] = {}  # in memory (in a new process: none, read back from site_dir)
        self.made: dict[str, str] = {}  # the digests of the files in self.files that a build may keep
        self.read_back: dict[str, tuple] = {}  # site files read and verified, by path: (signature, bytes)
        self.verified: Verified | None = None  # its page entries and the digests they were taken with

    def file(self, name: str, digest: str) -> bytes | None:
        """A file of the last build, when its bytes have `digest`."""
        data = self.files.get(name)
        if data is not None and self.made.get(name) == digest:  # the digest taken of these very bytes
            return data
        if data is None and self.site_dir is not None:
            data, known = output.read_back(os.path.join(self.site_dir, name)) or (None, None)  # 7,000 warm: no pathlib
            if data is None or cache.digest(data) != digest:
                return None
            if known:  # publish() need not read it again while it is unchanged and these bytes are published
                self.read_back[os.path.join(self.site_dir.absolute(), name)] = (known, data)
            return data
        return data if data is not None and cache.digest(data) == digest else None

    def all_of(self, digests: dict[str, str]) -> dict[str, bytes] | None:
        """Each of these files (by name: digest) of the last build, or None when one is not at hand."""
        if digests.items() <= self.made.items() and digests.keys() <= self.files.keys():  # file()'s first case for
            return dict(zip(digests, map(self.files.__getitem__, digests))) or None  # all, as sets (thousands)
        files = {name: self.file(name, digest) for name, digest in digests.items()}
        return files if files and None not in files.values() else None

    def replace(self, names: list[str], new: dict[str, bytes], digests: dict[str, str]) -> None:
        """Files made in place of those kept for now (`names`: the new ones may be named otherwise)."""
        for name in set(names) - set(new):
            self.files.pop(name, None), self.made.pop(name, None)
        self.files.update(new)
        self.made.update(digests)

    def saved(self, site_dir: Path) -> dict:
        """What the cache keeps of it, its pages being in site_dir, where it was published: JSON's types but for
        the reads' tuples, which json.dumps writes as the lists they are loaded from (not copied: 0.1 s at N=2000)."""
        return {"site": str(site_dir.absolute()),
                "pages": {path: [e.key, e.reads, e.digest] for path, e in self.entries.items()},
                "data": [self.data[0], self.data[1], self.data[2]] if self.data else None,
                "search": [self.search.key, self.search.made], "cards": self.cards, "reuse": self.reuse,
                "records": self.records}
