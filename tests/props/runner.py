"""Seeded property runs on copies of the fixture project. After each random single edit (edits.py),
every way of building must give what a fresh build (no cache, a new Builder) gives: the same bytes,
or the same messages when the edit made the content invalid:
  preview  the preview's kept Builder (pages open in a browser first, the rest after), written in place
  warm     `build.py build`'s path with its cache folder (a new Builder, so the cache comes from disk)
  damaged  the same after random damage to the cache file, the last build's record (unchanged.py) or a
           page of the published site, or a file added to it
  killed   a publication SIGKILLed at a random write point or at the swap: site/ is the old site, whole"""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixture" / "content"
sys.path.insert(0, str(ROOT))

from portal import cache, inputs, output, unchanged  # noqa: E402
from portal.errors import ContentErrors  # noqa: E402
from portal.pipeline import Builder, Project, build  # noqa: E402
from portal.serve import Preview, SiteApp  # noqa: E402

from .edits import edit  # noqa: E402

CHECKS = ("preview", "warm", "damaged", "killed")


@dataclass
class Report:
    cases: int = 0
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.cases} cases, {len(self.failures)} failed" + "".join(f"\n  {f}" for f in self.failures[:20])


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def tree_digest(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name])
    return digest.hexdigest()


def outcome(make):
    """('files', the files) or ('errors', the message), as `build.py` would print it."""
    try:
        return "files", make().files
    except ContentErrors as errors:
        return "errors", str(errors)


def restore(root: Path) -> Path:
    """The project as in the working copy, the content the fixture's."""
    for folder, source in (("templates", ROOT / "templates"), ("static", ROOT / "static"), ("i18n", ROOT / "i18n"),
                           ("content", FIXTURE)):
        shutil.rmtree(root / folder, ignore_errors=True)
        shutil.copytree(source, root / folder)
    return root


def damage(rng: random.Random, folder: Path, site: Path) -> str:
    """Random damage to the cache file or the last build's record, or to the published site."""
    kind = rng.choice(["flip", "truncate", "garbage", "delete", "stray", "page", "record", "extra"])
    file = folder / (unchanged.FILE if kind == "record" else cache.FILE)
    if kind == "extra":
        time.sleep(0.02)  # past the clock tick of the build's last look at site/ (outside tests: 100 ms, unchanged.py)
        (site / "static" / "extra.css").write_text("a file no build made")
        return kind
    if kind == "page" or not file.exists():
        pages = sorted(p for p in site.rglob("*.html"))
        if not pages:
            return "nothing to damage"
        page = rng.choice(pages)
        data = bytearray(page.read_bytes())
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        time.sleep(0.02)  # as above
        page.write_bytes(bytes(data))  # in place, as an editor of site/ would: the old tree shares its inode
        return f"page {page.relative_to(site)} changed"
    data = bytearray(file.read_bytes())
    if kind in ("flip", "record"):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        data = data[: rng.randrange(len(data))]
    elif kind == "garbage":
        data = bytearray(os.urandom(rng.randrange(1, 4096)))
    elif kind == "delete":
        file.unlink()
        return kind
    else:
        (folder / f"stray-{rng.randrange(1000)}").write_bytes(os.urandom(64))
        return kind
    file.write_bytes(bytes(data))
    return kind


def killed_publication(files: dict[str, bytes], site: Path, where: str) -> bool:
    """Publish in a forked child that SIGKILLs itself at `where`; whether it died so."""
    pid = os.fork()
    if pid == 0:
        try:
            os.environ[output.KILL_AT] = where
            output.publish(files, site, say=lambda text: None)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def check_all(rng: random.Random, root: Path, preview: Preview, what: str, report: Report) -> None:
    project, site, folder = Project(root), root / "site", root / "cache"
    kind, expected = outcome(lambda: Builder(project, search_index=False).generate())

    def verdict(check: str, ok: bool, detail: str = "") -> None:
        report.cases += 1
        if not ok:
            report.failures.append(f"{check} after {what}{': ' + detail if detail else ''}")

    opened = sorted(p for p in (preview.written or {}) if p.endswith(".html"))
    preview.app.open = {object(): rng.choice(opened)} if opened and rng.random() < 0.7 else {}
    preview.rebuild()
    preview.finish()  # the pages not open in the browser, rendered right after: their errors count too
    if kind == "files":
        verdict("preview", preview.app.error is None and tree(preview.site_dir) == expected)
    else:
        verdict("preview", preview.app.error == expected, str(preview.app.error)[:200])
    before = tree(site)
    warm = outcome(lambda: build(project, site, search_index=False, cache_dir=folder))
    verdict("warm", warm == (kind, expected) and tree(site) == (expected if kind == "files" else before),
            warm[1][:200] if warm[0] == "errors" else "")
    harm = damage(rng, folder, site)
    before = tree(site)
    again = outcome(lambda: build(project, site, search_index=False, cache_dir=folder))
    verdict("damaged", again == (kind, expected) and tree(site) == (expected if kind == "files" else before), harm)
    if kind == "files":
        old = tree(site)
        (site / "old-marker.txt").write_text("the old site")  # so that the new tree differs from it
        old = tree(site)
        where = rng.choice([str(rng.randrange(1, len(expected) + 1)), "swap"])
        verdict("killed", killed_publication(expected, site, where) and tree_digest(tree(site)) == tree_digest(old),
                f"at {where}")
        output.publish(expected, site, say=lambda text: None)


def run(iterations: int, seed: int, say=lambda text: None, per_project: int = 25) -> Report:
    """`iterations` edits (each checked four ways when the edit builds, three when it fails); a new copy
    of the fixture every `per_project` edits, and back to the pristine content half of the time."""
    rng, report = random.Random(seed), Report()
    # Every file read back gets its signature, every input and site file is told by its times: publish's trust
    # in them, and a build's that nothing changed (unchanged.py), is put to the test on every warm build.
    settled = output.SETTLED_NS, inputs.RECENT_NS, unchanged.FINE_SETTLED_NS
    output.SETTLED_NS = inputs.RECENT_NS = unchanged.FINE_SETTLED_NS = 0
    try:
        with tempfile.TemporaryDirectory(prefix="props-") as temp:
            _run(rng, report, Path(temp), iterations, per_project, say)
    finally:
        output.SETTLED_NS, inputs.RECENT_NS, unchanged.FINE_SETTLED_NS = settled
    return report


def _run(rng: random.Random, report: Report, temp: Path, iterations: int, per_project: int, say) -> None:
    """The edits of run(), each checked by check_all, in copies of the fixture below `temp`."""
    for number in range(0, iterations, per_project):
        root = restore(temp / f"project-{number}")
        preview = Preview(Project(root), root / "preview", SiteApp(root / "preview"), say=lambda text: None)
        preview.builder = Builder(Project(root), search_index=False)
        preview.rebuild()
        build(Project(root), root / "site", search_index=False, cache_dir=root / "cache")
        for step in range(number, min(number + per_project, iterations)):
            if rng.random() < 0.5:
                restore(root)
            what = f"#{step} {edit(rng, root)}"
            failed = len(report.failures)
            check_all(rng, root, preview, what, report)
            say(f"{what}: {'ok' if len(report.failures) == failed else 'FAILED'}")
