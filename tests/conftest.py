"""Shared helpers: a fresh copy of the fixture site per test, and builds of it."""
from __future__ import annotations

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
    """Run build.py as an editor would, capturing its output; a build keeps its cache in a temporary
    folder, never in the working copy's .cache/."""
    if "build" in args and "--cache" not in args and "--no-cache" not in args:
        args = (*args, "--cache", tempfile.mkdtemp(prefix="build-cache-"))
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


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


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The real portal built once per test session, PDFs included. Their cache (keyed by the exact HTML and
    stylesheets, so never stale) lives in the system's temporary folder, not in the working copy."""
    from portal.output import replace_site
    site_dir = tmp_path_factory.mktemp("real") / "site"
    generated = Builder(Project(ROOT), pdfs=True, pdf_cache_dir=TEST_PDF_CACHE).generate()
    replace_site(generated.files, site_dir)
    return site_dir, generated


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
