"""python -m tests.fuzz --iterations 10000 --seed 1 [--timeout 20] [--memory-mb 2048]"""
from __future__ import annotations

import argparse
import signal
import sys

from .runner import fuzz


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="first iteration (to resume or reproduce one)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per input before it counts as a hang")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address-space limit per input")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the worker, remove the temporary copy
    report = fuzz(args.iterations, args.seed, args.timeout, args.memory_mb << 20,
                  say=lambda text: print(text, flush=True), start=args.start)
    print(report.summary())
    return 1 if report.bugs else 0


if __name__ == "__main__":
    sys.exit(main())
