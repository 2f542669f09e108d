"""Errors that point at a place in the content: `path:line: message`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceRef:
    """A place in a content file; line is 1-based, None when unknown."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


class ContentError(Exception):
    """One problem in the content, with where it is and how to fix it."""

    def __init__(self, src: SourceRef, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.src = src
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.src}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def sort_key(self) -> tuple[str, int, str]:
        return (str(self.src.path), self.src.line or 0, self.message)


class ContentErrors(Exception):
    """Every problem found in one run, reported together."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = sorted(errors, key=ContentError.sort_key)
        super().__init__(f"{len(self.errors)} error(s)")

    def __str__(self) -> str:
        lines = [str(error) for error in self.errors]
        lines.append(f"{len(self.errors)} error(s); nothing was written.")
        return "\n".join(lines)


class Collector:
    """Collects ContentErrors so a whole pass can run before failing once."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []

    def add(self, src: SourceRef, message: str, hint: str | None = None) -> None:
        self.errors.append(ContentError(src, message, hint))

    def extend(self, errors: list[ContentError]) -> None:
        self.errors.extend(errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ContentErrors(self.errors)
