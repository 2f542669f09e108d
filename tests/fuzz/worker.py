"""The fuzz harness's build process: python -m tests.fuzz.worker CONTENT (reads a line, builds, answers)."""
import sys
from pathlib import Path

from .runner import serve_builds

serve_builds(Path(sys.argv[1]))
