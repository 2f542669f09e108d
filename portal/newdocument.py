"""`build.py new-document`: a plain-text source drafted into content/documents/<id>/ (meta.yaml with the
fields to fill marked, zh.md from scaffold.py, en.md ready for `translations export`), and the figures and
ranks of a document that no value record holds yet, by unrecorded.py's rule (also `build.py check --figures
<doc>`, from the raw content, so that a document which does not build yet can be checked)."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import inputs, unrecorded
from .errors import ContentError, ContentErrors, SourceRef, quote
from .fields import ID, ID_HINT, MAX_ID, TO_FILL, decimal_of
from .loading import RawContent, display_path, read_text
from .markup import Renderer
from .model import Body
from .scaffold import Draft, draft, english_tables

SOURCE_NAME = re.compile(r"(\d{3})_[0-9a-f]{16}\.txt")  # the names validation.py accepts for source_file
TRADITIONAL_SHARE = 0.02  # a source is Traditional when OpenCC's t2s changes more than this share of its Han
_HAN = re.compile(r"[\u3400-\u9fff]")
_TRADITIONAL_ONLY = set("這們國發區會經與為來時對動實現說於開關點進過當體產業務從機歲黨屆")  # common, never Simplified


@dataclass(frozen=True)
class Figure:
    """A figure or rank of a document's zh text that no value record holds (unrecorded.py's rule)."""

    where: SourceRef
    anchor: str
    figure: str  # with what stands before it, its unit and qualifier (突破2000亿元), or the rank (第一)
    sentence: str


@dataclass(frozen=True)
class Created:
    folder: Path  # as shown: content/documents/<id>
    source_file: str
    draft: Draft
    body: Body
    converted: bool  # the source was Traditional and the edition is Simplified (OpenCC t2s)
    to_fill: tuple[str, ...]
    figures: tuple[Figure, ...]


def new_document(source: Path, doc_id: str, layer: str, content: Path, root: Path) -> Created:
    """Draft a document from a plain-text source; raises ContentErrors and writes nothing when the id, the
    layer or the source is not right, or the document already exists."""
    folder = content / "documents" / doc_id
    _check_id(doc_id)
    shown = Path("content", "documents", doc_id)  # as the build names content files
    inputs.refuse_links({"content": content})
    if folder.exists():
        raise _error(SourceRef(shown), f"document '{doc_id}' already exists",
                     "new-document never overwrites: choose another id, or remove the folder first")
    declared = declared_layers(content)
    if layer not in declared:
        raise _error(SourceRef(Path("content/site.yaml")), f"layer {quote(layer)} is not declared",
                     f"one of: {', '.join(declared) or '(none)'}; a new layer is added to site.yaml's layers first")
    text, converted = _source_text(source, root)
    made = draft(text)
    body, problems = Renderer("zh", "").render(made.markdown, shown / "zh.md")
    if body is None or problems:  # the scaffold escapes everything: a problem here is the scaffold's bug
        raise ContentErrors(problems or [ContentError(SourceRef(source), "the source holds no text",
                                                      "name a plain-text source with paragraphs")])
    sources = content.parent / "sources"  # beside content/, where meta.yaml's source_file is looked up
    source_file, kept = _source_name(source, sources)
    meta, to_fill = meta_yaml(doc_id, layer, source_file, _next_order(content), source.name)
    _write_folder(folder, {"meta.yaml": meta, "zh.md": made.markdown, "en.md": en_md(doc_id, made.markdown)})
    if not kept:
        sources.mkdir(exist_ok=True)
        shutil.copyfile(source, sources / source_file)
    return Created(shown, source_file, made, body, converted, tuple(to_fill),
                   tuple(unheld_figures(body, {}, shown / "zh.md")[0]))


def check_figures(content: Path, root: Path, doc_id: str) -> tuple[list[Figure], int]:
    """The figures and ranks of an existing document's zh.md that no value record (content/values/) holds
    and docs/editorial/unrecorded.yaml does not list, and how many that list excuses. Read from the raw
    content, so that a document which does not build yet can be checked."""
    folder = content / "documents" / doc_id
    _check_id(doc_id)
    shown = Path("content", "documents", doc_id)
    inputs.refuse_links({"content": content})
    if not (folder / "zh.md").is_file():
        raise _error(SourceRef(shown), f"no document '{doc_id}'", "name a folder of content/documents/")
    body, problems = Renderer("zh", "").render(read_text(folder / "zh.md", shown / "zh.md"), shown / "zh.md")
    if body is None or problems:
        raise ContentErrors(problems)
    raw = RawContent(content)
    records = [r for path in sorted((content / "values").glob("*.yaml")) for r in raw.read_list(path, "values")]
    if raw.errors:
        raise ContentErrors(raw.errors)
    quotes: dict[str, list[tuple[str, str]]] = {}
    for record in records:
        cited, text = record.get("source"), record.get("text")
        if record.get("document") == doc_id and isinstance(cited, dict) and isinstance(cited.get("quote"), str):
            zh = text.get("zh") if isinstance(text, dict) else None
            quotes.setdefault(str(cited.get("anchor")), []).append((cited["quote"], zh if isinstance(zh, str) else ""))
    listed, _entries = unrecorded.load_listed(unrecorded.listing(content))
    return unheld_figures(body, quotes, shown / "zh.md", unrecorded.of_document(listed, doc_id))


def unheld_figures(body: Body, quotes: dict[str, list[tuple[str, str]]], zh_shown: Path,
                   listed: dict[str, set[str]] | None = None) -> tuple[list[Figure], int]:
    """Every figure and rank of the body no value holds (quotes: anchor -> (quote, value's zh text)) and
    `listed` (anchor -> figures as written) does not name, and how many `listed` excuses."""
    found, excused = unrecorded.open_figures(body.blocks, quotes, listed or {})
    return [Figure(SourceRef(zh_shown, block.line), block.anchor, unrecorded.in_full(block.text, at, written),
                   unrecorded.sentence_at(block.text, at).group(0).strip()) for block, at, written in found], excused


def figures_report(doc_id: str, figures: list[Figure], excused: int) -> str:
    """What `build.py check --figures DOC` prints: the count, what the editorial list excuses, the checklist."""
    lines = [f"{doc_id}: {len(figures)} figure(s) or rank(s) no value record holds and "
             f"{unrecorded.EDITORIAL.as_posix()} does not list ({excused} more listed there with a reason)"]
    return "\n".join(lines + ([checklist(figures)] if figures else []))


def checklist(figures: list[Figure] | tuple[Figure, ...]) -> str:
    """The figures as a Markdown checklist an editor works through (a value record, or an entry of the
    editorial list with its reason, per figure)."""
    return "\n".join(f"- [ ] {f.where} {f.anchor}: {f.figure} — “{f.sentence}”" for f in figures)


def report(created: Created) -> str:
    """What new-document wrote, what is left to do, and the figures that need value records."""
    kinds = [block.kind for block in created.body.blocks]
    counts = ", ".join(f"{name} {kinds.count(kind)}" for kind, name in (
        ("heading", "headings"), ("paragraph", "paragraphs"), ("item", "list items"), ("row", "table rows"),
        ("footnote", "footnotes")))
    lines = [f"wrote {created.folder}/meta.yaml, zh.md, en.md: {len(kinds)} anchored blocks ({counts}), "
             f"{created.draft.tables} table(s); source kept as sources/{created.source_file}"]
    if created.converted:
        lines.append("the source is in Traditional characters: the zh edition is converted to Simplified (OpenCC t2s)")
    lines.append(f"to fill in meta.yaml (the build refuses 'TO FILL' until then): {', '.join(created.to_fill)}")
    lines += [f"note: {note}" for note in created.draft.notes]
    lines.append("check zh.md against the source (headings, paragraphs the source split over lines), then: "
                 f"python build.py translations export {created.folder.name} -o {created.folder.name}.en.po")
    lines.append(f"figures and ranks no value record holds yet ({len(created.figures)}):")
    return "\n".join(lines + ([checklist(created.figures)] if created.figures else []))


def declared_layers(content: Path) -> list[str]:
    """The layer ids content/site.yaml declares (its `layers` list), and those documents already name."""
    raw = RawContent(content)
    site = raw.read_yaml(content / "site.yaml", dict, "site") or {}
    declared = site.get("layers") or ()
    if isinstance(declared, dict):  # layers keyed by id
        layers = [str(key) for key in declared]
    else:
        layers = [str(item.get("id")) for item in declared if isinstance(item, dict) and item.get("id")]
    folders = sorted(p for p in (content / "documents").glob("*") if (p / "meta.yaml").is_file())
    for folder in folders:
        meta = raw.read_yaml(folder / "meta.yaml", dict, "documents") or {}
        if isinstance(meta.get("layer"), str) and meta["layer"] not in layers:
            layers.append(meta["layer"])
    return layers


def _check_id(doc_id: str) -> None:
    """An id names the folder under content/documents/: nothing that could leave it (/, .., a drive)."""
    if not re.fullmatch(ID, doc_id) or len(doc_id) > MAX_ID:
        raise _error(SourceRef(Path("content/documents")), f"{quote(doc_id)} is not a document id", ID_HINT)


def _source_text(source: Path, root: Path) -> tuple[str, bool]:
    """The source's text (read under the content limits) in Simplified characters."""
    shown = display_path(Path(os.path.abspath(source)), root)
    if source.is_symlink() or not source.is_file():
        raise _error(SourceRef(shown), "not a regular file", "name the plain-text source itself (not a link)")
    try:
        text = read_text(source, shown)
    except ContentError as error:
        raise ContentErrors([error]) from None
    return to_simplified(text, shown)


def to_simplified(text: str, shown: Path = Path("source")) -> tuple[str, bool]:
    """Traditional text converted with OpenCC t2s (as the Traditional seed's edition was); Simplified text
    unchanged. Without OpenCC, a text that reads as Traditional is refused rather than drafted as it is."""
    han = _HAN.findall(text)
    try:
        import opencc  # only this command needs it (requirements-dev.txt)
    except ImportError:
        if han and sum(1 for char in han if char in _TRADITIONAL_ONLY) / len(han) > TRADITIONAL_SHARE:
            raise _error(SourceRef(shown), "the source is in Traditional characters and OpenCC is not "
                         "installed", "run 'bash scripts/setup.sh --dev' (OpenCC converts it to Simplified)") from None
        return text, False
    converted = opencc.OpenCC("t2s").convert(text)
    changed = sum(1 for a, b in zip(text, converted) if a != b)
    if len(converted) != len(text) or not han or changed / len(han) <= TRADITIONAL_SHARE:
        return text, False
    return converted, True


def _source_name(source: Path, sources: Path) -> tuple[str, bool]:
    """The source's name in sources/, and whether it is there already: the file with the same bytes, or a
    new name like the seeds' (next number, then the first 16 hex digits of its sha256)."""
    data = source.read_bytes()
    existing = sorted(p for p in sources.glob("*.txt") if SOURCE_NAME.fullmatch(p.name)) if sources.is_dir() else []
    for path in existing:
        if path.read_bytes() == data:
            return path.name, True
    number = max((int(SOURCE_NAME.fullmatch(p.name).group(1)) for p in existing), default=-1) + 1
    return f"{number:03d}_{hashlib.sha256(data).hexdigest()[:16]}.txt", False


def _next_order(content: Path) -> int:
    raw = RawContent(content)
    orders = [0]
    for path in (content / "documents").glob("*/meta.yaml"):
        meta = raw.read_yaml(path, dict, "documents") or {}
        orders.append(int(decimal_of(meta.get("order", 0)) or 0))
    return max(orders) + 1


_FIELDS = (  # field, what to write (zh, en), or None for a plain text field
    ("title", ("文件标题（正文不再重复）", "the title in English")),
    ("kind", ("文件类型", "the kind of document in English")),
    ("date", None),
    ("issuer", ("发文机关", "the issuer in English")),
    ("published", ("发布渠道和日期", "where and when it was published, in English")),
    ("translated", None),
    ("summary", ("一两句摘要", "a summary of one or two sentences in English")),
)


def meta_yaml(doc_id: str, layer: str, source_file: str, order: int, source_name: str) -> tuple[str, list[str]]:
    """meta.yaml with what new-document knows filled in and every other field marked TO FILL."""
    lines = [f"# Drafted by build.py new-document from {source_name}. Replace every '{TO_FILL}: …' (the build",
             "# refuses the marker); the fields are described in README.md's content schema.",
             f"id: {doc_id}", f"source_file: {source_file}", f"layer: {layer}", f"order: {order}"]
    to_fill = []
    for name, asks in _FIELDS:
        if name == "date":
            lines.append(f'date: "{TO_FILL}: YYYY-MM-DD (or YYYY-MM, YYYY; when undated, date_note: {{zh, en}})"')
            to_fill.append(name)
        elif name == "translated":
            lines.append(f'translated: "{TO_FILL}: YYYY-MM-DD, when the English was last reviewed"')
            to_fill.append(name)
        else:
            lines += [f"{name}:", f'  zh: "{TO_FILL}: {asks[0]}"', f'  en: "{TO_FILL}: {asks[1]}"']
            to_fill += [f"{name}.zh", f"{name}.en"]
    return "\n".join(lines) + "\n", to_fill


def en_md(doc_id: str, zh_markdown: str) -> str:
    """The English body before translation: the tables (see scaffold.english_tables; the import adds every
    other block before them), then a Markdown comment (it renders as nothing) saying how it is translated."""
    tables = english_tables(zh_markdown)
    return (f"{tables}\n\n" if tables else "") + (
        f"[//]: # (English edition of {doc_id}. Translate it with python build.py translations export {doc_id} "
        f"-o {doc_id}.en.po and python build.py translations import {doc_id}.en.po; translate each table's "
        f"header row here in en.md.)\n")


def _write_folder(folder: Path, files: dict[str, str]) -> None:
    """The document's files written into a temporary folder beside it, then renamed into place: all or none."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        for name, text in files.items():
            (temporary / name).write_text(text, encoding="utf-8")
        os.chmod(temporary, 0o755)
        os.rename(temporary, folder)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _error(src: SourceRef, message: str, hint: str) -> ContentErrors:
    return ContentErrors([ContentError(src, message, hint)])
