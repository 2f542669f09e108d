"""Preview server: build, serve site/ with live reload, rebuild what an edit touched, show errors in the page."""
from __future__ import annotations

import html
import mimetypes
import sys
import time
from pathlib import Path

from .errors import ContentErrors
from .pipeline import Builder, Project

TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8", ".svg": "image/svg+xml",
         ".xml": "application/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".pdf": "application/pdf",
         ".wasm": "application/wasm", ".png": "image/png"}
OVERLAY = """<div id="build-error" role="alert" style="position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;
z-index:99999;background:#2b0b0b;color:#fff;font:14px/1.5 'Noto Sans Mono CJK SC','DejaVu Sans Mono',monospace;
padding:1rem 1.5rem;border-bottom:4px solid #e53935"><strong>Build failed — the page below is the last good build.</strong>
<pre style="white-space:pre-wrap;margin:.5rem 0 0">{errors}</pre></div>"""


def content_type(path: Path) -> str:
    return TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class SiteApp:
    """A WSGI app serving only files below the site folder, with the current build error overlaid."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir.resolve()
        self.error: str | None = None

    def resolve(self, url_path: str) -> Path | None:
        """The file for a request path, or None if it is missing or outside the site folder."""
        if "\x00" in url_path or "\\" in url_path:
            return None
        parts = [p for p in url_path.split("/") if p]
        if any(p in ("..", ".") for p in parts):
            return None
        target = self.site_dir.joinpath(*parts).resolve() if parts else self.site_dir
        if target != self.site_dir and self.site_dir not in target.parents:
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def not_found_page(self, url_path: str) -> Path | None:
        """The 404 page of the request's language, else the bilingual root one."""
        lang = url_path.strip("/").split("/")[0]
        candidates = ([self.site_dir / lang / "404.html"] if lang in ("zh", "en") else []) + [self.site_dir / "404.html"]
        return next((c for c in candidates if c.is_file()), None)

    def __call__(self, environ, start_response):
        url_path = environ.get("PATH_INFO", "/")
        target = self.resolve(url_path)
        status = "200 OK"
        if target is None:
            status = "404 Not Found"
            target = self.not_found_page(url_path)
        body = target.read_bytes() if target else b"<!doctype html><title>404</title><h1>404</h1>"
        kind = content_type(target) if target else "text/html; charset=utf-8"
        if self.error and kind.startswith("text/html"):
            overlay = OVERLAY.format(errors=html.escape(self.error)).encode("utf-8")
            marker = body.find(b">", body.find(b"<body")) + 1 if b"<body" in body else 0
            body = body[:marker] + overlay + body[marker:]
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")])
        return [body]


class Preview:
    """Keeps the builder and the current error between rebuilds."""

    def __init__(self, project: Project, site_dir: Path, app: SiteApp, say=print, pdfs: bool = False,
                 later=None) -> None:
        self.builder = Builder(project, pdfs)
        self.later = later or (lambda task: task())  # the server runs deferred work after the reload
        self.site_dir = site_dir
        self.app = app
        self.built = False
        self.say = say

    def rebuild(self) -> bool:
        started = time.perf_counter()
        try:
            generated = self.builder.generate(defer=("print",) if self.built else ())
        except ContentErrors as errors:
            self.app.error = str(errors)
            self.say(str(errors))
            self.say("build failed: still serving the last good site")
            return False
        changed = self.builder.write(generated.files, self.site_dir, generated.touched)
        self.built = True
        self.app.error = None
        self.builder.refresh_search = False  # keep edits instant; `build.py build` refreshes the search index
        took = (time.perf_counter() - started) * 1000
        shown = ", ".join(generated.rendered[:4]) + (" …" if len(generated.rendered) > 4 else "")
        self.say(f"rebuilt {len(generated.rendered)} page(s) [{shown}], wrote {len(changed)} file(s) "
                 f"in {took:.0f} ms")
        if generated.deferred:
            self.later(lambda: self.finish(generated))
        return True

    def finish(self, generated) -> None:
        """Render what the quick rebuild deferred (the print edition, which holds every document)."""
        started = time.perf_counter()
        files = self.builder.render_deferred(generated)
        self.builder.write(files, self.site_dir, set(files))
        took = (time.perf_counter() - started) * 1000
        self.say(f"refreshed the print edition ({len(files)} page(s)) in {took:.0f} ms")


def serve(project: Project, site_dir: Path, host: str, port: int, pdfs: bool = False) -> int:
    """Build, then serve site_dir on host:port with live reload until interrupted."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler

    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # livereload drops reloads within 3 s of the last one otherwise
    app = SiteApp(site_dir)
    from tornado.ioloop import IOLoop

    preview = Preview(project, site_dir, app, say=lambda text: print(text, flush=True), pdfs=pdfs,
                      later=lambda task: IOLoop.current().add_callback(task))
    preview.rebuild()
    if not site_dir.exists():
        site_dir.mkdir(parents=True)
    server = Server(app=app)
    for folder in (project.content, project.templates, project.static, project.root / "i18n"):
        server.watch(str(folder), preview.rebuild)
    print(f"serving {site_dir} on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    sys.stdout.flush()
    server.serve(host=host, port=port, debug=False, restart_delay=0)
    return 0
