"""An edit of one paragraph costs work in proportion to what changed, and gives exactly what the work over
the whole gives: the Markdown source read stretch by stretch (anchored.read_blocks), a document's sections
joined from pieces kept by the numbers before them (sections.Part.pieces)."""
from __future__ import annotations

import random

import pytest

from conftest import FIXTURE, ROOT
from portal import anchored, sections
from portal.anchored import _Reader, read_blocks
from portal.markup import Renderer
from test_sections import whole

DOCUMENTS = sorted((ROOT / "content" / "documents").glob("*/*.md")) + sorted((FIXTURE / "documents").glob("*/*.md"))
# lines that end a stretch early or run on into the heading under them: table rows, indented code, lists,
# footnotes with indented paragraphs, headings of every form, tabs, carriage returns, empty lines
PIECES = ["#", "## 标题 {#x9}", "### h {: .c #y9 }", "#no-space", "", "", "| 1 | b |", "|---|---|", "1 | a",
          "    code", "\tcode", "- item", "1. item", "{: #p99 }", "[^9]: 注。", "    more of it", "text\r", "# "]


def whole_read(text: str) -> tuple:
    return tuple(_Reader(text).read())


def edited(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(lines) + 1)
        choice = rng.random()
        if choice < 0.4:
            lines.insert(at, rng.choice(PIECES))
        elif choice < 0.6 and len(lines) > 1:
            del lines[min(at, len(lines) - 1)]
        elif choice < 0.8:
            lines[min(at, len(lines) - 1)] = rng.choice(PIECES) + lines[min(at, len(lines) - 1)]
        else:
            lines[min(at, len(lines) - 1)] += "改" * rng.randint(1, 3)
    return "\n".join(lines)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_document_reads_by_stretches_as_it_reads_whole(path):
    text = path.read_text(encoding="utf-8")
    assert read_blocks(text) == whole_read(text)


@pytest.mark.parametrize("seed", range(40))
def test_random_edits_of_the_real_documents_read_by_stretches_as_whole(seed):
    """Lines that run a table or indented code on into the heading under them, headings added and removed,
    stretches edited one after another: the blocks are the whole reading's, each block at its line and
    character offsets."""
    rng = random.Random(seed)
    text = rng.choice(DOCUMENTS).read_text(encoding="utf-8")
    for _ in range(10):
        text = edited(text, rng)
        assert read_blocks(text) == whole_read(text), text
    made = "".join(rng.choice(PIECES + ["\n", "\n", "段落"]) for _ in range(rng.randint(0, 40)))
    assert read_blocks(made) == whole_read(made), made


def test_an_edit_reads_only_its_stretch(monkeypatch):
    # from a fresh start: after other tests the kept stretches may be emptied midway (at 4,096) or the text
    # found in read_blocks' own cache, keeping no stretch
    monkeypatch.setattr(anchored, "_STRETCHES", {})
    read_blocks.cache_clear()
    text = (ROOT / "content" / "documents" / "plan2025-report" / "zh.md").read_text(encoding="utf-8")
    read_blocks(text)
    read = []
    monkeypatch.setattr(anchored, "_Reader", lambda stretch, *at: read.append(stretch) or _Reader(stretch, *at))
    edit = text.replace("。", "。改", 1)
    assert read_blocks(edit) == whole_read(edit)
    assert len(read) == 1 and "改" in read[0] and len(read[0]) < len(text) / 5


def test_a_table_running_into_a_heading_is_read_with_it():
    text = "## 一 {#a}\n\n| 序 | 项 |\n|---|---|\n| 1 | 甲 |\n## 二 {#b}\n\n乙\n{: #p1 }\n\n    code\n# 三 {#c}\n"
    assert read_blocks(text) == whole_read(text)
    assert [b.anchor for b in read_blocks(text) if b.kind == "heading"] == ["a"]


