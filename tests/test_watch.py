"""The preview's watch: a save is one rebuild and one reload, a burst of saves one change, and what the
build writes (site/, .cache/) is not watched. No timings: each test waits for events, generously."""
from __future__ import annotations

import queue
import time

from conftest import ROOT, edit, project_for
from portal.serve import Preview, SiteApp, watch_inputs
from portal.watch import Watch

WAIT = 120  # seconds an event may take on a busy machine; never a measurement
STEP_MS = 200  # a wide burst window, so a busy machine cannot split one save into two


def started(watch: Watch) -> Watch:
    assert watch.ready.wait(WAIT), "the watch never started"
    return watch


def test_a_burst_of_saves_is_one_change(tmp_path):
    calls = queue.Queue()
    watch = started(Watch([tmp_path], lambda paths, waiting: calls.put(paths), step_ms=STEP_MS).start())
    try:
        page = tmp_path / "page.md"
        for version in range(5):
            page.write_text(f"version {version}", encoding="utf-8")
        assert calls.get(timeout=WAIT) == [str(page)]
        (tmp_path / "next.md").write_text("next", encoding="utf-8")
        assert calls.get(timeout=WAIT) == [str(tmp_path / "next.md")]  # nothing more came of the burst
    finally:
        watch.stop()


def test_changes_in_site_and_cache_trigger_nothing(tmp_path):
    for folder in ("content", "site/zh", ".cache/build"):
        (tmp_path / folder).mkdir(parents=True)
    calls = queue.Queue()
    watch = started(Watch([tmp_path], lambda paths, waiting: calls.put(paths),
                          ignored=[tmp_path / "site", tmp_path / ".cache"], step_ms=STEP_MS).start())
    try:
        (tmp_path / "site/zh/index.html").write_text("<p>built</p>", encoding="utf-8")
        (tmp_path / ".cache/build/build-cache.pickle").write_bytes(b"cache")
        (tmp_path / "content/page.swp").write_text("an editor's swap file", encoding="utf-8")
        (tmp_path / "content/page.md").write_text("saved", encoding="utf-8")
        assert calls.get(timeout=WAIT) == [str(tmp_path / "content/page.md")]
    finally:
        watch.stop()


def test_a_save_is_one_rebuild_then_one_reload(content, tmp_path):
    site = tmp_path / "site"
    preview = Preview(project_for(content), site, SiteApp(site), say=lambda text: None)
    assert preview.rebuild()
    events = queue.Queue()
    rebuild = preview.rebuild
    preview.rebuild = lambda **options: events.put("rebuild") or rebuild(**options)
    watch = started(watch_inputs(project_for(content), site, preview, reload=lambda: events.put("reload"),
                                 step_ms=STEP_MS))
    try:
        edit(content / "documents/plenary-demo/zh.md", "经济实力显著提升", "经济实力稳步提升")
        assert [events.get(timeout=WAIT), events.get(timeout=WAIT)] == ["rebuild", "reload"]
        assert "经济实力稳步提升" in (site / "zh/documents/plenary-demo/index.html").read_text(encoding="utf-8")
        edit(content / "glossary.yaml", "definition:", "definition: ")
        assert [events.get(timeout=WAIT), events.get(timeout=WAIT)] == ["rebuild", "reload"]  # no extra one before
    finally:
        watch.stop()


def test_after_a_reload_deferred_work_waits_for_the_open_page_and_never_for_none(tmp_path):
    """settle() holds the deferred pages back until a browser has fetched its page, so that rendering
    them does not slow the page the editor waits for; with no page open there is nothing to wait for,
    and a waiting save ends the wait."""
    import threading
    import time

    page = tmp_path / "index.html"
    page.write_text("<!doctype html><title>t</title>", encoding="utf-8")
    app = SiteApp(tmp_path)
    asked = []
    app.settle(time.monotonic(), stop=lambda: asked.append(1) or False, fetch=WAIT, load=WAIT)
    assert asked == []  # no page was ever served: returned at once, without looking
    app.remember(page)
    since = time.monotonic()
    threading.Timer(0.05, app.remember, [page]).start()  # the browser fetches the reloaded page
    app.settle(since, fetch=WAIT, load=0)
    assert app.page_served_at >= since
    app.settle(time.monotonic(), stop=lambda: True, fetch=WAIT, load=WAIT)  # a save is waiting: no wait


