"""Publication is atomic: site/ is always the old complete site or the new one, whatever kills the build
or refuses a write; interrupted builds leave nothing behind for long; two builds never write one site/
at once. The issue-21 cases ("half-written sites") are tests here."""
from __future__ import annotations

import errno
import hashlib
import os
import random
import signal
import subprocess
import sys
import threading

import pytest

from conftest import FIXTURE, ROOT, edit
from props.runner import killed_publication
from portal import output
from portal.pipeline import Builder, Project


def tree_digest(root) -> str:
    """One digest of a whole folder: names and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def files_digest(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name])
    return digest.hexdigest()


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """The fixture site before and after an edit (a page changed, one gone, one new)."""
    content = tmp_path_factory.mktemp("content") / "content"
    import shutil
    shutil.copytree(FIXTURE, content)
    old = Builder(Project(ROOT, content), search_index=False).generate().files
    edit(content / "goals.yaml", "  parent: demo.gdp\n", "")  # a new goal page
    edit(content / "documents/plenary-demo/en.md", "Economic strength", "Economic power")
    new = Builder(Project(ROOT, content), search_index=False).generate().files
    assert set(new) != set(old)
    return old, new


def killed_while_publishing(files, site, where: str) -> None:
    """Publish in a forked child that SIGKILLs itself at `where` (a count of files written, or 'swap')."""
    assert killed_publication(files, site, where)


def test_a_kill_at_any_write_point_or_at_the_swap_leaves_the_old_or_the_new_site(two_sites, tmp_path):
    old, new = two_sites
    site = tmp_path / "site"
    output.publish(old, site)
    expected = {files_digest(old), files_digest(new)}
    points = [str(k) for k in random.Random(21).sample(range(1, len(new) + 1), 12)] + ["1", str(len(new)), "swap"]
    for where in points:
        killed_while_publishing(new, site, where)
        assert tree_digest(site) == files_digest(old), where  # killed before the swap: the old site, whole
    output.publish(new, site)  # the next build cleans up after the killed ones
    assert tree_digest(site) == files_digest(new)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]
    assert tree_digest(site) in expected


@pytest.mark.slow  # builds in child processes
def test_a_killed_cli_build_leaves_the_old_site_and_the_next_one_the_new(tmp_path):
    site = tmp_path / "site"
    command = [sys.executable, str(ROOT / "build.py"), "--content", str(FIXTURE), "build", "--no-search",
               "--out", str(site), "--cache", str(tmp_path / "cache")]
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, timeout=300)
    before = tree_digest(site)
    (site / "stale.html").write_text("not built")  # the next build's tree differs: it has no such file
    before = tree_digest(site)
    killed = subprocess.run(command, capture_output=True, cwd=ROOT, timeout=300, env={**os.environ,
                                                                                       output.KILL_AT: "swap"})
    assert killed.returncode == -signal.SIGKILL
    assert tree_digest(site) == before
    assert any(p.name.startswith(".site-new-") for p in tmp_path.iterdir())
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, timeout=300)
    assert not (site / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "cache", "site"]


def test_a_kill_between_the_fallbacks_two_renames_is_repaired_by_the_next_start(two_sites, tmp_path):
    """Where renameat2 is missing, the swap is two renames; killed between them there is no site/ but a
    complete .site-old, which the next build (or `build.py clean`) puts back before anything else."""
    old, new = two_sites
    site = tmp_path / "site"
    output.publish(old, site)
    os.rename(site, tmp_path / ".site-old")
    (tmp_path / ".site-new-x1").mkdir()
    (tmp_path / ".site-new-x1" / "half.html").write_text("half")
    output.remove_leftovers(site)
    assert tree_digest(site) == files_digest(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


def test_the_fallback_swap_gives_the_same_site(two_sites, tmp_path, monkeypatch):
    old, new = two_sites
    site = tmp_path / "site"
    output.publish(old, site)
    monkeypatch.setattr(output, "exchange", lambda a, b: False)
    output.publish(new, site)
    assert tree_digest(site) == files_digest(new)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


def test_unchanged_files_are_hard_linked_from_the_old_site(two_sites, tmp_path):
    old, new = two_sites
    site = tmp_path / "site"
    output.publish(old, site)
    inode = (site / "en/glossary/index.html").stat().st_ino
    changed = output.publish(new, site)
    assert (site / "en/glossary/index.html").stat().st_ino == inode
    assert "en/documents/plenary-demo/index.html" in changed and "en/glossary/index.html" not in changed


def test_a_second_build_waits_for_the_first_and_says_so(two_sites, tmp_path):
    old, new = two_sites
    site = tmp_path / "site"
    said, done = [], threading.Event()
    with output.site_lock(site):
        worker = threading.Thread(target=lambda: (output.publish(new, site, say=said.append), done.set()))
        worker.start()
        worker.join(0.5)
        assert not done.is_set() and not site.exists()
        assert said == [f"waiting for another build writing {site} to finish…"]
    worker.join(30)
    assert done.is_set() and tree_digest(site) == files_digest(new)


@pytest.mark.slow  # builds in child processes
def test_two_builds_without_cache_at_once_both_succeed(tmp_path):
    command = [sys.executable, str(ROOT / "build.py"), "--content", str(FIXTURE), "build", "--no-search",
               "--no-cache", "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "site")]
    env = {**os.environ, "HOME": str(tmp_path)}
    runs = [subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    results = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
    assert [code for code, _ in results] == [0, 0], results
    assert (tmp_path / "site/en/index.html").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-")]


def refusing_writes(monkeypatch, code: int, after: int) -> None:
    """The file system refuses every file written after the first `after` (as a full disk would)."""
    real_write, count = output.write_new, [0]

    def refusing(path, data):
        count[0] += 1
        if count[0] > after:
            raise OSError(code, os.strerror(code), str(path))
        return real_write(path, data)

    monkeypatch.setattr(output, "write_new", refusing)


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "the disk is full (ENOSPC)"),
                                         (errno.EROFS, "the file system is read-only (EROFS)"),
                                         (errno.EACCES, "permission denied (EACCES)"),
                                         (errno.EPERM, "operation not permitted (EPERM)")])
def test_a_refused_write_is_an_environment_error_naming_the_path_and_the_site_is_untouched(
        tmp_path, monkeypatch, capsys, code, words):
    import build
    site = tmp_path / "site"
    args = ["--content", str(FIXTURE), "build", "--no-search", "--out", str(site), "--cache", str(tmp_path / "c")]
    site.mkdir()
    (site / "marker").write_text("the old site")  # every file of the build is new: all are written
    before = tree_digest(site)
    refusing_writes(monkeypatch, code, after=20)
    assert build.main(args) == build.ENVIRONMENT_EXIT == 74
    err = capsys.readouterr().err.splitlines()[-1]  # after the progress lines
    assert err.startswith(f"build.py: cannot write {tmp_path}/.site-new-") and words in err
    assert err.endswith(f"{site} is unchanged")
    assert "nothing was written" not in err and "bug" not in err
    assert tree_digest(site) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-")]


def test_nothing_was_written_is_said_only_when_true(tmp_path, capsys):
    """A content error stops the build before publication: the message says nothing was written, and
    site/ is indeed as it was."""
    import shutil

    import build
    content, site = tmp_path / "content", tmp_path / "site"
    shutil.copytree(FIXTURE, content)
    args = ["--content", str(content), "build", "--no-search", "--out", str(site), "--cache", str(tmp_path / "c")]
    assert build.main(args) == 0
    before = tree_digest(site)
    edit(content / "goals.yaml", "indicators: [gdp]", "indicators: [no-such-indicator]")
    assert build.main(args) == 1
    assert capsys.readouterr().err.rstrip().endswith("nothing was written.")
    assert tree_digest(site) == before


@pytest.mark.slow  # builds in child processes
def test_two_builds_with_one_cache_at_once_both_succeed(tmp_path):
    command = [sys.executable, str(ROOT / "build.py"), "--content", str(FIXTURE), "build", "--no-search",
               "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "site")]
    for _ in range(2):
        runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        results = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
        assert [code for code, _ in results] == [0, 0], results
    assert {p.name for p in (tmp_path / "cache").iterdir()} <= {"build-cache.json", "published.json"}
    assert (tmp_path / "cache" / "build-cache.json").is_file()


def test_a_cache_that_cannot_be_written_is_an_environment_problem_naming_it(tmp_path, monkeypatch, capsys):
    """The site is published (and says so); the cache, written after it, is refused: exit 74 naming it."""
    import build
    from portal import cache
    site, folder = tmp_path / "site", tmp_path / "cache"

    def full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(cache, "write_atomic", full)
    code = build.main(["--content", str(FIXTURE), "build", "--no-search", "--no-cards", "--out", str(site),
                       "--cache", str(folder)])
    assert code == build.ENVIRONMENT_EXIT
    err = capsys.readouterr().err.splitlines()[-1]
    assert err == (f"build.py: cannot write {folder / cache.FILE}: the disk is full (ENOSPC); {site} is published; "
                   "the build cache is not saved (the next build starts without it)")
    assert (site / "en" / "index.html").is_file()


def test_write_new_writes_what_open_wb_writes_with_its_mode(tmp_path):
    """fill() writes each new file with os.open/os.write (no buffer object, fewer system calls): the same
    bytes, the same permissions under the umask, an existing file cut to the new bytes, a large one whole."""
    big = bytes(range(256)) * 40_000  # 10 MB: more than one write may take
    for name, data in (("a.html", b"<p>a</p>"), ("empty", b""), ("big.bin", big)):
        output.write_new(str(tmp_path / name), data)
        with open(tmp_path / f"{name}.open", "wb") as handle:
            handle.write(data)
        assert (tmp_path / name).read_bytes() == data
        assert os.stat(tmp_path / name).st_mode == os.stat(tmp_path / f"{name}.open").st_mode
    output.write_new(str(tmp_path / "big.bin"), b"short")
    assert (tmp_path / "big.bin").read_bytes() == b"short"


def test_the_folders_of_a_sites_files_are_each_made_once_after_the_one_they_are_in(tmp_path, monkeypatch):
    rng = random.Random(36)
    names = {"a.html", "b/c.html", "b/d/e/f.html", "b/d/g.html", "b-c/x.html", "b.c/y/z.html"}
    names |= {"/".join(rng.choice(["a", "b", "a-b", "b.c", "c"]) for _ in range(rng.randint(1, 4))) + ".html"
              for _ in range(300)}
    expected = set()
    for name in names:
        while name := os.path.dirname(name):
            expected.add(name)
    assert output.folders_of(names) == expected
    (tmp_path / "new").mkdir()
    made, real_mkdir = [], os.mkdir
    monkeypatch.setattr(output.os, "mkdir", lambda path, *a: made.append(path) or real_mkdir(path, *a))
    files = {name: name.encode() for name in names}
    output.fill(tmp_path / "new", files, tmp_path / "old")
    assert sorted(made) == sorted(f"{tmp_path / 'new'}/{folder}" for folder in output.folders_of(files))
    new = tmp_path / "new"
    assert {p.relative_to(new).as_posix(): p.read_bytes() for p in new.rglob("*") if p.is_file()} == files
