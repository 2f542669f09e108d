"""Reading a text input: UTF-8, within size limits, free of control and bidirectional characters; every
refusal a ContentError at its line."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .errors import ContentError, SourceRef
from .inputs import READ

# Limits checked before a file reaches a parser: the content is far below them (largest file 130 KB,
# longest line 7,600 characters, deepest YAML 6 levels); an input beyond them is a mistake or an attack
# (libyaml's composer overflows the C stack on ~30,000 nested lists).
MAX_BYTES = 1_000_000
MAX_LINE = 20_000
# C0 and C1 control characters other than tab and newline; the Unicode noncharacters U+FFFE and U+FFFF
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
# Bidirectional controls (embeddings, overrides, isolates, marks) reorder the text around them, so a
# link or a figure can read otherwise than it is written (Trojan Source); neither Chinese nor English
# needs one, so they are refused in every file, not only in links
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Either of them, in one pass over a text (nearly every text has neither: the two passes took 0.28 s of a
# cold N=2000 build, this one 0.14 s)
_EITHER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# The text of each file content that passed read_text's checks, by the sha256 of its bytes (the result
# depends on the bytes alone): the preview reads every input on every rebuild, and screening all takes
# ~10 ms. Refusals are not kept: their messages name the file.
SCREENED: dict[str, str] = {}
SCREENED_LIMIT = 2_000


def display_path(path: Path, root: Path) -> Path:
    """A path as the editor knows it: relative to the project when possible."""
    try:
        return path.relative_to(root)
    except ValueError:
        return path


def read_text(path: Path, shown: Path) -> str:
    """A UTF-8 text file within the size limits and free of control characters, or a ContentError naming
    the line; line ends are read as \\n."""
    return read_input(path, shown)[0]


def read_input(path: Path, shown: Path, digest: str | None = None) -> tuple[str, str]:
    """read_text()'s text, and the sha256 of the bytes it is made of. With `digest`, the sha256 of the file's
    bytes as the build found them (inputs.read_inputs), the file is read once: the text screened before from
    bytes of that digest, else the very bytes read_inputs hashed (inputs.READ), screened now."""
    if digest is not None and digest in SCREENED:  # bytes of this digest passed the checks below before
        return SCREENED[digest], digest
    data = READ.get(digest) if digest is not None else None
    if data is None:
        data = _read_bytes(path, shown)
        digest = hashlib.sha256(data).hexdigest()
    elif len(data) > MAX_BYTES:
        raise _too_large(shown)
    if digest not in SCREENED:
        text = _screened(data, shown)
        if len(SCREENED) >= SCREENED_LIMIT:
            SCREENED.clear()
        SCREENED[digest] = text
    return SCREENED[digest], digest


def _too_large(shown: Path) -> ContentError:
    return ContentError(SourceRef(shown, 1), f"file is larger than {MAX_BYTES // 1_000_000} MB",
                        "split it into several files", blocking=True)


def _read_bytes(path: Path, shown: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:  # not even read: a huge file must not fill the memory
            raise _too_large(shown)
        return path.read_bytes()
    except FileNotFoundError:
        raise ContentError(SourceRef(shown, 1), "file not found", blocking=True) from None
    except OSError as error:
        raise ContentError(SourceRef(shown, 1), f"cannot be read: {error.strerror or error}", blocking=True) from None


def _screened(data: bytes, shown: Path) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContentError(SourceRef(shown, line), "not valid UTF-8", "save the file as UTF-8",
                           blocking=True) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = character_problem(text)
    if found:
        position, message, hint = found
        raise ContentError(SourceRef(shown, text.count("\n", 0, position) + 1), message, hint, blocking=True)
    lines = text.split("\n") if len(text) > MAX_LINE else []  # no line is longer than its text
    if lines and max(map(len, lines)) > MAX_LINE:  # lengths compared in C: N=2000's 410,000 lines, 0.08 s in Python
        number = next(number for number, line in enumerate(lines, 1) if len(line) > MAX_LINE)
        raise ContentError(SourceRef(shown, number), f"line is longer than {MAX_LINE:,} characters",
                           "break it into several lines", blocking=True)
    return text


def character_problem(text: str) -> tuple[int, str, str] | None:
    """The first control or bidirectional character in a text: (index, message, hint); None if clean."""
    if _EITHER.search(text) is None:
        return None
    control = _CONTROL.search(text) or _BIDI.search(text)
    kind = "control" if _CONTROL.match(control.group(0)) else "bidirectional control"
    return (control.start(), f"{kind} character U+{ord(control.group(0)):04X} is not allowed",
            "delete it (most editors do not show it)")


class SourceText:
    """A Markdown file, read once; a file that cannot be read reads as empty text and keeps its
    ContentError in `error`."""

    def __init__(self, path: Path, shown: Path, digest: str | None = None) -> None:
        self.path, self.shown = path, shown
        self.error: ContentError | None = None
        try:
            self.text = read_input(path, shown, digest)[0]
        except ContentError as error:
            self.error, self.text = error, ""
