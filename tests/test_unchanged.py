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



def published(tmp_path, files: dict[str, bytes]):
    """site/ holding `files` as a build publishes it, and the status of each file publishing wrote."""
    site, written = tmp_path / "site", {}
    output.publish(files, site, say=lambda text: None, written=written)
    return site, written


OLD = {"a.html": b"a", "b/c.html": b"c", "b/d/e.html": b"e"}
NEW = {**OLD, "b/c.html": b"c, changed", "f/g.html": b"g"}


def test_the_record_of_a_site_just_published_is_made_from_what_publishing_did(tmp_path, monkeypatch):
    """No second walk of the site: the files written are not looked at again (their status was taken as they
    were written), only the folders, site/ and the files linked from the old site (whose removal changed their
    change time); the digest is the one a later look gives (the next build finds the site as published)."""
    monkeypatch.setattr(unchanged, "FINE_SETTLED_NS", 30_000_000)
    monkeypatch.setattr(output, "SETTLED_NS", 30_000_000)
    published(tmp_path, OLD)
    site, written = published(tmp_path, NEW)
    assert sorted(written) == ["b/c.html", "f/g.html"]
    looked, real_lstat, real_listing = [], unchanged.os.lstat, unchanged.listing
    monkeypatch.setattr(unchanged, "listing", lambda folder: pytest.fail("the site was walked again"))
    monkeypatch.setattr(unchanged.os, "lstat", lambda path: looked.append(os.path.relpath(path, site)) or
                        real_lstat(path))
    kept = unchanged.published_digest(site, NEW, written)
    monkeypatch.setattr(unchanged.os, "lstat", real_lstat)
    monkeypatch.setattr(unchanged, "listing", real_listing)
    assert sorted(looked) == [".", "a.html", "b", "b/d", "b/d/e.html", "f"]
    assert kept is not None and kept == unchanged.site_digest(site)


def test_the_record_of_a_site_just_published_takes_the_linked_files_status_after_the_old_site_is_gone(tmp_path):
    """Removing the old site changes the link count, so the change time, of the files linked from it: their
    status taken before that would make a record the next build cannot match (it would always run)."""
    published(tmp_path, OLD)
    site, written = published(tmp_path, NEW)
    before_removal = {name: unchanged.signature(os.lstat(site / name)) for name in ("a.html", "b/d/e.html")}
    assert before_removal["a.html"][0] == unchanged.stat.S_IFREG
    time.sleep(0.12)
    assert unchanged.published_digest(site, NEW, written) == unchanged.site_digest(site) is not None


@pytest.mark.parametrize("edited", ["f/g.html", "a.html"])
def test_a_file_changed_while_the_record_waits_is_never_recorded_as_published(tmp_path, monkeypatch, edited):
    """Edited during the wait for the clock tick, a file written or linked keeps the status taken before its
    change: the record does not describe the site as it is now (the next build runs)."""
    monkeypatch.setattr(unchanged, "FINE_SETTLED_NS", 300_000_000)
    published(tmp_path, OLD)
    site, written = published(tmp_path, NEW)
    real_sleep = time.sleep

    def edit_meanwhile(seconds):  # at the end of the wait
        real_sleep(seconds)
        (site / edited).write_text("edited by someone", encoding="utf-8")

    monkeypatch.setattr(unchanged.time, "sleep", edit_meanwhile)
    found = unchanged.published_digest(site, NEW, written)
    monkeypatch.setattr(unchanged.time, "sleep", real_sleep)
    real_sleep(0.35)
    now = unchanged.site_digest(site)
    assert found is not None and now is not None and found != now


def test_a_published_site_with_an_entry_gone_or_too_new_on_a_coarse_clock_has_no_record(tmp_path, monkeypatch):
    published(tmp_path, OLD)
    site, written = published(tmp_path, NEW)
    monkeypatch.setattr(unchanged, "FINE_SETTLED_NS", 10**18)  # as if the clock's tick had not passed
    monkeypatch.setattr(unchanged, "WAIT_NS", -1)  # and could not be waited out
    assert unchanged.published_digest(site, NEW, written) is None
    monkeypatch.undo()
    (site / "a.html").unlink()  # linked from the old site: looked at now
    assert unchanged.published_digest(site, NEW, written) is None


def test_a_site_left_as_it_was_is_walked_for_the_record(tmp_path):
    """Publishing found site/ holding the files already (a stray empty folder does not count) and left it:
    the record is of site/ as it is, stray folder and all, so the next build finds it unchanged."""
    site, _ = published(tmp_path, OLD)
    (site / "stray").mkdir()
    written = {}
    assert output.publish(OLD, site, say=lambda text: None, written=written) == [] and written == {}
    time.sleep(0.12)
    assert unchanged.published_digest(site, None, written) == unchanged.site_digest(site) is not None
    assert unchanged.published_digest(site, OLD, written) != unchanged.site_digest(site)


def test_the_record_takes_the_key_from_the_builds_own_reads_without_reading_the_inputs_again(project, monkeypatch):
    reads, real = [], unchanged.read_inputs
    monkeypatch.setattr(unchanged, "read_inputs", lambda *args: reads.append(args) or real(*args))
    assert isinstance(run(project), Generated)
    assert len(reads) == 1  # the key's, before the build: the record's is the build's own (its last read)
    assert isinstance(run(project), unchanged.Unchanged)


@pytest.mark.parametrize("when", ["before the build reads", "while publishing"])
def test_an_input_changed_during_a_build_makes_the_next_one_run(project, monkeypatch, when):
    """Changed after the key was taken but before the build read it, the record would name what the build did
    not read: none is kept. Changed while publishing (the build read it before), the record is the build's,
    and the next build's key differs: it runs, and its site is a fresh build's."""
    paragraph = next((project.root / "content" / "documents").glob("*/zh.md"))
    change = lambda: paragraph.write_text(paragraph.read_text(encoding="utf-8").replace("。", "，", 1),
                                          encoding="utf-8")
    if when == "while publishing":
        real_publish = output.publish
        monkeypatch.setattr(output, "publish", lambda *a, **k: (change(), real_publish(*a, **k))[1])
    else:
        real_generate = Builder.generate
        monkeypatch.setattr(Builder, "generate", lambda self, *a: (change(), real_generate(self, *a))[1])
    run(project)
    monkeypatch.undo()
    for module, name in ((inputs, "RECENT_NS"), (output, "SETTLED_NS"), (unchanged, "FINE_SETTLED_NS")):
        monkeypatch.setattr(module, name, -1)
    assert (project.root / "cache" / unchanged.FILE).exists() == (when == "while publishing")
    assert isinstance(run(project), Generated)
    assert tree(project.root / "site") == fresh(project)
