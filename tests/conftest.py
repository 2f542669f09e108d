"""Shared helpers: a fresh copy of the fixture site per test, and builds of it."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixture" / "content"
sys.path.insert(0, str(ROOT))

from portal.pipeline import Builder, Project  # noqa: E402


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the fixture content."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def project_for(content: Path) -> Project:
    return Project(ROOT, content)


def generate(content: Path):
    return Builder(project_for(content)).generate()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Run build.py as an editor would, capturing its output."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
