"""The side-by-side page's rows: each anchored block of the Chinese text beside its translation, and the
translator's notes, which have no Chinese twin. Made here rather than by a template macro per column (two
calls a block: half the page's rendering time)."""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup, escape

from .blocks import block_map

# The zh and en pages of a document are rendered one after the other (see parallel.render_all): each
# body's blocks are cut once for both. Keyed by the HTML itself, so a changed body is never mistaken.
blocks_of = lru_cache(maxsize=8)(block_map)


class Pair(NamedTuple):
    anchor: str
    outdated: bool
    changed: str | None  # when the Chinese text of an outdated block changed
    zh: Markup
    en: Markup


class TranslatorsNote(NamedTuple):
    anchor: str
    en: Markup


def column(html: str, block, own: bool, notes: dict[str, str]) -> Markup:
    """One side of a pair: the block's inner HTML in the element its kind takes (a heading is a heading
    only in the page's own language; a footnote keeps the mark its readers see)."""
    if block.kind == "heading" and own:
        return Markup(f"<h{escape(block.level)}>{html}</h{escape(block.level)}>")
    if block.kind == "heading":
        return Markup(f'<p class="pair-heading">{html}</p>')
    if block.kind == "footnote":
        label = block.anchor[3:]
        return Markup(f'<div class="pair-footnote"><span class="footnote-label">[{escape(notes.get(label, label))}]'
                      f"</span> {html}</div>")
    if block.kind == "paragraph":
        return Markup(f"<p>{html}</p>")
    return Markup(f'<p class="pair-{escape(block.kind)}">{html}</p>')


def pairs(document, state, notes: dict[str, str], lang: str) -> list[Pair]:
    """A pair for each block of the translation state, in its order (its anchor is the Chinese block's)."""
    zh_body = document.bodies["zh"]
    zh_html, en_html = blocks_of(zh_body.html), blocks_of(document.bodies["en"].html)
    made = []
    for state_block in state.blocks:
        block = zh_body.block(state_block.anchor)
        outdated = state_block.state == "outdated"
        made.append(Pair(block.anchor, outdated, state_block.changed if outdated else None,
                         column(zh_html.get(block.anchor, ""), block, lang == "zh", notes),
                         column(en_html.get(block.anchor, ""), block, lang == "en", notes)))
    return made


def translators_notes(document, notes: dict[str, str], lang: str) -> list[TranslatorsNote]:
    """The English text's translator's notes (fn-tn-…), each as its column."""
    en_body = document.bodies["en"]
    en_html = blocks_of(en_body.html)
    return [TranslatorsNote(block.anchor, column(en_html.get(block.anchor, ""), block, lang == "en", notes))
            for block in en_body.blocks if block.anchor.startswith("fn-tn-")]
