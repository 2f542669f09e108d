"""Work done on a forked child while this process goes on: the build cache is saved while the site is
published (each a second at N=2000: the one JSON encoding, the other the kernel creating files)."""
from __future__ import annotations

import gc
import os
import signal


class Aside:
    """work() on a forked child, started now. The child reports nothing but whether it succeeded: on a
    failure the caller does the work itself, which raises what it raises. Where no child can be forked,
    the work is left to the caller (succeeded() is False)."""

    def __init__(self, work) -> None:
        try:
            self.pid = os.fork() if hasattr(os, "fork") else None
        except OSError:  # no process to be had (EAGAIN, ENOMEM): the caller does the work
            self.pid = None
        if self.pid == 0:
            status = 1
            try:
                gc.disable()  # a collection would touch, and so copy, every page the parent shares with it
                work()
                status = 0
            finally:
                os._exit(status)  # nothing of the parent's (exit handlers, buffered output) runs here

    def succeeded(self) -> bool:
        """Wait for the child; whether the work was done."""
        if self.pid is None:
            return False
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        return os.waitstatus_to_exitcode(status) == 0

    def cancel(self) -> None:
        """Stop the child (what it writes, it writes atomically) and wait for it."""
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
