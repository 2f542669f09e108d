"""The translator's commands: status, confirm, and a PO round trip (export, import) for CAT tools.

A PO file holds one document: one entry per block, msgctxt = its anchor, msgid = the zh Markdown of
the block, msgstr = the en Markdown, `#, fuzzy` when the English is outdated, the previously
confirmed zh as `#| msgid`, and the glossary renderings and figures the block needs as `#.`.
Importing writes the translations back into en.md (only the blocks' words: anchors, attribute
lists, footnote definitions and everything between blocks stay as they are), checks them as the
build does, and writes nothing at all when any entry is wrong."""
from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, write_po

from . import freshness, inputs
from .errors import Collector, ContentError, ContentErrors, SourceRef
from .figures import english_amount
from .numbers import numbers_zh
from .loading import RawContent, display_path, read_text
from .markup import Renderer
from .model import Body, Term, TranslationState
from .output import write_atomic
from .segments import Segment, insert_segment, replace_segments, segment_texts, split_segments
from .translation import body_errors
from .validation import glossary_terms

PROJECT = "Yuzhong Plans"
_KINDS = {"heading": "heading", "paragraph": "paragraph", "item": "list item", "row": "table row",
          "footnote": "footnote"}
_FOOTNOTE_REF = re.compile(r"\[\^([^\]]+)\](?!:)")
_PO_HEADER = """\
# English translation of the Yuzhong Plans document {doc}.
# One entry per block: msgctxt is its anchor, msgid the Chinese
# (authoritative) Markdown. Translate the words only: keep **bold**,
# footnote markers [^n], links and every figure; Chinese kept in the
# English goes in *…*{{: lang="zh-Hans" }}.
# Import: python build.py translations import FILE
#"""


@dataclass(frozen=True)
class Texts:
    """One document's two Markdown sources, rendered, and where they live."""

    doc_id: str
    folder: Path
    shown: Path
    zh_text: str
    en_text: str
    zh: Body
    en: Body

    def state(self) -> TranslationState:
        return freshness.translation_state(self.doc_id, self.zh, self.en, self.folder, self.shown)


def document_ids(content: Path) -> list[str]:
    return sorted(p.name for p in (content / "documents").iterdir() if (p / "meta.yaml").is_file())


def open_document(content: Path, root: Path, doc_id: str) -> Texts:
    """Read and render a document's zh.md and en.md (glossary links are not needed here)."""
    folder = content / "documents" / doc_id
    shown = display_path(folder, root)
    if not (folder / "meta.yaml").is_file():
        raise ContentErrors([ContentError(SourceRef(shown), f"no document '{doc_id}'",
                                          f"one of: {', '.join(document_ids(content))}")])
    inputs.refuse_links({shown.as_posix(): folder})  # zh.md, en.md and en.sources.yaml are read from here
    texts, bodies = {}, {}
    for lang in ("zh", "en"):
        texts[lang] = read_text(folder / f"{lang}.md", shown / f"{lang}.md")
        bodies[lang], problems = Renderer(lang, "").render(texts[lang], shown / f"{lang}.md")
        if bodies[lang] is None:  # empty, or nested beyond the limits
            raise ContentErrors(problems)
    return Texts(doc_id, folder, shown, texts["zh"], texts["en"], bodies["zh"], bodies["en"])


def load_terms(content: Path) -> list[Term]:
    raw = RawContent(content)
    if (content / "glossary.yaml").is_file():
        raw.terms = raw.read_list(content / "glossary.yaml", "terms")
    errors = Collector()
    errors.extend(raw.errors)
    terms = glossary_terms(raw, errors)
    errors.raise_if_any()
    return terms


# status and confirm

def status(content: Path, root: Path) -> list[tuple[Texts, TranslationState]]:
    found = []
    for doc_id in document_ids(content):
        texts = open_document(content, root, doc_id)
        found.append((texts, texts.state()))
    return found


def status_report(found: list[tuple[Texts, TranslationState]]) -> str:
    """A table of blocks per document, then every block that is not current as `path:line: …`."""
    width = max([len(t.doc_id) for t, _ in found] + [8])
    lines = [f"{'document':<{width}}  blocks  current  outdated  missing"]
    for texts, state in found:
        lines.append(f"{texts.doc_id:<{width}}  {len(state.blocks):>6}  {state.count('current'):>7}  "
                     f"{state.count('outdated'):>8}  {state.count('missing'):>7}")
    for texts, state in found:
        lines += [str(error).split("\n")[0] for error in freshness.outdated_errors(state, texts.shown)]
    return "\n".join(lines)


