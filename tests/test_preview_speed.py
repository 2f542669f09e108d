"""The preview's save -> screen levers (issue 21 item 6, stop 33): each changes how little work finds what
changed, never what is made; checked against taking everything afresh."""
from __future__ import annotations

import subprocess

import pytest

from conftest import edit
from test_cache import fresh, project  # noqa: F401 (the fixture: a copy of everything a build reads)
from portal import freshness, incremental, textfiles
from portal.cache import digest
from portal.lastbuild import LastBuild
from portal.output import update_in_place
from portal.pipeline import Builder

# One edit of each kind of read a page key holds: a body (zh, en), a term, a value, a goal, an indicator,
# a translation state (the zh edit outdates its English), and back
EDITS = [("documents/plenary-demo/zh.md", "取得新进展新成效", "取得新进展新成效喵"),
         ("documents/plenary-demo/en.md", "new progress", "fresh progress"),
         ("glossary.yaml", "zh: 产业升级振兴、", "zh: 产业升级振兴，"),
         ("values/plenary-demo.yaml", 'en: "over 2,500 enterprises"', 'en: "more than 2,500 enterprises"'),
         ("goals.yaml", "horizon: 2027", "horizon: 2028"),
         ("indicators/main.yaml", "unit: {zh: 家, en: enterprises}", "unit: {zh: 家, en: firms}"),
         ("documents/plenary-demo/zh.md", "取得新进展新成效喵", "取得新进展新成效")]


def test_update_in_place_writes_the_changed_removes_the_gone_and_returns_both_sorted(tmp_path):
    site = tmp_path / "site"
    first = {"b/page.html": b"1", "a.html": b"2", "c.txt": b"3"}
    assert update_in_place(first, site, None) == ["a.html", "b/page.html", "c.txt"]
    second = {"a.html": first["a.html"], "b/page.html": b"one", "d.txt": b"4"}  # c.txt gone, d.txt new
    assert update_in_place(second, site, first) == ["b/page.html", "d.txt", "c.txt"]
    third = {"a.html": b"2", "b/page.html": b"one", "e.txt": b"5"}  # as many files, one renamed: still gone
    assert update_in_place(third, site, second) == ["e.txt", "d.txt"]
    assert update_in_place(dict(third), site, third) == []  # equal bytes, other objects: nothing written
    (site / "stray.txt").write_bytes(b"x")
    assert update_in_place(third, site, None) == ["stray.txt"]  # without `previous`: the disk compared
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == sorted(third)
    assert all((site / name).read_bytes() == data for name, data in third.items())


def test_the_reads_found_moved_by_identity_hold_every_read_whose_line_changed(project, monkeypatch):
    """Verified.unchanged takes a line again only for reads made from other objects than the last build's
    (Moved): edit after edit, every read whose line changed is among them, every line it carries over is
    the line taken afresh, and a body's edit moves only that document's reads. Moved.reads (from each
    kind's moved ids and the keys read, Digests.kinds; of a moved body's rows, those whose value is not the
    last build's) holds every read whose line changed and only reads Moved says of one by one; Digests.kinds
    always names exactly the reads in memo, through the pages left for later too."""
    seen = []
    original = incremental.Verified.unchanged

    def read_by_kind(digests) -> set:
        return {(kind, key) for kind, keys in digests.kinds.items() for key in keys}

    def unchanged(verified, base, digests):
        last = verified.digests
        assert read_by_kind(last) == set(last.memo) and set(last.rows) == last.kinds.get("rows", set())
        known = original(verified, base, digests)
        moved = incremental.Moved(digests, last)
        again = incremental.Digests(digests.site, digests.states)
        changed = {read for read, line in last.memo.items() if again(read) != line}
        assert changed <= moved.reads(last.kinds) <= {read for read in last.memo if moved(read)}
        assert all(line == again(read) for read, line in digests.memo.items())
        assert read_by_kind(digests) == set(digests.memo)
        seen.append((changed, {read for read in last.memo if moved(read)}))
        return known

    monkeypatch.setattr(incremental.Verified, "unchanged", unchanged)
    builder = Builder(project, search_index=False)
    builder.generate()
    for name, old, new in EDITS:
        edit(project.content / name, old, new)
        builder.generate(first=set())  # the preview's: the pages left for later render through the same Digests
        assert builder.render_deferred() == fresh(project), name
    assert len(seen) == len(EDITS) and all(changed for changed, _ in seen)
    body_moved = seen[0][1]
    assert body_moved and all(read[1] == "" or "plenary-demo" in read[1] for read in body_moved)


