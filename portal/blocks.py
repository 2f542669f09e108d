"""Anchored blocks in a rendered body's HTML: one block's inner HTML to quote it elsewhere, all of them
for the parallel view, and the document page's per-block links and outdated notes."""
from __future__ import annotations

import re
from markupsafe import escape  # a label may be a translation, escaped already


def block_html(body_html: str, anchor: str) -> str:
    """The inner HTML of one anchored paragraph, item or heading, for quoting it elsewhere:
    without its permalink and footnote markers, whose targets live on the document page."""
    match = re.search(rf'<(p|li|h[1-6])\b[^>]*\bid="{re.escape(anchor)}"[^>]*>(.*?)</\1>', body_html, re.S)
    if not match:
        return ""
    inner = re.sub(r'<a [^>]*class="permalink"[^>]*>.*?</a>', "", match.group(2))
    inner = re.sub(r'<sup class="edit-mark">.*?</sup>', "", inner)
    return re.sub(r'<sup id="fnref-[^"]+">.*?</sup>', "", inner).strip()


_ANCHORED = re.compile(r'<(p|li|h[1-6]|tr)\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</\1>', re.S)
_OPENED = re.compile(r'<(p|li|h[1-6]|tr)\b[^>]*\bid="([^"]+)"[^>]*>')  # _ANCHORED up to its inner HTML
_LINKS = re.compile(r'<a [^>]*class="(?:permalink|footnote-backref)"[^>]*>.*?</a>')
_EDIT_MARK = re.compile(r'<sup class="edit-mark">.*?</sup>')
_NOTE_MARK_TN = re.compile(r'<sup id="fnref-tn-[^"]+"><a [^>]*>(.*?)</a></sup>')
_NOTE_MARK = re.compile(r'<sup id="fnref-[^"]+">')
_CELL_OPEN, _CELL_CLOSE = re.compile(r"<t[dh]\b[^>]*>"), re.compile(r"</t[dh]>")


def block_map(body_html: str) -> dict[str, str]:
    """anchor -> inner HTML of every anchored block, to quote beside its translation: no permalinks,
    footnote markers without their ids, no footnote back-links, table cells as spans."""
    found = {}
    for anchor, inner in anchored(body_html):
        inner = _LINKS.sub("", inner) if "<a " in inner else inner
        if "<sup" in inner:
            inner = _EDIT_MARK.sub("", inner)  # its note is on the document page
            # a translator's note has no Chinese twin, so no pair to link to beside its translation
            inner = _NOTE_MARK.sub("<sup>", _NOTE_MARK_TN.sub(r"<sup>\1</sup>", inner))
        inner = inner.replace("&#160;</p>", "</p>")
        if "<t" in inner or "</t" in inner:
            inner = _CELL_CLOSE.sub("</span>", _CELL_OPEN.sub('<span class="cell">', inner))
        found[anchor] = inner.strip()
    return found


def anchored(body_html: str):
    """(anchor, inner HTML) of each block _ANCHORED finds, in order, found as it finds them: its opening tag
    by the pattern's first part, its end by looking for the first closing tag after it (which the lazy group
    tried at every character, in Python's regex engine: two thirds of the time a side-by-side page's columns
    took). Where there is none the whole pattern is tried at that place, as finditer would (an opening tag of
    another reading: never in a body the renderer wrote)."""
    start = 0
    while (opened := _OPENED.search(body_html, start)) is not None:
        close = body_html.find(f"</{opened.group(1)}>", opened.end())
        if close >= 0:
            yield opened.group(2), body_html[opened.end():close]
            start = close + len(opened.group(1)) + 3
        elif (match := _ANCHORED.match(body_html, opened.start())) is not None:
            yield match.group(2), match.group(3)
            start = match.end()
        else:
            start = opened.start() + 1


def annotate_blocks(body_html: str, outdated, note, parallel: str, label: str) -> str:
    """A document body on its page: a link to the parallel view beside each permalink, and each
    outdated block marked `data-outdated="true"` with note(block) at its start (in a row: its first cell)."""
    label = escape(label)  # once, not for each block
    html = _PERMALINK.sub(lambda m: f'{m.group(1)}<a class="parallel-link" href="{parallel}#{m.group(2)}" '
                                    f'aria-label="{label}">⇄</a>', body_html)
    if not outdated:
        return html
    pending = {block.anchor: block for block in outdated}

    def mark(m: re.Match) -> str:
        block = pending.pop(m.group(3), None)  # each block once, at its first element
        if block is None:
            return m.group(0)
        return f'<{m.group(1)}{m.group(2)} data-outdated="true">{m.group(4) or ""}{note(block)}'

    return _OPENING.sub(mark, html)


# A block's permalink, for annotate_blocks to put the link to the parallel view beside it.
_PERMALINK = re.compile(r'(<a [^>]*\bclass="permalink"[^>]*\bhref="#([^"]+)"[^>]*>¶</a>)')
# The opening tag of an anchored block (in a row: with its first cell), for annotate_blocks' one pass.
_OPENING = re.compile(r'<(p|li|h[1-6]|tr)\b([^>]*\bid="([^"]+)"[^>]*)>(\s*<td\b[^>]*>)?')
