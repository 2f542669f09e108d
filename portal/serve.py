"""Preview server: build, serve site/ with live reload, rebuild what an edit touched, show errors in the page."""
from __future__ import annotations

import hashlib
import html
import mimetypes
import re
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

from . import glossary
from .errors import ContentErrors, unexpected
from .output import update_in_place
from .pipeline import Builder, Project
from .memory import collection_paused, tidy_memory
from .watch import SETTLE_MS, STEP_MS, Watch

TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8", ".svg": "image/svg+xml",
         ".xml": "application/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".pdf": "application/pdf",
         ".wasm": "application/wasm", ".png": "image/png"}
RECENT_PAGES = 8
FINGERPRINTED = re.compile(r"^/static/.+\.[0-9a-f]{10}\.\w+$")
OVERLAY = """<div id="build-error" role="alert" style="position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;
z-index:99999;background:#2b0b0b;color:#fff;font:14px/1.5 'Noto Sans Mono CJK SC','DejaVu Sans Mono',monospace;
padding:1rem 1.5rem;border-bottom:4px solid #e53935"><strong>Build failed — the page below is the last good build.</strong>
<pre style="white-space:pre-wrap;margin:.5rem 0 0">{errors}</pre></div>"""
LIVE_PATCH = Path(__file__).with_name("livepatch.js")