def test_of_an_edited_bodys_rows_only_those_whose_text_or_headings_changed_are_moved():
    """Moved.reads takes a quoted table row's line again only when the zh row's text or its table's
    headings in the read's language differ from the last build's (Digests.rows), not for every row of
    an edited body; exactly the rows whose line changed."""
    from types import SimpleNamespace as Fake

    def body(rows: dict, headings: str):
        blocks = {anchor: Fake(kind="row", text=text) for anchor, text in rows.items()}
        html = (f"<table><thead><tr><th>{headings}</th><th>值</th></tr></thead><tbody>"
                + "".join(f'<tr id="{anchor}"><td>x</td></tr>' for anchor in rows) + "</tbody></table>")
        return Fake(block=blocks.get, html=html)

    def site(r1: str, en_heading: str):
        rows = {"r1": r1, "r2": "乙 | 2", "r3": "丙 | 3"}
        document = Fake(id="doc", bodies={"zh": body(rows, "指标"), "en": body(rows, en_heading)})
        return Fake(documents=(document,))

    reads = [("rows", f"{lang}/doc/{anchor}") for lang in ("zh", "en") for anchor in ("r1", "r2", "r3")]
    last = incremental.Digests(site("甲 | 1", "Indicator"), {})
    for read in reads:
        last(read)
    for edited, expected in ((site("甲 | 1", "Indicator"), set()),  # another body, the same rows
                             (site("甲 | 10", "Indicator"), {"zh/doc/r1", "en/doc/r1"}),
                             (site("甲 | 1", "Measure"), {"en/doc/r1", "en/doc/r2", "en/doc/r3"})):
        now = incremental.Digests(edited, {})
        found = incremental.Moved(now, last).reads(last.kinds)
        assert found == {("rows", key) for key in expected}
        assert found == {read for read in reads if now(read) != last(read)}


def test_nothing_is_moved_when_every_object_is_the_last_builds(project):
    builder = Builder(project, search_index=False)
    builder.generate()
    last = builder.last.verified.digests
    now = incremental.Digests(last.site, last.states)  # the very same objects: nothing moved
    moved = incremental.Moved(now, last)
    assert last.memo and not any(moved(read) for read in last.memo)
    assert moved.moved("states") == moved.moved("bodies") == moved.moved("indicators") == set()


def test_all_of_gives_every_file_at_its_digest_or_none(tmp_path):
    """LastBuild.all_of (file()'s first case inline): each file while its bytes have the digest asked for,
    from memory or read back from the site it was published to; None when one is not at hand."""
    last = LastBuild({"site": str(tmp_path)})
    last.files, last.made = {"a.csv": b"a", "b.csv": b"b"}, {"a.csv": digest(b"a"), "b.csv": digest(b"b")}
    (tmp_path / "c.csv").write_bytes(b"c")
    assert last.all_of({"a.csv": digest(b"a"), "c.csv": digest(b"c")}) == {"a.csv": b"a", "c.csv": b"c"}
    assert last.all_of({"a.csv": digest(b"a"), "b.csv": digest(b"other")}) is None
    assert last.all_of({"a.csv": digest(b"a"), "d.csv": digest(b"d")}) is None
    last.made["b.csv"] = "not its digest"  # bytes in memory not known to be these: their digest is taken
    assert last.all_of({"b.csv": digest(b"b")}) == {"b.csv": b"b"}
    assert last.all_of({}) is None


def test_each_content_file_is_read_once_a_build(project, monkeypatch):
    """read_inputs hashes a file and the reader screens those very bytes (inputs.READ), or takes the text
    screened before from bytes of the same digest: no content file is read a second time, and the text
    is the one the build's key was taken of."""
    monkeypatch.setattr(textfiles, "SCREENED", {})  # nothing kept from other tests' reads
    read = []
    original = textfiles._read_bytes
    monkeypatch.setattr(textfiles, "_read_bytes", lambda path, shown: read.append(shown) or original(path, shown))
    builder = Builder(project, search_index=False)
    builder.generate()
    others = ("editions.yaml", "1.0.json", "1.1.json")  # the editions' own
    assert [shown for shown in read if shown.parts[0] == "content" and shown.name not in others] == []
    read.clear()
    edit(project.content / "documents/plenary-demo/zh.md", "取得新进展新成效", "取得新进展新成效喵")
    edit(project.content / "glossary.yaml", "zh: 产业升级振兴、", "zh: 产业升级振兴，")
    builder.generate(first=set())
    assert read == []  # the edited document's translation state too reads its en.sources.yaml's hashed bytes
    assert builder.render_deferred() == fresh(project)


