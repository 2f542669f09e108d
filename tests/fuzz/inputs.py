"""Fuzz the inputs around the content: the interface catalogs, `translations import`, and symlinks.

python -m tests.fuzz.inputs --iterations 10000 --seed 1 [--classes catalogs,import,symlinks] [--timeout 20]

Each iteration mutates a copy of the project (templates, static, i18n, the fixture content) with one
seeded mutation of one class, runs the real path (a warm Builder's full build; for the import class,
poimport.import_po and then the build), and counts the outcome. Bugs: a traceback, a hang (an
iteration over --timeout s), live output (a script, an on* handler or a meta refresh in any page, or
an unsafe link), a leaked file (the text of a file outside the project in the output or a message),
a bad message (not `path[:line]: message`, a line outside the file, a Python repr), a cascade (over
3 errors from one mutation), a partial write (a rejected import that changed en.md or
en.sources.yaml), and an inconsistent import (an accepted import the build then rejects)."""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from portal import poimport, translating  # noqa: E402
from portal.errors import ContentError, ContentErrors  # noqa: E402
from portal.pipeline import Builder, Project  # noqa: E402

from .runner import output_problems  # noqa: E402

SECRET = "OUTSIDE-SECRET-5d1e"
BUGS = ("traceback", "hang", "live-output", "leaked-file", "bad-message", "cascade", "partial-write",
        "inconsistent-import")
DOC = "documents/plenary-demo"
PAYLOADS = ('<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<svg onload=alert(1)>',
            '<meta http-equiv=\\"refresh\\" content=\\"0;url=https://evil.example/\\">', '\\" onmouseover=\\"alert(1)',
            "' onfocus='alert(1)", '&lt;script&gt;', '&#60;script&#62;', '</title><script>x</script>', '<!--',
            ']]><script>x</script>', '{{ 7*7 }}', '{% raw %}', '<a href=\\"javascript:alert(1)\\">x</a>',
            "javascript:alert(1)", '<style>*{}</style>', '<iframe src=//evil.example>', '&nbsp;', '&amp;')
PO_CHARS = '"\\#%<>&{}():[]\n\t '
ESCAPES = ("\\x1b", "\\033", "\\0", "\\a", "\\r", "\\u0000", "\\\\", '\\"', "\\n", "\\t", "\\")
CONTROL = tuple(chr(c) for c in (0, 1, 7, 8, 11, 12, 13, 27, 0x7F, 0x85, 0x9B)) + ("\u2028", "\ufeff", "\u202e")
PLACEHOLDERS = ("%(count)s", "%(total)s", "%(x)s", "%s", "%d", "%", "%%", "%(count)d", "%(count", "%()s", "%%(count)s")
CHARSETS = ("latin-1", "ascii", "UTF-16", "gbk", "", "utf8", "UTF-8", "x" * 300)


# mutations: each takes the file's text and a random generator, returns the new text and what it did

def _msgstr_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if line.startswith(("msgstr", '"')) and i > 20] or [len(lines) - 1]


def _edit_string(text: str, rng: random.Random, insert: str) -> str:
    """Insert `insert` inside a random msgstr (or continuation) string."""
    lines = text.split("\n")
    index = rng.choice(_msgstr_lines(lines))
    line = lines[index]
    start, end = line.find('"') + 1, max(line.rfind('"'), line.find('"') + 1)
    where = rng.randint(start, end) if start > 0 else len(line)
    lines[index] = line[:where] + insert + line[where:]
    return "\n".join(lines)


