"""A quote taken from a table row ("空气质量优良天数 | 天 | 约束性 | 300 | 303": the cells a row block's text
joins with " | ") read back as a row: each quoted cell with the heading of its column, in the page's
language, so that a reader tells the target from the outcome. Pure functions of a body's HTML."""
from __future__ import annotations

import functools
import html
import re

CELL_JOIN = " | "  # how markup.py joins a row's cells into its block text
_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_HEAD_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_ROW_ID = re.compile(r"<tr\b[^>]*\bid=\"([^\"]+)\"")
_TAG = re.compile(r"<[^>]+>")


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


@functools.lru_cache(maxsize=64)  # one parse per body and build: a str keeps its hash, the look-up is cheap
def column_headings(body_html: str) -> dict[str, tuple[str, ...]]:
    """Each anchored table row of a rendered body -> the headings of its table's columns."""
    headings = {}
    for table in _TABLE.findall(body_html):
        head = tuple(_plain(cell) for cell in _HEAD_CELL.findall(table.partition("</thead>")[0]))
        for anchor in _ROW_ID.findall(table):
            headings[anchor] = head
    return headings


def labelled_cells(quote: str, row_text: str, headings: tuple[str, ...]) -> list[tuple[str, str]] | None:
    """The quoted cells, each with its column's heading; None when the quote is not whole cells of the
    row in order (a quote from running text, or a row whose table has no heading for every cell)."""
    if CELL_JOIN not in quote:
        return None
    cells = [cell.strip() for cell in quote.split(CELL_JOIN)]
    row = [cell.strip() for cell in row_text.split(CELL_JOIN)]
    if len(headings) != len(row):
        return None
    for start in range(len(row) - len(cells) + 1):
        if row[start:start + len(cells)] == cells:
            return list(zip(headings[start:start + len(cells)], cells))
    return None


def row_reads(document, anchor: str, lang: str) -> tuple[str, tuple[str, ...] | None] | None:
    """What quoting the document's zh row `anchor` reads of it: the row's text and its table's headings in
    lang; None when `anchor` is no row (a page's key takes this alone, not the whole body)."""
    row = document.bodies["zh"].block(anchor)
    if row is None or row.kind != "row":
        return None
    return row.text, column_headings(document.bodies[lang].html).get(anchor)


def labelled(quote: str, read: tuple | None) -> list[tuple[str, str]] | None:
    """A quote of a row as (heading in lang, zh cell) pairs from row_reads(), or None."""
    return labelled_cells(quote, read[0], read[1]) if read is not None and read[1] else None


def quoted_row(document, anchor: str, quote: str, lang: str) -> list[tuple[str, str]] | None:
    """A quote of the document's zh row `anchor` as (heading in lang, zh cell) pairs, or None."""
    return labelled(quote, row_reads(document, anchor, lang))


def row_plain(pairs: list[tuple[str, str]], lang: str) -> str:
    """The labelled cells as one line of plain text (for search excerpts and feeds): 单位：天；… / Unit: days; …"""
    colon, semicolon = ("：", "；") if lang == "zh" else (": ", "; ")
    return semicolon.join(f"{heading}{colon}{cell}" for heading, cell in pairs)
