"""A cold build's two template stages on the real templates, each engine in a fresh process, alternating:
the catalogs and UI strings (i18n.load_catalogs, nothing kept) and compiling every template for each
language (the environments made, then parallel.compile_templates, as before the page workers fork).
Wall and CPU seconds (this process and its children) of each stage, one line a run.

    .venv/bin/python bench/templates.py [--rounds 5] [--engine DIR ...] [--profile]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(engine: Path, profile: bool) -> dict[str, list[float]]:
    """The two stages' [wall, CPU] in this process, with `engine`'s portal package and this project's files."""
    sys.path.insert(0, str(engine))
    from portal import i18n, parallel, rendering
    from portal.model import LANGS

    class Site:  # what make_environments reads of the site (refresh_environments)
        class model:
            base_url, book = "https://example.org/", "book"
        documents = ()

    spent = {}
    wall, used = time.perf_counter(), cpu()
    translations = i18n.load_catalogs(ROOT)
    spent["catalogs and UI strings"] = [time.perf_counter() - wall, cpu() - used]
    wall, used = time.perf_counter(), cpu()
    environments = rendering.make_environments(ROOT / "templates", translations, Site, {}, False,
                                               rendering.CompiledTemplates())
    if profile:
        import cProfile
        cProfile.runctx("parallel.compile_templates(environments)", globals(), locals(), sort="tottime")
    else:
        parallel.compile_templates(environments)
    spent["compile the templates"] = [time.perf_counter() - wall, cpu() - used]
    assert all(len(environments[lang].cache) >= 30 for lang in LANGS)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--engine", type=Path, action="append", help="an engine's folder (default: this one)")
    parser.add_argument("--profile", action="store_true", help="cProfile the compile, one run of the first engine")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # a child: measure this engine once
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.profile)))
        return
    engines = args.engine or [ROOT]
    runs: dict[tuple[Path, str], list[list[float]]] = {}
    for round_ in range(1 if args.profile else args.rounds):
        for engine in engines:
            run = subprocess.run([sys.executable, __file__, "--one", str(engine)] + ["--profile"] * args.profile,
                                 check=True, capture_output=True, text=True, cwd=ROOT)
            if args.profile:
                print(run.stdout)
                return
            stages = json.loads(run.stdout)
            for label, spent in stages.items():
                runs.setdefault((engine, label), []).append(spent)
            print(f"round {round_ + 1} {engine}: " + "; ".join(f"{label} {wall:.3f} s wall, {used:.3f} s CPU"
                                                            for label, (wall, used) in stages.items()))
    print("\n| engine | stage | wall s, min · median | CPU s, min · median |\n|---|---|---:|---:|")
    for (engine, label), spent in runs.items():
        walls, cpus = sorted(s[0] for s in spent), sorted(s[1] for s in spent)
        print(f"| {engine} | {label} | {walls[0]:.3f} · {walls[len(walls) // 2]:.3f} | "
              f"{cpus[0]:.3f} · {cpus[len(cpus) // 2]:.3f} |")


if __name__ == "__main__":
    main()
