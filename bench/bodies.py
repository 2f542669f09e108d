"""The Markdown bodies of a cold build, rendered in this one process: CPU time per body, and with --profile
where it goes (cProfile, the functions with the most time of their own and cumulatively).

    .venv/bin/python bench/bodies.py [--content DIR] [--engine DIR] [--runs 3] [--profile] [--workers]

The bodies are those the build's `prefill` would render (both languages, with the glossary links the
build gives them), taken by running the build up to that stage on a copy of the project in a temporary
folder. As in a build, without the cyclic garbage collector. Each run is cold, as a build's workers are:
it renders them all in a child forked from this process once the bodies are taken (the build forks its
workers at that point), so nothing a run keeps (sections, module-level caches such as the block reader's
stretches, lru_caches) is there for the next; the CPU of each run and the minimum are printed. --workers
renders them as the build does, on worker processes forked by that child (its CPU and theirs)."""
from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class _Taken(Exception):
    """Stops the build once the bodies are known."""


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bodies_of(content: Path) -> tuple[list, dict]:
    """(key, text, shown, links) of every body a cold build of `content` renders, and the labels."""
    from portal import pipeline

    taken: dict = {}

    def take(bodies, sources, links, minimum, progress, meanwhile=None, check=None):
        taken["todo"] = [item for lang, kept in bodies.items() for item in kept.todo(sources[lang], links[lang])]
        taken["labels"] = {lang: kept.renderer.state["labels"] for lang, kept in bodies.items()}
        raise _Taken

    prefill, pipeline.prefill = pipeline.prefill, take
    try:
        with tempfile.TemporaryDirectory() as folder:
            project = Path(folder)
            for name in ("templates", "static", "i18n"):
                shutil.copytree(ROOT / name, project / name)
            shutil.copytree(content, project / "content")
            pipeline.build(pipeline.Project(project), project / "site", search_index=False, cache_dir=project / "cache")
    except _Taken:
        pass
    finally:
        pipeline.prefill = prefill
    return taken["todo"], taken["labels"]


def render_serially(todo: list, labels: dict) -> list:
    from portal.markup import Renderer

    renderers = {lang: Renderer(lang, labels[lang]) for lang in labels}
    return [renderers[key[0]].render(text, shown, links) for key, text, shown, links in todo]


def cold_run(todo: list, labels: dict, workers: bool) -> tuple[float, float]:
    """(CPU, wall) seconds of rendering every body in a child forked for it, its workers' CPU included: the
    child starts from this process's state, as a build's workers do, and what it keeps dies with it."""
    used, wall = cpu(), time.perf_counter()
    child = os.fork()
    if child == 0:
        status = 1
        try:
            if workers:
                from portal.parallel import render_bodies
                list(render_bodies([(item[2].parent, [item]) for item in todo], labels))  # unchecked (no check)
            else:
                render_serially(todo, labels)
            status = 0
        finally:
            os._exit(status)
    _pid, status = os.waitpid(child, 0)
    if status:
        raise SystemExit(f"a run failed (wait status {status})")
    return cpu() - used, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--engine", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="one run under cProfile")
    parser.add_argument("--workers", action="store_true", help="on forked processes, as the build renders them")
    parser.add_argument("--digests", type=Path, help="write a digest of each rendered body (its repr) to this file")
    args = parser.parse_args()
    sys.path.insert(0, str(args.engine))
    todo, labels = bodies_of(args.content)
    gc.disable()  # as a build renders them (Builder.generate), its workers too
    print(f"{len(todo)} bodies, {sum(len(text) for _k, text, _s, _l in todo) / 1e6:.1f} M characters")
    if args.digests:
        rendered = render_serially(todo, labels)
        args.digests.write_text("".join(f"{key[0]} {shown} {hashlib.sha256(repr(result).encode()).hexdigest()}\n"
                                        for (key, _t, shown, _l), result in zip(todo, rendered)))
        return
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(render_serially, todo, labels)
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(45)
        return
    times = [cold_run(todo, labels, args.workers) for _ in range(args.runs)]
    best = min(times)
    print("CPU s per cold run: " + ", ".join(f"{c:.2f}" for c, _w in times) +
          f"; best {best[0]:.2f} s CPU ({best[1]:.2f} s wall), {1000 * best[0] / len(todo):.2f} ms a body")


if __name__ == "__main__":
    main()
