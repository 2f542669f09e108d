"""Print editions -> PDF with WeasyPrint (imported lazily: only PDF builds need it)."""
from __future__ import annotations

import ctypes
import hashlib
import logging
import multiprocessing
import os
from pathlib import Path

from . import routing
from .errors import ContentError, ContentErrors, SourceRef
from .model import LANGS

MIME = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".html": "text/html"}


class _Collect(logging.Handler):
    """WeasyPrint logs missing glyphs instead of failing; keep the messages to fail on them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# The shared libraries WeasyPrint opens (weasyprint/text/ffi.py; HarfBuzz subsetting is optional there but
# makes CJK PDFs ten times faster) and the Debian packages that ship them. tests/test_setup.py holds this
# table to ffi.py and to dpkg.
WEASYPRINT_LIBRARIES = {
    "libgobject-2.0.so.0": "libglib2.0-0", "libpango-1.0.so.0": "libpango-1.0-0",
    "libpangoft2-1.0.so.0": "libpangoft2-1.0-0", "libharfbuzz.so.0": "libharfbuzz0b",
    "libharfbuzz-subset.so.0": "libharfbuzz-subset0", "libfontconfig.so.1": "libfontconfig1",
}


def unloadable(libraries) -> list[str]:
    """The shared libraries (file names such as libpango-1.0.so.0) the dynamic loader cannot open."""
    missing = []
    for name in libraries:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return missing


def pdf_problem(libraries: dict[str, str] = WEASYPRINT_LIBRARIES) -> str | None:
    """Why PDFs cannot be rendered here, with the command that fixes it; None when they can. A missing
    system library and a missing Python package are told apart (and the libraries are checked first:
    importing WeasyPrint without them prints its own banner)."""
    missing = unloadable(libraries)
    if missing:
        packages = " ".join(dict.fromkeys(libraries[name] for name in missing))
        return (f"system libraries missing: {', '.join(missing)} (Debian: {packages}): run "
                f"'bash scripts/system-packages.sh pdf' as root, or "
                f"'apt-get install -y --no-install-recommends {packages}'")
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return "the Python package WeasyPrint is missing: run 'bash scripts/setup.sh' (it installs requirements.txt)"
    except OSError as error:  # a library this table does not know yet
        return f"WeasyPrint cannot load a system library: {error}"
    return None


def site_pdfs(site, files: dict[str, bytes], cache_dir: Path, progress) -> dict[str, bytes]:
    """The briefing books and every document as PDF, from their built pages."""
    jobs = {routing.pdf_path(lang, site.model.book): routing.output_path(routing.url_for("print", lang)) for lang in LANGS}
    jobs.update({routing.pdf_path(lang, d.id): routing.output_path(routing.url_for("document", lang, d.id))
                 for lang in LANGS for d in site.documents})
    with progress.stage("PDFs", len(jobs), "PDF") as stage:
        return render_pdfs(jobs, files, cache_dir, advance=stage.advance)


def render_pdfs(jobs: dict[str, str], files: dict[str, bytes], cache_dir: Path | None,
                advance=lambda count=1: None, workers: int | None = None) -> dict[str, bytes]:
    """Render each {pdf path: html page path} from the built files; cached by the bytes that go in.

    Each PDF is laid out in a process of its own (os.cpu_count() at a time, largest first), which
    ends when its PDF is done: WeasyPrint's memory for a whole book goes back to the system at once."""
    global _FILES
    import weasyprint  # noqa: F401 (imported before forking, so each worker starts with it loaded)

    out, todo = {}, []
    for pdf_path, html_path in sorted(jobs.items()):
        html = files[html_path]
        cached = cache_dir / f"{hashlib.sha256(html + _assets_digest(html, files)).hexdigest()}.pdf" \
            if cache_dir else None
        if cached and cached.exists():
            out[pdf_path] = cached.read_bytes()
            advance()
        else:
            todo.append((pdf_path, html_path, cached))
    todo.sort(key=lambda job: -len(files[job[1]]))  # the books first: the small ones fill in around them
    errors = []
    if not todo:
        return dict(sorted(out.items()))
    _FILES = files  # the workers are forked: they read the pages and stylesheets from here, nothing is sent
    try:
        with multiprocessing.get_context("fork").Pool(min(workers or os.cpu_count() or 1, len(todo)) or 1,
                                                      maxtasksperchild=1) as pool:
            for (pdf_path, html_path, cached), (data, missing) in zip(
                    todo, pool.imap(_render_one, [html_path for _, html_path, _ in todo])):
                advance()
                if missing:
                    errors.append(ContentError(SourceRef(Path(html_path)), f"{pdf_path}: glyphs missing from the "
                                               f"fonts: {missing[:120]}", "install fonts-noto-cjk (see README)"))
                    continue
                out[pdf_path] = data
                if cached:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    cached.write_bytes(data)
    finally:
        _FILES = {}
    if errors:
        raise ContentErrors(errors)
    return dict(sorted(out.items()))


_FILES: dict[str, bytes] = {}


def _render_one(html_path: str) -> tuple[bytes | None, str | None]:
    """Worker: one page's PDF, or the first missing-glyph warning WeasyPrint logged."""
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    files = _FILES

    class SiteFetcher(URLFetcher):
        """Stylesheets and images come from the built files in memory; nothing is fetched from outside."""

        def fetch(self, url, headers=None):
            path = url.split("://", 1)[-1].split("/", 1)[-1].split("#")[0].split("?")[0]
            if path in files:
                kind = MIME.get(Path(path).suffix, "application/octet-stream")
                return URLFetcherResponse(url, files[path], {"Content-Type": kind})
            raise ValueError(f"not part of the site: {url}")

    collector = _Collect()
    logging.getLogger("weasyprint").addHandler(collector)
    document = weasyprint.HTML(string=files[html_path].decode("utf-8"), base_url=f"site://x/{html_path}",
                               url_fetcher=SiteFetcher(fail_on_errors=True), media_type="print")
    data = document.write_pdf()
    missing = [m for m in collector.messages if ".notdef" in m or "unsupported by fonts" in m]
    return (None, missing[0]) if missing else (data, None)


def _assets_digest(html: bytes, files: dict[str, bytes]) -> bytes:
    """The stylesheets a page links to are part of its PDF's cache key (their names are fingerprinted)."""
    digest = hashlib.sha256()
    for name in sorted(n for n in files if n.startswith("static/") and n.encode() in html):
        digest.update(files[name])
    return digest.digest()
