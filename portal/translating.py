"""The translator's commands: status, confirm, and a PO round trip (export, import) for CAT tools.

A PO file holds one document: one entry per block, msgctxt = its anchor, msgid = the zh Markdown of
the block, msgstr = the en Markdown, `#, fuzzy` when the English is outdated, the previously
confirmed zh as `#| msgid`, and the glossary renderings and figures the block needs as `#.`.
Importing is poimport.py (it shares `confirmations`)."""
from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import write_po

from . import freshness, inputs
from .errors import Collector, ContentError, ContentErrors, SourceRef
from .figures import english_amount
from .numbers import numbers_zh
from .loading import RawContent, display_path, read_text
from .markup import Renderer
from .model import Body, Term, TranslationState
from .output import write_atomic
from .segments import segment_texts, split_segments
from .validation import glossary_terms

PROJECT = "Plans portal"
_PO_HEADER = """\
# English translation of the document {doc}.
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
    folder = content / "documents"
    inputs.refuse_links({"content/documents": folder})
    return sorted(p.name for p in folder.iterdir() if (p / "meta.yaml").is_file()) if folder.is_dir() else []


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
    changed, stale, data = confirmations(texts, anchors, today)
    if changed or stale:
        write_atomic(texts.folder / freshness.SOURCES, data)
    return changed


def confirmations(texts: Texts, anchors: list[str], today: str | None) -> tuple[list[str], bool, bytes]:
    """The anchors whose record changes when these blocks are confirmed, whether the file holds records of
    blocks zh.md no longer has, and the file's new bytes. A block already confirmed against text that
    reads the same (its hash) keeps its record and date: nobody reviewed it again."""
    path = texts.folder / freshness.SOURCES
    entries = freshness.read_confirmed(path, texts.shown / freshness.SOURCES, texts.doc_id)
    sources = segment_texts(texts.zh_text)
    zh_blocks = {b.anchor: b for b in texts.zh.blocks}
    date = today or datetime.date.today().isoformat()
    changed = []
    for anchor in anchors:
        digest, text = freshness.block_hash(zh_blocks[anchor].text), sources.get(anchor, "")
        old = entries.get(anchor)
        if old is None or old.hash != digest:
            entries[anchor] = freshness.Confirmed(digest, date, text)
            changed.append(anchor)
    order = [b.anchor for b in texts.zh.blocks]
    return changed, bool(set(entries) - set(order)), freshness.confirmed_bytes(entries, order)


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
