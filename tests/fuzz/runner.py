"""Run seeded mutations of the fixture, each built by a worker process with a time and memory limit.

Outcomes: clean-error (every message `path:line: message` inside the file, no Python repr), built
(and its output holds no unsafe link, no CSV formula, no control or bidirectional character and no
Markdown placeholder), and the bugs: bad-message, cascade (more than MAX_CASCADE errors from the one
mutation), unsafe-output, traceback, memory, hang, crash (killed by a signal, e.g. a segfault)."""
from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixture" / "content"
sys.path.insert(0, str(ROOT))

from portal.errors import ContentError, ContentErrors  # noqa: E402
from portal.safety import link_allowed  # noqa: E402
from portal.pipeline import Builder, Project  # noqa: E402

from .mutations import mutate  # noqa: E402

BUGS = ("bad-message", "cascade", "unsafe-output", "traceback", "memory", "hang", "crash")
MAX_CASCADE = 3  # errors one mutation may cause: one per mistake, and a mutation is one or two mistakes
# Where the fixture is published (its site.yaml's base_url): links there are the site's own
BASE_URL = re.search(r"^base_url: (\S+)$", (FIXTURE / "site.yaml").read_text(encoding="utf-8"), re.M).group(1)
_ERROR_LINE = re.compile(r"(content/[^:\n]+):(\d+): (.*)")
_REPR = re.compile(r"\bNone\b|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|Decimal\(|<class |Items\(|Record\(|Traceback")
_FORMULA = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
# In a page: C0 and C1 controls, bidirectional controls, Python-Markdown's placeholders
_LIVE_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
                             "|klzzwxh|wzxhzdk")


@dataclass
class Report:
    outcomes: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)  # outcome -> [(iteration, description, detail)]
    largest: tuple = (0, "", "")  # (errors, description, first lines)

    def add(self, outcome: str, iteration: int, description: str, detail: str = "") -> None:
        self.outcomes[outcome] += 1
        if outcome in BUGS:
            self.examples.setdefault(outcome, [])
            if len(self.examples[outcome]) < 5:
                self.examples[outcome].append((iteration, description, detail[-1500:]))

    @property
    def bugs(self) -> int:
        return sum(self.outcomes[b] for b in BUGS)

    def summary(self) -> str:
        order = ("clean-error", "built") + BUGS
        lines = [", ".join(f"{name}: {self.outcomes[name]}" for name in order)]
        count, description, first = self.largest
        lines.append(f"largest cascade: {count} error(s) from {description}" + (f"\n{first}" if first else ""))
        for outcome, examples in self.examples.items():
            for iteration, description, detail in examples:
                lines.append(f"[{outcome}] #{iteration} {description}\n{detail}")
        return "\n".join(lines)


def _line_count(data: bytes) -> int:
    text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return max(1, text.count(b"\n") + (0 if text.endswith(b"\n") or not text else 1))


def message_problems(report: str, content: Path, mutated: dict[Path, bytes] | None = None) -> list[str]:
    """Messages that break the rules: no path:line, a line outside the file, a Python repr.
    `mutated` holds the bytes of files as the build saw them, when they differ from the disk."""
    mutated = mutated or {}
    problems = []
    for line in report.split("\n"):
        if line.startswith("    hint: ") or re.match(r"\d+ error\(s\)", line):
            if _REPR.search(line):
                problems.append(f"repr in: {line}")
            continue
        match = _ERROR_LINE.fullmatch(line)
        if not match:
            problems.append(f"no path:line: {line[:200]}")
            continue
        path = content.parent / match.group(1)
        if not path.is_file():
            problems.append(f"no such file: {line[:200]}")
        elif not 1 <= int(match.group(2)) <= _line_count(mutated.get(path) or path.read_bytes()):
            lines = _line_count(mutated.get(path) or path.read_bytes())
            problems.append(f"line outside the file ({lines} lines): {line[:200]}")
        if _REPR.search(match.group(3)):
            problems.append(f"repr in: {line[:200]}")
    return problems


