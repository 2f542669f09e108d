"""`translations import`: a PO file's translations written back into en.md (only the blocks' words:
anchors, attribute lists, footnote definitions and everything between blocks stay as they are),
checked as the build checks them; everything is read and checked before anything is written, and
en.md and en.sources.yaml are written together or not at all."""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import freshness, pofile
from .errors import ContentError, ContentErrors, SourceRef, quote
from .loading import display_path, read_text
from .markup import Renderer
from .model import Term
from .output import write_atomic
from .anchored import Block
from .segments import insert_segment, replace_segments, segment_texts, split_segments
from .translating import PROJECT, Texts, confirmations, document_ids, load_terms, open_document
from .translation import body_errors

_KINDS = {"heading": "heading", "paragraph": "paragraph", "item": "list item", "row": "table row",
          "footnote": "footnote"}
_FOOTNOTE_REF = re.compile(r"\[\^([^\]]+)\](?!:)")


@dataclass(frozen=True)
class Imported:
    en_changed: int  # blocks whose English changed
    confirmed: list[str]  # blocks now marked as translating the current zh (non-fuzzy, msgid = current zh)
    still_outdated: list[str]  # blocks that are not current after the import


def import_po(po_path: Path, content: Path, root: Path, today: str | None = None) -> Imported:
    """Write a PO file's translations into en.md and confirm its current, non-fuzzy entries; raises
    ContentErrors (naming FILE:line) and writes nothing when any entry is wrong. en.md and
    en.sources.yaml are written together or not at all; a file whose bytes would not change is not
    written."""
    shown_po = display_path(Path(os.path.abspath(po_path)), root) if po_path.is_absolute() else po_path
    entries_read, header = _read_po(po_path, shown_po)
    doc_id = header.get("Project-Id-Version", "").removeprefix(PROJECT).strip()
    if doc_id not in document_ids(content):
        raise ContentErrors([ContentError(SourceRef(shown_po, 1), "the header names no known document "
                                          f"({quote('Project-Id-Version: ' + header.get('Project-Id-Version', ''))})",
                                          "import a file made by python build.py translations export")])
    texts = open_document(content, root, doc_id)
    entries, errors = _entries(entries_read, texts, shown_po)
    new_text, where = _compose(texts, {a: e[0] for a, e in entries.items()})
    errors.extend(_checks(texts, new_text, where, entries, load_terms(content), shown_po))
    if errors:
        raise ContentErrors(errors)
    current = segment_texts(texts.zh_text)
    confirmable = [a for a, (_, _, fuzzy, msgid) in entries.items() if not fuzzy and msgid == current.get(a)]
    old_words = segment_texts(texts.en_text)
    changed = sum(1 for a, words in segment_texts(new_text).items() if old_words.get(a) != words)
    try:
        recorded, _stale, sources = confirmations(texts, confirmable, today)  # zh.md is the same after the import
    except ContentError as error:
        raise ContentErrors([error]) from None
    files = {}
    if new_text != texts.en_text:
        files[texts.folder / "en.md"] = new_text.encode("utf-8")
    if recorded:
        files[texts.folder / freshness.SOURCES] = sources
    write_together(files, texts.shown)
    still = [b.anchor for b in open_document(content, root, doc_id).state().blocks if b.state != "current"]
    return Imported(changed, confirmable, still)


def write_together(files: dict[Path, bytes], shown: Path) -> None:
    """Write every file or none: each to a temporary file beside it first, then all moved into place;
    when a move fails, the files moved before it get their old bytes back."""
    temporary: dict[Path, str] = {}
    try:
        old = {path: path.read_bytes() if path.exists() else None for path in files}
        for path, data in files.items():
            handle, temporary[path] = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary[path], 0o644)
        done = []
        try:
            for path, temp in temporary.items():
                os.replace(temp, path)
                done.append(path)
        except OSError:
            for path in done:
                if old[path] is None:
                    path.unlink()
                else:
                    write_atomic(path, old[path])
            raise
    except OSError as error:
        raise ContentErrors([ContentError(SourceRef(shown / Path(error.filename or "").name if error.filename
                                                    else shown), f"cannot write: {error.strerror or error}",
                                          "check the folder's permissions and free space")]) from None
    finally:
        for temp in temporary.values():
            Path(temp).unlink(missing_ok=True)