def confirm(texts: Texts, anchors: list[str], today: str | None = None) -> list[str]:
    """Mark blocks (all when none are named) as translating the current zh text; returns the anchors
    whose record changed. Unknown anchors and blocks without English are errors."""
    zh_blocks = {b.anchor: b for b in texts.zh.blocks}
    en_anchors = {b.anchor for b in texts.en.blocks}
    errors = Collector()
    for anchor in anchors:
        if anchor not in zh_blocks:
            errors.add(SourceRef(texts.shown / "zh.md"), f"no block '{anchor}' in {texts.doc_id}",
                       "name anchors as in zh.md (see python build.py translations status)")
        elif anchor not in en_anchors:
            errors.add(SourceRef(texts.shown / "en.md"), f"block '{anchor}' has no English to confirm",
                       "translate it first")
    errors.raise_if_any()
    chosen = anchors or [a for a in zh_blocks if a in en_anchors]
    return _record(texts, chosen, today)


def _record(texts: Texts, anchors: list[str], today: str | None) -> list[str]:
    """Record the current zh text of these blocks as confirmed; rewrite en.sources.yaml if anything changed."""
    path = texts.folder / freshness.SOURCES
    entries = freshness.read_confirmed(path, texts.shown / freshness.SOURCES, texts.doc_id)
    sources = segment_texts(texts.zh_text)
    zh_blocks = {b.anchor: b for b in texts.zh.blocks}
    date = today or datetime.date.today().isoformat()
    changed = []
    for anchor in anchors:
        digest, text = freshness.block_hash(zh_blocks[anchor].text), sources.get(anchor, "")
        old = entries.get(anchor)
        if old is None or (old.hash, old.text) != (digest, text):
            entries[anchor] = freshness.Confirmed(digest, date, text)
            changed.append(anchor)
    order = [b.anchor for b in texts.zh.blocks]
    if changed or set(entries) - set(order):
        freshness.write_confirmed(path, entries, order)
    return changed


# export

def export_po(texts: Texts, terms: list[Term]) -> str:
    """The document as a PO catalog for a CAT tool (see the module docstring)."""
    state = texts.state()
    confirmed = freshness.read_confirmed(texts.folder / freshness.SOURCES, texts.shown / freshness.SOURCES,
                                         texts.doc_id)
    zh_blocks = {b.anchor: b for b in texts.zh.blocks}
    english = segment_texts(texts.en_text)
    now = datetime.datetime.now(datetime.timezone.utc)
    catalog = Catalog(locale="en", project=PROJECT, version=texts.doc_id, fuzzy=False, charset="utf-8",
                      header_comment=_PO_HEADER.format(doc=texts.doc_id), creation_date=now, revision_date=now,
                      last_translator=f"{PROJECT} (exported from en.md)", language_team="English")
    for segment in split_segments(texts.zh_text):
        words = texts.zh_text[segment.start:segment.end]
        block, block_state = zh_blocks.get(segment.anchor), state.of(segment.anchor)
        if block is None or block_state is None or not words:
            continue
        outdated = block_state.state == "outdated"
        previous = confirmed.get(segment.anchor)
        message = Message(words, english.get(segment.anchor, ""), locations=[(str(texts.shown / "zh.md"), segment.line)],
                          flags={"fuzzy"} if outdated else set(), auto_comments=_notes(block.text, terms),
                          previous_id=previous.text if outdated and previous and previous.text != words else (),
                          context=segment.anchor)
        message.flags.discard("python-format")  # a % in prose is not a placeholder
        catalog[words] = message
    buffer = io.BytesIO()
    write_po(buffer, catalog, include_previous=True, width=76)
    return buffer.getvalue().decode("utf-8")


def _notes(text: str, terms: list[Term]) -> list[str]:
    """What a translator must carry over: glossary renderings of the terms used, and the figures."""
    notes = [f"glossary: {t.term.zh} = {t.term.en}" for t in terms if t.term.zh in text]
    figures = []
    for written, options in numbers_zh(text):
        largest = max(options)
        figures.append(written if len(options) == 1 else f"{written} (= {english_amount(largest)})")
    if figures:
        notes.append("figures: " + ", ".join(dict.fromkeys(figures)))
    return notes


