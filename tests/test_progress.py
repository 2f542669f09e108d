"""Progress of long builds: a line per stage when the output is not a terminal (CI, Netlify)."""
from __future__ import annotations

import io
import re

import pytest

from conftest import FIXTURE, run_cli
from portal.progress import Progress


def test_a_log_gets_one_line_per_stage_and_none_for_empty_ones():
    log = io.StringIO()
    progress = Progress(log, live=False)
    with progress.stage("PDFs", 3, "PDF") as stage:
        for _ in range(3):
            stage.advance()
    with progress.stage("pages", 0):
        pass
    with progress.stage("search index"):
        pass
    assert re.fullmatch(r"PDFs: 3/3 in \d+\.\d s\nsearch index in \d+\.\d s\n", log.getvalue())


@pytest.mark.slow
def test_the_build_command_reports_its_stages_to_a_log(tmp_path):
    result = run_cli("--content", str(FIXTURE), "build", "--no-search", "--out", str(tmp_path / "site"),
                     "--cache", str(tmp_path / "cache"))
    assert result.returncode == 0, result.stderr
    stages = [re.match(r"(.+?)(?::| in )", line).group(1) for line in result.stderr.splitlines()]
    assert stages == ["pages", "sharing cards", "write"]
    assert result.stdout.startswith("built ")