class _Links(HTMLParser):
    """Every URL-valued attribute of a page, decoded as a browser decodes it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.urls.extend(value or "" for name, value in attrs if name in ("href", "src", "action", "formaction"))


def output_problems(files: dict[str, bytes]) -> list[str]:
    """A built site must hold no link a browser would run or send elsewhere, and no CSV formula."""
    problems = []
    for name, data in files.items():
        if name.endswith(".html"):
            live = _LIVE_CHARACTER.search(data.decode("utf-8", "replace"))
            if live:
                problems.append(f"{name}: {live.group(0)!r} in the page")
            parser = _Links()
            parser.feed(data.decode("utf-8", "replace"))
            for value in parser.urls:
                if value.startswith(BASE_URL) or (value.startswith("/") and not value.startswith("//")):
                    continue
                if not link_allowed(value):
                    problems.append(f"{name}: unsafe link {value[:80]!r}")
        elif name.endswith(".csv"):
            for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
                for cell in row:
                    if (cell.startswith(("\t", "\r")) or cell.lstrip().startswith(_FORMULA)) and \
                            not re.fullmatch(r"-?\d+(\.\d+)?", cell):
                        problems.append(f"{name}: formula cell {cell[:60]!r}")
    return problems


def verdict_of(builder: Builder) -> dict:
    """Build once (in the worker); what happened, as JSON-ready data."""
    try:
        generated = builder.generate()
        from portal import search
        search.search_records(generated.site, {lang: (lambda text: text) for lang in ("zh", "en")})
        problems = output_problems(generated.files)
        return {"outcome": "unsafe-output", "detail": "\n".join(problems[:5])} if problems else {"outcome": "built"}
    except ContentErrors as errors:
        return {"outcome": "error", "detail": str(errors), "count": len(errors.errors)}
    except ContentError as error:
        return {"outcome": "error", "detail": str(ContentErrors([error])), "count": 1}
    except MemoryError:
        return {"outcome": "memory", "detail": ""}
    except BaseException:  # noqa: BLE001 (what the fuzzer is looking for)
        return {"outcome": "traceback", "detail": traceback.format_exc()}


def serve_builds(content: Path) -> None:
    """The worker's loop: one build of `content` per line read, one JSON verdict per line written.
    It lives as long as the preview server does: caches warm, state kept between builds."""
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # nothing the build prints may garble the verdicts
    builder = Builder(Project(ROOT, content), search_index=False)
    for _ in sys.stdin:
        protocol.write(json.dumps(verdict_of(builder)) + "\n")
        protocol.flush()


class Worker:
    """A build process with a memory limit; an input that takes longer than `timeout` is a hang, and
    the worker is replaced after a hang, a crash or a memory error."""

    def __init__(self, content: Path, memory: int) -> None:
        self.content, self.memory = content, memory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        def limits() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (self.memory, self.memory))
        self.process = subprocess.Popen([sys.executable, "-m", "tests.fuzz.worker", str(self.content)], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        preexec_fn=limits, text=True)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def build(self, timeout: float) -> dict:
        if self.process is None:
            self.start()
        process = self.process
        try:
            process.stdin.write("build\n")
            process.stdin.flush()
        except BrokenPipeError:
            pass
        ready = select.select([process.stdout], [], [], timeout)[0]
        line = process.stdout.readline() if ready else ""
        if line:
            verdict = json.loads(line)
            if verdict["outcome"] == "memory":
                self.stop()
            return verdict
        if not ready:
            self.stop()
            return {"outcome": "hang", "detail": f"no result within {timeout} s"}
        code = process.wait()
        self.process = None
        name = signal.Signals(-code).name if code < 0 else f"exit status {code}"
        return {"outcome": "crash", "detail": f"the build process ended: {name}"}


def run_one(worker: Worker, path: Path, data: bytes, timeout: float) -> dict:
    """Build with one file mutated, then put the file back."""
    original = path.read_bytes()
    path.write_bytes(data)
    try:
        return worker.build(timeout)
    finally:
        path.write_bytes(original)


def fuzz(iterations: int, seed: int, timeout: float = 20.0, memory: int = 2 << 30, say=None,
         start: int = 0) -> Report:
    """Mutate the fixture `iterations` times (iteration i uses Random(f"{seed}:{i}")); the report."""
    report = Report()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        content = Path(folder) / "content"
        shutil.copytree(FIXTURE, content)
        worker = Worker(content, memory)
        try:
            worker.build(timeout * 3)  # warm: templates compiled, unchanged files parsed once
            for iteration in range(start, start + iterations):
                rng = random.Random(f"{seed}:{iteration}")
                description, path, data = mutate(content, rng)
                verdict = run_one(worker, path, data, timeout)
                _record(report, iteration, description, verdict, content, path, data)
                if say and (iteration - start + 1) % 500 == 0:
                    say(f"{iteration - start + 1} done: {dict(report.outcomes)}")
        finally:
            worker.stop()
    return report


def _record(report: Report, iteration: int, description: str, verdict: dict, content: Path, path: Path,
            data: bytes) -> None:
    outcome, detail = verdict["outcome"], verdict.get("detail", "")
    if outcome == "error":
        problems = message_problems(detail, content, {path: data})
        outcome = "bad-message" if problems else "cascade" if verdict["count"] > MAX_CASCADE else "clean-error"
        if problems:
            detail = "\n".join(problems[:5])
        if verdict["count"] > report.largest[0]:
            report.largest = (verdict["count"], description, "\n".join(detail.split("\n")[:6]))
    report.add(outcome, iteration, description, detail)
