#!/usr/bin/env python3
"""Save -> reloaded page, as an editor sees it: `build.py serve` on a copy of the project, Chromium
with a page open, a file saved, the time until the browser has loaded the page again.

    .venv/bin/python bench/reload.py [--rounds 5] [--content DIR]

Three edits, each `--rounds` times, alternating, on a copy of templates/, static/, i18n/ and the
content (the real content/ unless --content):
  document  one paragraph of a document's zh.md, with that document's zh page open
  yaml      a glossary definition in glossary.yaml, with the zh glossary page open
  template  a class on <main> in templates/base.html, with the zh document page open

Measured from just before the file is written to the end of the reloaded page's load event (the
browser's navigation timing, on the same clock). Prints one JSON line per edit kind with the
median and all times in ms, and the server's own rebuild times.
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
                   return [o + n.startTime, o + n.responseEnd, o + n.loadEventEnd]; }"""


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
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temp:
        project = copy_project(args.content.resolve(), Path(temp) / "project")
        port = free_port()
        log = open(Path(temp) / "serve.log", "w+", encoding="utf-8")
        server = subprocess.Popen([sys.executable, str(args.engine / "build.py"), "--project", str(project), "serve",
                                   "--out", str(Path(temp) / "site"), "--port", str(port)],
                                  stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.time() + 120
            while "serving " not in Path(log.name).read_text(encoding="utf-8"):
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit(Path(log.name).read_text(encoding="utf-8"))
                time.sleep(0.1)
            results, phases = measure(project, f"http://127.0.0.1:{port}", args.rounds, sync_playwright,
                                      idle=ServerLog(Path(log.name)).wait_idle)
        finally:
            server.terminate()
            server.wait(timeout=10)
        rebuilds = [float(m) for m in re.findall(r"rebuilt .* in (\d+) ms", Path(log.name).read_text(encoding="utf-8"))]
        for kind, times in results.items():
            split = [round(statistics.median(p[i] for p in phases[kind])) for i in range(3)]
            print(json.dumps({"edit": kind, "median_ms": round(statistics.median(times)),
                              "times_ms": [round(t) for t in times],
                              "median_to_reload_html_load_ms": split}))
        print(json.dumps({"rebuilds_ms": rebuilds}))


class ServerLog:
    """The preview server's output, to wait until it has rendered what a rebuild deferred."""

    def __init__(self, path: Path) -> None:
        self.path, self.finished = path, 0

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def count(self) -> int:  # what this engine and the one before it say when deferred work is done
        return len(re.findall("then rendered|refreshed the print edition", self.text()))

    def wait_idle(self) -> None:
        deadline = time.time() + 120
        while self.count() <= self.finished and time.time() < deadline:
            time.sleep(0.1)
        self.finished = self.count()
        time.sleep(0.3)


def measure(project: Path, base: str, rounds: int, sync_playwright, idle) -> tuple[dict, dict]:
    plan = edits(project)
    originals = {kind: path.read_text(encoding="utf-8") for kind, (_, path, _) in plan.items()}
    results: dict[str, list[float]] = {kind: [] for kind in plan}
    phases: dict[str, list[tuple]] = {kind: [] for kind in plan}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        for n in range(1, rounds + 1):
            for kind, (url, path, change) in plan.items():
                page.goto(base + url)
                page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol >= 7",
                                       timeout=20000)
                time.sleep(0.3)  # the websocket handshake done, the server idle
                with page.expect_event("load", timeout=30000):
                    saved = time.time() * 1000
                    path.write_text(change(originals[kind], n), encoding="utf-8")
                started, html, loaded = page.evaluate(TIMING)
                results[kind].append(loaded - saved)
                phases[kind].append((started - saved, html - started, loaded - html))
                idle()  # the pages the rebuild deferred are rendered before the next round
        browser.close()
    for kind, (_, path, _) in plan.items():
        path.write_text(originals[kind], encoding="utf-8")
    return results, phases


if __name__ == "__main__":
    main()
