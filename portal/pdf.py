"""Print editions -> PDF with WeasyPrint (imported lazily: only PDF builds need it)."""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from .errors import ContentError, ContentErrors, SourceRef

MIME = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".html": "text/html"}


class _Collect(logging.Handler):
    """WeasyPrint logs missing glyphs instead of failing; keep the messages to fail on them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def render_pdfs(jobs: dict[str, str], files: dict[str, bytes], cache_dir: Path | None) -> dict[str, bytes]:
    """Render each {pdf path: html page path} from the built files; cached by the bytes that go in."""
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SiteFetcher(URLFetcher):
        """Stylesheets and images come from the built files in memory; nothing is fetched from outside."""

        def fetch(self, url, headers=None):
            path = url.split("://", 1)[-1].split("/", 1)[-1].split("#")[0].split("?")[0]
            if path in files:
                kind = MIME.get(Path(path).suffix, "application/octet-stream")
                return URLFetcherResponse(url, files[path], {"Content-Type": kind})
            raise ValueError(f"not part of the site: {url}")

    fetch = SiteFetcher(fail_on_errors=True)

    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    out, errors = {}, []
    try:
        for pdf_path, html_path in sorted(jobs.items()):
            html = files[html_path]
            key = hashlib.sha256(html + _assets_digest(html, files)).hexdigest()
            cached = cache_dir / f"{key}.pdf" if cache_dir else None
            if cached and cached.exists():
                out[pdf_path] = cached.read_bytes()
                continue
            collector.messages.clear()
            document = weasyprint.HTML(string=html.decode("utf-8"), base_url=f"site://x/{html_path}",
                                       url_fetcher=fetch, media_type="print")
            data = document.write_pdf()
            missing = [m for m in collector.messages if ".notdef" in m or "unsupported by fonts" in m]
            if missing:
                errors.append(ContentError(SourceRef(Path(html_path)), f"{pdf_path}: glyphs missing from the fonts: "
                                           f"{missing[0][:120]}", "install fonts-noto-cjk (see README)"))
                continue
            out[pdf_path] = data
            if cached:
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_bytes(data)
    finally:
        logger.removeHandler(collector)
    if errors:
        raise ContentErrors(errors)
    return out


def _assets_digest(html: bytes, files: dict[str, bytes]) -> bytes:
    """The stylesheets a page links to are part of its PDF's cache key (their names are fingerprinted)."""
    digest = hashlib.sha256()
    for name in sorted(n for n in files if n.startswith("static/") and n.encode() in html):
        digest.update(files[name])
    return digest.digest()
