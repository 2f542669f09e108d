"""Content files -> raw records that remember their line numbers."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import yaml

from . import inputs
from .errors import ContentError, SourceRef, quote
from .textfiles import (MAX_BYTES, MAX_LINE, SourceText, character_problem, display_path,  # noqa: F401 (theirs too)
                        read_input, read_text)
from .yamlscreen import BaseLoader, Refused, screen

# What PyYAML counts as a line break besides \n (after \r\n and \r are read as \n)
_YAML_BREAKS = re.compile(r"[\n\x85\u2028\u2029]")
SHOWN = Path("content")  # the content folder as the editor knows it, wherever it is
_REPR_ESCAPE = re.compile(r"'(\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|[0tnr]))'")


class Record(dict):
    """A YAML mapping that knows the file and line of itself and of each key."""

    path: Path
    line: int
    lines: dict
    key: str | None = None  # a top-level record: its file, the digest of the text parsed, its place (see RawContent)

    def ref(self, key: str | None = None) -> SourceRef:
        """Where this record, or one of its keys, is written."""
        return SourceRef(self.path, self.lines.get(key, self.line) if key is not None else self.line)


class LineMap:
    """PyYAML's line numbers -> the file's lines: PyYAML also breaks lines at U+0085, U+2028 and
    U+2029, and marks the end of a file one line past its last."""

    def __init__(self, text: str) -> None:
        self.last = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        odd = any(ch in text for ch in "\x85\u2028\u2029")
        # real[n]: the file's line on which PyYAML's line n begins
        self.real = None
        if odd:
            self.real, line = [1], 1
            for match in _YAML_BREAKS.finditer(text):
                line += match.group(0) == "\n"
                self.real.append(line)

    def __call__(self, mark) -> int:
        if mark is None:
            return 1
        line = mark.line + 1 if self.real is None else self.real[min(mark.line, len(self.real) - 1)]
        return max(1, min(line, self.last))


class _LineLoader(BaseLoader):  # type: ignore[misc, valid-type]
    path = Path("?")
    line_of = staticmethod(lambda mark: mark.line + 1)


def _record(loader: _LineLoader, node: yaml.MappingNode, build) -> Record:
    """A mapping node as a Record, its keys and values made by build(node); a key twice is an error."""
    record = Record()
    record.path, record.line, record.lines = loader.path, loader.line_of(node.start_mark), {}
    for key_node, value_node in node.value:
        key = build(key_node)
        if key in record:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {quote(key)} (first on line {record.lines[key]})", key_node.start_mark)
        record[key] = build(value_node)
        record.lines[key] = loader.line_of(key_node.start_mark)
    return record


def _items(loader: _LineLoader, node: yaml.SequenceNode, build) -> "Items":
    """A sequence node as Items, each made by build(node), with its line."""
    items = Items(build(child) for child in node.value)
    items.lines = [loader.line_of(child.start_mark) for child in node.value]
    return items


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Record:
    loader.flatten_mapping(node)
    return _record(loader, node, lambda child: loader.construct_object(child, deep=True))


class Items(list):
    """A YAML list that knows the line of each item."""

    lines: list[int]


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Items:
    return _items(loader, node, lambda child: loader.construct_object(child, deep=True))


def _construct_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    """Keep dates as the ISO text the editor wrote, not datetime objects; a plain `=` (YAML 1.1's
    "value" key) as the text "=", as in `comparator: =`."""
    return loader.construct_scalar(node)


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> int:
    try:
        number = yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:  # over Python's 4,300-digit limit for int()
        number = None
    if number is None or number.bit_length() > 200:  # 0xfff… is read without a limit, and printed with one
        raise yaml.constructor.ConstructorError(None, None, "the number has too many digits", node.start_mark)
    return number


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_LineLoader.add_constructor("tag:yaml.org,2002:value", _construct_text)
_LineLoader.add_constructor("tag:yaml.org,2002:str", lambda loader, node: _text_scalar(node))


_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_SEQ_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_SPECIAL_KEYS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")


def _build(loader: _LineLoader, node):
    """The value of a composed node, as the constructors above make it but without PyYAML's generic
    construction machinery (a third of a file's parse time): text, Records and Items directly; other
    scalars, and mappings with merge ('<<') or value ('=') keys, through the constructors."""
    tag = node.tag
    if tag == _STR_TAG:
        return _text_scalar(node)
    if tag == _MAP_TAG and not any(key.tag in _SPECIAL_KEYS for key, _ in node.value):
        return _record(loader, node, lambda child: _build(loader, child))
    if tag == _SEQ_TAG:
        return _items(loader, node, lambda child: _build(loader, child))
    return loader.construct_object(node, deep=True)


def _text_scalar(node: yaml.ScalarNode) -> str:
    """A text scalar's value. A double-quoted one may hold escapes ("\\0", "\\x1b", "\\u202e") that
    reach the pages as the character: it is checked as the file itself was."""
    found = character_problem(node.value) if node.style == '"' else None
    if found:
        raise Refused(found[1], node.start_mark, "remove the escape that writes it")
    return node.value


def _unescape_reprs(problem: str) -> str:
    """PyYAML writes characters as Python reprs ('\\t'); name them as the other messages do."""
    return _REPR_ESCAPE.sub(lambda m: quote(m.group(1).encode("ascii").decode("unicode_escape")), problem)


def load_yaml(path: Path, shown: Path):
    """Parse one YAML file into Records; every failure is a ContentError with its line."""
    return parse_yaml(read_text(path, shown), shown)


def parse_yaml(text: str, shown: Path, first_line: int = 1):
    """Parse YAML text read from `shown` into Records (see load_yaml); `first_line`: the file's line the
    text begins on (an item of a list parsed alone: see list_items)."""
    line_map = LineMap(text)
    line_of = line_map if first_line == 1 else lambda mark: line_map(mark) + first_line - 1
    loader = None
    try:
        screen(text)
        loader = _LineLoader(text)
        loader.path, loader.line_of = shown, line_of
        node = loader.get_single_node()
        return _build(loader, node) if node is not None else None
    except Refused as refused:
        raise ContentError(SourceRef(shown, line_of(refused.mark)), refused.message, refused.hint,
                           blocking=True) from None
    except yaml.constructor.ConstructorError as error:  # well-formed, but not a value the content can hold
        problem = _unescape_reprs(error.problem or error.context or "unreadable")
        raise ContentError(SourceRef(shown, line_of(error.problem_mark or error.context_mark)), problem,
                           blocking=True) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = _unescape_reprs(error.problem or error.context or "unreadable")
        raise ContentError(SourceRef(shown, line_of(mark)), f"YAML syntax: {problem}",
                           "check indentation, colons and quotes on this line and the one above",
                           blocking=True) from None
    except yaml.YAMLError as error:  # ReaderError and the like: a position, no mark
        position = getattr(error, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 1
        reason = _unescape_reprs(getattr(error, "reason", "") or "unreadable")
        raise ContentError(SourceRef(shown, min(line, line_of.last)), f"YAML syntax: {reason}",
                           blocking=True) from None
    finally:
        if loader is not None:
            loader.dispose()


def list_items(text: str) -> list[tuple[int, str]] | None:
    """A top-level block list cut into its items' texts, each with the line it begins on; None unless every
    line at column 0 is blank, a comment or an item's '-' (and no odd line break). An item's text parses
    alone to what it is in the whole: a '-' at column 0 inside a quoted or flow scalar leaves the text
    before it unterminated, which does not parse alone; anchors and aliases are refused (see yamlscreen.py)."""
    if any(ch in text for ch in "\x85\u2028\u2029"):
        return None
    starts, position = [], 0
    for number, line in enumerate(text.split("\n"), 1):
        if line[:1] == "-" and line[1:2] in ("", " ", "\t"):
            starts.append((number, position))
        elif line[:1] not in ("", " ", "#"):
            return None
        position += len(line) + 1
    ends = [start for _, start in starts[1:]] + [len(text)]
    return [(number, text[start:end]) for (number, start), end in zip(starts, ends)] or None


def parse_list(text: str, items: list[tuple[int, str]], shown: Path, kept: dict, used: set) -> Items | None:
    """parse_yaml(text) of a list file cut into `items` (see list_items), each item kept in `kept` by its
    file, text, line and place and parsed alone when others are kept (`used` gets the keys it takes);
    None when the whole has not one item per text (then parse it whole). Errors are the whole's."""
    keys = [(shown.as_posix(), hashlib.sha1(item.encode("utf-8")).hexdigest(), line, index)
            for index, (line, item) in enumerate(items)]
    if any(key in kept for key in keys):
        try:
            alone = [kept[key] if key in kept else parse_yaml(item, shown, line)
                     for key, (line, item) in zip(keys, items)]
        except ContentError:
            alone = []
        if alone and all(isinstance(one, Items) and len(one) == 1 for one in alone):
            whole = Items(one[0] for one in alone)
            whole.lines = [one.lines[0] for one in alone]
            return _keep(whole, keys, kept, used)
    whole = parse_yaml(text, shown)
    return _keep(whole, keys, kept, used) if isinstance(whole, Items) and len(whole) == len(keys) else None


def _keep(whole: Items, keys: list[tuple], kept: dict, used: set) -> Items:
    """Each item of `whole` kept as a one-item list under its key, and given that key (checks key by it)."""
    for key, item, line in zip(keys, whole, whole.lines):
        if key not in kept:
            kept[key] = Items([item])
            kept[key].lines = [line]
        if isinstance(item, Record):  # a record is a function of exactly these: memos key by them
            item.key = "\0".join(map(str, key))
        used.add(key)
    return whole


class RawContent:
    """Every content file read and parsed, not yet validated; errors collected on the way."""

    def __init__(self, root: Path, parsed: dict | None = None, digests: dict[str, str] | None = None) -> None:
        self.root = root
        self.digests = digests or {}  # the files' digests as read_inputs found them
        self.parsed = parsed if parsed is not None else {}  # YAML parsed before, by (file, its bytes' digest)
        self.read: set[tuple[str, str]] = set()  # the keys of `parsed` this load used
        self.errors: list[ContentError] = []
        self.site: Record | None = None
        self.documents: list[tuple[Record, dict[str, tuple[str, Path]]]] = []
        self.categories: list[Record] = []
        self.indicators: list[Record] = []
        self.values: list[Record] = []
        self.conflicts: list[Record] = []
        self.terms: list[Record] = []
        self.themes: list[Record] = []
        self.goals: list[Record] = []
        self.failed: set[str] = set()  # the kinds of record a file failed to load for ("values", …)
        self.failed_documents: set[str] = set()  # document folders whose meta.yaml failed to load
        self.texts: dict[str, dict[str, SourceText]] = {}  # by document folder, its Markdown by language

    def shown(self, path: Path) -> Path:
        return SHOWN / path.relative_to(self.root)

    def read_yaml(self, path: Path, expect: type, kind: str):
        """One YAML file whose top level must be `expect` (dict or list); None after an error, and
        `kind` is then remembered as incomplete (references into it are not reported)."""
        shown = self.shown(path)
        try:
            text, digest = read_input(path, shown, self.digests.get(shown.as_posix()))  # read once
            whole = (shown.as_posix(), digest, "items")
            if whole in self.parsed:  # the same text as before: its items, all kept
                data, used = self.parsed[whole]
                self.read.update((whole, *used))
            else:  # a list's items are kept one by one: an edit parses (and validation checks) only its item
                items = list_items(text) if expect is list else None
                used: set = set()
                data = parse_list(text, items, shown, self.parsed, used) if items else None
                if data is not None:
                    self.parsed[whole] = (data, tuple(used))
                    self.read.update((whole, *used))
                else:
                    data = self._parse(text, shown, digest)
        except ContentError as error:
            self.errors.append(error)
            self.failed.add(kind)
            return None
        if not isinstance(data, expect):
            what = "a mapping (key: value)" if expect is dict else "a list (- items)"
            self.errors.append(ContentError(SourceRef(shown, 1), f"the file must hold {what}", blocking=True))
            self.failed.add(kind)
            return None
        return data

    def _parse(self, text: str, shown: Path, digest: str):
        """parse_yaml(text) kept by its bytes' digest; records remember their file (elsewhere: other records)."""
        key = (shown.as_posix(), digest)
        self.read.add(key)
        if key not in self.parsed:
            self.parsed[key] = parse_yaml(text, shown)
            for index, item in enumerate(self.parsed[key] if isinstance(self.parsed[key], list) else ()):
                if isinstance(item, Record):  # a record is a function of exactly these: memos key by them
                    item.key = f"{key[0]}\0{key[1]}\0{index}"
            if isinstance(self.parsed[key], Record):
                self.parsed[key].key = f"{key[0]}\0{key[1]}"
        return self.parsed[key]

    def read_list(self, path: Path, kind: str) -> list[Record]:
        """Items of a YAML list file; non-mapping items are reported (and make the kind incomplete)."""
        items = self.read_yaml(path, list, kind) or []
        good = []
        for index, item in enumerate(items):
            if isinstance(item, Record):
                good.append(item)
            else:
                line = items.lines[index] if isinstance(items, Items) else 1
                self.errors.append(ContentError(SourceRef(self.shown(path), line),
                                                f"item {index + 1} is not a mapping", "start it with '- id: …'"))
                self.failed.add(kind)
        return good


def read_texts(content: Path, parsed: dict | None = None, digests: dict[str, str] | None = None) -> RawContent:
    """The start of load_content: the glossary and every document's Markdown, all the bodies need (the
    build renders them on other processes while load_content reads the rest); with `digests`
    (read_inputs') each file is read once."""
    inputs.refuse_links({"content": content})  # nothing is read through a symlink
    raw, documents, shown_documents = RawContent(content, parsed, digests), content / "documents", SHOWN / "documents"
    for name in document_folders(documents):  # paths joined, not made relative (N=2000: 0.1 s of pathlib)
        texts = raw.texts[name] = {}
        for lang in ("zh", "en"):
            if os.path.isfile(path := documents / name / f"{lang}.md"):
                shown = shown_documents / name / path.name
                texts[lang] = SourceText(path, shown, raw.digests.get(shown.as_posix()))
    raw.terms = raw.read_list(content / "glossary.yaml", "terms") if (content / "glossary.yaml").exists() else []
    return raw


def document_folders(documents: Path) -> list[str]:
    """The names of the folders in `documents` (none when it is not a folder), sorted; a folder's entries
    say which are folders without a system call each."""
    try:
        with os.scandir(documents) as entries:
            return sorted(entry.name for entry in entries if entry.is_dir())
    except (FileNotFoundError, NotADirectoryError):
        return []


def load_content(raw: RawContent) -> RawContent:
    """What read_texts began, completed: every other content file under its folder, read and parsed (YAML
    parsed before from the same bytes reused); nothing is validated yet beyond YAML syntax."""
    content = raw.root
    raw.site = raw.read_yaml(content / "site.yaml", dict, "site")
    for name, bodies in raw.texts.items():
        folder = content / "documents" / name
        meta = raw.read_yaml(folder / "meta.yaml", dict, "documents")
        raw.errors += [ContentError(SourceRef(raw.shown(folder / "meta.yaml"), 1), f"document '{name}' has no {lang}.md",
                                    "every document needs zh.md and en.md", blocking=True)
                       for lang in ("zh", "en") if lang not in bodies]
        if meta is not None:
            raw.documents.append((meta, bodies))
        else:
            raw.failed_documents.add(name)
    for path in sorted((content / "indicators").glob("*.yaml")):
        raw.indicators.extend(raw.read_list(path, "indicators"))
    for path in sorted((content / "values").glob("*.yaml")):
        raw.values.extend(raw.read_list(path, "values"))
    for name, kind, target in (("categories.yaml", "categories", raw.categories),
                               ("conflicts.yaml", "conflicts", raw.conflicts),
                               ("themes.yaml", "themes", raw.themes), ("goals.yaml", "goals", raw.goals)):
        if (content / name).exists():
            target.extend(raw.read_list(content / name, kind))
    return raw