@pytest.mark.slow
def test_an_old_version_of_a_zh_md_is_rendered_once_a_process(tmp_path, monkeypatch):
    """A save that outdates a block asks git when its text changed: each commit's block hashes are kept by
    (file, commit), which fixes them, so the next save (a new ChangeDates) asks `git show` nothing again
    and finds the same date."""
    folder = tmp_path / "doc"
    folder.mkdir()
    (folder / "zh.md").write_text("# 标题 {#s1}\n\n第一段。\n{: #s1-p1 }\n", encoding="utf-8")
    git = lambda *args: subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.org",
                                        *args], check=True, capture_output=True)  # noqa: E731
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "first")
    (folder / "zh.md").write_text("# 标题 {#s1}\n\n第一段改。\n{: #s1-p1 }\n", encoding="utf-8")
    monkeypatch.setattr(freshness, "HASHES_AT", {})
    asked = []
    original = freshness._git
    monkeypatch.setattr(freshness, "_git", lambda folder, *args: asked.append(args[0]) or original(folder, *args))
    digest = freshness.block_hash("第一段改。")
    dates = [freshness.ChangeDates(folder / "zh.md")("s1-p1", digest) for _ in range(3)]
    assert asked == ["log", "show", "log", "log"] and len(set(dates)) == 1
    monkeypatch.setattr(freshness, "HASHES_AT", {})
    assert freshness.ChangeDates(folder / "zh.md")("s1-p1", digest) == dates[0]


def test_a_key_is_the_same_whether_its_lines_were_taken_before_or_not(project):
    """reads_key looks the lines up in the memo when all are there (a page's hundreds of reads), else takes
    each: the same key either way."""
    builder = Builder(project, search_index=False)
    builder.generate()
    digests = builder.last.verified.digests
    path, entry = max(builder.last.entries.items(), key=lambda item: len(item[1].reads))
    taken = incremental.reads_key("base", entry.reads, digests)
    partly = incremental.Digests(digests.site, digests.states)
    partly(entry.reads[0])
    assert len(entry.reads) > 2 and entry.reads[-1] not in partly.memo
    assert incremental.reads_key("base", entry.reads, partly) == taken
    assert incremental.reads_key("base", entry.reads, incremental.Digests(digests.site, digests.states)) == taken
    assert incremental.reads_key("other", entry.reads, digests) != taken


def test_the_preview_makes_the_chinese_glossarys_index_before_the_first_save(project, tmp_path):
    """The first build renders its pages on workers: without warm(), the first glossary save would load the
    pinyin dictionary in the preview's process (0.2 s); warm() makes a Chinese sort key, which loads it."""
    import sys
    from portal import glossary
    from portal.serve import Preview, SiteApp
    glossary.sort_key.cache_clear()
    Preview(project, tmp_path / "preview", SiteApp(tmp_path / "preview"), say=lambda text: None).warm()
    assert glossary.sort_key.cache_info().currsize == 1 and "pypinyin" in sys.modules


def test_the_pages_are_kept_while_their_ids_origins_and_chain_roots_are_the_same():
    """pages.assemble gives the last build's very Page objects (their URLs taken once) while the records'
    ids and source paths and the goals' chain roots are the same, and new pages, equal to a fresh
    assembly's, when one of them differs."""
    import dataclasses
    from pathlib import Path

    from conftest import first_fixture_build
    from portal import pages

    def fields(assembled) -> list:
        return [(p.kind, p.key, p.lang, p.template, p.origin, p.url) for p in assembled]

    site = first_fixture_build()[1].site
    first = pages.assemble(site, Path("content"))
    again = pages.assemble(dataclasses.replace(site), Path("content"))  # another Site, the same records
    assert all(a is b for a, b in zip(first, again)) and len(first) == len(again)
    moved = dataclasses.replace(site.indicators[0], id="moved-indicator")
    other = pages.assemble(dataclasses.replace(site, indicators=(moved, *site.indicators[1:])), Path("content"))
    assert fields(other) == fields(pages._assembled.__wrapped__(
        Path("content"), *(tuple((r.id, r.src.path) for r in records) for records in (
            site.documents, (moved, *site.indicators[1:]), site.themes, pages.chains.Chains(site).roots()))))
    assert {("indicator", "moved-indicator", lang) for lang in ("zh", "en")} <= {f[:3] for f in fields(other)}
    assert not any(a is b for a, b in zip(first, other) if a.kind == "indicator")
    assert fields(pages.assemble(site, Path("elsewhere")))[0][4] == Path("elsewhere")  # the origin is read too


def test_two_pages_writing_one_file_are_named_with_their_kinds_and_keys():
    from pathlib import Path

    from portal.pages import Page
    from portal.routing import check_collisions

    one, two = (Page("document", "a", "en", "document.html", Path(f"content/documents/{n}")) for n in ("a", "b"))
    errors = check_collisions([one, Page("documents", "", "en", "documents.html", Path("content")), two])
    assert [(str(e.src), e.message, e.hint) for e in errors] == [
        ("content/documents/b", "two pages write en/documents/a/index.html: document 'a' and document 'a'",
         "give one of them another id")]
