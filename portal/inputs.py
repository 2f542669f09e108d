"""The input files of a folder, symlinks refused: a link committed to the repository could publish any
file of the machine that builds it (/proc/self/environ, ~/.ssh/…), so no input is ever a link, and
no input's real path leaves its folder. Nothing here reads a file."""
from __future__ import annotations

import os
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
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    errors = []
    for entry in entries:  # a DirEntry knows whether it is a link without another system call
        if entry.is_symlink():
            errors.append(_link_error(shown / entry.name))
        elif entry.is_dir(follow_symlinks=False):
            errors.extend(link_errors(Path(entry.path), shown / entry.name))
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
