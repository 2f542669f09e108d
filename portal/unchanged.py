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
import operator
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
        self.inputs = read_inputs(folders, self.known) if folder else None  # as the key is taken of them
        self.key = self.key_of(self.known, inputs=self.inputs) if folder else None

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

    def save(self, site: Path, published: tuple | None, known: dict, summary: str, names, written: dict,
             read: dict[str, str] | None = None) -> None:
        """Keep the record of a build just published, when nothing it read changed while it ran (`known`: the
        inputs' digests by their times as it read them last) and site/ is still the tree it published
        (`published`: its root's tree_id then; another build may have published since). `names`: the site's
        files; `written`: the status of those publishing wrote, as it wrote them (see published_digest).
        `read`: the inputs' digests the build read and found the same at its end (else they are read again):
        the key is this build's when they are those it was taken of (an input changed since the build read it
        changes the next build's key, which then runs)."""
        if self.key is None or self.key_of(known, inputs=read) != self.key:
            return
        with output.site_lock(site.absolute()):
            if published is not None and tree_id(site) == published:
                save(self.folder, self.key, site, known, summary, published_digest(site, names, written))


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


def build_key(folders: dict[str, Path], known: dict, engine: str, options: dict,
              inputs: dict[str, str] | None = None) -> str | None:
    """The key of everything a build with these options reads; None when an input changed too recently to
    be told by its times (read_inputs remembers only older ones in `known`, which it updates). `inputs`: the
    inputs' digests as read already, with `known` (else they are read now)."""
    inputs = read_inputs(folders, known) if inputs is None else inputs
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


def site_digest(site: Path) -> str | None:
    """A digest of every file and folder below `site` (and itself) with its signature, by name; None when one
    is a link or something other than a file or folder, or when one changed too recently to be told by its
    times (each signature is taken after `looked`)."""
    looked = time.time_ns()
    found = listing(site)
    return digest_of(found, looked) if found is not None else None


def published_digest(site: Path, names, written: dict[str, os.stat_result]) -> str | None:
    """site_digest() of a site just published, made from what publishing did rather than by walking it again:
    the status of each file written anew as it was written (`written`: output.fill's, by name), and the
    others looked at now: the folders and site/ itself, and the files linked from the old site (removing the
    old site changed their link count, so their change time). An entry changed since its status was taken
    keeps the signature taken before its change: the record does not describe the site as it is then, and
    the next build runs. On a file system keeping nanoseconds it waits out the clock tick of the newest entry
    (then any later change moves a change time); None when it cannot (coarser times), or when one is gone.
    `names` None: site/ was left as it was (it held the files already), and is walked."""
    if names is None:
        looked, found = time.time_ns(), listing(site)
        return digest_of(found, looked, wait=True) if found is not None else None
    root = f"{site}/"
    try:
        found = [(".", *signature(os.lstat(site)))]
        found += [(folder, *signature(os.lstat(root + folder))) for folder in output.folders_of(names)]
        found += [(name, *signature(written[name] if name in written else os.lstat(root + name))) for name in names]
    except OSError:
        return None
    return digest_of(found, time.time_ns(), wait=True)


def digest_of(found: list[tuple], looked: int, wait: bool = False) -> str | None:
    """The digest of (name, kind, signature…) entries, sorted by name, each looked at after `looked`; None when
    one is not a file or folder, or one changed within FINE_SETTLED_NS (or output.SETTLED_NS, on a file system
    keeping coarser times) of being looked at. With `wait`, on a file system keeping nanoseconds, it waits for
    what is left of FINE_SETTLED_NS once the digest is made (a build just published keeps its record so)."""
    if not {entry[1] for entry in found} <= {stat.S_IFREG, stat.S_IFDIR}:  # the kind of each
        return None
    newest = max(map(operator.itemgetter(-1), found))  # the last of a signature is the ctime
    fine = newest % 1_000_000 != 0
    digest = cache.digest(repr(sorted(found)).encode())
    if looked - newest <= (FINE_SETTLED_NS if fine else output.SETTLED_NS):
        left = newest + FINE_SETTLED_NS - time.time_ns()
        if not (wait and fine and left <= WAIT_NS):
            return None
        time.sleep(max(left, 0) / 1e9 + 0.001)
    return digest


def listing(site: Path) -> list[tuple] | None:
    """(name, kind, signature…) of `site` (".") and of everything below it; None when one cannot be looked at."""
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


def signature(status: os.stat_result) -> tuple:
    """The kind of entry, then what changes when its bytes or entries change (see output.signature)."""
    return stat.S_IFMT(status.st_mode), *output.signature(status)


def known_inputs(record: dict) -> dict:
    """The inputs' digests by their times, as read_inputs keeps them, from a record (empty if malformed)."""
    try:
        return {name: (tuple(times), digest) for name, (times, digest) in record.get("inputs", {}).items()}
    except (AttributeError, TypeError, ValueError):
        return {}


def save(folder: Path, key: str, site: Path, known: dict, summary: str, files: str | None) -> None:
    """Keep the record of a build just published, `files` the digest of its site (none when it has none, a file
    too new to be told by its times: the next build runs, and keeps one)."""
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
