"""A plain-text source (as the seeds in sources/) drafted into a zh.md edition: numbered headings, anchored
paragraphs and list items, tab-separated tables, footnotes. Pure: text in, Markdown and notes out.

The source is untrusted text: every Markdown or HTML character in it is escaped, so what the source says is
shown as text and nothing it holds becomes markup (a `<script>` is the words `<script>`). Only the source's
own constructs become Markdown: its `**bold**`, `[[footnoteRef:N]]` with its `[N: [] …]` text, `●` bullets
and tables. What is normalised is what every edition normalises without marking it (content/README.md):
whitespace, ASCII punctuation beside Chinese written full-width, bullets as lists, split cells joined."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMERALS = "〇一二三四五六七八九十"
_CN = rf"[{_NUMERALS[1:]}]+"
HEADING_STYLES = (  # style, pattern of the number at the start of a line
    ("chapter", re.compile(rf"^({_CN})、")),
    ("section", re.compile(rf"^（({_CN})）")),
    ("point", re.compile(r"^(\d{1,3})[.．、]\s*(?![\d.．])")),
    # '1 title' (a layout's numbering), not '12 个…' (a count)
    ("spaced", re.compile(r"^(\d{1,2})[ \u3000]+(?=[“‘《]?[\u4e00-\u9fff]{2})(?![个家项年月日万亿千百元人次倍件座所条名])")),
)
MAX_PLAIN_HEADING = 24  # characters: an unnumbered heading is short, without punctuation, before longer text
_PUNCTUATION = re.compile(r"[，。；：！？、,.;:!?]|^[（(——\-●•]|[）)]$")
_ANNEX = re.compile(r"^附件\s*(\d{1,3})$")
_BULLET = re.compile(r"^(?:[●•·▪◆■]|[-*](?=\s))\s*")
_FOOTNOTE_REF = re.compile(r"\[\[footnoteRef:(\d{1,4})\]\]")
_FOOTNOTE_TEXT = re.compile(r"\s*\[(\d{1,4}): \[\]\s*")
MAX_HEADING = 40  # characters: a numbered line longer than this is a paragraph (with a bold lead, when it has one)
_HAN = r"\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”‘’"


@dataclass
class Draft:
    """What the scaffold made of a source: the zh.md text and what an editor should look at."""

    markdown: str
    notes: list[str] = field(default_factory=list)
    tables: int = 0
    footnotes: int = 0


def draft(source: str) -> Draft:
    """The zh.md edition of a plain-text source, block by block (see the module docstring)."""
    writer = _Writer()
    items = _items(source.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    for index, item in enumerate(items):
        if isinstance(item, list):
            writer.table(item)
        else:
            following = items[index + 1] if index + 1 < len(items) else ""
            writer.line(item, following if isinstance(following, str) else "")
    return writer.finish()


def _items(text: str) -> list:
    """The source as text lines (stripped, empty ones dropped) and tables (lists of rows of cells): a
    table is a run of lines starting with a tab, rows separated by empty lines, a line without a tab
    inside a row continuing the cell before it."""
    items: list = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith("\t"):
            if line.strip():
                items.append(line.strip())
            index += 1
            continue
        rows: list[list[str]] = []
        row: list[str] = []
        while index < len(lines):
            line = lines[index]
            if line.startswith("\t"):
                row.append(line.strip())
            elif line.strip() and row:
                row[-1] = _join(row[-1], line.strip())
            elif not line.strip():
                ahead = next((later for later in lines[index + 1:] if later.strip()), "")
                if row:
                    rows.append(row)
                    row = []
                if not ahead.startswith("\t"):
                    break
            else:
                break
            index += 1
        if row:
            rows.append(row)
        items.append(rows)
    return items


def _join(left: str, right: str) -> str:
    """A cell split over lines, joined: no space between Chinese characters, one between words."""
    spaced = left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum()
    return f"{left} {right}" if spaced else left + right


def escape(text: str) -> str:
    """Source text as Markdown that renders as exactly that text: every character Markdown or HTML would
    read as syntax is escaped, except the source's own **bold** pairs."""
    text = text.replace("\\", "\\\\")
    text = re.sub(r"&(?=#?\w+;)", "&amp;", text)  # only what would read as a character reference
    text = re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)  # only what would open a tag or comment
    text = re.sub(r"\{(?=~~|\+\+|--)", "&#123;", text)  # editorial marks are read before Markdown's escapes
    for char in "`_[]{}|!":
        text = text.replace(char, "\\" + char)
    parts = re.split(r"(\*\*[^*\n]+?\*\*)", text)
    return "".join(part if index % 2 else part.replace("*", "\\*") for index, part in enumerate(parts))