def _read_po(po_path: Path, shown_po: Path) -> tuple[list[pofile.PoEntry], dict[str, str]]:
    """A PO file's entries, strictly read, and its header fields. The file named on the command line may
    be anywhere, but not a symlink: name the file itself."""
    if po_path.is_symlink():
        raise ContentErrors([ContentError(SourceRef(shown_po), "symlinks are not allowed",
                                          "name the PO file itself, not a link to it")])
    if po_path.exists() and not po_path.is_file():
        raise ContentErrors([ContentError(SourceRef(shown_po), "not a regular file", "name a PO file")])
    try:
        entries = pofile.read_entries(read_text(po_path, shown_po), shown_po)
        pofile.check_header(entries, shown_po)
    except ContentError as error:
        raise ContentErrors([error]) from None
    header = next((e.string for e in entries if e.msgid == "" and e.context is None), "")
    fields = dict(line.split(":", 1) for line in header.split("\n") if ":" in line)
    return [e for e in entries if e.msgid or e.context is not None], {k.strip(): v.strip() for k, v in fields.items()}


# Attribute lists and anchors other than the lang of Chinese kept in the English: the blocks' own anchors
# stay in en.md, and an id in the words would be shown as text or collide with another block's
_ATTRIBUTES = re.compile(r"\{(?!\s*:\s*lang=\"[\w-]+\"\s*\})\s*[:#.][^}]*\}")


def _entries(entries_read: list[pofile.PoEntry], texts: Texts, shown_po: Path):
    """anchor -> (msgstr, PO line of the msgstr, fuzzy, msgid), and the problems found."""
    errors: list[ContentError] = []
    zh_anchors = [b.anchor for b in texts.zh.blocks]
    kinds = {segment.anchor: segment.kind for segment in split_segments(texts.zh_text)}
    entries: dict[str, tuple[str, int, bool, str]] = {}
    first_line: dict[str, int] = {}
    for message in entries_read:
        anchor = message.context
        line = message.msgstr_line
        attributes = _ATTRIBUTES.search(message.string)
        if anchor is None:
            errors.append(ContentError(SourceRef(shown_po, message.line), f"an entry without msgctxt "
                                       f"(msgid {quote(message.msgid)})", "keep msgctxt as exported: it is the "
                                       "block's anchor"))
        elif anchor in first_line:
            errors.append(ContentError(SourceRef(shown_po, message.line), f"a second entry for msgctxt "
                                       f"{quote(anchor)} (first on line {first_line[anchor]})",
                                       "keep one entry per block"))
        elif anchor not in zh_anchors:
            errors.append(ContentError(SourceRef(shown_po, message.line), f"msgctxt {quote(anchor)} is not a block "
                                       f"of {texts.shown / 'zh.md'}", "keep msgctxt as exported: it is the block's "
                                       "anchor"))
        elif not message.string:
            errors.append(ContentError(SourceRef(shown_po, line), f"block '{anchor}' has no translation",
                                       "every block needs its English"))
        elif attributes:
            errors.append(ContentError(SourceRef(shown_po, line), f"block '{anchor}': attribute list "
                                       f"{quote(attributes.group(0))} in the translation", "translate the words "
                                       "only: anchors stay in en.md; Chinese kept in the English is "
                                       "*…*{: lang=\"zh-Hans\" }"))
        elif ("\n\n" in message.string.strip() and kinds[anchor] != "footnote"  # a footnote may hold paragraphs
              or "\n" in message.string and kinds[anchor] in ("heading", "row")):
            one_line = kinds[anchor] in ("heading", "row")
            errors.append(ContentError(SourceRef(shown_po, line), f"block '{anchor}' is a {_KINDS[kinds[anchor]]}: "
                                       f"its translation {'must be one line' if one_line else 'has an empty line'}",
                                       "keep the translation in one piece: " + ("no line breaks (\\n)" if one_line
                                                                                else "no empty lines inside it")))
        else:
            entries[anchor] = (message.string, line, message.fuzzy, message.msgid)
        if anchor is not None:
            first_line.setdefault(anchor, message.line)
    lost = [block for block in texts.zh.blocks if block.anchor not in first_line]
    if len(lost) == 1:
        errors.append(ContentError(SourceRef(shown_po), f"block '{lost[0].anchor}' ({texts.shown / 'zh.md'}:"
                                   f"{lost[0].line}) has no entry: its anchor was lost",
                                   "every block needs its entry with msgctxt = its anchor"))
    elif lost:  # one mistake (a file cut short, entries deleted together): one error
        errors.append(ContentError(SourceRef(shown_po), f"{len(lost)} blocks of {texts.shown / 'zh.md'} have no "
                                   f"entry: {', '.join(b.anchor for b in lost[:5])}{', …' if len(lost) > 5 else ''}",
                                   "was the file cut short? export the document again and translate in that file"))
    return entries, errors


