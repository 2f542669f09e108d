"""Shared helpers: a fresh copy of the fixture site per test, builds of it, the real site built once per
run, and the tiers: tests marked browser, pdf or slow (pytest.ini), guarded so that the fast tier
(-m "not browser and not pdf and not slow") starts no Chromium, no WeasyPrint and no build in a child
process."""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_PDF_CACHE = Path(tempfile.gettempdir()) / "yuzhong-plans-tests" / "pdf"
FIXTURE = Path(__file__).resolve().parent / "fixture" / "content"
sys.path.insert(0, str(ROOT))

from portal.errors import ContentErrors  # noqa: E402
from portal.pipeline import Builder, Generated, Project  # noqa: E402


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the fixture content."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def project_for(content: Path) -> Project:
    return Project(ROOT, content)


@functools.cache
def first_fixture_build() -> tuple[Builder, Generated]:
    """The fixture built once, and the builder that built it (its memos of what no content edit changes)."""
    builder = Builder(project_for(FIXTURE), cards=True)  # as published: with the sharing cards
    return builder, builder.generate()


def generate(content: Path) -> Generated:
    """A fresh build of `content`: everything read, validated and rendered again. Only what depends on the
    templates, catalogs and engine alone is taken from the first fixture build, by the same digests a
    long-lived builder (the preview's) keeps it under: the UI strings Babel extracts, the compiled
    catalogs and the compiled templates (about a second of every build)."""
    first, _ = first_fixture_build()
    builder = Builder(project_for(content))
    builder.compiled_po = dict(first.compiled_po)  # by file digest (the UI strings and compiled templates
                                                   # are memoized for the whole process by their digests)
    return builder.generate()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Run build.py as an editor would, capturing its output; a build keeps its cache in a temporary
    folder, never in the working copy's .cache/."""
    if "build" in args and "--cache" not in args and "--no-cache" not in args:
        args = (*args, "--cache", tempfile.mkdtemp(prefix="build-cache-"))
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


# Copied assets and Pagefind's bundle are recorded by digest, not as second copies of the files.
# Copied assets, Pagefind's bundle and the sharing cards are recorded by digest, not as second copies of the
# files; a card's pixels depend on the installed fonts and Pillow, so only its name is compared (test_sharing.py
# checks what cards show).
BY_DIGEST = ("static/", "pagefind/", "cards/")


def check_golden(files: dict[str, bytes], expected_dir: Path) -> None:
    """A build's files are exactly the reviewed tree in expected_dir (UPDATE_GOLDEN=1 writes it anew: then
    review the diff); assets and the search bundle are compared by digest (DIGESTS.sha1)."""
    digests_file = expected_dir / "DIGESTS.sha1"
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        expected_dir.mkdir(parents=True)
        for name, data in files.items():
            if not name.startswith(BY_DIGEST):
                (expected_dir / name).parent.mkdir(parents=True, exist_ok=True)
                (expected_dir / name).write_bytes(data)
        digests_file.write_text("".join(f"{hashlib.sha1(files[n]).hexdigest()}  {n}\n"
                                        for n in sorted(files) if n.startswith(BY_DIGEST)))
    expected = {p.relative_to(expected_dir).as_posix(): p.read_bytes() for p in expected_dir.rglob("*")
                if p.is_file() and p != digests_file}
    digests = dict(reversed(line.split("  ", 1)) for line in digests_file.read_text().splitlines())
    assert sorted(files) == sorted(list(expected) + list(digests))
    for name in files:
        if name.startswith("cards/"):
            continue
        if name in digests:
            assert hashlib.sha1(files[name]).hexdigest() == digests[name], f"{name} differs from {digests_file}"
        else:
            assert files[name] == expected[name], f"{name} differs from {expected_dir / name}"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _cache_state() -> dict[str, tuple[int, int]]:
    """Every file of the working copy's build caches, with its size and modification time."""
    cache = ROOT / ".cache"
    return {str(p.relative_to(cache)): (p.stat().st_size, p.stat().st_mtime_ns)
            for folder in ("pdf", "build") if (cache / folder).is_dir() for p in (cache / folder).rglob("*")}


@pytest.fixture(scope="session", autouse=True)
def working_copy_caches_untouched():
    """No test writes into .cache/pdf or .cache/build (a later `build --pdf` would look instant)."""
    before = _cache_state()
    yield
    assert _cache_state() == before, "a test wrote into the working copy's .cache/"


RUN = {"collected": False, "pdfs": False, "building": False}  # what this run selected; set once collected


def pytest_collection_finish(session) -> None:
    """The run's tests are known (after -m and -k): the real site is built with PDFs only if one needs them."""
    RUN["collected"] = True
    RUN["pdfs"] = any(item.get_closest_marker("pdf") for item in session.items)


