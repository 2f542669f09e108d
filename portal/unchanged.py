"""A build with nothing to do: `build.py build` again after a build that read the same things and whose
site/ is as that build published it.

The build is a function of what it reads: the input files (by digest, and by modification time, which
dates a change to a zh.md not yet committed), the content's git commit (which dates a committed one),
the engine (its code and the libraries that render), the options, and the folder it publishes to. After a
successful build the key of all that is kept beside the cache with the signature of every file and folder
of site/ (device, inode, size, mtime, ctime: any write, link or rename changes the ctime). A later build
with the same key, whose site/ has exactly those files and folders with those signatures, would publish
the very same bytes: it publishes nothing. Anything else, including a record that does not verify, and
an input or a site file changed too recently to be told by its times, means the whole build runs.

The record is JSON that starts with the sha256 of the rest, like the cache (see cache.py)."""
from __future__ import annotations

import functools
import os
import re
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import cache, output
from .inputs import read_inputs

FILE = cache.RECORD
# A site file changed this recently may change again within its file system's clock tick without its ctime
# moving. Times with sub-millisecond digits come from a file system that keeps nanoseconds, whose clock
# ticks every few milliseconds; others (whole seconds, FAT's two) wait output.SETTLED_NS.
FINE_SETTLED_NS = 100_000_000
WAIT_NS = 500_000_000  # the longest a build just published waits to keep its record
LIBRARIES = ("jinja2", "markdown", "pyyaml", "babel")  # and with their options: pillow, weasyprint, pagefind


class Last:
    """The last build's record, and the key of what a build would read now (taken when made)."""

    def __init__(self, folder: Path | None, folders: dict[str, Path], engine: str, pdfs: bool, search: bool,
                 cards: bool) -> None:
        self.started, self.folder = time.perf_counter(), folder
        self.record = cache.read_signed(folder / FILE) if folder else {}  # {} when there is none that verifies
        self.known = known_inputs(self.record)
        self.key_of = functools.partial(build_key, folders, engine=engine, options={
            "pdfs": pdfs, "search": search, "cards": cards and cards_look(), "content": str(folders["content"])})
        self.key = self.key_of(self.known) if folder else None

    def holds(self, site: Path) -> bool:
        """Whether the last build read what a build would read now, into this very site/, still as it left it
        (what interrupted builds left beside site/ is removed first, as publishing does)."""
        if self.key is None or self.record.get("key") != self.key or self.record.get("site") != str(site.absolute()):
            return False
        with output.site_lock(site.absolute()):
            output.remove_leftovers(site.absolute())
            found = site_digest(site)
            return found is not None and self.record.get("files") == found

    def result(self, site: Path) -> Unchanged:
        return Unchanged(site, str(self.record.get("summary", "")), time.perf_counter() - self.started)

    def save(self, site: Path, published: tuple | None, known: dict, summary: str) -> None:
        """Keep the record of a build just published, when nothing it read changed while it ran (`known`: the
        inputs' digests by their times as it read them last) and site/ is still the tree it published
        (`published`: its root's tree_id then; another build may have published since)."""
        if self.key is None or self.key_of(known) != self.key:
            return
        with output.site_lock(site.absolute()):
            if published is not None and tree_id(site) == published:
                save(self.folder, self.key, site, known, summary)


def tree_id(site: Path) -> tuple | None:
    """Which tree site/ is: its root folder's device, inode and change time (a swap or rename changes them)."""
    try:
        status = os.lstat(site)
    except OSError:
        return None
    return status.st_dev, status.st_ino, status.st_ctime_ns


def cards_look() -> str:
    """What the sharing cards' pixels depend on besides the site: their drawing code, Pillow, the fonts."""
    from . import cards
    return cards.look_digest()


def build_key(folders: dict[str, Path], known: dict, engine: str, options: dict) -> str | None:
    """The key of everything a build with these options reads; None when an input changed too recently to
    be told by its times (read_inputs remembers only older ones in `known`, which it updates)."""
    inputs = read_inputs(folders, known)
    if set(inputs) != set(known):
        return None
    libraries = [*LIBRARIES, *(["pillow"] if options.get("cards") else []),
                 *(["weasyprint"] if options.get("pdfs") else []), *(["pagefind"] if options.get("search") else [])]
    stated = {"engine": engine, "options": options, "commit": commit_of(folders["content"]),
              "libraries": [version(name) for name in libraries],
              "inputs": [(name, digest, known[name][0][2]) for name, digest in inputs.items()]}  # [0][2]: mtime
    return cache.digest(repr(sorted(stated.items())).encode())


