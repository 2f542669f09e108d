"""bench/run.py at a tiny size (no Hugo, no browser), so that the benchmark cannot rot unnoticed; its corpus
is kept in tests/fixture/bench-plain, so it runs in a clone without ../shared too."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.slow  # runs bench/run.py on a small corpus
def test_the_benchmark_runs_at_a_tiny_size():
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--smoke"], capture_output=True,
                            text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("smoke N=3: cold ")
