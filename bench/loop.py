"""The preview's edit loop without a browser: a Builder kept, a file edited, generate() with the open page
first and the write in place (output.update_in_place, as the server writes: the time until the browser could
reload, wall and CPU), then render_deferred(); medians of --rounds per edit. As in the server
(serve.watch_inputs), the garbage collector is paused from the save to the reload and the memory tidied
when the deferred pages are made: a collection of the build's objects is then no part of the time.

    .venv/bin/python bench/loop.py [--rounds 7] [--engine DIR] [--profile paragraph|glossary|value]

It works on a copy of the real project's inputs in a temporary folder; --engine runs another checkout."""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def edits(project: Path) -> dict:
    """Per edit: (the open page, the file, a function of the round number rewriting its text)."""
    content = project / "content"
    return {
        "paragraph": ("zh/documents/plan2025-report/index.html", content / "documents/plan2025-report/zh.md",
                      lambda text, n: text.replace("。", "。" + "改" * n, 1)),
        "glossary": ("zh/glossary/index.html", content / "glossary.yaml",
                     lambda text, n: re.sub(r"(definition:\n    zh: \")", lambda m: m.group(1) + "改" * n, text,
                                            count=1)),
        "value": ("zh/indicators/index.html", content / "values/congress13-article.yaml",
                  lambda text, n: text.replace("note: {zh: 区第十三次", "note: {zh: " + "改" * n + "区第十三次", 1)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--engine", type=Path, default=ROOT)
    parser.add_argument("--profile", choices=("paragraph", "glossary", "value"))
    parser.add_argument("--search", action="store_true", help="with the search index, as the preview builds")
    args = parser.parse_args()
    sys.path.insert(0, str(args.engine))
    from portal.memory import collection_paused, tidy_memory
    from portal.output import update_in_place
    from portal.pipeline import Builder, Project

    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        for name in ("content", "templates", "static", "i18n"):
            shutil.copytree(ROOT / name, project / name)
        builder = Builder(Project(project), search_index=args.search)
        site = project / "site"
        written = dict(builder.generate().files)
        update_in_place(written, site, None)
        print(f"load {os.getloadavg()[0]:.1f}")
        for name, (page, path, edit) in edits(project).items():
            if args.profile and name != args.profile:
                continue
            original = path.read_text(encoding="utf-8")
            assert edit(original, 1) != original, f"the {name} edit changes nothing"
            first, cpu, later = [], [], []
            for n in range(1, args.rounds + 1):
                path.write_text(edit(original, n), encoding="utf-8")
                profile = cProfile.Profile() if args.profile and n == args.rounds else None
                with collection_paused():
                    started, cpu_started = time.perf_counter(), time.process_time()
                    if profile:
                        profile.enable()
                    generated = builder.generate(first={page})
                    update_in_place(generated.files, site, written)
                    written = dict(generated.files)  # as the server keeps it (render_deferred changes the other)
                    first.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - cpu_started)
                    if profile:
                        profile.disable()
                if profile:
                    stats = pstats.Stats(profile).sort_stats("cumulative")
                    stats.print_stats(45)
                    stats.print_callees("validate|_generate|load_site|render_pages")  # where each stage's time goes
                started = time.perf_counter()
                update_in_place(builder.render_deferred(), site, written)
                written = dict(builder.last.files)
                later.append(time.perf_counter() - started)
                tidy_memory()
            path.write_text(original, encoding="utf-8")
            update_in_place(builder.generate().files, site, written)
            written = dict(builder.last.files)
            print(f"{name}: open page {statistics.median(first) * 1000:.0f} ms (median of {args.rounds}: "
                  f"{' '.join(f'{t * 1000:.0f}' for t in first)}; CPU {statistics.median(cpu) * 1000:.0f} ms), then {len(generated.deferred)} deferred pages "
                  f"{statistics.median(later) * 1000:.0f} ms; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