# import

@dataclass(frozen=True)
class Imported:
    en_changed: int  # blocks whose English changed
    confirmed: list[str]  # blocks now marked as translating the current zh (non-fuzzy, msgid = current zh)
    still_outdated: list[str]  # blocks that are not current after the import


def import_po(po_path: Path, content: Path, root: Path, today: str | None = None) -> Imported:
    """Write a PO file's translations into en.md and confirm its current, non-fuzzy entries; raises
    ContentErrors (naming FILE:line) and writes nothing when any entry is wrong."""
    shown_po = display_path(po_path.resolve(), root) if po_path.is_absolute() else po_path
    po_text = read_text(po_path, shown_po)
    try:
        catalog = read_po(io.StringIO(po_text), abort_invalid=True)
    except PoFileError as error:
        raise ContentErrors([ContentError(SourceRef(shown_po, error.lineno + 1), f"not a valid PO file: {str(error).rsplit(' on ', 1)[0]}",
                                          "export the file again and edit it in a PO editor")]) from None
    doc_id = catalog.version or ""
    if doc_id not in document_ids(content):
        raise ContentErrors([ContentError(SourceRef(shown_po, 1), f"the header names no known document "
                                          f"('Project-Id-Version: {catalog.project} {doc_id}')",
                                          "import a file made by python build.py translations export")])
    texts = open_document(content, root, doc_id)
    entries, errors = _entries(catalog, po_text.splitlines(), texts, shown_po)
    new_text, where = _compose(texts, {a: e[0] for a, e in entries.items()})
    errors.extend(_checks(texts, new_text, where, entries, load_terms(content), shown_po))
    if errors:
        raise ContentErrors(errors)
    current = segment_texts(texts.zh_text)
    confirmable = [a for a, (_, _, fuzzy, msgid) in entries.items() if not fuzzy and msgid == current.get(a)]
    old_words = segment_texts(texts.en_text)
    changed = sum(1 for a, words in segment_texts(new_text).items() if old_words.get(a) != words)
    if new_text != texts.en_text:
        write_atomic(texts.folder / "en.md", new_text.encode("utf-8"))
    updated = open_document(content, root, doc_id)
    _record(updated, confirmable, today)
    still = [b.anchor for b in updated.state().blocks if b.state != "current"]
    return Imported(changed, confirmable, still)


def _entries(catalog: Catalog, po_lines: list[str], texts: Texts, shown_po: Path):
    """anchor -> (msgstr, PO line of the msgstr, fuzzy, msgid), and the problems found."""
    errors: list[ContentError] = []
    zh_anchors = [b.anchor for b in texts.zh.blocks]
    entries: dict[str, tuple[str, int, bool, str]] = {}
    for message in catalog:
        if not message.id:
            continue  # the header
        line = _msgstr_line(po_lines, message.lineno)
        anchor = message.context
        if anchor not in zh_anchors:
            errors.append(ContentError(SourceRef(shown_po, message.lineno), f"msgctxt {anchor!r} is not a block of "
                                       f"{texts.shown / 'zh.md'}", "keep msgctxt as exported: it is the block's anchor"))
        elif not message.string:
            errors.append(ContentError(SourceRef(shown_po, line), f"block '{anchor}' has no translation",
                                       "every block needs its English"))
        else:
            entries[anchor] = (message.string, line, message.fuzzy, message.id)
    for block in texts.zh.blocks:
        if block.anchor not in entries and not any(e.message.startswith(f"block '{block.anchor}'") for e in errors):
            errors.append(ContentError(SourceRef(shown_po), f"block '{block.anchor}' ({texts.shown / 'zh.md'}:"
                                       f"{block.line}) has no entry: its anchor was lost",
                                       "every block needs its entry with msgctxt = its anchor"))
    return entries, errors


def _msgstr_line(po_lines: list[str], msgid_line: int) -> int:
    for number in range(msgid_line, len(po_lines) + 1):
        if po_lines[number - 1].startswith("msgstr"):
            return number
    return msgid_line


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


def _separator(model: str, segments: list[Segment], index: int) -> str:
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
