"""How close `build.py new-document` comes to today's editions: each document of content/documents drafted
again from its seed (sources/<source_file>) and compared with its zh.md, block by block.

    .venv/bin/python scripts/measure_scaffold.py [--content content] [--sources sources]

A block of the edition is matched when the draft has a block of the same kind with the same text (compared
without whitespace, with full-width forms folded, each draft block used once). The editions repair the
seeds where they are marked ({~~source~>edition~~}, {++added++}, {--left out--}); "source reading" undoes
those marks first, so it measures what the scaffold can know (the seed's text and layout), "edition" the
text as published. Tables count as found when the draft has a table whose rows match; footnotes likewise."""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.loading import parse_yaml  # noqa: E402
from portal.markup import Renderer  # noqa: E402
from portal.newdocument import to_simplified  # noqa: E402
from portal.scaffold import draft  # noqa: E402

KINDS = ("heading", "paragraph", "item", "row", "footnote")
_MARKS = ((re.compile(r"\{~~(.*?)~>(.*?)~~\}"), r"\1"), (re.compile(r"\{\+\+(.*?)\+\+\}"), ""),
          (re.compile(r"\{--(.*?)--\}"), r"\1"))


def source_reading(markdown: str) -> str:
    """An edition's Markdown with its editorial marks undone: the seed's own reading."""
    for pattern, replacement in _MARKS:
        markdown = pattern.sub(replacement, markdown)
    return markdown


def key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("*", "")


def blocks(markdown: str, name: str) -> list:
    body, problems = Renderer("zh", "").render(markdown, Path(name))
    if body is None:
        raise SystemExit(f"{name}: {problems[0]}")
    return list(body.blocks)


def compare(edition: list, drafted: list) -> dict[str, tuple[int, int, int]]:
    """kind -> (edition blocks, matched by text, matched with the same anchor too)."""
    available = Counter((b.kind, key(b.text)) for b in drafted)
    anchors = {(b.kind, key(b.text)): b.anchor for b in drafted}
    result = {}
    for kind in KINDS:
        mine = [b for b in edition if b.kind == kind]
        matched = same = 0
        for block in mine:
            wanted = (kind, key(block.text))
            if available[wanted] > 0:
                available[wanted] -= 1
                matched += 1
                same += anchors.get(wanted) == block.anchor
        result[kind] = (len(mine), matched, same)
    return result


def tables(markdown: str) -> int:
    return len(re.findall(r"^\|---", markdown, flags=re.MULTILINE))


def measure(content: Path, sources: Path) -> list[str]:
    lines = ["| document (seed) | reading | " + " | ".join(f"{k}s matched" for k in KINDS) +
             " | all blocks | same anchor | tables (draft/edition) |",
             "|---|---|" + "---|" * len(KINDS) + "---|---|---|"]
    totals: dict[str, Counter] = {"source": Counter(), "edition": Counter()}
    for folder in sorted(p for p in (content / "documents").iterdir() if (p / "meta.yaml").is_file()):
        meta = parse_yaml((folder / "meta.yaml").read_text(encoding="utf-8"), folder / "meta.yaml")
        seed = (sources / meta["source_file"]).read_text(encoding="utf-8")
        made = draft(to_simplified(seed)[0])
        drafted = blocks(made.markdown, "draft.md")
        zh = (folder / "zh.md").read_text(encoding="utf-8")
        for reading, text in (("source", source_reading(zh)), ("edition", zh)):
            found = compare(blocks(text, f"{folder.name}/zh.md"), drafted)
            total = sum(n for n, _, _ in found.values())
            matched = sum(m for _, m, _ in found.values())
            same = sum(s for _, _, s in found.values())
            totals[reading].update({"total": total, "matched": matched, "same": same})
            for kind, (n, m, _) in found.items():
                totals[reading].update({f"{kind}-n": n, f"{kind}-m": m})
            cells = [f"{m}/{n}" if n else "–" for n, m, _ in found.values()]
            lines.append(f"| {folder.name} ({meta['source_file'][:3]}) | {reading} | " + " | ".join(cells) +
                         f" | {matched}/{total} ({100 * matched / total:.0f} %) | {same} | {made.tables}/{tables(zh)} |")
    for reading, count in totals.items():
        cells = [f"{count[f'{k}-m']}/{count[f'{k}-n']}" for k in KINDS]
        lines.append(f"| **all five** | {reading} | " + " | ".join(cells) + f" | {count['matched']}/{count['total']} "
                     f"({100 * count['matched'] / count['total']:.0f} %) | {count['same']} | |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--sources", type=Path, default=ROOT / "sources")
    args = parser.parse_args()
    print("\n".join(measure(args.content, args.sources)))


if __name__ == "__main__":
    main()
