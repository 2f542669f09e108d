"""Where a long build is: on a terminal a bar per stage (done/total, time left) once it has run a
second; elsewhere (CI, Netlify's log) one line per stage when it ends."""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager


class Stage:
    """A stage that says nothing (tests, the preview's rebuilds)."""

    def advance(self, count: int = 1) -> None:
        pass


class _Bar(Stage):
    def __init__(self, bar) -> None:
        self.bar = bar

    def advance(self, count: int = 1) -> None:
        self.bar.update(count)


class _Counted(Stage):
    def __init__(self) -> None:
        self.done = 0

    def advance(self, count: int = 1) -> None:
        self.done += count


class Progress:
    """Reports stages to `stream`: live bars when it is a terminal, else a line as each stage ends."""

    def __init__(self, stream=None, live: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "page"):
        started = time.perf_counter()
        if total == 0:  # nothing to do: nothing to say
            yield Stage()
            return
        if self.live:
            from tqdm import tqdm  # only a terminal needs it

            # delay: a stage shorter than a second shows nothing; leave=False: the summary line stays alone
            with tqdm(total=total, desc=name, unit=unit, file=self.stream, delay=1.0, leave=False,
                      dynamic_ncols=True) as bar:
                yield _Bar(bar)
            return
        counted = _Counted()
        yield counted
        count = f": {counted.done}/{total}" if total is not None else ""
        print(f"{name}{count} in {time.perf_counter() - started:.1f} s", file=self.stream, flush=True)


class Quiet(Progress):
    """No reports at all."""

    def __init__(self) -> None:
        super().__init__(sys.stderr, live=False)

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "page"):
        yield Stage()