def po_mutation(text: str, rng: random.Random) -> tuple[str, str]:
    """One mutation of a PO file, of a kind picked at random."""
    kind = rng.choice(("payload", "unterminated", "escape", "control", "duplicate", "charset", "placeholder",
                       "chars", "lines", "keyword", "bytes", "truncate", "msgid", "figure", "attributes"))
    lines = text.split("\n")
    if kind == "payload":
        payload = rng.choice(PAYLOADS)
        return _edit_string(text, rng, payload), f"payload {payload!r}"
    if kind == "unterminated":
        index = rng.choice([i for i, line in enumerate(lines) if line.endswith('"')])
        lines[index] = lines[index][:-1]
        return "\n".join(lines), f"unterminated string on line {index + 1}"
    if kind == "escape":
        escape = rng.choice(ESCAPES)
        return _edit_string(text, rng, escape), f"escape {escape!r}"
    if kind == "control":
        char = rng.choice(CONTROL)
        return _edit_string(text, rng, char), f"control U+{ord(char):04X}"
    if kind == "duplicate":
        blocks = text.split("\n\n")
        index = rng.randrange(1, len(blocks))
        copy = blocks[index] if rng.random() < 0.5 else _edit_string(blocks[index], rng, "x")
        blocks.insert(rng.randrange(1, len(blocks) + 1), copy)
        return "\n\n".join(blocks), f"duplicate entry {index}"
    if kind == "charset":
        charset = rng.choice(CHARSETS)
        return re.sub(r"charset=[\w-]+", f"charset={charset}", text, count=1), f"charset={charset[:20]}"
    if kind == "placeholder":
        placeholder = rng.choice(PLACEHOLDERS)
        if "%(" in text and rng.random() < 0.5:
            names = re.findall(r"%\(\w+\)s", text)
            old = rng.choice(names)
            spots = [m.start() for m in re.finditer(re.escape(old), text)]
            at = rng.choice(spots)
            return text[:at] + placeholder + text[at + len(old):], f"placeholder {old} -> {placeholder}"
        return _edit_string(text, rng, placeholder), f"placeholder {placeholder!r} added"
    if kind == "chars":
        at = rng.randrange(len(text) + 1)
        chars = "".join(rng.choice(PO_CHARS) for _ in range(rng.randint(1, 4)))
        return text[:at] + chars + text[at:], f"chars {chars!r} at {at}"
    if kind == "lines":
        index = rng.randrange(len(lines))
        what = rng.choice(("delete", "repeat", "swap"))
        if what == "delete":
            del lines[index]
        elif what == "repeat":
            lines.insert(index, lines[index])
        elif index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
        return "\n".join(lines), f"{what} line {index + 1}"
    if kind == "keyword":
        index = rng.choice([i for i, line in enumerate(lines) if line.startswith(("msg", "#"))])
        new = rng.choice(("msgstr[0]", "msgstr[1]", "msgctxt", "msgid_plural", "#, fuzzy", "#~", "#|", "msgid", "msgstr",
                          "#, python-format", "MSGID", "msgid  "))
        lines[index] = new + (" " + lines[index].split(" ", 1)[1] if " " in lines[index] else "")
        return "\n".join(lines), f"keyword {new!r} on line {index + 1}"
    if kind == "bytes":
        at = rng.randrange(len(text) + 1)
        return text[:at] + "\udcff" + text[at:], f"invalid byte at {at}"  # written with surrogateescape
    if kind == "truncate":
        at = rng.randrange(len(text) + 1)
        return text[:at], f"truncated at {at}"
    if kind == "msgid":
        index = rng.choice([i for i, line in enumerate(lines) if line.startswith("msgid ")])
        lines[index] = lines[index][:-1] + rng.choice(("x", " ", "<b>", "%(count)s", "{: #x }")) + '"'
        return "\n".join(lines), f"msgid changed on line {index + 1}"
    if kind == "figure":
        digits = [m.start() for m in re.finditer(r"\d", text) if m.start() > text.find("\n\n")]
        if digits:
            at = rng.choice(digits)
            new = str((int(text[at]) + rng.randint(1, 9)) % 10)
            return text[:at] + new + text[at + 1:], f"digit {text[at]} -> {new} at {at}"
        return text, "no digit"
    attributes = rng.choice(("{: #injected }", "{#main}", "{: .x }", '{: lang="zh-Hans" }', "{: #r1 }", "{:}", "{: onclick=x }"))
    return _edit_string(text, rng, attributes), f"attributes {attributes!r}"


# checks

