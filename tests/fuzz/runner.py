"""Run seeded mutations of the fixture, each in a forked child with a time and memory limit.

Outcomes: clean-error (every message `path:line: message` inside the file, no Python repr), built
(and its output holds no unsafe link and no CSV formula), and the bugs: bad-message, unsafe-output,
traceback, memory, hang, crash (killed by a signal, e.g. a segfault)."""
from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixture" / "content"
sys.path.insert(0, str(ROOT))

from portal.errors import ContentError, ContentErrors  # noqa: E402
from portal.markup import link_allowed  # noqa: E402
from portal.pipeline import BASE_URL, Builder, Project  # noqa: E402

from .mutations import mutate  # noqa: E402

BUGS = ("bad-message", "unsafe-output", "traceback", "memory", "hang", "crash")
_ERROR_LINE = re.compile(r"(content/[^:\n]+):(\d+): (.*)")
_REPR = re.compile(r"\bNone\b|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|Decimal\(|<class |Items\(|Record\(|Traceback")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


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
                    if cell.startswith(_FORMULA) and not re.fullmatch(r"-?\d+(\.\d+)?", cell):
                        problems.append(f"{name}: formula cell {cell[:60]!r}")
    return problems


def _child(builder: Builder, path: Path, data: bytes, result: Path, memory: int, seconds: int) -> None:
    """In the forked child: limits, the mutated file, one build; the verdict as JSON."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    path.write_bytes(data)
    try:
        generated = builder.generate()
        from portal import search
        search.search_records(generated.site)
        problems = output_problems(generated.files)
        verdict = {"outcome": "unsafe-output", "detail": "\n".join(problems[:5])} if problems else \
            {"outcome": "built"}
    except ContentErrors as errors:
        verdict = {"outcome": "error", "detail": str(errors), "count": len(errors.errors)}
    except ContentError as error:
        verdict = {"outcome": "error", "detail": str(ContentErrors([error])), "count": 1}
    except MemoryError:
        verdict = {"outcome": "memory", "detail": ""}
    except BaseException:  # noqa: BLE001 (what the fuzzer is looking for)
        verdict = {"outcome": "traceback", "detail": traceback.format_exc()}
    result.write_text(json.dumps(verdict))


def run_one(builder: Builder, content: Path, path: Path, data: bytes, timeout: float, memory: int) -> dict:
    """Fork, build the mutated content in the child, restore the file; the verdict."""
    original = path.read_bytes()
    result = content.parent / "result.json"
    result.unlink(missing_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            _child(builder, path, data, result, memory, int(timeout) + 1)
        except BaseException:  # noqa: BLE001
            code = 3
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.005)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        path.write_bytes(original)
        return {"outcome": "hang", "detail": f"no result within {timeout} s"}
    path.write_bytes(original)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        outcome = "hang" if sig == signal.SIGXCPU else "crash"
        return {"outcome": outcome, "detail": f"killed by signal {signal.Signals(sig).name}"}
    if not result.exists():
        return {"outcome": "crash", "detail": f"exit status {os.WEXITSTATUS(status)}, no verdict"}
    return json.loads(result.read_text())


def fuzz(iterations: int, seed: int, timeout: float = 20.0, memory: int = 2 << 30, say=None,
         start: int = 0) -> Report:
    """Mutate the fixture `iterations` times (iteration i uses Random(f"{seed}:{i}")); the report."""
    report = Report()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        content = Path(folder) / "content"
        shutil.copytree(FIXTURE, content)
        builder = Builder(Project(ROOT, content), search_index=False)
        builder.generate()  # warm: templates compiled, unchanged files parsed once
        for iteration in range(start, start + iterations):
            rng = random.Random(f"{seed}:{iteration}")
            description, path, data = mutate(content, rng)
            verdict = run_one(builder, content, path, data, timeout, memory)
            outcome, detail = verdict["outcome"], verdict.get("detail", "")
            if outcome == "error":
                problems = message_problems(detail, content, {path: data})
                outcome = "bad-message" if problems else "clean-error"
                if problems:
                    detail = "\n".join(problems[:5])
                if verdict["count"] > report.largest[0]:
                    report.largest = (verdict["count"], description, "\n".join(detail.split("\n")[:6]))
            report.add(outcome, iteration, description, detail)
            if say and (iteration - start + 1) % 500 == 0:
                say(f"{iteration - start + 1} done: {dict(report.outcomes)}")
    return report