def content_type(path: Path) -> str:
    return TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class SiteApp:
    """A WSGI app serving only files below the site folder, with the current build error overlaid and,
    with `live`, the live patch (portal/livepatch.js) put first into every page's head."""

    def __init__(self, site_dir: Path, live: bool = False) -> None:
        self.site_dir = site_dir.resolve()
        self.patch_script = LIVE_PATCH.read_bytes() if live else b""
        self.patch_url = f"/__live/patch.{hashlib.sha1(self.patch_script).hexdigest()[:10]}.js"
        self.error: str | None = None
        self.recent: tuple[str, ...] = ()  # the HTML pages served last (output paths), oldest first
        self.open: dict = {}  # live-reload connection -> the page (output path) it is open on
        self.page_served_at = 0.0  # time.monotonic() of the last HTML page served

    def remember(self, target: Path) -> None:
        """Note a page served: the pages open in browsers are re-rendered first after an edit."""
        name = target.relative_to(self.site_dir).as_posix()
        # a new tuple, not a changed one: the rebuild thread reads it while this one serves
        self.recent = (*(r for r in self.recent if r != name), name)[-RECENT_PAGES:]
        self.page_served_at = time.monotonic()

    def pages_first(self) -> set[str] | None:
        """The pages to render before a reload: those open in a browser now (each connected to the live
        reload), else the pages served last; None before any was served."""
        return set(self.open.values()) or set(self.recent) or None

    def opened(self, connection, url: str) -> None:
        """A page's live-reload script connected: it is open on `url` until the connection closes."""
        target = self.resolve(urlsplit(url).path)
        if target is not None and target.suffix == ".html":
            # a new dict, not a changed one: the rebuild thread reads it while this one serves
            self.open = {**self.open, connection: target.relative_to(self.site_dir).as_posix()}

    def closed(self, connection) -> None:
        self.open = {c: page for c, page in self.open.items() if c is not connection}

    def settle(self, since: float, stop=lambda: False, fetch: float = 1.0, load: float = 0.2) -> None:
        """After a reload: wait until a browser has fetched a page (at most `fetch` seconds; not at all when
        no page was ever served), then `load` seconds for the rest of its load (the live-reload script
        and socket are served by this process), so that rendering the deferred pages does not hold the
        interpreter while the editor's page loads. Returns early when stop() says a save is waiting."""
        if not self.recent:
            return
        deadline = since + fetch
        while self.page_served_at < since and time.monotonic() < deadline and not stop():
            time.sleep(0.005)
        settled = time.monotonic() + load
        while time.monotonic() < settled and not stop():
            time.sleep(0.01)

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
        if self.patch_script and url_path == self.patch_url:
            start_response("200 OK", [("Content-Type", TYPES[".js"]), ("Content-Length", str(len(self.patch_script))),
                                      ("Cache-Control", "private, max-age=86400"), ("X-Content-Type-Options", "nosniff")])
            return [self.patch_script]
        target = self.resolve(url_path)
        status = "200 OK"
        if target is None:
            status = "404 Not Found"
            target = self.not_found_page(url_path)
        body = target.read_bytes() if target else b"<!doctype html><title>404</title><h1>404</h1>"
        kind = content_type(target) if target else "text/html; charset=utf-8"
        shown = environ.get("REQUEST_METHOD") != "HEAD"  # a link checker's HEAD shows no page in a browser
        if target and status == "200 OK" and kind.startswith("text/html") and shown:
            self.remember(target)
        if self.error and kind.startswith("text/html"):
            overlay = OVERLAY.format(errors=html.escape(self.error)).encode("utf-8")
            marker = body.find(b">", body.find(b"<body")) + 1 if b"<body" in body else 0
            body = body[:marker] + overlay + body[marker:]
        if self.patch_script and kind.startswith("text/html") and b"<head>" in body:
            # first in the head: it runs before the page's own deferred scripts, on the page as served
            marker = body.find(b"<head>") + len(b"<head>")
            body = body[:marker] + f'<script src="{self.patch_url}" defer></script>'.encode() + body[marker:]
        # fingerprinted files never change under their name: a reload after an edit fetches only the page
        caching = "public, max-age=31536000, immutable" if target and FINGERPRINTED.search(url_path) else "no-store"
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))),
                                ("Cache-Control", caching), ("X-Content-Type-Options", "nosniff")])
        return [body]


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host header values the preview answers: the address it listens on and, for a loopback or
    wildcard address, this machine's names, each with the port. Anything else is another site's name
    pointing here (DNS rebinding) and gets no answer."""
    names = {host}
    if host in ("127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0", "::", ""):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    if host in ("0.0.0.0", "::", ""):
        names.add(socket.gethostname())
        try:
            names |= set(socket.gethostbyname_ex(socket.gethostname())[2])
        except OSError:
            pass
    names = {f"[{n}]" if ":" in n and not n.startswith("[") else n for n in names if n}
    return {f"{n}:{port}".lower() for n in names} | ({n.lower() for n in names} if port == 80 else set())


def host_guard(app, hosts: set[str]):
    """A WSGI wrapper answering 421 to any Host header not in `hosts`."""

    def guarded(environ, start_response):
        if environ.get("HTTP_HOST", "").lower() not in hosts:
            body = b"421 Misdirected Request: this preview answers only its own address\n"
            start_response("421 Misdirected Request", [("Content-Type", "text/plain; charset=utf-8"),
                                                       ("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start_response)

    return guarded


def same_origin(origin: str | None, hosts: set[str]) -> bool:
    """Whether a websocket's Origin is the preview itself (a page of another site may not listen in)."""
    if not origin:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() in hosts


def not_cross_site(headers, hosts: set[str]) -> bool:
    """Whether a request may come from the preview's own pages or a tool, not from another site's page (a
    browser says so in Sec-Fetch-Site, and in Origin when it sends one)."""
    origin = headers.get("Origin")
    return headers.get("Sec-Fetch-Site", "none") in ("same-origin", "none") and \
        (origin is None or same_origin(origin, hosts))


