#!/usr/bin/env python3
"""Save -> updated page, as an editor sees it: `build.py serve` on a copy of the project, Chromium
with a page open, a file saved, the time until the browser shows the edit.

    .venv/bin/python bench/reload.py [--rounds 5] [--content DIR] [--reload-only]

Three edits, each `--rounds` times, alternating, on a copy of templates/, static/, i18n/ and the
content (the real content/ unless --content):
  document  one paragraph of a document's zh.md, with that document's zh page open
  yaml      a glossary definition in glossary.yaml, with the zh glossary page open
  template  a class on <main> in templates/base.html, with the zh document page open

Measured from just before the file is written until the page shows the edit, on the browser's
clock: when the preview's live patch changed the open page, the next frame after the change, its
layout done; when the page was reloaded (what the patch cannot do safely, or every edit with
--reload-only), the end of the reloaded page's load event. Prints one JSON line per edit kind with
the median and all times in ms and how many rounds were patched or reloaded, and the server's own
rebuild times.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
# the reloaded page's navigation timing, on the epoch clock: when it started, got its HTML, finished loading
TIMING = """() => { const n = performance.getEntriesByType('navigation')[0], o = performance.timeOrigin;
                   return [o + n.startTime, o + n.responseEnd, n.loadEventEnd > 0 ? o + n.loadEventEnd : 0]; }"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_project(content: Path, target: Path) -> Path:
    for folder in ("templates", "static", "i18n"):
        shutil.copytree(ROOT / folder, target / folder)
    shutil.copytree(content, target / "content")
    return target


