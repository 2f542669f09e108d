"""No input is read through a symlink: a link committed to the repository could publish any file of the
machine that builds it (the build's environment, keys), or print it line by line in an error."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE, ROOT, run_cli
from portal.errors import ContentErrors
from portal.pipeline import Builder, Project

SECRET = "TOP-SECRET-7f3a9c"
HINT = "    hint: replace the link with the file itself: inputs are read only from inside the project"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for folder in ("templates", "static", "i18n", "portal"):
        shutil.copytree(ROOT / folder, tmp_path / "site" / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FIXTURE, tmp_path / "site" / "content")
    (tmp_path / "outside.txt").write_text(f"msgid {SECRET}\n{SECRET}\n", encoding="utf-8")
    return tmp_path / "site"


def build_errors(project: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        Builder(Project(project, project / "content")).generate()
    return [str(error) for error in caught.value.errors]


@pytest.mark.parametrize("link, target", [
    ("static/env.txt", "/proc/self/environ"),
    ("static/notes.txt", "../../outside.txt"),
    ("content/documents/plenary-demo/en.md", "../../../../outside.txt"),
    ("i18n/en/LC_MESSAGES/messages.po", "../../../../outside.txt"),
    ("templates/base.html", "../../outside.txt"),
    ("static/etc", "/etc"),
    ("content/documents/linked", "plenary-demo"),  # a link inside the project is refused as well
])
def test_a_symlink_in_any_input_folder_is_refused_and_never_read(project, link, target):
    path = project / link
    if path.exists():
        path.unlink()
    os.symlink(target, path)
    assert build_errors(project) == [f"{link}: symlinks are not allowed\n{HINT}"]


def test_an_input_folder_that_is_a_symlink_is_refused(project, tmp_path):
    shutil.move(project / "static", tmp_path / "static")
    os.symlink(tmp_path / "static", project / "static")
    assert build_errors(project) == [f"static: symlinks are not allowed\n{HINT}"]


@pytest.mark.slow  # build.py in a child process
def test_the_command_line_prints_neither_the_target_nor_a_traceback(project):
    os.symlink("../../../../outside.txt", project / "content/documents/plenary-demo/notes.md")
    result = run_cli("--content", str(project / "content"), "build", "--out", str(project / "out"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"content/documents/plenary-demo/notes.md: symlinks are not allowed\n{HINT}\n")
    assert SECRET not in result.stderr + result.stdout and "Traceback" not in result.stderr
    assert not (project / "out").exists()


@pytest.mark.slow  # build.py in a child process
def test_translation_commands_refuse_a_symlinked_document_file(project):
    en = project / "content/documents/plenary-demo/en.md"
    en.unlink()
    os.symlink("../../../../outside.txt", en)
    for args in (("translations", "status"), ("translations", "export", "plenary-demo", "-o", str(project / "x.po"))):
        result = run_cli("--content", str(project / "content"), *args)
        assert result.returncode == 1 and "documents/plenary-demo: symlinks are not allowed" not in result.stdout
        assert "plenary-demo/en.md: symlinks are not allowed" in result.stderr, result.stderr
        assert SECRET not in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_the_inputs_one_walk_finds_every_link_refuse_links_finds_and_reads_no_file(tmp_path, monkeypatch):
    """read_inputs() finds the links in the same walk as the files (a cold N=2000 build hashed its 8,000
    inputs' folders twice): the same errors, in the same order, as refuse_links(), a link inside
    __pycache__ included (its files are no input), and no file opened when there is one."""
    from portal import inputs

    for folder in ("content/b/__pycache__", "content/a", "templates"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "outside.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "content/a/page.md").write_text("text", encoding="utf-8")
    (tmp_path / "content/b/__pycache__/cached.pyc").write_bytes(b"\0")
    for link in ("content/b/__pycache__/x", "content/a/z.md", "content/a/m", "templates/t.html"):
        (tmp_path / link).symlink_to(tmp_path / "outside.txt")
    (tmp_path / "i18n").symlink_to(tmp_path / "content")
    folders = {name: tmp_path / name for name in ("content", "templates", "i18n", "static")}
    with pytest.raises(ContentErrors) as expected:
        inputs.refuse_links(folders)
    monkeypatch.setattr("builtins.open", lambda *args, **kwargs: pytest.fail("a file was read"))
    with pytest.raises(ContentErrors) as caught:
        inputs.read_inputs(folders, {})
    assert [str(e) for e in caught.value.errors] == [str(e) for e in expected.value.errors]
    assert [e.src.path.as_posix() for e in caught.value.errors] == [
        "content/a/m", "content/a/z.md", "content/b/__pycache__/x", "i18n", "templates/t.html"]  # sorted by path
    monkeypatch.undo()
    for link in ("content/b/__pycache__/x", "content/a/z.md", "content/a/m", "templates/t.html", "i18n"):
        (tmp_path / link).unlink()
    assert list(inputs.read_inputs(folders, {})) == ["content/a/page.md"]