def guard_live_reload(hosts: set[str]) -> None:
    """livereload's own handlers (the websocket, its script, /forcereload) accept any Origin and Host,
    and the one passing requests to the pages breaks on a Host it cannot parse (127.0.0.1:8000.evil.com:
    a 500 with a traceback): hold them to the same rules as the pages, before anything reads the Host.
    /forcereload reloads every open page, so no other site's page may ask for it."""
    from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
    from tornado.web import FallbackHandler, HTTPError

    def prepare(handler) -> None:
        if handler.request.host.lower() not in hosts:
            raise HTTPError(421)

    original = getattr(FallbackHandler.prepare, "original", FallbackHandler.prepare)  # guarded before: unwrap

    def prepare_pages(handler) -> None:
        prepare(handler)
        original(handler)

    def prepare_force_reload(handler) -> None:
        prepare(handler)
        if not not_cross_site(handler.request.headers, hosts):
            raise HTTPError(403)

    def prepare_script(handler) -> None:
        prepare(handler)
        # the script never changes while the preview runs: a reloaded page takes it from the browser's
        # cache instead of asking again (its load event waits for it)
        handler.set_header("Cache-Control", "private, max-age=86400")

    LiveReloadHandler.check_origin = lambda handler, origin: same_origin(origin, hosts)
    LiveReloadHandler.prepare = prepare
    ForceReloadHandler.prepare = prepare_force_reload
    LiveReloadJSHandler.prepare = prepare_script
    prepare_pages.original = original
    FallbackHandler.prepare = prepare_pages


def track_open_pages(app: SiteApp) -> None:
    """Tell `app` which page each live-reload connection is open on (livereload.js says so in its
    'info' message) and when it closes, so that a rebuild renders exactly the open pages first."""
    import json

    from livereload.handlers import LiveReloadHandler
    handle, close = LiveReloadHandler.on_message, LiveReloadHandler.on_close

    def on_message(handler, message) -> None:
        handle(handler, message)
        try:
            data = json.loads(message)
        except ValueError:
            return
        if isinstance(data, dict) and data.get("command") == "info" and isinstance(data.get("url"), str):
            app.opened(handler, data["url"])

    def on_close(handler) -> None:
        close(handler)
        app.closed(handler)

    LiveReloadHandler.on_message, LiveReloadHandler.on_close = on_message, on_close


class BodilessConnection:
    """A request's connection that sends the headers and drops the body: the answer to HEAD."""

    def __init__(self, connection) -> None:
        self.connection = connection

    def write_headers(self, start_line, headers, chunk=None):
        return self.connection.write_headers(start_line, headers)

    def __getattr__(self, name):
        return getattr(self.connection, name)


def answer_head(fallback):
    """livereload hands tornado a WSGI app's body together with its headers, which tornado refuses for
    HEAD ('Tried to write more data than Content-Length'): a HEAD request is answered as GET would be,
    same status and headers (Content-Length included), on a connection that drops the body."""

    def answer(request) -> None:
        if request.method == "HEAD":
            request.connection = BodilessConnection(request.connection)
        fallback(request)

    return answer


class Preview:
    """Keeps the builder and the current error between rebuilds."""

    def __init__(self, project: Project, site_dir: Path, app: SiteApp, say=print, pdfs: bool = False) -> None:
        self.builder, self.site_dir, self.app, self.say = Builder(project, pdfs), site_dir, app, say
        self.built = False
        self.written: dict[str, bytes] | None = None  # what the last write put in site_dir

    def rebuild(self, settled=lambda: True) -> bool:
        """Build as `build.py build` does (the same function, the same checks and messages) and write what
        changed, in place (only the preview may). After the first build, changed pages not open in a
        browser (see SiteApp.pages_first) keep their last version until finish(). A failed build's errors
        are shown when settled() says no save followed (else they may be a part-written file's)."""
        started = time.perf_counter()
        try:
            generated = self.builder.generate(first=self.app.pages_first() if self.built else None)
        except Exception as error:  # noqa: BLE001 (anything else is the last resort: shown, never a traceback)
            return self.failed(str(error) if isinstance(error, ContentErrors) else unexpected(error), settled)
        changed = self.write(generated.files)
        self.built = True
        self.app.error = None
        took = (time.perf_counter() - started) * 1000
        shown = ", ".join(generated.rendered[:4]) + (" …" if len(generated.rendered) > 4 else "")
        later = f", {len(generated.deferred)} more after the reload" if generated.deferred else ""
        self.say(f"rebuilt {len(generated.rendered)} page(s) [{shown}]{later}, wrote {len(changed)} file(s) "
                 f"in {took:.0f} ms")
        return True

    def failed(self, message: str, settled) -> bool:
        if settled():
            self.app.error = message
            self.say(message)
            self.say("build failed: still serving the last good site")
        return False

    def warm(self) -> None:
        """Load now what this process would load on the editor's first save of a kind: the first build
        rendered its pages on workers, so the Chinese glossary's index (its pinyin dictionary, 0.2 s) has
        never been made here."""
        glossary.sort_key("拼音", "zh")

    def write(self, files: dict[str, bytes]) -> list[str]:
        changed = update_in_place(files, self.site_dir, self.written)
        self.written = dict(files)
        return changed

    def finish(self, stop=lambda: False) -> None:
        """Render what the last rebuild deferred, until done or until stop() says another edit is waiting."""
        started = time.perf_counter()
        try:
            files = self.builder.render_deferred(stop)
        except ContentErrors as errors:
            self.app.error = str(errors)
            self.say(self.app.error)
            return
        except Exception as error:  # noqa: BLE001 (the last resort, as in rebuild())
            self.app.error = unexpected(error)
            self.say(self.app.error)
            return
        changed = self.write(files)
        if changed:
            took = (time.perf_counter() - started) * 1000
            self.say(f"then wrote {len(changed)} more file(s) in {took:.0f} ms")


