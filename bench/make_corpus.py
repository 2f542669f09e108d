#!/usr/bin/env python3
"""Turn ../shared/bench/gen_corpus.py's plain layout into this project's content format.

Each page pair page-NNNN (zh, en) becomes a document folder with meta.yaml, zh.md and en.md; every
heading and paragraph gets the anchor our content model requires (s1, p1 …, the same in both
languages, as the corpus pages are translations block by block); internal links point at the
document's URL; indicators.yaml becomes one indicator file. Every document's translation is then
confirmed (en.sources.yaml, as `build.py translations confirm` writes it), as in a project that uses
the translation workflow: the real content has every block confirmed. The portal's own templates, static
files and catalogs are used unchanged.

    python bench/make_corpus.py PLAIN_DIR CONTENT_DIR
"""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from portal.typography import STRAIGHT_APOSTROPHE  # noqa: E402

SITE = """title: {zh: 基准语料, en: Benchmark corpus}
tagline: {zh: 合成的双语页面, en: Synthetic bilingual pages}
base_url: https://bench.example.org
book: bench-corpus
layers:
  - id: synthetic
    name: {zh: 合成文件, en: Synthetic documents}
    short: {zh: 合成文件, en: Synthetic}
    period: 2025
    colour: "#0b4f8a"
    shape: circle
    section:
      name: {zh: 合成文件, en: Synthetic documents}
      summary: {zh: 基准测试用的合成文件。, en: Synthetic documents for the benchmark.}
matrix:
  columns:
    - {layer: synthetic, kind: target, year: 2025, heading: {zh: 2025年目标, en: 2025 target}}
    - {layer: synthetic, kind: outcome, year: 2025, heading: {zh: 2025年完成, en: 2025 outcome}}
  status_year: 2025
  first:
    anchors: [annex-]
    name: {zh: 附表, en: the annex tables}
"""
CATEGORIES = "- id: narrative\n  name: {zh: 指标, en: Indicators}\n"


def sections(body: str) -> list[list[str]]:
    """Blocks grouped by section: the intro, then one list per '## ' heading."""
    groups: list[list[str]] = [[]]
    for block in re.split(r"\n{2,}", body.strip()):
        if block.startswith("## "):
            groups.append([])
        groups[-1].append(block)
    return groups


def paragraphs_to(blocks: list[str], count: int) -> list[str]:
    """Merge trailing paragraphs so a section has `count` of them (the corpus's translations are
    section-aligned but not always paragraph-aligned; our model requires block alignment)."""
    prose = [b for b in blocks if not b.startswith(("## ", "|", "[^"))]
    while len(prose) > count:
        prose[-2:] = [prose[-2] + prose[-1]]
    return prose


def anchor_pair(zh_body: str, en_body: str) -> tuple[str, str]:
    """Both languages with the same anchors in the same order: s1 … for headings, p1 … for paragraphs."""
    out = {"zh": [], "en": []}
    paragraph = 0
    for heading, (zh, en) in enumerate(zip(sections(zh_body), sections(en_body))):
        count = min(len(paragraphs_to(zh, 99)), len(paragraphs_to(en, 99)))
        for lang, blocks in (("zh", zh), ("en", en)):
            prose = iter(paragraphs_to(blocks, count))
            number = paragraph
            for block in blocks:
                if block.startswith("## "):
                    out[lang].append(f"{block} {{#s{heading}}}")
                elif block.startswith(("|", "[^")):
                    out[lang].append(block)
                elif number < paragraph + count:
                    number += 1
                    text = re.sub(r"\]\((page-\d{4})\.md\)", lambda m: f"](../{m.group(1)}/)", next(prose))
                    out[lang].append(f"{text}\n{{: #p{number} }}")
        paragraph += count
    return "\n\n".join(out["zh"]) + "\n", "\n\n".join(out["en"]) + "\n"


def typographic(text: str) -> str:
    """The corpus's English with the typographic apostrophe the content checks require (people’s, not people's)."""
    return STRAIGHT_APOSTROPHE.sub("’", text)


def split_front_matter(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.load(front, Loader=yaml.CSafeLoader), body


def convert(plain: Path, content: Path) -> int:
    if content.exists():
        shutil.rmtree(content)
    (content / "documents").mkdir(parents=True)
    (content / "indicators").mkdir()
    (content / "site.yaml").write_text(SITE, encoding="utf-8")
    (content / "categories.yaml").write_text(CATEGORIES, encoding="utf-8")
    pages = sorted((plain / "corpus" / "zh").glob("page-*.md"))
    for order, zh_path in enumerate(pages):
        zh_meta, zh_body = split_front_matter(zh_path.read_text(encoding="utf-8"))
        en_meta, en_body = split_front_matter(typographic((plain / "corpus" / "en" / zh_path.name)
                                                          .read_text(encoding="utf-8")))
        folder = content / "documents" / zh_path.stem
        folder.mkdir()
        meta = {"id": zh_path.stem, "source_file": f"{order % 1000:03d}_{order:016x}.txt", "layer": "synthetic",
                "order": order, "title": {"zh": zh_meta["title"], "en": en_meta["title"]},
                "kind": {"zh": "通知", "en": "Notice"}, "date": str(zh_meta["date"]),
                "issuer": {"zh": "合成机关", "en": "Synthetic issuer"}, "published": {"zh": "基准", "en": "Benchmark"},
                "translated": str(zh_meta["date"]), "summary": {"zh": zh_meta["title"], "en": en_meta["title"]}}
        (folder / "meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
        zh_text, en_text = anchor_pair(zh_body, en_body)
        (folder / "zh.md").write_text(zh_text, encoding="utf-8")
        (folder / "en.md").write_text(en_text, encoding="utf-8")
    indicators = yaml.load((plain / "corpus" / "data" / "indicators.yaml").read_text(), Loader=yaml.CSafeLoader)
    records = [{"id": i["id"].lower(), "category": "narrative",
                "name": {"zh": i["name_zh"], "en": typographic(i["name_en"])},
                "unit": {"zh": i["unit_zh"], "en": typographic(i["unit_en"])}} for i in indicators]
    (content / "indicators" / "corpus.yaml").write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    from portal import translating
    for doc_id in translating.document_ids(content):
        translating.confirm(translating.open_document(content, content.parent, doc_id), [], "2026-01-01")
    return len(pages)


if __name__ == "__main__":
    print(convert(Path(sys.argv[1]), Path(sys.argv[2])), "document pairs")