def real() -> Generated:
    """The real portal, built once per test run when a test first needs it, never at collection. With its
    PDFs when the run includes a test marked pdf (the fast tier renders none); their cache (keyed by the
    exact HTML and stylesheets, so never stale) lives in the system's temporary folder. A build that
    fails fails every test needing it with its errors, without building again."""
    if "real" not in RUN:
        assert RUN["collected"], "the real site is built by the tests that need it, never at collection"
        RUN["building"] = True
        try:
            RUN["real"] = Builder(Project(ROOT), pdfs=RUN["pdfs"], pdf_cache_dir=TEST_PDF_CACHE).generate()
        except ContentErrors as errors:
            RUN["real"] = errors
        finally:
            RUN["building"] = False
    if isinstance(RUN["real"], ContentErrors):
        raise RUN["real"]
    return RUN["real"]


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The real portal as written to disk: (its folder, the Generated it came from)."""
    from portal.output import replace_site
    site_dir = tmp_path_factory.mktemp("real") / "site"
    replace_site(real().files, site_dir)
    return site_dir, real()


@pytest.fixture(scope="session")
def fixture_site() -> Generated:
    """The fixture site built once, for the tests that only read it (those that edit it build their copy)."""
    return first_fixture_build()[1]


def search_hrefs(page, served: str, lang: str, query: str) -> list[str]:
    """Search the site as a reader does; the result links, in order."""
    page.goto(f"{served}/{lang}/search/")
    page.fill("#search-input", query)
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li a", timeout=15000)
    links = page.locator("#search-results li a")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def served(real_site):
    """The real site served on a free port on 127.0.0.1 by the preview server's file app."""
    import threading
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
    from portal.serve import SiteApp

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    class Threaded(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    import tomllib
    config = tomllib.loads((ROOT / "netlify.toml").read_text())
    headers = [(k, v) for k, v in next(h for h in config["headers"] if h["for"] == "/*")["values"].items()
               if k != "Strict-Transport-Security"]
    files = SiteApp(real_site[0])

    def with_site_headers(environ, start_response):
        """Serve as Netlify does, with the site's headers (CSP included)."""
        return files(environ, lambda status, response: start_response(status, response + headers))

    server = make_server("127.0.0.1", 0, with_site_headers, server_class=Threaded, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


# --- the tiers ---------------------------------------------------------------------------------------

TIERS = {"browser": "starts a browser", "pdf": "renders a PDF with WeasyPrint",
         "slow": "builds in a child process"}
BROWSER_PROGRAMS = ("chromium", "playwright/driver")  # the browser, and Playwright's driver that starts it
CHILD_BUILDS = ("build.py", "tests.fuzz.worker")  # the command line, the preview server, the fuzzer's workers
CURRENT = {"marks": None, "violations": []}  # the running test's markers; what it did outside them


def pytest_collection_modifyitems(config, items) -> None:
    """A test using the browser fixture must be marked browser, or the fast tier would start Chromium."""
    unmarked = [item.nodeid for item in items if "browser" in getattr(item, "fixturenames", ())
                and not item.get_closest_marker("browser")]
    if unmarked:
        raise pytest.UsageError("these tests use the browser but are not marked browser:\n  " + "\n  ".join(unmarked))


def violated(tier: str, what: str) -> None:
    """Note that the running test did what only tests marked `tier` may do; it fails at its teardown."""
    marks = CURRENT["marks"]
    if marks is not None and tier not in marks and not RUN["building"]:
        CURRENT["violations"].append(f"{TIERS[tier]} ({what}) but is not marked {tier}")
        raise RuntimeError(f"only a test marked {tier} may do this: {what}")


class NoWeasyPrint:
    """An import finder: WeasyPrint is imported only by tests marked pdf (or the real build of a run with one)."""

    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint":
            violated("pdf", "import weasyprint")
        return None


sys.meta_path.insert(0, NoWeasyPrint())


@pytest.fixture(autouse=True)
def tier_guard(request, monkeypatch):
    """A test not marked browser starts no browser (Playwright's driver, Chromium), one not marked pdf
    renders no PDF (WeasyPrint in this process, `--pdf` in a child) and one not marked slow starts no
    build in a child process (a second of Python and imports each): the fast tier needs none of them."""
    from portal import pdf
    execute, render_pdfs = subprocess.Popen._execute_child, pdf.render_pdfs

    def guarded_execute(self, args, *rest, **options):
        command = [str(a) for a in args] if isinstance(args, (list, tuple)) else [str(args)]
        if any(program in command[0] for program in BROWSER_PROGRAMS):  # the program run, not `ldd node`
            violated("browser", " ".join(command)[:200])
        if "--pdf" in command:
            violated("pdf", " ".join(command)[:200])
        if any(program in part for part in command for program in CHILD_BUILDS):
            violated("slow", " ".join(command)[:200])
        return execute(self, args, *rest, **options)

    def guarded_render_pdfs(*args, **options):
        violated("pdf", "portal.pdf.render_pdfs")
        return render_pdfs(*args, **options)

    monkeypatch.setattr(subprocess.Popen, "_execute_child", guarded_execute)
    monkeypatch.setattr(pdf, "render_pdfs", guarded_render_pdfs)
    CURRENT["marks"], CURRENT["violations"] = {m.name for m in request.node.iter_markers()}, []
    yield
    CURRENT["marks"], violations = None, CURRENT["violations"]
    if violations:
        pytest.fail(f"{request.node.nodeid} " + "; ".join(violations), pytrace=False)


def start_preview(tmp_path: Path, **options) -> tuple[subprocess.Popen, int]:
    """`build.py serve` on a copy of the fixture content on a free port, once it answers; `options` go to
    Popen (output is discarded unless they say otherwise)."""
    import socket
    import time
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, **options}
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--content", str(content), "serve",
                                "--out", str(tmp_path / "site"), "--port", str(port)], cwd=ROOT, **options)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    return process, port
