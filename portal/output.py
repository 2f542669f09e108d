"""Publishing the site: a complete new tree swapped in for the old one with one atomic operation.

Every build writes its whole output into a sibling folder (files unchanged since the live site are
hard-linked from it, so a warm build writes little), then exchanges it with site/ in one step: a
reader, Netlify or a kill -9 sees the old complete site or the new one, never a mix. site/ stays a
directory (not a symlink to a versioned folder) because Netlify publishes and the preview serves a
plain folder and tools that walk it need not follow links: the exchange is renameat2(RENAME_EXCHANGE)
on Linux; elsewhere two renames, whose one gap (no site/) is repaired by the next build's start.
A lock file keeps a second build from writing the same site/ at the same time: it waits."""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

from .errors import EnvironmentProblem, environment_problem

# For the kill tests only: SIGKILL this process after writing this many files, or at "swap".
KILL_AT = "PORTAL_KILL_AT"


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file and os.replace, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def site_lock(site: Path, say=print):
    """Hold the site's lock file (next to it) for the duration; a second build waits for the first."""
    site.parent.mkdir(parents=True, exist_ok=True)
    with open(site.parent / f".{site.name}.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another build writing {site} to finish…")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def remove_leftovers(site: Path) -> None:
    """What an interrupted build left: its unfinished new trees, and the old site if the swap's fallback
    was cut between its two renames (then the old site is put back: it is complete)."""
    old = site.parent / f".{site.name}-old"
    if old.is_dir() and not site.exists():
        os.rename(old, site)
    for leftover in site.parent.glob(f".{site.name}-new-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def publish(files: dict[str, bytes], site: Path, say=print, known: dict[str, tuple] | None = None,
            then=lambda: None, written: dict[str, os.stat_result] | None = None) -> list[str]:
    """Make `site` hold exactly `files`, atomically; returns the names that changed (written or gone).
    A refused write (full disk, read-only, permission) is an EnvironmentProblem; site/ is then untouched.
    `known`: by path, (signature, bytes) of files of site/ that read_back() gave and the build verified
    (one is not read again while its signature holds and `files` has those very bytes). `then` is called
    with site/ holding the files, before another build may publish. `written` gets the status of each
    file written anew, as it was written (see fill)."""
    site, known = site.absolute(), known or {}
    try:
        with site_lock(site, say):
            remove_leftovers(site)
            present = set(names_in(site))
            if present == files.keys() and all(same_bytes(os.path.join(site, n), d, known) for n, d in files.items()):
                then()
                return []  # site/ holds exactly these files already: nothing to swap
            fresh = Path(tempfile.mkdtemp(dir=site.parent, prefix=f".{site.name}-new-"))
            try:
                changed = fill(fresh, files, site, known, present, written)
                changed += sorted(present - files.keys())
                os.chmod(fresh, 0o755)
                crash_point("swap")
                swap(fresh, site)
                then()
            finally:
                shutil.rmtree(fresh, ignore_errors=True)  # after the swap: the old site
            return changed
    except OSError as error:
        if environment_problem(error):
            raise EnvironmentProblem(error.filename or site, error, f"{site} is unchanged") from None
        raise


def fill(folder: Path, files: dict[str, bytes], old: Path, known: dict[str, tuple] | None = None,
         present: set[str] | None = None, written: dict[str, os.stat_result] | None = None) -> list[str]:
    """Write the files into an empty folder, hard-linking (else copying) those the old site holds with
    the same bytes (see same_bytes for `known`; `present`: the old site's names, when listed already);
    returns the names whose bytes are new. `written` gets the status of each file written, taken before
    it was closed (the record of the published site is made of them: unchanged.published_digest)."""
    changed, folder, old = [], str(folder), str(old)
    present = set(names_in(Path(old))) if present is None else present
    written = {} if written is None else written
    for parent in sorted(folders_of(files)):  # each folder once, after the one it is in
        os.mkdir(f"{folder}/{parent}")
    kill = os.environ.get(KILL_AT)  # looked up once, not for each of 22,000 files
    for count, name in enumerate(sorted(files), 1):  # names are relative posix paths: joined as strings
        data = files[name]
        if name in present and same_bytes(f"{old}/{name}", data, known):
            try:
                os.link(f"{old}/{name}", f"{folder}/{name}")
            except OSError:
                shutil.copyfile(f"{old}/{name}", f"{folder}/{name}")
        else:
            written[name] = write_new(f"{folder}/{name}", data)
            changed.append(name)
        if kill:
            crash_point(str(count))
    return changed


