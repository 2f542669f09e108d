"""What a build can reuse: input digests, path fingerprints, and the cache kept between builds."""
from __future__ import annotations

import bisect
import fnmatch
import gc
import hashlib
import os
import pickle
from pathlib import Path

from . import inputs, output


def hash_inputs(folders: dict[str, Path], stats: dict | None = None) -> dict[str, str]:
    """sha1 of every input file, keyed 'content/…', 'templates/…' etc. as if all were below one root.

    `stats` remembers (mtime, size, digest) per file, so an unchanged file is not read again."""
    stats = {} if stats is None else stats
    inputs.refuse_links(folders)  # before any file is read: a symlink could publish any file of the machine
    hashes: dict[str, str] = {}
    for name, base in folders.items():
        _hash_folder(str(base), name, stats, hashes)
    return dict(sorted(hashes.items()))


def _hash_folder(folder: str, key: str, stats: dict, hashes: dict) -> None:
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        name = f"{key}/{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__":
                _hash_folder(entry.path, name, stats, hashes)
            continue
        info = entry.stat()
        known = stats.get(name)
        if known and known[0] == info.st_mtime_ns and known[1] == info.st_size:
            hashes[name] = known[2]
        else:
            with open(entry.path, "rb") as handle:
                hashes[name] = hashlib.sha1(handle.read()).hexdigest()
            stats[name] = (info.st_mtime_ns, info.st_size, hashes[name])


def engine_digest() -> str:
    """A cache is only valid for the engine code that wrote it."""
    digest = hashlib.sha1()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class BuildCache:
    """What a build can reuse: file digests, parsed YAML, rendered bodies and pages, checks, data files."""

    FILE = "build-cache.pickle"

    def __init__(self) -> None:
        self.stats: dict = {}
        self.parsed: dict = {}
        self.bodies: dict = {}
        self.checks: dict = {}
        self.pages: dict = {}  # output path -> (page key, sha1, size): the bytes stay in the site written
        self.data: dict = {}
        self.catalogs: dict = {}
        self.states: dict = {}  # translation states by document id, with the digests of their inputs
        self.site: tuple | None = None  # (digest of the content and catalogs, the Site validated from them)
        self.messages: dict = {}  # UI strings per template or engine file: (name, digest) -> [(line, msgid)]
        self.search: tuple | None = None
        self.written: dict | None = None  # what the last build wrote: {"site": folder, "files": {name: sha1}}
        self.saved_for: str | None = None  # the inputs and output of the build this cache was saved after

    @classmethod
    def load(cls, folder: Path, engine: str) -> "BuildCache":
        enabled = gc.isenabled()
        gc.disable()  # the cyclic collector would walk the objects being unpickled again and again (half the time)
        try:
            with (folder / cls.FILE).open("rb") as handle:
                stored_engine, cache = pickle.load(handle)
            if stored_engine == engine and isinstance(cache, cls):
                cache.catalogs = {}
                return cache
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
            pass  # no cache, or one from another engine version: build from scratch
        finally:
            if enabled:
                gc.enable()
        return cls()

    def save(self, folder: Path, engine: str) -> None:
        catalogs, self.catalogs = self.catalogs, {}  # compiled catalogs are cheap and not picklable
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # streamed, not pickle.dumps: the cache of a large site would double the build's peak memory
            output.write_atomic_with(folder / self.FILE,
                                     lambda handle: pickle.dump((engine, self), handle, pickle.HIGHEST_PROTOCOL))
        finally:
            self.catalogs = catalogs


def fingerprint(hashes: dict[str, str], prefixes) -> str:
    """One hash over the files whose paths start with any of the prefixes (or match it, for globs)."""
    return Fingerprints(hashes)(tuple(prefixes))


class Fingerprints:
    """fingerprint() for many pages of one build: prefixes found by bisection, results memoized."""

    def __init__(self, hashes: dict[str, str]) -> None:
        self.hashes = hashes
        self.keys = sorted(hashes)
        self.memo: dict[tuple, str] = {}
        self.globbed: dict[str, list[str]] = {}  # a glob's matches, once per build (pages share theirs)

    def matching(self, prefix: str) -> list[str]:
        if "*" in prefix:
            if prefix not in self.globbed:
                self.globbed[prefix] = [k for k in self.keys if fnmatch.fnmatch(k, prefix)]
            return self.globbed[prefix]
        start = bisect.bisect_left(self.keys, prefix)
        end = bisect.bisect_left(self.keys, prefix + "\U0010ffff")
        return self.keys[start:end]

    def __call__(self, prefixes: tuple[str, ...]) -> str:
        if prefixes not in self.memo:
            digest = hashlib.sha1()
            for key in sorted({k for prefix in prefixes for k in self.matching(prefix)}):
                digest.update(f"{key}\0{self.hashes[key]}\n".encode())
            self.memo[prefixes] = digest.hexdigest()
        return self.memo[prefixes]
