"""Errors that point at a place in the content: `path:line: message`."""
from __future__ import annotations

import errno
import unicodedata
from dataclasses import dataclass
from pathlib import Path

SHOWN_ERRORS = 50  # a longer report buries the first problem; the summary line gives the rest's count


@dataclass(frozen=True)
class SourceRef:
    """A place in a content file; line is 1-based, None when unknown."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


def quote(value, limit: int = 60) -> str:
    """A value as an editor wrote it, in quotes, for a message: no Python escapes, invisible
    characters named (U+2028), long text cut."""
    text = str(value)
    head = text[:limit]
    # printable text (the usual case) has none of the characters named below: no need to look at each
    shown = head if head.isprintable() else "".join(
        f"<U+{ord(ch):04X}>" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn") else ch
        for ch in head)
    return f"'{shown}…'" if len(text) > limit else f"'{shown}'"


class ContentError(Exception):
    """One problem in the content, with where it is and how to fix it.

    `blocking` marks a file that could not be read or parsed at all: such errors are printed first,
    since every other problem may follow from them."""

    def __init__(self, src: SourceRef, message: str, hint: str | None = None, blocking: bool = False) -> None:
        super().__init__(message)
        self.src = src
        self.message = message
        self.hint = hint
        self.blocking = blocking

    def __reduce__(self):
        # rendered on worker processes, errors travel back pickled: rebuild them from all their fields
        return (type(self), (self.src, self.message, self.hint, self.blocking))

    def __str__(self) -> str:
        text = f"{self.src}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def sort_key(self) -> tuple[bool, str, int, str]:
        return (not self.blocking, str(self.src.path), self.src.line or 0, self.message)


class ContentErrors(Exception):
    """Every problem found in one run, reported together: unreadable files first."""

    def __init__(self, errors: list[ContentError], suppressed: int = 0) -> None:
        self.errors = sorted(errors, key=ContentError.sort_key)
        self.suppressed = suppressed  # problems not reported: they follow from one of the errors
        super().__init__(f"{len(self.errors)} error(s)")

    def __str__(self) -> str:
        lines = [str(error) for error in self.errors[:SHOWN_ERRORS]]
        summary = f"{len(self.errors)} error(s)"
        if len(self.errors) > SHOWN_ERRORS:
            summary += f" ({len(self.errors) - SHOWN_ERRORS} not shown)"
        if self.suppressed:
            summary += f"; {self.suppressed} further problem(s) not reported: they follow from the errors above"
        lines.append(f"{summary}; nothing was written.")
        return "\n".join(lines)


class Collector:
    """Collects ContentErrors so a whole pass can run before failing once."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []
        self.suppressed = 0
        self._once: set = set()

    def add(self, src: SourceRef, message: str, hint: str | None = None) -> None:
        self.errors.append(ContentError(src, message, hint))

    def add_once(self, problem, src: SourceRef, message: str, hint: str | None = None) -> None:
        """Add the error the first time `problem` is found (e.g. anchors lost from a document: an edit that
        lost one or a whole text is one mistake); when more records run into it, count them as following."""
        if problem in self._once:
            self.suppress()
        else:
            self._once.add(problem)
            self.add(src, message, hint)

    def extend(self, errors: list[ContentError]) -> None:
        self.errors.extend(errors)

    def suppress(self) -> None:
        """Count a problem left unreported because it follows from another error (a file that failed to
        load, a record that is invalid itself)."""
        self.suppressed += 1

    def raise_if_any(self) -> None:
        if self.errors:
            raise ContentErrors(self.errors, self.suppressed)


def unexpected(error: BaseException) -> str:
    """The one line shown for a failure no check anticipated (the site is left as it was)."""
    detail = " ".join(str(error).split())[:200]
    return (f"internal error: {type(error).__name__}{': ' + detail if detail else ''} — this is a bug: please "
            "report it with the change that caused it; nothing was written.")


# The machine's problems, not the content's: the file system refused a write.
ENVIRONMENT_ERRNOS = {"ENOSPC": "the disk is full", "EDQUOT": "the disk quota is used up",
                      "EROFS": "the file system is read-only", "EACCES": "permission denied",
                      "EPERM": "operation not permitted"}


class EnvironmentProblem(Exception):
    """A write refused by the machine (full disk, read-only file system, no permission), naming the path;
    build.py exits with its own code for it (74, EX_IOERR) rather than calling it a bug."""

    def __init__(self, path, error: OSError, outcome: str) -> None:
        self.path, self.error, self.outcome = path, error, outcome
        super().__init__(str(path))

    def __str__(self) -> str:
        name = errno.errorcode.get(self.error.errno or 0, "")
        reason = ENVIRONMENT_ERRNOS.get(name) or self.error.strerror or str(self.error)
        return f"cannot write {self.path}: {reason} ({name}); {self.outcome}"


def environment_problem(error: BaseException) -> bool:
    """Whether an exception is the machine refusing a write (see EnvironmentProblem)."""
    return isinstance(error, OSError) and errno.errorcode.get(error.errno or 0) in ENVIRONMENT_ERRNOS


class FontsMissing(Exception):
    """The sharing cards' fonts are not installed."""
