"""Where a build's time goes, stage by stage: one build of the real project (a copy of its inputs in a
temporary folder) in this process, from cold or, with --warm, after a `build.py build` in another process
(cache and site in place, nothing changed; the inputs were copied just before that build, too recently to
keep a record of it (portal/unchanged.py), so the warm build runs whole); each stage's wall and CPU time (CPU of this process and of
the worker processes it waited for, which render pages and Markdown bodies).

    .venv/bin/python bench/stages.py [--warm] [--search] [--engine DIR] [--content DIR]

The stages are the pipeline's functions, timed by wrapping them; what is not in one of them (the
interpreter's start, imports) is printed apart. A stage done on this process while workers render is
nested in the stage that waits for them; the CPU of a nested stage is this process's and the workers'
meanwhile. The cache is saved on a forked child while the site is published: its row is the wait for the
child after publishing, and the child's CPU."""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
# (module, attribute holding the function or class, method name or None, label)
# The stages done while workers render are nested ("  while …") in the stage that waits for the workers.
STAGES = [("unchanged", "build_key", None, "the build's key (hash the inputs; after the build, stat them)"),
          ("unchanged", "read_inputs", None, "the build's key (hash the inputs; after the build, stat them)"),
          ("pipeline", "read_inputs", None, "read the inputs (at the end; at the start too when no key was taken)"),
          ("pipeline", "Builder", "catalogs", "catalogs and UI strings"),
          ("loading", "read_texts", None, "read the glossary and the Markdown"),
          ("pipeline", "prefill", None, "Markdown bodies (workers)"),
          ("loading", "load_content", None, "  while they render: read and parse the rest of the content"),
          ("pipeline", "documents_ahead", None, "  while they render: the documents' fields (meta.yaml)"),
          ("validation", "validate", None, "validate (and bodies not prefilled)"),
          ("pipeline", "translation_states", None, "translation states"),
          ("pages", "assemble", None, "assemble the pages"),
          ("pipeline", "Builder", "environments", "template environments"),
          ("publishing", "timeline", None, "editions (against this build's records)"),
          ("pipeline", "render_pages", None, "render the pages (workers)"),
          ("parallel", "compile_templates", None, "  before the workers fork: compile the templates"),
          ("recordfiles", "data_files", None, "  while they render: data files"),
          ("recordfiles", "search_files", None, "  while they render: search index"),
          ("recordfiles", "citation_files", None, "  while they render: citations, feeds, data package"),
          ("pipeline", "check_alternates", None, "check the language links"),
          ("publishing", "card_files", None, "sharing cards"),
          ("output", "publish", None, "publish (write, swap)"),
          ("aside", "Aside", "succeeded", "the cache, saved on a child while publishing: what is left to wait"),
          ("pipeline", "Builder", "save_cache", "save the cache (here: when the child failed)"),
          ("unchanged", "save", None, "keep the record (site/'s signatures)")]


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def instrument(totals: dict[str, list[float]]) -> None:
    """Wrap each stage's function so that its wall and CPU time add up in totals[label] (a function the
    engine measured has not got, an older one's, is left out)."""
    import importlib

    for module_name, attribute, method, label in STAGES:
        module = importlib.import_module(f"portal.{module_name}")
        owner = getattr(module, attribute) if method else module
        name = method or attribute
        function = getattr(owner, name, None)
        if function is None:
            continue

        def timed(*args, _function=function, _label=label, **kwargs):
            wall, used = time.perf_counter(), cpu()
            try:
                return _function(*args, **kwargs)
            finally:
                spent = totals.setdefault(_label, [0.0, 0.0])
                spent[0] += time.perf_counter() - wall
                spent[1] += cpu() - used

        setattr(owner, name, timed)


def report(title: str, totals: dict[str, list[float]], wall: float, used: float) -> None:
    print(f"\n{title}: {wall:.2f} s wall, {used:.2f} s CPU (this process and its workers)")
    print("| stage | wall s | CPU s |\n|---|---:|---:|")
    for label in dict.fromkeys(label for _, _, _, label in STAGES):  # each once (two functions may share one)
        if label in totals:
            print(f"| {label} | {totals[label][0]:.2f} | {totals[label][1]:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warm", action="store_true", help="a warm build (after one in another process)")
    parser.add_argument("--search", action="store_true", help="with the search index")
    parser.add_argument("--engine", type=Path, default=ROOT)
    parser.add_argument("--content", type=Path, default=ROOT / "content", help="another content folder")
    args = parser.parse_args()
    sys.path.insert(0, str(args.engine))
    imports = time.perf_counter()
    from portal import pipeline
    print(f"imports: {time.perf_counter() - imports:.2f} s wall (interpreter start to here "
          f"{time.perf_counter() - STARTED:.2f} s)")
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        for name in ("templates", "static", "i18n"):
            shutil.copytree(ROOT / name, project / name)
        shutil.copytree(args.content, project / "content")
        site, cache = project / "site", project / "cache"
        if args.warm:
            subprocess.run([sys.executable, str(args.engine / "build.py"), "--project", str(project), "build",
                            "--out", str(site), "--cache", str(cache), "--no-cards"] + ([] if args.search else ["--no-search"]),
                           check=True, capture_output=True)
        totals: dict[str, list[float]] = {}
        instrument(totals)
        wall, used = time.perf_counter(), cpu()
        pipeline.build(pipeline.Project(project), site, search_index=args.search, cache_dir=cache)
        report("warm (nothing changed)" if args.warm else "cold (no cache, no site)", totals,
               time.perf_counter() - wall, cpu() - used)


if __name__ == "__main__":
    main()