class _Live(HTMLParser):
    """What a browser would run: an on* handler, an inline or foreign script, a meta refresh."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        handlers = [name for name, _ in attrs if name.startswith("on")]
        if handlers:
            self.found.append(f"<{tag} {handlers[0]}=…>")
        if tag == "script" and values.get("type") != "application/ld+json" \
                and not (values.get("src") or "").startswith("/static/"):  # JSON-LD is data, never run
            self.found.append(f"<script src={values.get('src')!r}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        if tag in ("iframe", "object", "embed", "base"):
            self.found.append(f"<{tag}>")


def live_output(files: dict[str, bytes]) -> list[str]:
    found = []
    for name, data in files.items():
        text = data.decode("utf-8", "replace")
        if SECRET in text:
            found.append(f"leaked: {name}")
        if name.endswith(".html"):
            parser = _Live()
            parser.feed(text)
            found += [f"{name}: {what}" for what in parser.found]
    return found + output_problems(files)


_MESSAGE = re.compile(r"(\S[^\n]*?)(?::(\d+))?: (.+)")
_REPR = re.compile(r"\bNone\b|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|Decimal\(|<class |Traceback|PosixPath\(")


def message_problems(errors: list[ContentError], root: Path, files: dict[Path, bytes]) -> list[str]:
    """Each error names a file of the project (or the PO file) and, when it has one, a line inside it."""
    problems = []
    for error in errors:
        text = str(error)
        if SECRET in text:
            problems.append(f"leaked in: {text[:200]}")
        path = error.src.path if error.src.path.is_absolute() else root / error.src.path
        if path not in files and not (path.exists() or path.is_symlink()):
            problems.append(f"no such file: {text[:200]}")
        elif error.src.line is not None:
            data = files.get(path) if path in files else (path.read_bytes() if path.is_file() and not path.is_symlink()
                                                          else b"")
            count = max(1, data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1))
            if not 1 <= error.src.line <= count:
                problems.append(f"line outside the file ({count} lines): {text[:200]}")
        if _REPR.search(error.message + (error.hint or "")):
            problems.append(f"repr in: {text[:200]}")
    return problems


class Timeout(Exception):
    pass


def _alarm(*_):
    raise Timeout()


# the classes

class Harness:
    """A copy of the project and a warm Builder over it."""

    def __init__(self, folder: Path) -> None:
        self.root = folder / "project"
        for name in ("templates", "static", "i18n", "portal"):
            shutil.copytree(ROOT / name, self.root / name, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "tests" / "fixture" / "content", self.root / "content")
        (folder / "outside.txt").write_text(f"msgid \"{SECRET}\"\nmsgstr \"{SECRET}\"\n{SECRET}\n", encoding="utf-8")
        (folder / "outside").mkdir()
        (folder / "outside" / "secret.md").write_text(f"{SECRET}\n{{: #p1 }}\n", encoding="utf-8")
        self.outside = folder
        self.content = self.root / "content"
        self.builder = Builder(Project(self.root, self.content), search_index=False)
        self.builder.generate()
        texts = translating.open_document(self.content, self.root, "plenary-demo")
        self.po_text = translating.export_po(texts, translating.load_terms(self.content))
        self.po = folder / "plenary-demo.en.po"

    def build(self) -> tuple[str, list, dict]:
        """('built', [], files) or ('error', errors, {})."""
        try:
            generated = self.builder.generate()
            return "built", [], generated.files
        except ContentErrors as errors:
            return "error", errors.errors, {}
        except ContentError as error:
            return "error", [error], {}

    def catalogs(self, rng: random.Random) -> tuple[str, str, list, dict, dict]:
        path = self.root / "i18n" / rng.choice(("en", "zh")) / "LC_MESSAGES" / "messages.po"
        original = path.read_bytes()
        text, what = po_mutation(original.decode("utf-8"), rng)
        data = text.encode("utf-8", "surrogateescape")
        path.write_bytes(data)
        try:
            outcome, errors, files = self.build()
        finally:
            path.write_bytes(original)
        return f"catalog {path.parent.parent.name}: {what}", outcome, errors, files, {path: data}

    def importing(self, rng: random.Random) -> tuple[str, str, list, dict, dict]:
        text, what = po_mutation(self.po_text, rng)
        data = text.encode("utf-8", "surrogateescape")
        self.po.write_bytes(data)
        folder = self.content / DOC
        before = {name: (folder / name).read_bytes() for name in ("en.md", "en.sources.yaml")}
        try:
            poimport.import_po(self.po, self.content, self.root, today="2030-01-01")
        except ContentErrors as errors:
            after = {name: (folder / name).read_bytes() for name in before}
            if after != before:
                return f"import: {what}", "partial-write", [], {}, {}
            return f"import: {what}", "error", errors.errors, {}, {self.po: data}
        try:
            outcome, errors, files = self.build()
            if outcome == "error":
                return f"import: {what}", "inconsistent-import", errors, {}, {}
            return f"import: {what}", "built", [], files, {}
        finally:
            for name, old in before.items():
                (folder / name).write_bytes(old)

    def symlinks(self, rng: random.Random) -> tuple[str, str, list, dict, dict]:
        base = self.root / rng.choice(("content", "static", "templates", "i18n"))
        existing = [p for p in base.rglob("*")]
        place = rng.choice(existing + [base / "new.txt", base / "documents", base / "sub" / "new.md"])
        target = rng.choice((str(self.outside / "outside.txt"), "/proc/self/environ", "/etc/passwd",
                             str(self.outside / "outside"), "/", "missing-target", place.name, "../" * 6 + "etc/hosts",
                             str(self.root / "content" / "site.yaml"), str(self.root / "static")))
        moved = None
        if place.exists() or place.is_symlink():
            moved = self.outside / f"moved-{rng.random()}"
            shutil.move(str(place), moved)
        created_parent = not place.parent.exists()
        place.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, place)
        try:
            if rng.random() < 0.2 and base.name == "content":
                try:
                    translating.status(self.content, self.root)
                    outcome, errors, files = self.build()
                except ContentErrors as errors_:
                    outcome, errors, files = "error", errors_.errors, {}
            else:
                outcome, errors, files = self.build()
        finally:
            place.unlink()
            if moved is not None:
                shutil.move(str(moved), place)
            if created_parent:
                place.parent.rmdir()
        if outcome == "built":
            outcome = "live-output"  # a symlink must never build
            files = {"(build succeeded)": b""}
        return f"symlink {place.relative_to(self.root)} -> {target}", outcome, errors, files, {place: b""}


def run(iterations: int, seed: int, classes: list[str], timeout: float, say=print) -> Counter:
    outcomes: Counter = Counter()
    largest = (0, "")
    signal.signal(signal.SIGALRM, _alarm)
    with tempfile.TemporaryDirectory(prefix="fuzz-inputs-") as folder:
        harness = Harness(Path(folder))
        for iteration in range(iterations):
            rng = random.Random(f"{seed}:{iteration}")
            kind = classes[iteration % len(classes)]
            started = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                what, outcome, errors, files, written = getattr(harness, kind)(rng)
            except Timeout:
                what, outcome, errors, files, written = kind, "hang", [], {}, {}
            except BaseException:  # noqa: BLE001 (what the fuzzer is looking for)
                what, outcome, errors, files, written = kind, "traceback", [], {}, {}
                detail_text = traceback.format_exc()[-1500:]
                say(f"[traceback] #{iteration} seed {seed} {kind}\n{detail_text}")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            if time.perf_counter() - started > timeout:
                outcome = "hang"
            detail = []
            if outcome == "error":
                detail = message_problems(errors, harness.root, written)
                if detail:
                    outcome = "bad-message"
                elif len(errors) > 3:
                    outcome, detail = "cascade", [str(e).split("\n")[0] for e in errors[:5]]
                if len(errors) > largest[0]:
                    largest = (len(errors), what)
            elif outcome == "built":
                detail = live_output(files)
                if detail:
                    outcome = "leaked-file" if any(d.startswith("leaked") for d in detail) else "live-output"
            elif outcome in ("live-output", "inconsistent-import"):
                detail = [str(e).split("\n")[0] for e in errors[:3]] or list(files)[:1]
            outcomes["clean-error" if outcome == "error" else outcome] += 1
            outcomes[f"{kind}"] += 1
            if outcome in BUGS:
                say(f"[{outcome}] #{iteration} seed {seed} {what}\n" + "\n".join(detail[:5]))
            if (iteration + 1) % 500 == 0:
                say(f"{iteration + 1} done: {dict(outcomes)}")
    say(f"largest error count: {largest[0]} from {largest[1]}")
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.inputs", description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--classes", default="catalogs,importing,symlinks")
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()
    outcomes = run(args.iterations, args.seed, args.classes.split(","), args.timeout,
                   say=lambda text: print(text, flush=True))
    bugs = sum(outcomes[b] for b in BUGS)
    print(", ".join(f"{name}: {outcomes[name]}" for name in ("clean-error", "built") + BUGS))
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