def test_the_pages_rendered_first_are_those_open_else_those_served_last(tmp_path):
    for page in ("zh/a", "zh/b", "en/a"):
        (tmp_path / page).mkdir(parents=True)
        (tmp_path / page / "index.html").write_text("<!doctype html><title>x</title>")
    app = SiteApp(tmp_path)
    assert app.pages_first() is None
    app.remember(tmp_path / "zh/a/index.html")
    app.remember(tmp_path / "zh/b/index.html")
    assert app.pages_first() == {"zh/a/index.html", "zh/b/index.html"}
    one, two = object(), object()
    app.opened(one, "http://127.0.0.1:8000/en/a/#s1")
    app.opened(two, "http://127.0.0.1:8000/zh/b/?hl=x")
    app.opened(object(), "http://127.0.0.1:8000/no/such/page/")  # not a page of the site: not counted
    assert app.pages_first() == {"en/a/index.html", "zh/b/index.html"}
    app.closed(two)
    assert app.pages_first() == {"en/a/index.html"}
    app.closed(one)
    assert app.pages_first() == {"zh/a/index.html", "zh/b/index.html"}  # none open: the pages served last


def test_the_live_patch_is_put_first_into_pages_only_when_serving_with_it(tmp_path):
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh/index.html").write_text('<!doctype html><html><head><meta charset="utf-8">'
                                             '<script type="module" src="/static/a.js"></script></head><body></body></html>')

    def get(app, path):
        answer = {}
        body = b"".join(app({"PATH_INFO": path}, lambda status, headers: answer.update(status=status)))
        return answer["status"], body

    patched, plain = SiteApp(tmp_path, live=True), SiteApp(tmp_path)
    status, page = get(patched, "/zh/")
    assert page.index(patched.patch_url.encode()) < page.index(b"/static/a.js")  # before the page's own scripts
    assert get(patched, patched.patch_url) == ("200 OK", (ROOT / "portal/livepatch.js").read_bytes())
    status, page = get(plain, "/zh/")
    assert b"/__live/" not in page and get(plain, patched.patch_url)[0].startswith("404")


def test_no_garbage_collection_from_the_save_to_the_page_and_all_of_it_when_idle(content, tmp_path):
    """The collector is paused from the rebuild through the reload and the browser's fetch of the page
    (a full collection walked everything the builder keeps, 60–230 ms, in the middle of a save); when
    idle, every garbage cycle is collected, then what is left frozen (later collections walk only what
    is new). A cycle made before a save is gone after it: nothing frozen stays uncollected."""
    import gc
    import weakref

    site = tmp_path / "site"
    preview = Preview(project_for(content), site, SiteApp(site), say=lambda text: None)
    assert preview.rebuild()
    seen = queue.Queue()
    rebuild = preview.rebuild
    preview.rebuild = lambda **options: seen.put(("rebuild", gc.isenabled())) or rebuild(**options)

    class Cycle:
        pass

    garbage = Cycle()
    garbage.me = garbage
    gone = weakref.ref(garbage)
    del garbage
    gc.freeze()  # as a previous idle moment left it: the cycle among the frozen objects
    watch = started(watch_inputs(project_for(content), site, preview,
                                 reload=lambda: seen.put(("reload", gc.isenabled())), step_ms=STEP_MS))
    try:
        edit(content / "documents/plenary-demo/zh.md", "经济实力显著提升", "经济实力稳步提升")
        assert [seen.get(timeout=WAIT), seen.get(timeout=WAIT)] == [("rebuild", False), ("reload", False)]
        for _ in range(WAIT * 10):
            if gone() is None and gc.get_freeze_count() > 0 and gc.isenabled():
                break
            time.sleep(0.1)
        assert gone() is None, "a garbage cycle frozen before the save was never collected"
        assert gc.get_freeze_count() > 0 and gc.isenabled()
    finally:
        watch.stop()
        gc.unfreeze()
