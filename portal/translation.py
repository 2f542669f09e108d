"""Checks of a document's translation and of what cites it: aligned anchors, numbers, glossary terms."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .errors import Collector, ContentError, SourceRef
from .numbers import missing_numbers
from .model import Block, Body, Document, Indicator, Site, Term


def squeeze(text: str) -> str:
    """Text for verbatim comparison: no whitespace, no Markdown emphasis."""
    return re.sub(r"\s+", "", text.replace("**", ""))


def reference_errors(site: Site, document: Document) -> list[ContentError]:
    """After one document's text changed: every value, goal, term, theme and timeline entry citing it must
    still find its anchor (and a value its quote) in the new text. Not checked against a text with errors
    of its own: a lost anchor is reported once, where it was lost."""
    errors = Collector()
    if any(body.faulty for body in document.bodies.values()):
        return []
    zh = document.bodies["zh"]
    quoting = [("value", v) for v in site.values] + [("goal", g) for g in site.goals]
    for kind, item in quoting:
        if item.document == document.id:
            block = zh.block(item.source.anchor)
            if block is None:
                errors.add_once("anchor", item.src, f"{kind} '{item.id}': anchor '{item.source.anchor}' "
                                f"not found in document '{document.id}'", "use an anchor from the document's zh.md")
            elif squeeze(item.source.quote) not in squeeze(block.text):
                errors.add(item.src, f"{kind} '{item.id}': quote not found in paragraph '{item.source.anchor}' "
                           f"of '{document.id}'", "copy the words verbatim from zh.md")
    cited = [(t.src, f"term '{t.id}'", t.anchor) for t in site.terms if t.document == document.id]
    cited += [(th.src, f"theme '{th.id}'", sec.anchor) for th in site.themes for sec in th.sections
              if sec.document == document.id]
    cited += [(document.src, "timeline event", e.anchor) for e in site.timeline if e.document == document.id]
    for src, what, anchor in cited:
        if zh.block(anchor) is None:
            errors.add_once("anchor", src, f"{what}: anchor '{anchor}' not found in document '{document.id}'",
                            "use an anchor from the document's zh.md")
    return errors.errors


# kept(key, make): make()'s problems, possibly kept from before by `key` (see checkmemo.Checks.kept)
Kept = Callable[[tuple, Callable[[], list]], list]


def fresh(_key: tuple, make: Callable[[], list]) -> list:
    """Nothing kept: every block is checked."""
    return make()


def translation_errors(document: Document, terms: list[Term], kept: Kept = fresh) -> list[ContentError]:
    """zh and en bodies: same anchors in the same order, numbers carried over, glossary terms used (not
    compared while either has errors of its own, which the comparison would only repeat). `kept` may keep
    each pair of blocks' problems by the key given with it and the glossary (which the key leaves out)."""
    return bodies_errors(document.src.path.parent, document.bodies["zh"], document.bodies["en"], terms, kept)


def bodies_errors(folder: Path, zh: Body, en: Body, terms: list[Term], kept: Kept = fresh) -> list[ContentError]:
    """translation_errors() of the document in `folder` (as errors name it) whose bodies are zh and en."""
    if zh.faulty or en.faulty:
        return []
    return body_errors(zh, en, folder / "zh.md", folder / "en.md", terms, kept)


def body_errors(zh: Body, en: Body, zh_path: Path, en_shown: Path, terms: list[Term],
                kept: Kept = fresh) -> list[ContentError]:
    """One translated body against its zh: same anchors in the same order, numbers carried over,
    glossary terms rendered; problems are reported at en_shown's lines. Each pair of blocks is checked
    through `kept`, keyed by all the pair's check reads but the glossary: both texts, the anchor, the
    line and the path shown."""
    zh_shown = str(zh_path)
    en_blocks = [b for b in en.blocks if not b.anchor.startswith("fn-tn-")]
    if [b.anchor for b in zh.blocks] != [b.anchor for b in en_blocks]:
        errors = Collector()
        _report_misalignment(zh, en_blocks, zh_shown, en_shown, errors)
        return errors.errors
    shown = str(en_shown)  # in every pair's key: made once (N=2000: 36,000 pairs)
    made: list[Glossary] = []  # the glossary's pattern, made for the first pair not kept

    def check(zh_block: Block, en_block: Block) -> list[ContentError]:
        if not made:
            made.append(Glossary(terms))
        return pair_errors(zh_block, en_block, en_shown, made[0])

    problems: list[ContentError] = []
    for zh_block, en_block in zip(zh.blocks, en_blocks):
        key = ("translated block", zh_block.text, en_block.text, en_block.anchor, en_block.line, shown)
        problems += kept(key, lambda: check(zh_block, en_block))
    return problems


def pair_errors(zh_block: Block, en_block: Block, en_shown: Path, glossary: "Glossary") -> list[ContentError]:
    """A zh block and its English: every number carried over, every glossary term in its English."""
    missing = missing_numbers(zh_block.text, en_block.text)
    untranslated = glossary.untranslated(zh_block.text, en_block.text)
    if not missing and not untranslated:  # nearly every pair: no Collector, no SourceRef made
        return []
    errors = Collector()
    if missing:
        errors.add(SourceRef(en_shown, en_block.line),
                   f"block '{en_block.anchor}' lacks numbers of its zh text: {', '.join(missing)}",
                   "carry every figure over (magnitudes may be converted: 2000亿 -> 200 billion)")
    for term in untranslated:
        errors.add(SourceRef(en_shown, en_block.line),
                   f"block '{en_block.anchor}' translates glossary term {term.term.zh} without "
                   f"its English '{term.term.en}'", "use the glossary's rendering")
    return errors.errors