def line_start(words: str) -> str:
    """Escaped words that begin a paragraph: what would start a heading, list or quote there is escaped."""
    words = re.sub(r"^([#+>-])", r"\\\1", words)
    return re.sub(r"^(\d+)\.(\s)", r"\1\\.\2", words)


def _words(text: str) -> str:
    """escape(), with the source's footnote references ([[footnoteRef:N]]) as Markdown's [^N]."""
    parts = _FOOTNOTE_REF.split(text)
    return "".join(escape(part) if index % 2 == 0 else f"[^{part}]" for index, part in enumerate(parts))


def full_width(text: str) -> str:
    """ASCII punctuation beside Chinese written full-width, as every edition writes it (unmarked)."""
    for ascii_mark, wide in ((",", "，"), (";", "；"), (":", "："), ("?", "？"), ("!", "！")):
        text = re.sub(rf"(?<=[{_HAN}])\s*{re.escape(ascii_mark)}\s*|\s*{re.escape(ascii_mark)}\s*(?=[{_HAN}])",
                      wide, text)
    return re.sub(rf"\(([^()]*[{_HAN}][^()]*)\)", r"（\1）", text)


def numeral_value(written: str) -> int:
    """一 -> 1, 十二 -> 12, 二十三 -> 23, 7 -> 7."""
    if written.isdigit():
        return int(written)
    if "十" not in written:
        return int("".join(str(_NUMERALS.index(char)) for char in written))
    tens, _, ones = written.partition("十")
    return (_NUMERALS.index(tens) if tens else 1) * 10 + (_NUMERALS.index(ones) if ones else 0)


def plain_heading(line: str, following: str) -> bool:
    """An unnumbered line that reads as a heading: short, no punctuation, and longer text (or a numbered
    or bulleted line) after it."""
    if len(line) > MAX_PLAIN_HEADING or _PUNCTUATION.search(line) or heading_number(line) or _ANNEX.match(line):
        return False
    if not re.search(r"[\u4e00-\u9fff]", line) or re.search(r"\d+年\d+月|\.(?:png|jpe?g)$", line):
        return False
    return len(following) > max(2 * len(line), MAX_HEADING) or bool(heading_number(following) or
                                                                     _BULLET.match(following))


def heading_number(line: str) -> tuple[str, int] | None:
    """A line's numbering style and number (一、 -> chapter 1; （二） -> section 2; 3. -> point 3)."""
    for style, pattern in HEADING_STYLES:
        if match := pattern.match(line):
            return style, numeral_value(match.group(1))
    return None