def watch_inputs(project: Project, site_dir: Path, preview: Preview, reload, step_ms: int = STEP_MS,
                 settle_ms: int = SETTLE_MS) -> Watch:
    """On every burst of saves of the project's inputs: rebuild, call reload() (browsers reload the
    moment the files are written), then render what the rebuild deferred unless another save is
    waiting; a failed one followed by a save within `settle_ms` (the rest of a save written in parts) shows
    nothing, the next one reads it. The site and the caches are not watched."""

    def on_change(_paths: list[str], waiting) -> None:
        with collection_paused():  # until the browser has fetched its page (see tidy_memory)
            if not preview.rebuild(settled=lambda: not waiting(settle_ms / 1000)) and waiting():
                return  # the next burst rebuilds, and reloads
            reloaded = time.monotonic()
            reload()
            preview.app.settle(reloaded, stop=waiting)
        preview.finish(stop=waiting)
        if not waiting():
            tidy_memory()

    return Watch(project.folders().values(), on_change, ignored=(site_dir, project.root / ".cache"),
                 step_ms=step_ms).start()


def serve(project: Project, site_dir: Path, host: str, port: int, pdfs: bool = False, patch: bool = True) -> int:
    """Build, then serve site_dir on host:port with live reload until interrupted; with `patch`, open pages
    are patched rather than reloaded (portal/livepatch.js)."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher
    from tornado.ioloop import IOLoop

    class NotPolling(Watcher):
        """livereload's registry without its polling (every watched file stat'ed every 800 ms): the
        Watch thread says when files changed."""

        def start(self, callback) -> bool:
            return True

    class HeadAnswering(Server):
        """livereload's server, answering HEAD as GET without the body (see answer_head)."""

        def get_web_handlers(self, script):
            return [(pattern, handler, {**options, "fallback": answer_head(options["fallback"])})
                    for pattern, handler, options in super().get_web_handlers(script)]

    app = SiteApp(site_dir, live=patch)
    preview = Preview(project, site_dir, app, say=lambda text: print(text, flush=True), pdfs=pdfs)
    preview.rebuild()
    preview.warm()
    tidy_memory()
    site_dir.mkdir(parents=True, exist_ok=True)
    hosts = allowed_hosts(host, port)
    guard_live_reload(hosts)
    track_open_pages(app)
    loop = IOLoop.current()
    watch = watch_inputs(project, site_dir, preview,
                         reload=lambda: loop.add_callback(LiveReloadHandler.reload_waiters, "*"))
    server = HeadAnswering(app=host_guard(app, hosts), watcher=NotPolling())
    print(f"serving {site_dir} on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve(host=host, port=port, debug=False, restart_delay=0)  # until Ctrl-C, which it catches
    finally:
        watch.stop()
    return 130  # as a shell reports a command ended by Ctrl-C