class Glossary:
    """Finds the glossary terms a Chinese text uses (longest first) whose English a translation lacks."""

    def __init__(self, terms: list[Term]) -> None:
        self.by_zh = {t.term.zh: t for t in terms}
        texts = sorted(self.by_zh, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(t) for t in texts)) if texts else None

    def untranslated(self, zh: str, en: str) -> list[Term]:
        if self.pattern is None:
            return []
        english = en.lower()
        return [self.by_zh[found] for found in sorted(set(self.pattern.findall(zh)))
                if self.by_zh[found].term.en.lower() not in english]


MANY = 3  # beyond this many anchors of one kind, one message lists them (a whole file replaced is one mistake)


def _report_misalignment(zh: Body, en_blocks, zh_shown: str, en_shown, errors: Collector) -> None:
    en_set = {b.anchor for b in en_blocks}
    zh_set = {b.anchor for b in zh.blocks}
    en_lines = {b.anchor: b.line for b in en_blocks}
    untranslated = []
    for index, block in enumerate(zh.blocks):
        if block.anchor not in en_set:
            # where the English block belongs: before the next block both languages have
            following = (en_lines[b.anchor] for b in zh.blocks[index + 1:] if b.anchor in en_lines)
            untranslated.append((next(following, en_blocks[-1].line if en_blocks else 1), block))
    if len(untranslated) > MANY:
        errors.add(SourceRef(en_shown, untranslated[0][0]), f"missing translation: {len(untranslated)} anchors of "
                   f"{zh_shown} have no English block: {_listed(b.anchor for _, b in untranslated)}",
                   "translate each block with the same anchor")
    else:
        for line, block in untranslated:
            errors.add(SourceRef(en_shown, line), f"missing translation: anchor '{block.anchor}' "
                       f"({zh_shown}:{block.line}) has no English block", "translate the block with the same anchor")
    strays = [b for b in en_blocks if b.anchor not in zh_set]
    if len(strays) > MANY:
        errors.add(SourceRef(en_shown, strays[0].line), f"{len(strays)} anchors are not in {zh_shown}: "
                   f"{_listed(b.anchor for b in strays)}", "zh and en must have the same anchors")
    else:
        for block in strays:
            errors.add(SourceRef(en_shown, block.line), f"anchor '{block.anchor}' is not in {zh_shown}",
                       "zh and en must have the same anchors")
    common_zh = [b.anchor for b in zh.blocks if b.anchor in en_set]
    common_en = [b for b in en_blocks if b.anchor in zh_set]
    for expected, block in zip(common_zh, common_en):
        if expected != block.anchor:
            errors.add(SourceRef(en_shown, block.line), f"anchors misaligned: '{block.anchor}' stands where "
                       f"zh has '{expected}'", "keep the blocks in the same order in both languages")
            break


def indicator_name_errors(document: Document, indicators: list[Indicator] | dict[str, Indicator],
                          kept: Kept = fresh) -> list[ContentError]:
    """Where a zh block names an indicator — in quotation marks (“长江干流水质”) or as a cell of a table
    row — its en block must use that indicator's English name, so the text, the matrix and the
    charts call one measure by one name. `indicators` may be given by their Chinese names already.
    Each pair of blocks whose zh names an indicator is checked through `kept`, keyed by all it reads but the
    indicators (a block naming none has nothing to check: its names are found quicker than a key is made)."""
    errors = Collector()
    by_zh = indicators if isinstance(indicators, dict) else {i.name.zh: i for i in indicators}
    en_shown = document.src.path.parent / "en.md"
    en_blocks = {b.anchor: b for b in document.bodies["en"].blocks}
    for zh_block in document.bodies["zh"].blocks:
        en_block = en_blocks.get(zh_block.anchor)
        if en_block is None or by_zh.keys().isdisjoint(_named(zh_block)):
            continue  # reported as a missing translation, or names no indicator
        key = ("indicator names in block", zh_block.text, zh_block.kind, en_block.text, en_block.anchor,
               en_block.line, str(en_shown))
        errors.extend(kept(key, lambda: named_errors(zh_block, en_block, en_shown, by_zh)))
    return errors.errors


def named_errors(zh_block: Block, en_block: Block, en_shown: Path, by_zh: dict[str, Indicator]) -> list[ContentError]:
    """The indicators a zh block names whose English name its en block lacks."""
    errors = Collector()
    named = _named(zh_block)
    english_text = en_block.text.lower()
    for name in sorted(named & by_zh.keys()):
        indicator = by_zh[name]
        if indicator.name.en.lower() not in english_text:
            errors.add(SourceRef(en_shown, en_block.line),
                       f"block '{en_block.anchor}' names indicator {name} without its English name "
                       f"'{indicator.name.en}'", f"use the name of indicator '{indicator.id}' "
                       "(or change the indicator's name.en)")
    return errors.errors


_QUOTED = re.compile(r"“([^“”]+)”")


def _named(zh_block: Block) -> set[str]:
    """What a zh block may name an indicator by: its quoted phrases, and a table row's cells."""
    return _quoted(zh_block.text) | (_cells(zh_block.text) if zh_block.kind == "row" else set())


def _quoted(text: str) -> set[str]:
    return set(_QUOTED.findall(text)) if "“" in text else set()


def _cells(row_text: str) -> set[str]:
    return {cell.strip() for cell in row_text.split("|")}


def _listed(anchors) -> str:
    names = [f"'{a}'" for a in anchors]
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
