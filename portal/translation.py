"""Checks of a document's translation and of what cites it: aligned anchors, numbers, glossary terms."""
from __future__ import annotations

import re
from pathlib import Path

from .errors import Collector, ContentError, SourceRef
from .figures import missing_numbers
from .model import Body, Document, Site, Term


def squeeze(text: str) -> str:
    """Text for verbatim comparison: no whitespace, no Markdown emphasis."""
    return re.sub(r"\s+", "", text.replace("**", ""))


def reference_errors(site: Site, document: Document) -> list[ContentError]:
    """After one document's text changed: every value, term, theme and timeline entry citing it must
    still find its anchor (and a value its quote) in the new text."""
    errors = Collector()
    zh = document.bodies["zh"]
    for value in site.values:
        if value.document == document.id:
            block = zh.block(value.source.anchor)
            if block is None:
                errors.add(value.src, f"value '{value.id}': anchor '{value.source.anchor}' not found in document "
                           f"'{document.id}'", "use an anchor from the document's zh.md")
            elif squeeze(value.source.quote) not in squeeze(block.text):
                errors.add(value.src, f"value '{value.id}': quote not found in paragraph '{value.source.anchor}' "
                           f"of '{document.id}'", "copy the words verbatim from zh.md")
    cited = [(t.src, f"term '{t.id}'", t.anchor) for t in site.terms if t.document == document.id]
    cited += [(th.src, f"theme '{th.id}'", sec.anchor) for th in site.themes for sec in th.sections
              if sec.document == document.id]
    cited += [(document.src, "timeline event", e.anchor) for e in site.timeline if e.document == document.id]
    for src, what, anchor in cited:
        if zh.block(anchor) is None:
            errors.add(src, f"{what}: anchor '{anchor}' not found in document '{document.id}'",
                       "use an anchor from the document's zh.md")
    return errors.errors


def translation_errors(document: Document, terms: list[Term]) -> list[ContentError]:
    """zh and en bodies: same anchors in the same order, numbers carried over, glossary terms used."""
    folder = document.src.path.parent
    return body_errors(document.bodies["zh"], document.bodies["en"], folder / "zh.md", folder / "en.md", terms)


def body_errors(zh: Body, en: Body, zh_path: Path, en_shown: Path, terms: list[Term]) -> list[ContentError]:
    """One translated body against its zh: same anchors in the same order, numbers carried over,
    glossary terms rendered; problems are reported at en_shown's lines."""
    errors = Collector()
    zh_shown = str(zh_path)
    en_blocks = [b for b in en.blocks if not b.anchor.startswith("fn-tn-")]
    zh_anchors = [b.anchor for b in zh.blocks]
    en_anchors = [b.anchor for b in en_blocks]
    if zh_anchors != en_anchors:
        _report_misalignment(zh, en_blocks, zh_shown, en_shown, errors)
        return errors.errors
    zh_terms = _term_pattern([t.term.zh for t in terms])
    by_zh = {t.term.zh: t for t in terms}
    for zh_block, en_block in zip(zh.blocks, en_blocks):
        missing = missing_numbers(zh_block.text, en_block.text)
        if missing:
            errors.add(SourceRef(en_shown, en_block.line),
                       f"block '{en_block.anchor}' lacks numbers of its zh text: {', '.join(missing)}",
                       "carry every figure over (magnitudes may be converted: 2000亿 -> 200 billion)")
        if zh_terms is None:
            continue
        english_text = en_block.text.lower()
        for found in sorted(set(zh_terms.findall(zh_block.text))):
            term = by_zh[found]
            if term.term.en.lower() not in english_text:
                errors.add(SourceRef(en_shown, en_block.line),
                           f"block '{en_block.anchor}' translates glossary term {term.term.zh} without "
                           f"its English '{term.term.en}'", "use the glossary's rendering")
    return errors.errors


def _term_pattern(texts: list[str]) -> re.Pattern | None:
    if not texts:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(texts, key=len, reverse=True)))


def _report_misalignment(zh: Body, en_blocks, zh_shown: str, en_shown, errors: Collector) -> None:
    en_set = {b.anchor for b in en_blocks}
    zh_set = {b.anchor for b in zh.blocks}
    for block in zh.blocks:
        if block.anchor not in en_set:
            errors.add(SourceRef(en_shown), f"missing translation: anchor '{block.anchor}' "
                       f"({zh_shown}:{block.line}) has no English block", "translate the block with the same anchor")
    for block in en_blocks:
        if block.anchor not in zh_set:
            errors.add(SourceRef(en_shown, block.line), f"anchor '{block.anchor}' is not in {zh_shown}",
                       "zh and en must have the same anchors")
    common_zh = [b.anchor for b in zh.blocks if b.anchor in en_set]
    common_en = [b for b in en_blocks if b.anchor in zh_set]
    for expected, block in zip(common_zh, common_en):
        if expected != block.anchor:
            errors.add(SourceRef(en_shown, block.line), f"anchors misaligned: '{block.anchor}' stands where "
                       f"zh has '{expected}'", "keep the blocks in the same order in both languages")
            break