def version(distribution: str) -> str | None:
    """A distribution's installed version, from the name of its .dist-info folder, first on sys.path: what
    importlib.metadata.version gives for the wheels pip installs, without its 40 ms of imports on every
    build (None when it is not installed)."""
    wanted = _normalized(distribution)
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            stem, dash, found = name.removesuffix(".dist-info").partition("-")
            if name.endswith(".dist-info") and dash and _normalized(stem) == wanted:
                return found
    return None


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def commit_of(folder: Path) -> str | None:
    """The commit the content's git history ends at (None outside git, or without git)."""
    try:
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def site_digest(site: Path, wait: bool = False) -> str | None:
    """A digest of every file and folder below `site` (and itself) with its signature, in the order they are
    listed (a folder lists its entries in the same order while it is unchanged); None when one is a link or
    something other than a file or folder, or when one changed too recently to be told by its times (with
    `wait`, on a file system keeping nanoseconds, it waits for the rest of FINE_SETTLED_NS and looks at those
    again: a build just published keeps its record so; the others' signatures, taken when they were settled,
    stay as they are, since any change since would have moved their ctime)."""
    started = time.time_ns()
    found = listing(site)
    if found is None or not all(kind in (stat.S_IFREG, stat.S_IFDIR) for _, kind, *_ in found):
        return None
    newest = max(entry[-1] for entry in found)  # the last of a signature is the ctime
    fine = newest % 1_000_000 != 0
    settled = FINE_SETTLED_NS if fine else output.SETTLED_NS
    if started - newest <= settled:  # one taken too soon after its change (each was taken after `started`)
        left = newest + FINE_SETTLED_NS - time.time_ns()
        if not (wait and fine and left <= WAIT_NS):
            return None
        time.sleep(max(left, 0) / 1e9 + 0.001)
        again, found = time.time_ns(), restat(site, found, started - settled)
        if found is None or any(entry[-1] >= again - settled for entry in found):
            return None
    return cache.digest(repr(found).encode())


def listing(site: Path) -> list[tuple] | None:
    """(name, kind, signature…) of `site` (".") and of everything below it, in the order listed; None when
    one cannot be looked at."""
    found, todo = [], [("", str(site))]
    try:
        found.append((".", *signature(os.lstat(site))))
        while todo:
            prefix, path = todo.pop()
            with os.scandir(path) as entries:
                for entry in entries:
                    found.append((prefix + entry.name, *signature(entry.stat(follow_symlinks=False))))
                    if entry.is_dir(follow_symlinks=False):
                        todo.append((f"{prefix}{entry.name}/", entry.path))
    except OSError:
        return None
    return found


def restat(site: Path, found: list[tuple], since: int) -> list[tuple] | None:
    """`found` with the signature of each entry changed after `since` (its ctime) taken again; None when one
    cannot be looked at, or is no longer a file or a folder of the same kind."""
    again = []
    try:
        for entry in found:
            if entry[-1] > since:
                status = os.lstat(site if entry[0] == "." else os.path.join(site, entry[0]))
                entry = (entry[0], *signature(status)) if stat.S_IFMT(status.st_mode) == entry[1] else None
                if entry is None:
                    return None
            again.append(entry)
    except OSError:
        return None
    return again


def signature(status: os.stat_result) -> tuple:
    """The kind of entry, then what changes when its bytes or entries change (see output.signature)."""
    return stat.S_IFMT(status.st_mode), *output.signature(status)


def known_inputs(record: dict) -> dict:
    """The inputs' digests by their times, as read_inputs keeps them, from a record (empty if malformed)."""
    try:
        return {name: (tuple(times), digest) for name, (times, digest) in record.get("inputs", {}).items()}
    except (AttributeError, TypeError, ValueError):
        return {}


def save(folder: Path, key: str, site: Path, known: dict, summary: str) -> None:
    """Keep the record of a build just published (none when its site has a file too new to be told by its
    times: the next build runs, and keeps one)."""
    files = site_digest(site, wait=True)
    if files is None:
        (folder / FILE).unlink(missing_ok=True)
        return
    cache.write_signed(folder / FILE, {"key": key, "site": str(site.absolute()), "files": files, "summary": summary,
                                       "inputs": {name: [list(times), digest] for name, (times, digest) in known.items()}})


@dataclass(frozen=True)
class Unchanged:
    """What `build` returns when the last build read what it would read, and site/ is as it left it."""

    site_dir: Path
    counts: str
    seconds: float

    def summary(self) -> str:
        return f"nothing changed since the last build ({self.counts}): {self.site_dir} left as it was, {self.seconds:.2f} s"

    @property
    def files(self) -> dict[str, bytes]:
        """The site's files (as the last build made them)."""
        return {name: (self.site_dir / name).read_bytes() for name in output.names_in(self.site_dir)}
