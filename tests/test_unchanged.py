"""`build.py build` with nothing changed does nothing (portal/unchanged.py), and only then: every change to
what a build reads, to the site it published or to the record makes the build run, and its output is a
fresh build's. The times a file must be older than to be told by its signature are set to none here, as
tests.props does, so the record is kept after every build (tests at the end put them back)."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import FIXTURE, ROOT
from portal import inputs, output, unchanged
from portal.pipeline import Builder, Generated, Project, build


@pytest.fixture
def project(tmp_path, monkeypatch):
    for folder in ("templates", "static", "i18n"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copytree(FIXTURE, tmp_path / "content")
    for module, name in ((inputs, "RECENT_NS"), (output, "SETTLED_NS"), (unchanged, "FINE_SETTLED_NS")):
        monkeypatch.setattr(module, name, -1)
    return Project(tmp_path)


def tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def run(project, site=None, **options):
    return build(project, site or project.root / "site", search_index=False, cache_dir=project.root / "cache",
                 **options)


def fresh(project) -> dict[str, bytes]:
    return Builder(project, search_index=False).generate().files


def signatures(site):
    return {p: output.signature(p.stat()) for p in site.rglob("*")}


def test_a_second_build_with_nothing_changed_writes_nothing(project):
    first = run(project)
    site, record = project.root / "site", project.root / "cache" / unchanged.FILE
    before, cache_file = signatures(site), (project.root / "cache" / "build-cache.json").stat().st_mtime_ns
    again = run(project)
    assert isinstance(first, Generated) and isinstance(again, unchanged.Unchanged)
    assert signatures(site) == before  # not a file written, linked or swapped
    assert (project.root / "cache" / "build-cache.json").stat().st_mtime_ns == cache_file
    assert again.files == tree(site) == fresh(project)
    assert first.counts() in again.summary() and "nothing changed" in again.summary()
    assert record.is_file()


def edit_keeping_times(path, old, new):
    status = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def touch(path):
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 86_400 * 10**9))  # a day later: dates move


CHANGES = {
    "a paragraph, same size, mtime restored": lambda root: edit_keeping_times(
        next((root / "content" / "documents").glob("*/zh.md")), "。", "，"),
    "a zh.md touched (an uncommitted change is dated by it)": lambda root: touch(
        next((root / "content" / "documents").glob("*/zh.md"))),
    "a template": lambda root: edit_keeping_times(root / "templates" / "base.html", "<main", "<main data-x"),
    "a catalog": lambda root: (root / "i18n" / "en" / "LC_MESSAGES" / "messages.po").write_text(
        (root / "i18n" / "en" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8") + "\n", encoding="utf-8"),
    "a static file added": lambda root: (root / "static" / "extra.txt").write_text("extra", encoding="utf-8"),
    "a glossary file deleted and put back": lambda root: (root / "content" / "glossary.yaml").write_bytes(
        (root / "content" / "glossary.yaml").read_bytes()),
    "a site page edited, same size, mtime restored": lambda root: edit_keeping_times(
        root / "site" / "en" / "index.html", "<", "{"),
    "a site page removed": lambda root: (root / "site" / "zh" / "index.html").unlink(),
    "a file added to the site": lambda root: (root / "site" / "stray.html").write_text("x", encoding="utf-8"),
    "a folder added to the site": lambda root: (root / "site" / "stray").mkdir(),
    "a site file made a link": lambda root: (
        (root / "site" / "robots.txt").unlink(), (root / "site" / "robots.txt").symlink_to("/etc/hostname")),
    "the record damaged": lambda root: (root / "cache" / unchanged.FILE).write_bytes(
        (root / "cache" / unchanged.FILE).read_bytes().replace(b'"key":"', b'"key":"0', 1)),
    "the record removed": lambda root: (root / "cache" / unchanged.FILE).unlink(),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_any_change_makes_the_build_run_and_its_output_is_a_fresh_builds(project, change):
    run(project)
    CHANGES[change](project.root)
    expected = fresh(project)
    again = run(project)
    assert isinstance(again, Generated), change
    assert tree(project.root / "site") == again.files == expected
    assert isinstance(run(project), unchanged.Unchanged)  # and it left a record for the next one


def test_an_other_site_or_engine_makes_the_build_run(project, tmp_path, monkeypatch):
    run(project)
    assert isinstance(run(project, site=tmp_path / "elsewhere"), Generated)
    assert isinstance(run(project, site=tmp_path / "elsewhere"), unchanged.Unchanged)
    assert isinstance(run(project), Generated)  # the record is the last build's: of the other site
    assert isinstance(run(project), unchanged.Unchanged)
    monkeypatch.setattr(Builder, "engine", "another engine")
    assert isinstance(run(project), Generated)


def test_every_option_and_library_is_in_the_key(project, monkeypatch):
    folders = project.folders()
    options = {"pdfs": False, "search": False, "cards": False, "content": str(project.content)}
    key = unchanged.build_key(folders, {}, "engine", options)
    assert unchanged.build_key(folders, {}, "engine", options) == key
    for name, value in (("pdfs", True), ("search", True), ("cards", "a look"), ("content", "/elsewhere")):
        assert unchanged.build_key(folders, {}, "engine", {**options, name: value}) != key, name
    monkeypatch.setattr(unchanged, "version", lambda name: "9" if name == "markdown" else "1")
    assert unchanged.build_key(folders, {}, "engine", options) != key


def test_a_new_commit_of_the_content_makes_the_build_run(project):
    """The translation states date a block's change by the content's git history."""
    def git(*args):
        subprocess.run(["git", "-C", str(project.content), *args], check=True, capture_output=True,
                       env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                            "GIT_COMMITTER_EMAIL": "t@t"})
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "one")
    run(project)
    assert isinstance(run(project), unchanged.Unchanged)
    git("commit", "-q", "--allow-empty", "-m", "two")
    assert isinstance(run(project), Generated)
    assert tree(project.root / "site") == fresh(project)


def test_without_a_cache_every_build_runs(project):
    site = project.root / "site"
    build(project, site, search_index=False)
    assert isinstance(build(project, site, search_index=False), Generated)


def test_files_too_new_to_be_told_by_their_times_leave_no_record(project, monkeypatch):
    """An input changed, or a site file written, within the file system's clock tick could change again
    with the same times: no record is kept, and the next build runs."""
    monkeypatch.setattr(inputs, "RECENT_NS", 10**18)
    run(project)
    assert isinstance(run(project), Generated)
    monkeypatch.setattr(inputs, "RECENT_NS", -1)
    monkeypatch.setattr(unchanged, "FINE_SETTLED_NS", 10**18)
    monkeypatch.setattr(output, "SETTLED_NS", 10**18)
    run(project)
    assert not (project.root / "cache" / unchanged.FILE).exists()
    assert isinstance(run(project), Generated)


def test_an_unreadable_record_is_no_record(project):
    run(project)
    record = project.root / "cache" / unchanged.FILE
    body = record.read_bytes().partition(b"\n")[2]
    for damaged in (b"", b"garbage", b"0" * 64 + b"\n" + body, record.read_bytes()[:-3]):
        record.write_bytes(damaged)
        assert isinstance(run(project), Generated)
        assert tree(project.root / "site") == fresh(project)


def test_no_record_when_another_build_published_before_it_was_kept(project, monkeypatch):
    """Two builds of one site at once, the content edited between their starts: the record of the one that
    published first must not describe the other's site."""
    original = unchanged.Last.save

    def meanwhile(self, site, *args):  # another build publishes its site between this one's publication and record
        output.publish({"index.html": b"another build's site"}, site, say=lambda text: None)
        original(self, site, *args)

    monkeypatch.setattr(unchanged.Last, "save", meanwhile)
    run(project)
    monkeypatch.setattr(unchanged.Last, "save", original)
    assert isinstance(run(project), Generated)
    assert tree(project.root / "site") == fresh(project)