def folders_of(names) -> set[str]:
    """The folders the files of these relative posix names are in, and those those are in ("a/b/c.html": a/b,
    a); str methods, not os.path's (a site has 22,000 names)."""
    folders = set()
    for name in names:
        folder = name.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def write_new(path: str, data: bytes) -> os.stat_result:
    """Write a file as open(path, "wb") does (the same flags and mode), without its buffer object and the
    system calls it adds (fstat, ioctl, lseek): a cold build writes 22,000 files. Returns its status once
    written (closing it changes nothing of that)."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:  # a regular file takes it all in one call, but for a full disk (then the next one raises)
            view = view[os.write(handle, view):]
        return os.fstat(handle)
    finally:
        os.close(handle)


def same_bytes(path: Path, data: bytes, known: dict[str, tuple] | None = None) -> bool:
    """Whether the file holds `data`: read and compared, unless `known` has it as read into this very bytes
    object with its present signature (the same inode, unchanged since: see read_back). The identity
    matters: a file read back and then made anew (with other bytes of the same size) is compared."""
    try:
        status = os.stat(path)
        if status.st_size != len(data):
            return False
        read = known.get(str(path)) if known else None
        if read is not None and read[1] is data and read[0] == signature(status):
            return True
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


# A file whose status changed this recently may change again within the file system's clock tick (its
# ctime would not move): its signature is not taken.
SETTLED_NS = 2_000_000_000


def signature(status: os.stat_result) -> tuple:
    """What changes when a file's bytes change: its inode, size and modification and change times."""
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def read_back(path: Path) -> tuple[bytes, tuple | None] | None:
    """A published file's bytes and its signature as they were read (None when it changed too recently
    to tell a later change by it); None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            status = os.fstat(handle.fileno())
            data = handle.read()
    except OSError:
        return None
    return data, signature(status) if time.time_ns() - status.st_ctime_ns > SETTLED_NS else None


def names_in(folder: Path) -> list[str]:
    """The files below `folder` (links to files too; links to folders are not followed) as relative posix
    names: what rglob("*") with is_file() gives, in a quarter of its time (a site holds 20,000 files)."""
    if not folder.is_dir():
        return []
    names, todo = [], [("", str(folder))]
    while todo:
        prefix, path = todo.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.is_file():
                    names.append(prefix + entry.name)
    return names


def swap(fresh: Path, site: Path) -> None:
    """Put `fresh` where `site` is in one atomic step; the old site ends up at `fresh`."""
    if not site.exists():
        os.rename(fresh, site)
        os.mkdir(fresh)  # so the caller's cleanup has the same shape either way
        return
    if not exchange(fresh, site):
        old = site.parent / f".{site.name}-old"
        os.rename(site, old)
        os.rename(fresh, site)
        os.rename(old, fresh)


_libc = ctypes.CDLL(None, use_errno=True) if hasattr(ctypes, "CDLL") else None
AT_FDCWD, RENAME_EXCHANGE = -100, 2


def exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE): swap two paths atomically (Linux 3.15+); False where unavailable."""
    renameat2 = getattr(_libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # a file system without it: the fallback
        return False
    raise OSError(code, os.strerror(code), str(b))


def update_in_place(files: dict[str, bytes], folder: Path, previous: dict[str, bytes] | None) -> list[str]:
    """The preview's writing (only it may): each changed file replaced atomically, the ones no longer
    built removed; `previous` is what the last call wrote there (None: compare with the disk)."""
    if previous is None:
        changed = sorted(name for name, data in files.items() if not same_bytes(folder / name, data))
        gone = set(names_in(folder)) - files.keys()
    else:  # one changed file among thousands: only the changed are sorted; none gone when none is new
        changed = sorted(name for name, data in files.items() if previous.get(name) is not data and
                         previous.get(name) != data)
        new = len(files) != len(previous) or any(name not in previous for name in changed)
        gone = previous.keys() - files.keys() if new else set()
    for name in changed:
        write_atomic(folder / name, files[name])
    for name in sorted(gone):
        (folder / name).unlink(missing_ok=True)
    return changed + sorted(gone)


def crash_point(where: str) -> None:
    """Kill this process here when the kill tests ask for it (see KILL_AT)."""
    if os.environ.get(KILL_AT) == where:
        os.kill(os.getpid(), signal.SIGKILL)


def replace_site(files: dict[str, bytes], site: Path) -> None:
    """publish() without its messages (tests and tools that build once)."""
    publish(files, site, say=lambda text: None)
