"""The pages of a cold build, rendered in this one process: CPU time per template (the sum over its pages
and a page's share), and with --profile where it goes (cProfile, one template or all).

    .venv/bin/python bench/pages.py [--content DIR] [--engine DIR] [--runs 3] [--profile [TEMPLATE]]
                                    [--digests FILE]

The pages are those the build's page stage would render, with the environments and site views it gives
them, taken by running the build up to that stage on a copy of the project in a temporary folder. The
templates are compiled before the first run (as the build does before its workers fork); each run renders
every page once, in the order and with the shared computations of one worker (a fresh `shared` each run),
without the cyclic collector. The minimum of the runs is printed for each template. --digests writes a
digest of each page's bytes and of what it read, to compare two engines."""
from __future__ import annotations

import argparse
import atexit
import cProfile
import gc
import hashlib
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class _Taken(Exception):
    """Stops the build once the pages are known."""


def cpu() -> float:
    return time.process_time()  # this process's CPU, to the nanosecond (getrusage counts in clock ticks)


def pages_of(content: Path, templates: Path = ROOT / "templates") -> tuple:
    """(environments, pages, make_view) of the page stage of a cold build of `content`."""
    from portal import incremental

    taken: dict = {}

    def take(environments, todo, make_view, minimum, workers=None, advance=None, meanwhile=None):
        taken["job"] = (environments, todo, make_view)
        raise _Taken
        yield  # a generator, as render_all is

    render_all, incremental.render_all = incremental.render_all, take
    project = Path(tempfile.mkdtemp())  # kept while the pages render: their templates are read from it
    atexit.register(shutil.rmtree, project, True)
    try:
        for name in ("static", "i18n"):
            shutil.copytree(ROOT / name, project / name)
        shutil.copytree(templates, project / "templates")
        shutil.copytree(content, project / "content")
        from portal import pipeline
        pipeline.build(pipeline.Project(project), project / "site", search_index=False, cache_dir=project / "cache")
    except _Taken:
        pass
    finally:
        incremental.render_all = render_all
    return taken["job"]


def render_serially(environments, pages: list, make_view, times: dict | None = None) -> list:
    """Each page's (bytes, reads) as a worker makes them, its CPU time added to times[template]."""
    from portal.parallel import _render_one, schedule

    shared: dict = {}
    results = [None] * len(pages)
    for chunk in schedule(pages, 2):
        for i in chunk:
            used = cpu()
            results[i] = _render_one(environments, pages[i], make_view(shared))
            if not isinstance(results[i], tuple):
                raise SystemExit(f"{pages[i].url}: {results[i]}")
            if times is not None:
                times.setdefault(pages[i].template, []).append(cpu() - used)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--engine", type=Path, default=ROOT)
    parser.add_argument("--templates", type=Path, default=ROOT / "templates")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", nargs="?", const="", metavar="TEMPLATE",
                        help="one run under cProfile (of every page, or of this template's)")
    parser.add_argument("--digests", type=Path, help="write a digest of each page's bytes and reads to this file")
    args = parser.parse_args()
    sys.path.insert(0, str(args.engine))
    environments, pages, make_view = pages_of(args.content, args.templates)
    from portal.parallel import compile_templates
    compile_templates(environments)
    gc.disable()  # as a build renders them (Builder.generate), its workers too
    print(f"{len(pages)} pages")
    if args.digests:
        made = render_serially(environments, pages, make_view)
        args.digests.write_text("".join(
            f"{page.url} {hashlib.sha256(repr(result if not isinstance(result, tuple) else (result[0], sorted(result[1]))).encode()).hexdigest()}\n"
            for page, result in zip(pages, made)))
        return
    if args.profile is not None:
        chosen = [p for p in pages if not args.profile or p.template == args.profile]
        render_serially(environments, pages, make_view)  # the shared computations made, as in a worker's later pages
        profiler = cProfile.Profile()
        profiler.runcall(render_serially, environments, chosen, make_view)
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(35)
        stats.sort_stats("cumulative").print_stats(50)
        return
    runs = []
    for _ in range(args.runs):
        times: dict[str, list[float]] = {}
        render_serially(environments, pages, make_view, times)
        runs.append(times)
    best = {name: min(sum(run[name]) for run in runs) for name in runs[0]}
    print("| template | pages | ms a page | s |\n|---|---:|---:|---:|")
    for name in sorted(best, key=best.get, reverse=True):
        count = len(runs[0][name])
        print(f"| {name} | {count} | {1000 * best[name] / count:.2f} | {best[name]:.3f} |")
    totals = [sum(map(sum, run.values())) for run in runs]
    print(f"| **all** (runs: {', '.join(f'{t:.2f}' for t in totals)}) | {len(pages)} | | **{min(totals):.3f}** |")


if __name__ == "__main__":
    main()