def test_a_build_just_published_waits_out_the_clock_tick_to_keep_its_record(project, monkeypatch):
    """On a file system keeping nanoseconds a site written within FINE_SETTLED_NS is looked at again once
    that has passed (the record is kept); one keeping coarser times is not waited for (no record)."""
    monkeypatch.setattr(unchanged, "FINE_SETTLED_NS", 300_000_000)
    slept = []
    real_sleep = unchanged.time.sleep
    monkeypatch.setattr(unchanged.time, "sleep", lambda seconds: slept.append(seconds) or real_sleep(seconds))
    run(project)
    assert slept and all(0 < seconds <= 0.302 for seconds in slept)
    assert isinstance(run(project), unchanged.Unchanged)


@pytest.mark.slow
def test_a_build_imports_none_of_the_other_commands_modules(tmp_path):
    """`build.py build` loads the pipeline only: the translator's, new-document and check tools stay unimported
    (30 ms of every build); `check` loads them."""
    import sys
    script = ("import sys, build; code = build.main(sys.argv[1:]); "
              "print(' '.join(sorted(m for m in sys.modules if m.startswith('portal.'))))")
    tools = {"portal.poimport", "portal.newdocument", "portal.translating", "portal.unrecorded", "portal.spelling"}
    for command, loaded in ((["build", "--no-search", "--no-cards", "--out", str(tmp_path / "site"), "--cache",
                              str(tmp_path / "cache")], set()), (["check"], tools)):
        done = subprocess.run([sys.executable, "-c", script, "--content", str(FIXTURE), *command], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert tools & set(done.stdout.split()) == loaded, command


def test_a_librarys_version_is_what_importlib_metadata_gives_for_every_installed_distribution():
    import importlib.metadata

    names = {d.metadata["Name"] for d in importlib.metadata.distributions()}
    assert len(names) > 20
    assert {name: unchanged.version(name) for name in names} == {n: importlib.metadata.version(n) for n in names}
    assert unchanged.version("no-such-distribution") is None



def site_with_a_new_file(tmp_path, monkeypatch) -> Path:
    """A site of files written 60 ms before b/new.html, looked at 10 ms after it (this module's clock is set
    back so), on a clock tick of 30 ms: only b/ and b/new.html are too new to be told by their times."""
    site = tmp_path / "site"
    for name in ("a.html", "b/c.html", "b/d.html"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(name, encoding="utf-8")
    time.sleep(0.06)
    (site / "b" / "new.html").write_text("new", encoding="utf-8")  # its folder b/ changes with it
    offset = time.time_ns() - ((site / "b" / "new.html").stat().st_ctime_ns + 10_000_000)
    real = time.time_ns
    monkeypatch.setattr(unchanged.time, "time_ns", lambda: real() - offset)
    monkeypatch.setattr(unchanged, "FINE_SETTLED_NS", 30_000_000)
    monkeypatch.setattr(output, "SETTLED_NS", 30_000_000)
    return site


def test_a_site_just_written_is_listed_once_and_its_new_entries_looked_at_again(tmp_path, monkeypatch):
    """The record of a build just published: the folders walked once (every signature taken), then after the
    tick only the entries changed within it looked at again; it is the digest a later look gives (the next
    build finds the site as published)."""
    site = site_with_a_new_file(tmp_path, monkeypatch)
    listed, looked = [], []
    real_listing, real_lstat = unchanged.listing, unchanged.os.lstat
    monkeypatch.setattr(unchanged, "listing", lambda folder: listed.append(folder) or real_listing(folder))
    monkeypatch.setattr(unchanged.os, "lstat", lambda path: looked.append(str(path)) or real_lstat(path))
    kept = unchanged.site_digest(site, wait=True)
    assert listed == [site]
    assert sorted(looked) == sorted([str(site), str(site / "b"), str(site / "b" / "new.html")])  # site: the walk's
    assert kept is not None and kept == unchanged.site_digest(site)


@pytest.mark.parametrize("edited", ["b/new.html", "a.html"])
def test_a_file_changed_while_the_record_waits_is_never_recorded_as_published(tmp_path, monkeypatch, edited):
    """Edited during the wait: a new file is still too new (no record); an old one keeps the signature taken
    before its change, so the record does not describe the site as it is now (the next build runs)."""
    site = site_with_a_new_file(tmp_path, monkeypatch)
    real_sleep = time.sleep

    def edit_meanwhile(seconds):  # at the end of the wait, before the new entries are looked at again
        real_sleep(seconds)
        (site / edited).write_text("edited by someone", encoding="utf-8")

    monkeypatch.setattr(unchanged.time, "sleep", edit_meanwhile)
    found = unchanged.site_digest(site, wait=True)
    monkeypatch.setattr(unchanged.time, "sleep", real_sleep)
    if edited == "b/new.html":
        assert found is None
    else:
        real_sleep(0.05)
        now = unchanged.site_digest(site)
        assert found is not None and now is not None and found != now