def test_a_renderer_kept_through_edits_renders_each_as_the_whole(monkeypatch):
    """Footnotes and editorial marks added in early paragraphs move the numbers of the sections after
    them: the pieces kept by the old numbers are not taken, and every render is the whole's."""
    path = ROOT / "content" / "documents" / "plan2025-report" / "zh.md"
    original = path.read_text(encoding="utf-8")
    renderer, rng, numbers = Renderer("zh", "¶"), random.Random(3), set()
    pieces = sections.Part.pieces

    def seen(part, footnotes, marks):
        numbers.add((footnotes, marks))
        return pieces(part, footnotes, marks)

    monkeypatch.setattr(sections.Part, "pieces", seen)
    for n in range(8):
        blocks = original.split("\n\n")
        paragraphs = [i for i, b in enumerate(blocks[:len(blocks) // 2])
                      if b.endswith("}") and "。" in b and not b.startswith(("#", "[^", "|"))]
        for at in rng.sample(paragraphs, 3):
            if rng.random() < 0.5:
                blocks[at] = blocks[at].replace("。", "{++。++}", 1)
            else:
                blocks[at] = blocks[at].replace("。", f"。[^n{n}x{at}]", 1) + f"\n\n[^n{n}x{at}]: 注{n}。"
        text = "\n\n".join(blocks)
        assert sections.split_sections(text)
        body, errors = renderer.render(text, path)
        assert (body, [str(e) for e in errors]) == whole(text, "zh", path)
    assert len(numbers) > 20  # the sections were numbered in many ways


def test_an_edit_keeping_the_numbers_renumbers_only_its_own_section(monkeypatch):
    path = ROOT / "content" / "documents" / "plan2025-report" / "zh.md"
    text = path.read_text(encoding="utf-8")
    renderer = Renderer("zh", "¶")
    renderer.render(text, path)
    calls = []
    renumber = sections._renumber
    monkeypatch.setattr(sections, "_renumber", lambda html, *numbers: calls.append(html) or renumber(html, *numbers))
    edit = text.replace("。", "。改", 1)
    body, errors = renderer.render(edit, path)
    assert (body, [str(e) for e in errors]) == whole(edit, "zh", path)
    assert len(calls) == 3 and "改" in calls[0]  # the edited section's body, footnotes and marks


def test_a_body_texts_digest_is_taken_once_and_is_its_sha256(monkeypatch):
    """The key of a kept body holds the sha256 of its text (as the cache saves it); a text given again, in
    this build or the next, is not hashed again, and an edited one is."""
    import hashlib

    from portal import keptbodies
    kept = keptbodies.KeptBodies(Renderer("zh", "¶"))
    text = (ROOT / "content" / "documents" / "plan2025-report" / "zh.md").read_text(encoding="utf-8")
    hashed = []
    sha256 = hashlib.sha256
    monkeypatch.setattr(keptbodies.hashlib, "sha256", lambda data: hashed.append(data) or sha256(data))
    first = kept.key(text, ROOT / "zh.md", None)
    assert first[1] == sha256(text.encode("utf-8")).hexdigest() and len(hashed) == 1
    kept.next_build()
    assert kept.key(text, ROOT / "zh.md", None) == first
    assert kept.key("".join(list(text)), ROOT / "zh.md", None) == first  # an equal string, not the same one
    kept.next_build()
    kept.next_build()  # a build that rendered nothing forgets nothing
    assert kept.key(text, ROOT / "zh.md", None) == first and len(hashed) == 1
    edit = text.replace("。", "。改", 1)
    assert kept.key(edit, ROOT / "zh.md", None)[1] == sha256(edit.encode("utf-8")).hexdigest() and len(hashed) == 2


def test_only_the_lines_where_a_mark_opens_are_read_for_broken_marks(monkeypatch):
    """A document with one mark checked line by line took every line's marks apart; the errors are the same."""
    from pathlib import Path

    from portal import editmarks
    lines = ["甲乙丙。"] * 300 + ["一{++二++}三", "未{++闭合", "{~~甲~>乙~~}与{--丙"]
    read = []
    replace = editmarks._replace_marks
    monkeypatch.setattr(editmarks, "_replace_marks", lambda line, reading: read.append(line) or replace(line, reading))
    errors = editmarks.broken_edit_marks(lines, Path("zh.md"))
    assert [(e.src.line, e.message) for e in errors] == [
        (302, "editorial mark not closed: '{++闭合'"), (303, "editorial mark not closed: '{--丙'")]
    assert read == lines[300:]


def test_outside_any_repository_no_git_is_started_and_inside_one_it_is(tmp_path, monkeypatch):
    """A zh.md's history: `git log` only where git can find a repository (a `.git` folder or file, a bare
    repository's HEAD above the folder, GIT_DIR); elsewhere it would fail, and no process is started."""
    from portal import freshness
    folder = tmp_path / "project" / "content" / "documents" / "doc"
    folder.mkdir(parents=True)
    (folder / "zh.md").write_text("# 标题 {#s1}\n\n第一段。\n{: #s1-p1 }\n", encoding="utf-8")
    if not freshness.no_repository(tmp_path):
        pytest.skip("the temporary folder is inside a repository")
    asked = []
    monkeypatch.setattr(freshness, "_git", lambda where, *args: asked.append(args[0]) or "")
    monkeypatch.delenv("GIT_DIR", raising=False)
    assert freshness.ChangeDates(folder / "zh.md").history() == [] and asked == []
    for made in (lambda: (tmp_path / "project" / ".git").mkdir(), lambda: (tmp_path / ".git").write_text("gitdir: x\n"),
                 lambda: (tmp_path / "project" / "content" / "HEAD").write_text("ref: refs/heads/main\n"),
                 lambda: monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere"))):
        made()
        assert freshness.no_repository(folder) is False
        freshness.ChangeDates(folder / "zh.md").history()
        assert asked.pop() == "log"
        for leftover in (tmp_path / "project" / ".git", tmp_path / ".git", tmp_path / "project" / "content" / "HEAD"):
            if leftover.is_dir():
                leftover.rmdir()
            elif leftover.exists():
                leftover.unlink()
        monkeypatch.delenv("GIT_DIR", raising=False)
        assert freshness.no_repository(folder)


@pytest.mark.slow
def test_where_no_repository_is_found_git_finds_none_either(tmp_path):
    import subprocess

    from portal import freshness
    folder = tmp_path / "doc"
    folder.mkdir()
    if not freshness.no_repository(folder):
        pytest.skip("the temporary folder is inside a repository")
    log = lambda where: subprocess.run(["git", "-C", str(where), "log", "-n1"], capture_output=True)  # noqa: E731
    assert log(folder).returncode != 0
    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "bare")], check=True)
    (tmp_path / "bare" / "sub").mkdir()
    assert not freshness.no_repository(tmp_path / "bare" / "sub")  # git finds the bare repository above it
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    assert not freshness.no_repository(folder) and log(folder).stderr.decode().find("not a git repository") < 0
