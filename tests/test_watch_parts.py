"""The preview's short watch step (portal/watch.py STEP_MS) against saves written in parts: a file truncated
and then written, files replaced by rename, several files at once (a checkout). The rebuild starts at once;
what makes it whole is the build reading its inputs again at its end (pipeline.InputsChanged) and a failed
build's errors waiting for the rest of the save (SETTLE_MS). No timings: each test waits for events,
generously, and the order of events is what is checked."""
from __future__ import annotations

import contextlib
import os
import queue
import threading
import time

from conftest import edit, project_for
from portal.errors import ContentErrors
from portal.serve import Preview, SiteApp, watch_inputs
from portal.watch import Watch

WAIT = 120  # seconds an event may take on a busy machine; never a measurement


def watched(content, site, settle_ms=None):
    """A built preview whose watch reports, in order: 'failed' and 'rebuilt' per build, 'reload', and
    every message the preview says (the errors an editor would see)."""
    preview = Preview(project_for(content), site, SiteApp(site), say=lambda text: None)
    assert preview.rebuild()
    events, said = queue.Queue(), []
    preview.say = said.append
    generate = preview.builder.generate

    def spy(first=None):
        try:
            generated = generate(first)
        except ContentErrors:
            events.put("failed")
            raise
        events.put("rebuilt")
        return generated

    preview.builder.generate = spy
    options = {} if settle_ms is None else {"settle_ms": settle_ms}
    watch = watch_inputs(project_for(content), site, preview, reload=lambda: events.put("reload"), **options)
    assert watch.ready.wait(WAIT), "the watch never started"
    return preview, watch, events, said


def test_waiting_with_seconds_returns_as_soon_as_a_change_arrives(tmp_path):
    calls = queue.Queue()
    watch = Watch([tmp_path], lambda paths, waiting: calls.put(waiting(WAIT)) or calls.put(waiting()))
    assert watch.start().ready.wait(WAIT)
    try:
        assert watch.waiting() is False and watch.waiting(0.001) is False
        (tmp_path / "first.md").write_text("first", encoding="utf-8")  # the call waits for the next change
        threading.Timer(0.2, (tmp_path / "second.md").write_text, ["second"]).start()
        assert calls.get(timeout=WAIT) is True  # it came: the wait ended (long before WAIT)
        assert calls.get(timeout=WAIT) is True  # and it is still queued for the next call
    finally:
        watch.stop()


def test_the_errors_of_a_file_truncated_then_written_are_never_shown(content, tmp_path):
    """An editor saving in two steps: the file empty first (a build of it fails), then written whole. The
    failed build says nothing and reloads nothing; the next one shows the saved text."""
    site = tmp_path / "site"
    path = content / "documents/plenary-demo/zh.md"
    whole = path.read_text(encoding="utf-8").replace("经济实力显著提升", "经济实力稳步提升")
    preview, watch, events, said = watched(content, site, settle_ms=WAIT * 1000)  # it ends when the save comes
    try:
        path.write_text("", encoding="utf-8")  # truncated
        assert events.get(timeout=WAIT) == "failed"
        path.write_text(whole, encoding="utf-8")  # then written, while the failed build waits
        assert [events.get(timeout=WAIT) for _ in range(2)] == ["rebuilt", "reload"]
        assert "经济实力稳步提升" in (site / "zh/documents/plenary-demo/index.html").read_text(encoding="utf-8")
        assert not any("build failed" in text for text in said) and preview.app.error is None
        assert events.empty()  # one reload, nothing else
    finally:
        watch.stop()


def test_a_failed_build_no_save_follows_is_shown_with_its_errors(content, tmp_path):
    site = tmp_path / "site"
    preview, watch, events, said = watched(content, site, settle_ms=1)
    try:
        edit(content / "documents/plenary-demo/zh.md", "{: #g1-p1 }", "{: #g1-p9 }")  # no such anchor in en.md
        assert [events.get(timeout=WAIT) for _ in range(2)] == ["failed", "reload"]  # the page shows the errors
        assert "g1-p9" in preview.app.error
        assert said == [preview.app.error, "build failed: still serving the last good site"]
    finally:
        watch.stop()


def test_files_saved_together_show_no_errors_and_end_as_the_saved_site(content, tmp_path):
    """A checkout: zh.md replaced by rename, en.md truncated then written, the glossary rewritten, one after
    the other at the watch's own step and settle. Each half alone fails (an anchor in one language only);
    whatever bursts the watch makes of it, no error is shown and the site ends as the files say."""
    site = tmp_path / "site"
    folder = content / "documents/plenary-demo"
    zh = (folder / "zh.md").read_text(encoding="utf-8") + "\n新增一段。\n{: #added }\n"
    en = (folder / "en.md").read_text(encoding="utf-8") + "\nAn added paragraph.\n{: #added }\n"
    glossary = (content / "glossary.yaml").read_text(encoding="utf-8").replace("definition:", "definition: ", 1)
    preview, watch, events, said = watched(content, site)
    try:
        (folder / ".zh.md.new").write_text(zh, encoding="utf-8")
        os.replace(folder / ".zh.md.new", folder / "zh.md")
        (folder / "en.md").write_text("", encoding="utf-8")
        (folder / "en.md").write_text(en, encoding="utf-8")
        (content / "glossary.yaml").write_text(glossary, encoding="utf-8")
        pages = {site / "en/documents/plenary-demo/index.html": "An added paragraph.",
                 site / "zh/documents/plenary-demo/index.html": "新增一段。"}  # written by then or after, left for later
        deadline = time.monotonic() + WAIT  # the pages left for later are written with no event of their own
        while not all(page.is_file() and text in page.read_text(encoding="utf-8") for page, text in pages.items()):
            assert time.monotonic() < deadline, "the site never came to show the saved files"
            with contextlib.suppress(queue.Empty):
                assert events.get(timeout=0.1) in ("failed", "rebuilt", "reload")
        assert not any("build failed" in text for text in said) and preview.app.error is None
    finally:
        watch.stop()