class _Writer:
    """Writes blocks in order, naming anchors after the source's numbering (s1, s1-2, s1-2-p3)."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.notes: list[str] = []
        self.styles: list[str] = []  # numbering styles in the order met: the first is ##, the next ###, …
        self.path: list[tuple[str, int]] = []  # the open numbered headings: (style, number)
        self.section = ""  # the anchor of the heading blocks now belong to
        self.anchors: dict[tuple, str] = {}  # open heading path -> its anchor
        self.counts: dict[tuple[str, str], int] = {}
        self.used: set[str] = set()
        self.pending: list[str] = []  # short lines just before a possible table (its title)
        self.last_short: tuple[int, str] | None = None  # the last block, when a short paragraph: a table's title?
        self.tables = 0
        self.footnotes = 0
        self.plain = 0  # unnumbered headings so far

    def anchor(self, wanted: str) -> str:
        anchor, suffix = wanted, 2
        while anchor in self.used:
            anchor, suffix = f"{wanted}-{suffix}", suffix + 1
        self.used.add(anchor)
        return anchor

    def numbered(self, kind: str) -> str:
        key = (self.section, kind)
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.anchor(f"{self.section}-{kind}{self.counts[key]}" if self.section else f"{kind}{self.counts[key]}")

    def line(self, line: str, following: str) -> None:
        if _ANNEX.match(line) or (self.pending and len(line) <= MAX_HEADING and not line.endswith("。")):
            self.pending.append(line)  # an annex's label and title: kept until we know whether a table follows
            return
        self.flush()
        self.last_short = None
        if plain_heading(line, following):
            self.plain += 1
            self.heading(line, "plain", self.plain)
            return
        self.block(line)

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        for line in pending:
            self.block(line, annex_ok=False)

    def block(self, line: str, annex_ok: bool = True) -> None:
        if annex_ok and _ANNEX.match(line):
            self.pending.append(line)
            return
        numbered = heading_number(line)
        if numbered and len(line) <= MAX_HEADING and not line.endswith(("。", "；")):
            self.heading(line, *numbered)
            return
        bullet = _BULLET.match(line)
        text, definitions = self.footnoted(line[bullet.end():] if bullet else line)
        text = full_width(text)
        lead = re.match(r"^([^。]{1,%d}。)(.+)$" % MAX_HEADING, text) if numbered else None
        if lead and "**" not in text:
            words = f"**{_words(lead.group(1))}**{_words(lead.group(2))}"
        else:
            words = _words(text)
        if lead and numbered[0] in self.styles:  # a numbered paragraph closes the deeper headings
            self.close(self.styles.index(numbered[0]))
        if bullet:
            item = f"- {words}\n  {{: #{self.numbered('i')} }}"
            if self.out and self.out[-1].startswith("- "):  # one tight list, as the editions write them
                self.out[-1] += "\n" + item
            else:
                self.out.append(item)
        else:
            self.out.append(f"{line_start(words)}\n{{: #{self.numbered('p')} }}")
            self.last_short = (len(self.out) - 1, line) if len(line) <= MAX_HEADING and not line.endswith("。") \
                else None
        for label, note in definitions:
            self.out.append(f"[^{label}]: {line_start(escape(full_width(note)))}")

    def footnoted(self, line: str) -> tuple[str, list[tuple[str, str]]]:
        """A line's paragraph and its footnotes' texts (`[N: [] …]` after it); references to footnotes
        the line does not define are left as text and noted."""
        first = _FOOTNOTE_TEXT.search(line)
        text, rest = (line[:first.start()], line[first.start():]) if first else (line, "")
        definitions = []
        starts = list(_FOOTNOTE_TEXT.finditer(rest))
        for index, start in enumerate(starts):
            end = starts[index + 1].start() if index + 1 < len(starts) else len(rest)
            note = rest[start.end():end].strip()
            note = note[:-1].strip() if note.endswith("]") else note
            definitions.append((start.group(1), note))
        defined = {label for label, _ in definitions}
        for label in _FOOTNOTE_REF.findall(text):
            if label not in defined:
                self.notes.append(f"footnote {label} is referred to but its text is not in the same paragraph: "
                                  "left as text")
                text = text.replace(f"[[footnoteRef:{label}]]", f"[footnoteRef:{label}]")
        self.footnotes += len(definitions)
        return text.strip(), definitions

    def close(self, depth: int) -> None:
        """Leave the open headings at this depth and below: blocks belong to the one above them."""
        kept = [entry for entry in self.path if self.styles.index(entry[0]) < depth]
        if kept != self.path:
            self.path = kept
            self.section = self.anchors.get(tuple(kept), "")

    def heading(self, line: str, style: str, number: int) -> None:
        if style not in self.styles:
            self.styles.append(style)
        depth = self.styles.index(style)
        self.close(depth)
        self.path.append((style, number))
        numbers = [str(n) for kind, n in self.path if kind != "plain"]  # unnumbered headings: h1, h2, …
        self.section = self.anchor(f"h{number}" if style == "plain" else "s" + "-".join(numbers))
        self.anchors[tuple(self.path)] = self.section
        level = min(depth + 2, 6)
        self.out.append(f"{'#' * level} {escape(full_width(line))} {{#{self.section}}}")

    def table(self, rows: list[list[str]]) -> None:
        self.tables += 1
        title = self.pending
        self.pending = []
        if not title and self.last_short and self.last_short[0] == len(self.out) - 1:
            title = [self.last_short[1]]  # a short line right before the table is its title, not a paragraph
            self.out.pop()
        self.last_short = None
        annex = _ANNEX.match(title[0]) if title else None
        words = "\u3000".join(escape(full_width(part)) for part in title)
        self.section = self.anchor(f"annex-{annex.group(1)}" if annex else f"table-{self.tables}")
        if not words:
            words = f"{{++表{self.tables}++}}"
            self.notes.append(f"table {self.tables} has no title line before it: the heading "
                              f"'表{self.tables}' is marked as the editors' addition")
        self.out.append(f"## {words} {{#{self.section}}}")
        width = max(len(row) for row in rows)
        header = rows[0] if not re.fullmatch(r"\d+", rows[0][0]) else [""] * width
        body = rows[1:] if header is rows[0] else rows
        if not any(header):
            self.notes.append(f"table '{self.section}' has no header row: its header cells are empty; write them")
        unnumbered = [row[0] for row in body if not re.fullmatch(r"\d+", row[0])]
        if unnumbered:
            self.notes.append(f"table '{self.section}': rows whose first cell is not a number get no anchor "
                              f"({', '.join(unnumbered[:3])}…): the first column should be 序号")
        lines = [_row(header, width), "|" + "---|" * width] + [_row(row, width) for row in body]
        self.out.append("\n".join(lines))

    def finish(self) -> Draft:
        self.flush()
        return Draft("\n\n".join(self.out) + "\n", self.notes, self.tables, self.footnotes)


def english_tables(markdown: str) -> str:
    """The tables of a drafted zh.md, each with its heading, for en.md: `translations import` fills in
    blocks en.md lacks, but a table's header row is no block and a row needs its table around it. Chinese
    is kept as Chinese (`*…*{: lang="zh-Hans" }`) until translated; the rows are then outdated blocks,
    exported as fuzzy entries, and the header row is translated in en.md itself."""
    parts = markdown.split("\n\n")
    kept = []
    for index, part in enumerate(parts):
        if part.startswith("|") and index and parts[index - 1].startswith("#"):
            marks, words, anchor = re.match(r"^(#+) (.*) (\{#[^}]+\})$", parts[index - 1]).groups()
            rows = [_english_row(line) if not line.startswith("|---") else line for line in part.strip().split("\n")]
            kept += [f"{marks} {_kept_chinese(words)} {anchor}", "\n".join(rows)]
    return "\n\n".join(kept)


def _kept_chinese(words: str) -> str:
    """Words as they may stand in en.md before they are translated: Chinese marked as Chinese."""
    words = re.sub(r"\{\+\+(.*?)\+\+\}", r"\1", words)  # editorial marks belong to the zh edition
    return f'*{words}*{{: lang="zh-Hans" }}' if re.search(r"[\u3400-\u9fff]", words) else words


def _english_row(line: str) -> str:
    cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return "| " + " | ".join(_kept_chinese(cell.strip()) for cell in cells) + " |"


def _row(cells: list[str], width: int) -> str:
    cells = [escape(full_width(cell)) for cell in cells] + [""] * (width - len(cells))
    return "| " + " | ".join(cells) + " |"
