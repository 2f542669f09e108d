"""Where a site's inputs are, and their files, symlinks refused: a link committed to the repository could
publish any file of the machine that builds it (/proc/self/environ, ~/.ssh/…), so no input is ever a link,
and no input's real path leaves its folder. read_inputs() hashes the files (and keeps the bytes it hashed for
the reader: READ); nothing else here reads one."""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, ContentErrors, SourceRef

LINK_HINT = "replace the link with the file itself: inputs are read only from inside the project"


def _link_error(shown: Path) -> ContentError:
    return ContentError(SourceRef(shown), "symlinks are not allowed", LINK_HINT, blocking=True)


def _inside(path: Path, folder: Path) -> bool:
    return os.path.realpath(path).startswith(os.path.realpath(folder) + os.sep)


def refuse_link(path: Path, base: Path, shown: Path) -> None:
    """Raise a ContentError when `path`, or a folder between `base` and it, is a symlink, or when its
    real path is not inside `base`."""
    try:
        relative = path.relative_to(base)
    except ValueError:
        raise ContentError(SourceRef(shown), "is outside the project", LINK_HINT, blocking=True) from None
    current = base
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            raise _link_error(shown)
    if not _inside(path, base):
        raise _link_error(shown)


def link_errors(folder: Path, shown: Path) -> list[ContentError]:
    """Every symlink below `folder` (the folder itself included), one error each; links are not followed."""
    if folder.is_symlink():
        return [_link_error(shown)]
    errors: list[ContentError] = []
    _walk(str(folder), shown.as_posix(), [], errors, hashed=False)  # the walk read_inputs makes, listing no file
    return errors


def refuse_links(folders: dict[str, Path]) -> None:
    """Raise ContentErrors naming every symlink in these input folders (by the names they are shown under)."""
    errors = [error for name, folder in folders.items() for error in link_errors(folder, Path(name))]
    if errors:
        raise ContentErrors(errors)


def input_files(folder: Path, shown: Path) -> list[Path]:
    """Every file below `folder`, sorted; raises ContentErrors when any entry is a symlink."""
    refuse_links({shown.as_posix(): folder})
    return sorted(Path(top, name) for top, _, files in os.walk(folder) for name in files)


@dataclass(frozen=True)
class Project:
    """Where a site's inputs are: templates/, static/, i18n/ below root; content/ there or elsewhere."""

    root: Path
    content_dir: Path | None = None

    @property
    def content(self) -> Path:
        return self.content_dir or self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def static(self) -> Path:
        return self.root / "static"

    def folders(self) -> dict[str, Path]:
        """The input folders by the names their files are known under."""
        return {"content": self.content, "templates": self.templates, "static": self.static,
                "i18n": self.root / "i18n"}


# A file changed this recently is hashed on every read: a second write within one tick of the file system's
# clock can leave its times as they were. Only files older than this are remembered by their times.
RECENT_NS = 2_000_000_000


# The bytes of the files as the last read_inputs() found them, by their sha256 (content-addressed: true whatever
# file or project they came from), those it hashed and those hashed before whose digest it kept by their times:
# the reader screens these instead of reading the file again (loading.py). A command line build hashes every
# input for its key (unchanged.py), then the builder reads them by their times: its reader takes these bytes.
READ: dict[str, bytes] = {}
READ_LIMIT = 1_000_000  # bytes: a larger file the reader refuses unread (textfiles.MAX_BYTES)


def read_inputs(folders: dict[str, Path], known: dict | None = None) -> dict[str, str]:
    """sha256 of every input file, keyed 'content/…', 'templates/…' etc. as if all were below one root.
    With `known` (kept by the caller between calls, updated here) a file whose inode, size, mtime and ctime
    are those it had when hashed, changed over RECENT_NS before, keeps that digest: any write changes the
    ctime (restoring the mtime with touch -r or cp -p does not undo it)."""
    found, errors = [], []
    for name, base in folders.items():  # one walk finds the files and the symlinks (refuse_links's errors)
        if base.is_symlink():
            errors.append(_link_error(Path(name)))
        else:
            _walk(str(base), name, found, errors, hashed=True)
    if errors:  # before any file is read: a symlink could publish any file of the machine
        raise ContentErrors(errors)
    digests, seen, now = {}, {}, time.time_ns()
    for key, entry in found:
        stat = entry.stat(follow_symlinks=False) if known is not None else None
        times = stat and (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
        kept = known.get(key) if known is not None else None
        if kept is not None and kept[0] == times:
            digests[key] = kept[1]
        else:
            with open(entry.path, "rb") as handle:
                data = handle.read()
            digests[key] = hashlib.sha256(data).hexdigest()
            if len(data) <= READ_LIMIT:
                READ[digests[key]] = data
        if stat is not None and now - stat.st_ctime_ns > RECENT_NS:  # hashed after these times were read
            seen[key] = (times, digests[key])
    if known is not None:
        known.clear()
        known.update(seen)
    for gone in READ.keys() - digests.values():  # the bytes of no input as it is now
        del READ[gone]
    return dict(sorted(digests.items()))


def _walk(folder: str, shown: str, found: list, errors: list, hashed: bool) -> None:
    """Below `folder` (shown as `shown`), in name order: each file as (its key, its DirEntry) into `found`
    (none inside __pycache__, whose files are no input), each symlink as link_errors() gives it into `errors`."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:  # a DirEntry knows whether it is a link without another system call
        key = f"{shown}/{entry.name}"
        if entry.is_symlink():
            errors.append(_link_error(Path(key)))
        elif entry.is_dir(follow_symlinks=False):
            _walk(entry.path, key, found, errors, hashed and entry.name != "__pycache__")
        elif hashed:
            found.append((key, entry))