def edits(project: Path) -> dict:
    """Per edit kind: (url to open, file, a function of the round number that rewrites the file)."""
    documents = sorted(p for p in (project / "content" / "documents").iterdir() if p.is_dir())
    document = next((d for d in documents if d.name == "plan2025-report"), documents[len(documents) // 2])
    zh = document / "zh.md"

    def paragraph(text: str, n: int) -> str:  # a sentence of the first paragraph gains n characters
        return text.replace("。", "。" + "改" * n, 1)

    def definition(text: str, n: int) -> str:
        return re.sub(r"(definition:\n    zh: \")", lambda m: m.group(1) + "改" * n, text, count=1)

    def template(text: str, n: int) -> str:
        return text.replace('<main id="main"', f'<main data-edit="{n}" id="main"', 1)

    return {"document": (f"/zh/documents/{document.name}/", zh, paragraph),
            "yaml": ("/zh/glossary/", project / "content" / "glossary.yaml", definition),
            "template": (f"/zh/documents/{document.name}/", project / "templates" / "base.html", template)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--engine", type=Path, default=ROOT, help="the checkout whose build.py serves (to compare)")
    parser.add_argument("--reload-only", action="store_true",
                        help="serve with --full-reload: every edit reloads the page (to compare)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temp:
        project = copy_project(args.content.resolve(), Path(temp) / "project")
        port = free_port()
        log = open(Path(temp) / "serve.log", "w+", encoding="utf-8")
        server = subprocess.Popen([sys.executable, str(args.engine / "build.py"), "--project", str(project), "serve",
                                   "--out", str(Path(temp) / "site"), "--port", str(port)]
                                  + (["--full-reload"] if args.reload_only else []),
                                  stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.time() + 120
            while "serving " not in Path(log.name).read_text(encoding="utf-8"):
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit(Path(log.name).read_text(encoding="utf-8"))
                time.sleep(0.1)
            results, phases, ways = measure(project, f"http://127.0.0.1:{port}", args.rounds, sync_playwright,
                                            idle=ServerLog(Path(log.name)).wait_idle)
        finally:
            server.terminate()
            server.wait(timeout=10)
        rebuilds = [float(m) for m in re.findall(r"rebuilt .* in (\d+) ms", Path(log.name).read_text(encoding="utf-8"))]
        for kind, times in results.items():
            line = {"edit": kind, "median_ms": round(statistics.median(times)), "times_ms": [round(t) for t in times],
                    "patched": ways[kind].count("patched"), "reloaded": ways[kind].count("reloaded")}
            for way, label in (("reloaded", "reloads_median_to_reload_html_load_ms"),
                               ("patched", "patches_median_to_message_fetch_parse_patch_frame_ms")):
                splits = [split for w, split in phases[kind] if w == way]
                if splits:
                    line[label] = [round(statistics.median(p[i] for p in splits)) for i in range(len(splits[0]))]
            print(json.dumps(line))
        failed = Path(log.name).read_text(encoding="utf-8").count("build failed")
        print(json.dumps({"rebuilds_ms": rebuilds, "failed_rebuilds": failed}))


class ServerLog:
    """The preview server's output, to wait until it has rendered what a rebuild deferred."""

    def __init__(self, path: Path) -> None:
        self.path, self.finished = path, 0

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def count(self) -> int:  # what this engine and the one before it say when deferred work is done
        return len(re.findall("then rendered|then wrote|refreshed the print edition", self.text()))

    def wait_idle(self) -> None:
        deadline = time.time() + 120
        while self.count() <= self.finished and time.time() < deadline:
            time.sleep(0.1)
        self.finished = self.count()
        time.sleep(0.3)


# Armed before a save: the first change of the open page after it (the live patch) is timed at the
# next frame, once its layout is done; a navigation (a full reload) drops these and is timed by its
# navigation timing instead.
ARM = """() => { window.__armed = true; window.__shown = 0; performance.clearMarks();
  const observer = new MutationObserver(() => { observer.disconnect();
    requestAnimationFrame(() => { document.body.offsetHeight; window.__shown = performance.timeOrigin + performance.now(); }); });
  observer.observe(document.documentElement, {subtree: true, childList: true, characterData: true, attributes: true}); }"""
STATE = "() => [window.__armed === true, window.__shown || 0]"
MARKS = """() => Object.fromEntries(performance.getEntriesByType('mark').filter(m => m.name.startsWith('livepatch:'))
                                   .map(m => [m.name, performance.timeOrigin + m.startTime]))"""


def shown(page, saved: float, timeout: float = 30) -> tuple[str, float, tuple]:
    """How the saved edit reached the open page ("patched" or "reloaded"), when (epoch ms), and for a
    reload its phases (to the reload, HTML, load event)."""
    from playwright.sync_api import Error
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            armed, at = page.evaluate(STATE)
        except Error:  # the page is navigating
            armed, at = False, 0
        if armed and at:
            marks = page.evaluate(MARKS)  # the live patch's steps: start, fetched, parsed, patched
            steps = [marks[k] for k in ("livepatch:start", "livepatch:fetched", "livepatch:parsed", "livepatch:patched")
                     if k in marks]
            split = (steps[0] - saved, *(b - a for a, b in zip(steps, steps[1:])), at - steps[-1]) \
                if len(steps) == 4 else ()
            return "patched", at, split
        if not armed:
            page.wait_for_load_state("load")
            started, html, loaded = page.evaluate(TIMING)
            if loaded and started > saved:
                return "reloaded", loaded, (started - saved, html - started, loaded - html)
        time.sleep(0.005)
    raise SystemExit("the edit never reached the page")


def measure(project: Path, base: str, rounds: int, sync_playwright, idle) -> tuple[dict, dict, dict]:
    plan = edits(project)
    originals = {kind: path.read_text(encoding="utf-8") for kind, (_, path, _) in plan.items()}
    results: dict[str, list[float]] = {kind: [] for kind in plan}
    phases: dict[str, list[tuple]] = {kind: [] for kind in plan}
    ways: dict[str, list[str]] = {kind: [] for kind in plan}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        for n in range(1, rounds + 1):
            for kind, (url, path, change) in plan.items():
                page.goto(base + url)
                page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol >= 7",
                                       timeout=20000)
                time.sleep(0.3)  # the websocket handshake done, the server idle
                page.evaluate(ARM)
                saved = time.time() * 1000
                path.write_text(change(originals[kind], n), encoding="utf-8")
                way, at, split = shown(page, saved)
                results[kind].append(at - saved)
                ways[kind].append(way)
                if split:
                    phases[kind].append((way, split))
                marker = "改" * n if kind != "template" else f'data-edit="{n}"'
                if marker not in page.content():
                    raise SystemExit(f"{kind}: the page does not show the edit of round {n}")
                idle()  # the pages the rebuild deferred are rendered before the next round
        browser.close()
    for kind, (_, path, _) in plan.items():
        path.write_text(originals[kind], encoding="utf-8")
    return results, phases, ways


if __name__ == "__main__":
    main()