def _compose(texts: Texts, words: dict[str, str]) -> tuple[str, dict[str, tuple[int, int]]]:
    """en.md with these blocks' words; blocks en.md lacks are added where zh.md has them."""
    text = texts.en_text
    zh_segments = split_segments(texts.zh_text)
    en_anchors = set(segment_texts(text))
    for index, segment in enumerate(zh_segments):
        if segment.anchor not in words or segment.anchor in en_anchors:
            continue
        present = {s.anchor: s for s in split_segments(text)}
        after = next((present[s.anchor] for s in reversed(zh_segments[:index]) if s.anchor in present), None)
        separator = _separator(texts.zh_text, zh_segments, index)
        text = insert_segment(text, texts.zh_text, segment, after, separator, words[segment.anchor])
    return replace_segments(text, words)


def _separator(model: str, segments: list[Block], index: int) -> str:
    """What separates a block from the one before it in the model (or from the one after, at the top)."""
    if index > 0:
        return model[segments[index - 1].frame[1]:segments[index].frame[0]]
    if len(segments) > 1:
        return model[segments[0].frame[1]:segments[1].frame[0]]
    return "\n\n"


def _checks(texts: Texts, new_text: str, where: dict[str, tuple[int, int]], entries, terms: list[Term],
            shown_po: Path) -> list[ContentError]:
    """The build's checks on the new English, with problems inside an imported block moved to its PO line."""
    en_shown = texts.shown / "en.md"
    body, problems = Renderer("en", "").render(new_text, en_shown)
    errors = list(problems)
    if body is not None:
        errors += body_errors(texts.zh, body, texts.shown / "zh.md", en_shown, terms)
    for anchor, (words, _, _, msgid) in entries.items():
        lost = [m for m in _FOOTNOTE_REF.findall(msgid) if f"[^{m}]" not in words]
        if lost:
            errors.append(ContentError(SourceRef(en_shown, where.get(anchor, (None,))[0]),
                                       f"block '{anchor}' lost footnote marker(s) "
                                       f"{', '.join(f'[^{m}]' for m in lost)}", "keep every [^n] of the Chinese"))
    kinds = {s.anchor: s.kind for s in split_segments(texts.zh_text)}
    for segment in split_segments(new_text):
        if segment.anchor in entries and kinds.get(segment.anchor) not in (None, segment.kind):
            errors.append(ContentError(SourceRef(en_shown, where[segment.anchor][0]),
                                       f"block '{segment.anchor}' is a {_KINDS[kinds[segment.anchor]]} in zh.md but "
                                       f"became a {_KINDS[segment.kind]}", "keep the translation in one piece: "
                                       "no empty lines inside it"))
    po_line = {}
    for anchor, (first, last) in where.items():
        for number in range(first, last + 1):
            po_line[number] = entries[anchor][1]
    return [ContentError(SourceRef(shown_po, po_line[e.src.line]), e.message, e.hint)
            if e.src.path == en_shown and e.src.line in po_line else e for e in errors]
