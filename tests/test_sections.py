"""Documents are rendered section by section (an edit renders only its section); what that gives must be
exactly what rendering the whole document gives, or the whole is rendered."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import FIXTURE, ROOT
from portal.markup import Renderer
from portal.sections import split_sections

DOCUMENTS = sorted((ROOT / "content" / "documents").glob("*/*.md")) + sorted((FIXTURE / "documents").glob("*/*.md"))


def shown(result) -> tuple:
    """A render's Body and its messages (errors compare by identity)."""
    body, errors = result
    return body, [str(error) for error in errors]


def whole(text: str, lang: str, path: Path = Path("x.md")) -> tuple:
    """What rendering the whole text gives (the engine's fallback, forced)."""
    renderer = Renderer(lang, "¶")
    from portal.safety import raw_html_errors, shape_errors
    if shape_errors(text, path):
        return shown((None, shape_errors(text, path)))
    return shown(renderer._finish(renderer._convert(text, None), text, path, raw_html_errors(text, path)))


def by_sections(text: str, lang: str, path: Path = Path("x.md"), renderer: Renderer | None = None) -> tuple:
    return shown((renderer or Renderer(lang, "¶")).render(text, path))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_document_renders_by_sections_as_it_renders_whole(path):
    text = path.read_text(encoding="utf-8")
    assert split_sections(text), "the real documents are rendered by sections"
    assert by_sections(text, path.stem, path) == whole(text, path.stem, path)


def test_an_edit_renders_only_its_section():
    path = ROOT / "content" / "documents" / "plan2025-report" / "zh.md"
    text = path.read_text(encoding="utf-8")
    renderer = Renderer("zh", "¶")
    by_sections(text, "zh", path, renderer)
    converted = []
    convert = renderer._convert
    renderer._convert = lambda section, links: converted.append(section) or convert(section, links)
    edited = text.replace("。", "。改", 1)
    assert by_sections(edited, "zh", path, renderer) == whole(edited, "zh", path)
    assert len(converted) == 1 and "改" in converted[0]


@pytest.mark.parametrize("text", [
    "## 一 {#a}\n\n甲[^1]\n{: #p1 }\n\n## 二 {#b}\n\n乙\n{: #p2 }\n\n[^1]: 注。\n",  # cited in one section, defined in another
    "## 一\n\n甲\n{: #p1 }\n\n## 二 {#b}\n\n乙\n{: #p2 }\n",  # a heading without an anchor
    "## 一 {#a}\n\n[甲][x]\n{: #p1 }\n\n## 二 {#b}\n\n[x]: https://example.org\n",  # a reference link
    "## 一 {#a}\n\n甲\n{: #p1 }\n",  # one section
])
def test_what_sections_cannot_reproduce_is_rendered_whole(text):
    assert split_sections(text) is None
    assert by_sections(text, "zh") == whole(text, "zh")


def test_errors_are_reported_as_the_whole_reports_them():
    text = "## 一 {#a}\n\n甲\n\n## 二 {#b}\n\n乙 {: #p2 }\n\n[x](javascript:alert(1))\n{: #p3 }\n"
    assert by_sections(text, "zh") == whole(text, "zh")


@pytest.mark.parametrize("seed", range(20))
def test_random_edits_of_a_real_document_render_as_the_whole(seed):
    """Blocks dropped, moved and duplicated, footnotes and editorial marks added anywhere: sections or
    whole, the same Body and errors."""
    rng = random.Random(seed)
    path = ROOT / "content" / "documents" / "plan2025-report" / ("zh.md" if seed % 2 else "en.md")
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    for _ in range(4):
        i, j = rng.randrange(len(blocks)), rng.randrange(len(blocks))
        choice = rng.random()
        if choice < 0.25:
            blocks.insert(j, blocks.pop(i))
        elif choice < 0.5:
            blocks.insert(j, blocks[i])
        elif choice < 0.75:
            blocks[i] = blocks[i].replace("。", "{++。++}", 1).replace(".", "{~~,~>.~~}", 1)
        else:
            blocks[i] = blocks[i] + "[^x%d]" % seed + "\n\n[^x%d]: 注。" % seed
    text = "\n\n".join(blocks)
    lang = path.stem
    assert by_sections(text, lang, path) == whole(text, lang, path)
