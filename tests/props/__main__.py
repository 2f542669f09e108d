"""python -m tests.props --iterations 1000 --seed 1: random edits, each followed by warm, preview, damaged-
cache and killed builds compared with a fresh build (see runner.py)."""
from __future__ import annotations

import argparse
import sys

from .runner import run


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.props", description=__doc__)
    parser.add_argument("--iterations", type=int, default=200, help="edits (each checked up to four ways)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    report = run(args.iterations, args.seed, say=lambda text: print(text, flush=True))
    print(report.summary())
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
