"""Content files -> raw records that remember their line numbers."""
from __future__ import annotations

from pathlib import Path

import yaml

from .errors import ContentError, SourceRef

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Record(dict):
    """A YAML mapping that knows the file and line of itself and of each key."""

    path: Path
    line: int
    lines: dict

    def ref(self, key: str | None = None) -> SourceRef:
        """Where this record, or one of its keys, is written."""
        return SourceRef(self.path, self.lines.get(key, self.line) if key else self.line)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    path = Path("?")


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Record:
    loader.flatten_mapping(node)
    record = Record()
    record.path, record.line, record.lines = loader.path, node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in record:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {record.lines[key]})", key_node.start_mark)
        record[key] = loader.construct_object(value_node, deep=True)
        record.lines[key] = key_node.start_mark.line + 1
    return record


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    """Keep dates as the ISO text the editor wrote, not datetime objects."""
    return loader.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def display_path(path: Path, root: Path) -> Path:
    """A path as the editor knows it: relative to the project when possible."""
    try:
        return path.relative_to(root)
    except ValueError:
        return path


def read_text(path: Path, shown: Path) -> str:
    """A UTF-8 text file, or a ContentError naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(SourceRef(shown), "file not found") from None
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise ContentError(SourceRef(shown, line), "not valid UTF-8", "save the file as UTF-8") from None


def load_yaml(path: Path, shown: Path):
    """Parse one YAML file into Records; syntax errors carry their line."""
    text = read_text(path, shown)
    loader = _LineLoader(text)
    loader.path = shown
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or str(error)
        raise ContentError(SourceRef(shown, line), f"YAML syntax: {problem}",
                           "check indentation, colons and quotes on this line and the one above") from None
    finally:
        loader.dispose()




class SourceText:
    """A Markdown file read only when its text is needed (a cached render needs just its digest)."""

    def __init__(self, path: Path, shown: Path, digest: str | None) -> None:
        self.path, self.shown, self.digest = path, shown, digest
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = read_text(self.path, self.shown)
        return self._text


class RawContent:
    """Every content file read and parsed, not yet validated; errors collected on the way."""

    def __init__(self, root: Path, hashes: dict[str, str] | None = None, parsed: dict | None = None) -> None:
        self.root = root
        self.hashes = hashes or {}
        self.parsed = parsed if parsed is not None else {}  # YAML already parsed, by file digest
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

    def shown(self, path: Path) -> Path:
        return Path("content") / path.relative_to(self.root)

    def read_yaml(self, path: Path, expect: type):
        """One YAML file whose top level must be `expect` (dict or list); None after an error."""
        shown = self.shown(path)
        digest = self.hashes.get(shown.as_posix())
        try:
            if digest and digest in self.parsed:
                data = self.parsed[digest]
            else:
                data = load_yaml(path, shown)
                if digest:
                    self.parsed[digest] = data
        except ContentError as error:
            self.errors.append(error)
            return None
        if not isinstance(data, expect):
            what = "a mapping (key: value)" if expect is dict else "a list (- items)"
            self.errors.append(ContentError(SourceRef(shown, 1), f"the file must hold {what}"))
            return None
        return data

    def read_list(self, path: Path) -> list[Record]:
        """Items of a YAML list file; non-mapping items are reported."""
        items = self.read_yaml(path, list) or []
        good = []
        for index, item in enumerate(items):
            if isinstance(item, Record):
                good.append(item)
            else:
                self.errors.append(ContentError(SourceRef(self.shown(path)),
                                                f"item {index + 1} is not a mapping", "start it with '- id: …'"))
        return good


def load_content(content: Path, hashes: dict[str, str] | None = None, parsed: dict | None = None) -> RawContent:
    """Read every content file under `content/`; nothing is validated yet beyond YAML syntax.

    With `hashes` (file digests by shown path) YAML parsed before is reused from `parsed`, and
    Markdown is read only when it has to be rendered."""
    raw = RawContent(content, hashes, parsed)
    raw.site = raw.read_yaml(content / "site.yaml", dict)
    for folder in sorted(p for p in (content / "documents").iterdir() if p.is_dir()):
        meta = raw.read_yaml(folder / "meta.yaml", dict)
        bodies = {}
        for lang in ("zh", "en"):
            path = folder / f"{lang}.md"
            shown = raw.shown(path)
            if not path.is_file():
                raw.errors.append(ContentError(SourceRef(shown), "file not found",
                                               "every document needs zh.md and en.md"))
                continue
            bodies[lang] = SourceText(path, shown, raw.hashes.get(shown.as_posix()))
        if meta is not None:
            raw.documents.append((meta, bodies))
    for path in sorted((content / "indicators").glob("*.yaml")):
        raw.indicators.extend(raw.read_list(path))
    for path in sorted((content / "values").glob("*.yaml")):
        raw.values.extend(raw.read_list(path))
    for name, target in (("categories.yaml", raw.categories), ("conflicts.yaml", raw.conflicts), ("glossary.yaml", raw.terms), ("themes.yaml", raw.themes),
                         ("goals.yaml", raw.goals)):
        if (content / name).exists():
            target.extend(raw.read_list(content / name))
    return raw
