"""File notifications for the preview: the moment a burst of saves settles, one call with what changed."""
from __future__ import annotations

import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

# Changes less than this many milliseconds apart are one burst. Short, so that a save is rebuilt at
# once: an editor's save written in parts (truncate, then write; or several files, as a checkout) is
# made whole by the rebuild itself, which reads its inputs again at its end and starts again when they
# changed (pipeline.InputsChanged), and a failed one is shown only when no save follows within
# SETTLE_MS (serve.watch_inputs). Changes made while a rebuild runs are the next burst, whole.
STEP_MS = 2
# How long the errors of a failed rebuild wait for the rest of a save written in parts.
SETTLE_MS = 100


class Watch:
    """Watches folders (recursively, with the OS's notifications) and calls on_change(paths, waiting) once
    per burst of changes, on a thread of its own. Changes made while a call runs are the next burst
    (all of them: one call); waiting() says whether there are any (or, given seconds, whether any come
    within them), so that a call can leave optional work for later. Changes below the `ignored` folders (the site being written, the caches) and
    editors' swap and backup files are dropped; a burst of only those calls nothing."""

    def __init__(self, folders: Iterable[Path], on_change: Callable[[list[str], Callable[[], bool]], None],
                 ignored: Iterable[Path] = (), step_ms: int = STEP_MS) -> None:
        self.folders = [str(Path(f).resolve()) for f in folders if Path(f).is_dir()]
        self.on_change = on_change
        self.filter = watchfiles.DefaultFilter(ignore_paths=[str(Path(p).resolve()) for p in ignored])
        self.step_ms = step_ms
        self.ready = threading.Event()  # set once the OS is watching: saves from then on are seen
        self._changes: queue.Queue[set[str] | None] = queue.Queue()
        self._arrived = threading.Condition()  # notified when a burst is queued
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._watch, name="watch", daemon=True),
                         threading.Thread(target=self._call, name="rebuild", daemon=True)]

    def start(self) -> "Watch":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        with self._arrived:
            self._changes.put(None)
            self._arrived.notify_all()
        for thread in self._threads:
            thread.join(timeout=5)

    def waiting(self, seconds: float = 0.0) -> bool:
        """Whether changes are waiting for the next call; with `seconds`, whether any arrive within them
        (returning as soon as they do)."""
        deadline = time.monotonic() + seconds
        with self._arrived:
            while self._changes.empty():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._arrived.wait(left)
        return True

    def _watch(self) -> None:
        # yield_on_timeout: an empty set after `rust_timeout` ms without changes, which says the watch is up
        for changes in watchfiles.watch(*self.folders, watch_filter=self.filter, step=self.step_ms,
                                        stop_event=self._stop, rust_timeout=100, yield_on_timeout=True,
                                        raise_interrupt=False):
            self.ready.set()
            if changes:
                with self._arrived:
                    self._changes.put({path for _change, path in changes})
                    self._arrived.notify_all()

    def _call(self) -> None:
        while True:
            paths = self._changes.get()
            while paths is not None and not self._changes.empty():  # everything saved meanwhile: one call
                more = self._changes.get()
                paths = None if more is None else paths | more
            if paths is None:
                return
            try:
                self.on_change(sorted(paths), self.waiting)
            except Exception:  # a bug in one rebuild must not end the watch: say it, keep watching
                traceback.print_exc()

