"""Random single edits of a project (content, templates, catalogs, static files), seeded: each returns
a line saying what it did. Edits may make the content invalid: builds must then fail alike."""
from __future__ import annotations

import os
import random
import re
from pathlib import Path

SCALAR = re.compile(r"^(\s*(?:- )?[a-z_]+: )(?![|>{\[])(.+)$")
PARAGRAPH = re.compile(r"^[^#|\-\s{<>\[*].{8,}$")
MSGSTR = re.compile(r'^msgstr "(.+)"$')


def files(root: Path, folder: str, pattern: str) -> list[Path]:
    return sorted((root / folder).rglob(pattern))


def pick_line(rng: random.Random, path: Path, pattern: re.Pattern) -> tuple[list[str], int] | None:
    lines = path.read_text(encoding="utf-8").split("\n")
    numbers = [n for n, line in enumerate(lines) if pattern.match(line)]
    return (lines, rng.choice(numbers)) if numbers else None


def change_text(rng: random.Random, text: str) -> str:
    """A small change a person makes: a word replaced, a character dropped, a digit changed, text added."""
    choice = rng.randrange(4)
    if choice == 0 and re.search(r"\d", text):
        digits = [m.start() for m in re.finditer(r"\d", text)]
        at = rng.choice(digits)
        return text[:at] + str((int(text[at]) + rng.randrange(1, 9)) % 10) + text[at + 1:]
    if choice == 1 and len(text) > 2:
        at = rng.randrange(len(text))
        return text[:at] + text[at + 1:]
    if choice == 2:
        return text + rng.choice([" more", "，更多", " 2030", " (edited)"])
    words = text.split(" ")
    words[rng.randrange(len(words))] = rng.choice(["plan", "目标", "growth", "the"])
    return " ".join(words)


def markdown_paragraph(rng, root):
    path = rng.choice(files(root, "content", "*.md"))
    found = pick_line(rng, path, PARAGRAPH)
    if found is None:
        return None
    lines, n = found
    lines[n] = change_text(rng, lines[n])
    path.write_text("\n".join(lines), encoding="utf-8")
    return f"paragraph {path.relative_to(root)}:{n + 1}"


def yaml_scalar(rng, root):
    path = rng.choice([p for p in files(root, "content", "*.yaml") if not p.name.endswith("sources.yaml")])
    found = pick_line(rng, path, SCALAR)
    if found is None:
        return None
    lines, n = found
    head, value = SCALAR.match(lines[n]).groups()
    lines[n] = head + change_text(rng, value)
    path.write_text("\n".join(lines), encoding="utf-8")
    return f"yaml value {path.relative_to(root)}:{n + 1}"


def yaml_blocks(path: Path) -> tuple[str, list[str]]:
    """A YAML list file as its head (comments) and its items, each item's text with its `- ` line."""
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"(?m)^(?=- )", text)
    return parts[0], parts[1:]


def record_added(rng, root):
    path = rng.choice(files(root, "content", "*.yaml"))
    head, items = yaml_blocks(path)
    if not items:
        return None
    item = rng.choice(items)
    copy = re.sub(r"(?m)^- id: (\S+)", lambda m: f"- id: {m.group(1)}-copy{rng.randrange(100)}", item, count=1)
    at = rng.randrange(len(items) + 1)
    items.insert(at, copy if copy.endswith("\n") else copy + "\n")
    path.write_text(head + "".join(items), encoding="utf-8")
    return f"record added {path.relative_to(root)}"


def record_removed(rng, root):
    path = rng.choice(files(root, "content", "*.yaml"))
    head, items = yaml_blocks(path)
    if not items:
        return None
    del items[rng.randrange(len(items))]
    path.write_text(head + "".join(items), encoding="utf-8")
    return f"record removed {path.relative_to(root)}"


def template(rng, root):
    path = rng.choice(files(root, "templates", "*.html"))
    text = path.read_text(encoding="utf-8")
    spots = [m.end() for m in re.finditer(r"</(p|li|h2|div|section)>", text)]
    if not spots:
        return None
    at = rng.choice(spots)
    path.write_text(text[:at] + f"<!-- edit {rng.randrange(1000)} -->" + text[at:], encoding="utf-8")
    return f"template {path.relative_to(root)}"


def catalog(rng, root):
    path = rng.choice(files(root, "i18n", "*.po"))
    found = pick_line(rng, path, MSGSTR)
    if found is None:
        return None
    lines, n = found
    value = MSGSTR.match(lines[n]).group(1)
    lines[n] = f'msgstr "{value}{rng.choice(["！", " ok", "·"])}"'
    path.write_text("\n".join(lines), encoding="utf-8")
    return f"msgstr {path.relative_to(root)}:{n + 1}"


def static(rng, root):
    path = rng.choice(files(root, "static", "*.*"))
    if path.suffix == ".css":
        path.write_text(path.read_text(encoding="utf-8") + f"\n/* {rng.randrange(1000)} */\n", encoding="utf-8")
    else:
        (root / "static" / f"extra-{rng.randrange(1000)}.txt").write_text("added\n", encoding="utf-8")
    return f"static {path.relative_to(root)}"


def renamed(rng, root):
    candidates = files(root, "content/values", "*.yaml") + files(root, "content/indicators", "*.yaml")
    path = rng.choice(candidates)
    target = path.with_name(f"renamed-{rng.randrange(100)}.yaml")
    path.rename(target)
    return f"renamed {path.relative_to(root)} -> {target.name}"


def deleted(rng, root):
    candidates = [p for p in files(root, "content", "*.yaml") if p.name != "site.yaml"] + files(root, "static", "*.*")
    path = rng.choice(candidates)
    path.unlink()
    return f"deleted {path.relative_to(root)}"


def mtime_restored(rng, root):
    """A same-size edit whose modification time is put back (cp -p, tar x, rsync -t do this)."""
    path = rng.choice(files(root, "content", "*.md") + files(root, "content", "*.yaml"))
    data = path.read_bytes()
    digits = [m.start() for m in re.finditer(rb"\d", data)]
    if not digits:
        return None
    info = path.stat()
    at = rng.choice(digits)
    path.write_bytes(data[:at] + str((data[at] - 48 + 1) % 10).encode() + data[at + 1:])
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    return f"same size, mtime restored {path.relative_to(root)}"


EDITS = [markdown_paragraph, yaml_scalar, record_added, record_removed, template, catalog, static, renamed,
         deleted, mtime_restored]


def edit(rng: random.Random, root: Path) -> str:
    """One random edit of the project at `root`; what it did."""
    while True:
        done = rng.choice(EDITS)(rng, root)
        if done:
            return done
