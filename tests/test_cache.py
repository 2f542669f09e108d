"""The cache never changes the output: every warm build equals a fresh one, byte for byte, whatever was
edited and whatever happened to the cache folder. Each case of issue 21's "stale output", "unseen edits"
and "no integrity" findings is a test here."""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil

import pytest

from conftest import FIXTURE, ROOT, edit
from portal import cache, inputs, loading, unchanged
from portal.errors import ContentErrors
from portal.pipeline import Builder, Project, build

GLOSSARY_TERM = """- id: test-term
  term: {zh: 测试词, en: Test term}
  definition: {zh: 测试用的词。, en: A word for the tests.}
  source: {document: plenary-demo, anchor: review-lead}
"""


def tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def fresh(project) -> dict[str, bytes]:
    return Builder(project, search_index=False).generate().files


@pytest.fixture
def project(tmp_path):
    """A copy of everything a build reads, so templates and catalogs can be edited too."""
    for folder in ("templates", "static", "i18n"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copytree(FIXTURE, tmp_path / "content")
    return Project(tmp_path)


def warm_equals_fresh(project, tmp_path, change) -> dict[str, bytes]:
    """Build with a cache, change something, build again with it: the output is a fresh build's."""
    site, folder = tmp_path / "site", tmp_path / "cache"
    build(project, site, search_index=False, cache_dir=folder)
    kept = Builder(project, search_index=False)  # the preview's way: one builder kept in memory
    kept.generate()
    change()
    expected = fresh(project)
    assert build(project, site, search_index=False, cache_dir=folder).files == expected
    assert tree(site) == expected
    assert kept.generate().files == expected
    return expected


def test_parallel_and_cached_builds_equal_a_clean_serial_build(project, tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "RECENT_NS", 10**18)  # the inputs too new for a record: the build runs
    serial = Builder(project, search_index=False, parallel_min=10**9).generate().files
    assert Builder(project, search_index=False, parallel_min=0).generate().files == serial
    build(project, tmp_path / "a", search_index=False, cache_dir=tmp_path / "cache")
    warm = build(project, tmp_path / "a", search_index=False, cache_dir=tmp_path / "cache")
    assert warm.rendered == []  # nothing changed, nothing rendered again
    assert warm.files == serial == tree(tmp_path / "a")


def test_a_goals_english_change_reaches_portal_json(project, tmp_path):
    files = warm_equals_fresh(project, tmp_path, lambda: edit(
        project.content / "goals.yaml", "en: GDP will reach the CNY 210 billion mark",
        "en: GDP will pass the CNY 210 billion mark"))
    assert "GDP will pass the CNY 210 billion mark" in files["data/portal.json"].decode()


def test_a_goal_made_a_second_chain_root_reaches_the_sitemap(project, tmp_path):
    files = warm_equals_fresh(project, tmp_path, lambda: edit(project.content / "goals.yaml",
                                                              "  parent: demo.gdp\n", ""))
    assert "/en/goals/demo.services/" in files["sitemap.xml"].decode()


def test_a_glossary_term_added_reaches_both_home_pages(project, tmp_path):
    def add_term():
        with (project.content / "glossary.yaml").open("a", encoding="utf-8") as handle:
            handle.write(GLOSSARY_TERM)

    files = warm_equals_fresh(project, tmp_path, add_term)
    assert "Test term" in files["en/glossary/index.html"].decode()


@pytest.mark.parametrize("change", ["content", "template", "catalog", "stylesheet"])
def test_cache_is_never_stale(project, tmp_path, change):
    root = project.root
    edits = {"content": ("content/documents/plenary-demo/zh.md", "经济实力显著提升", "经济实力稳步提升"),
             "template": ("templates/base.html", '<main id="main" tabindex="-1">',
                          '<main id="main" tabindex="-1" class="x">'),
             "catalog": ("i18n/zh/LC_MESSAGES/messages.po", 'msgstr "术语表"', 'msgstr "词汇表"'),
             "stylesheet": ("static/style.css", "--ink: #1d232b;", "--ink: #1d232c;")}
    path, old, new = edits[change]
    warm_equals_fresh(project, tmp_path, lambda: edit(root / path, old, new))


def test_a_same_size_edit_with_its_mtime_restored_is_seen(project, tmp_path):
    path = project.content / "documents/plenary-demo/zh.md"

    def sneaky():
        info = path.stat()
        edit(path, "经济实力显著提升", "经济实力稳步提升")  # the same number of bytes
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
        assert path.stat().st_size == info.st_size

    files = warm_equals_fresh(project, tmp_path, sneaky)
    assert "经济实力稳步提升" in files["zh/documents/plenary-demo/index.html"].decode()


def test_a_file_saved_while_the_build_reads_it_is_never_kept_under_the_old_digest(project, tmp_path, monkeypatch):
    """The file changes between the build's first look at it and its parse; after an undo, the site must
    show the undone (original) text, not the version saved mid-build."""
    path = project.content / "goals.yaml"
    original = path.read_text(encoding="utf-8")
    saved = original.replace("GDP will reach the CNY 210 billion mark", "GDP will pass the CNY 210 billion mark")
    read_text = loading.read_text
    calls = []

    def save_meanwhile(file, shown):
        if file == path and not calls:
            calls.append(file)
            path.write_text(saved, encoding="utf-8")
        return read_text(file, shown)

    builder = Builder(project, search_index=False, cache_dir=tmp_path / "cache")
    monkeypatch.setattr(loading, "read_text", save_meanwhile)
    builder.generate()
    monkeypatch.setattr(loading, "read_text", read_text)
    path.write_text(original, encoding="utf-8")  # the undo
    assert builder.generate().files == fresh(project)


def flip_a_bit(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x04
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "empty", "delete", "old pickle"])
def test_a_damaged_cache_never_changes_the_output_nor_fails_the_build(project, tmp_path, damage):
    site, folder = tmp_path / "site", tmp_path / "cache"
    expected = build(project, site, search_index=False, cache_dir=folder).files
    file = folder / cache.FILE
    if damage == "flip":
        flip_a_bit(file)
    elif damage == "truncate":
        file.write_bytes(file.read_bytes()[: file.stat().st_size // 3])
    elif damage == "garbage":
        file.write_bytes(os.urandom(4096))
    elif damage == "empty":
        file.write_bytes(b"")
    elif damage == "delete":
        file.unlink()
    else:
        (folder / "build-cache.pickle").write_bytes(pickle.dumps(("x", {"pages": {}})))
    assert build(project, site, search_index=False, cache_dir=folder).files == expected
    assert tree(site) == expected
    assert cache.load(folder, cache.engine_digest())  # rewritten whole, and verifying again
    assert not (folder / "build-cache.pickle").exists()


def test_a_cache_entry_that_lies_is_a_miss(project, tmp_path):
    """An entry rewritten with a valid checksum but pointing at other bytes (a page edited in site/ by
    hand, or a forged cache) is not used: the page is rendered again."""
    site, folder = tmp_path / "site", tmp_path / "cache"
    expected = build(project, site, search_index=False, cache_dir=folder).files
    (site / "en/glossary/index.html").write_bytes(b"<p>forged</p>")
    assert build(project, site, search_index=False, cache_dir=folder).files == expected
    assert tree(site) == expected


def test_loading_the_cache_runs_no_code(project, tmp_path):
    """The cache is JSON: a pickle that would run code when loaded is never unpickled."""
    folder = tmp_path / "cache"
    folder.mkdir()
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    body = pickle.dumps(Payload())
    (folder / cache.FILE).write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    (folder / "build-cache.pickle").write_bytes(body)
    assert cache.load(folder, cache.engine_digest()) == {}
    Builder(project, search_index=False, cache_dir=folder).generate()
    assert not marker.exists()


def test_the_cache_holds_only_what_the_last_build_reached(project, tmp_path):
    site, folder = tmp_path / "site", tmp_path / "cache"
    build(project, site, search_index=False, cache_dir=folder)
    (folder / "stray.bin").write_bytes(b"x" * 1000)
    (folder / "templates").mkdir()
    size = (folder / cache.FILE).stat().st_size
    for number in range(3):  # glossary edits used to grow the cache each time
        with (project.content / "glossary.yaml").open("a", encoding="utf-8") as handle:
            handle.write(GLOSSARY_TERM.replace("test-term", f"term-{number}").replace("测试词", f"测试词{number}")
                         .replace("Test term", f"Test term {number}"))
        build(project, site, search_index=False, cache_dir=folder)
        with (project.content / "glossary.yaml").open("w", encoding="utf-8") as handle:
            handle.write((FIXTURE / "glossary.yaml").read_text(encoding="utf-8"))
        build(project, site, search_index=False, cache_dir=folder)
    assert {p.name for p in folder.iterdir()} <= {cache.FILE, unchanged.FILE}  # the record of an unchanged build
    assert abs((folder / cache.FILE).stat().st_size - size) < 200


def test_an_edit_made_invalid_fails_warm_and_fresh_with_the_same_messages(project, tmp_path):
    site, folder = tmp_path / "site", tmp_path / "cache"
    build(project, site, search_index=False, cache_dir=folder)
    kept = Builder(project, search_index=False)
    kept.generate()
    edit(project.content / "documents/plenary-demo/zh.md", "迈上**2100亿元**台阶", "迈上**2200亿元**台阶")
    messages = []
    for attempt in (lambda: build(project, site, search_index=False, cache_dir=folder), kept.generate,
                    lambda: Builder(project, search_index=False).generate()):
        with pytest.raises(ContentErrors) as caught:
            attempt()
        messages.append(str(caught.value))
    assert messages[0] == messages[1] == messages[2]
    assert "quote not found in paragraph 'g1-p1'" in messages[0]


def test_the_preview_rejects_what_the_build_rejects_with_the_same_messages(project, tmp_path):
    """The preview's old quick path skipped the indicator-name check: a document edit naming an indicator
    in quotation marks, its English block without the indicator's English name, passed in the preview
    and failed `build.py build`. Now both run the same validation."""
    from portal.serve import Preview, SiteApp
    said = []
    preview = Preview(project, tmp_path / "preview", SiteApp(tmp_path / "preview"), say=said.append)
    preview.builder = Builder(project, search_index=False)
    assert preview.rebuild()
    preview.app.open = {object(): "zh/documents/plenary-demo/index.html"}
    edit(project.content / "documents/plenary-demo/zh.md", "经济实力显著提升", "“软件企业数量”经济实力显著提升")
    with pytest.raises(ContentErrors) as caught:
        build(project, tmp_path / "site", search_index=False, cache_dir=tmp_path / "cache")
    assert ("names indicator 软件企业数量 without its English name 'Number of software enterprises'"
            in str(caught.value))
    assert not preview.rebuild()
    assert preview.app.error == str(caught.value)


def test_a_page_the_preview_renders_after_the_reload_fails_as_in_the_build(project, tmp_path):
    """The pages not open in the browser are rendered after the reload; when one of them fails (here the
    print edition: its stylesheet was deleted), the preview shows every failing page, as the build does."""
    from portal.serve import Preview, SiteApp
    preview = Preview(project, tmp_path / "preview", SiteApp(tmp_path / "preview"), say=lambda text: None)
    preview.builder = Builder(project, search_index=False)
    assert preview.rebuild()
    preview.app.open = {object(): "en/glossary/index.html"}
    (project.root / "static/book.zh.css").unlink()
    with pytest.raises(ContentErrors) as caught:
        Builder(project, search_index=False).generate()
    preview.rebuild()
    preview.finish()
    assert preview.app.error == str(caught.value)
    assert "KeyError: 'book.zh.css'" in preview.app.error


def test_no_cache_removes_the_cache_and_clean_removes_it_and_the_leftovers(project, tmp_path, capsys):
    import build as command
    site, folder = tmp_path / "site", tmp_path / "cache"
    args = ["--project", str(project.root), "build", "--no-search", "--out", str(site), "--cache", str(folder)]
    assert command.main(args) == 0
    flip_a_bit(folder / cache.FILE)
    assert command.main(args + ["--no-cache"]) == 0
    assert not folder.exists()
    assert command.main(args) == 0 and (folder / cache.FILE).is_file()
    (tmp_path / ".site-new-x1").mkdir()
    assert command.main(["--project", str(project.root), "clean", "--out", str(site), "--cache", str(folder)]) == 0
    assert not folder.exists() and not (tmp_path / ".site-new-x1").exists() and (site / "en/index.html").is_file()
    said = capsys.readouterr().out.splitlines()[-1]
    assert said == f"removed {folder} and what interrupted builds left next to {site}"


def test_a_failed_preview_build_leaves_no_stale_work_that_could_hide_its_errors(project, tmp_path):
    """A finish() that failed leaves pages undone; a later build that fails must report all its errors,
    not have them replaced by what the stale leftovers report (found by the property tests: the
    leftovers were rendered with the new asset names and reported alone)."""
    from portal.serve import Preview, SiteApp
    preview = Preview(project, tmp_path / "preview", SiteApp(tmp_path / "preview"), say=lambda text: None)
    preview.builder = Builder(project, search_index=False)
    assert preview.rebuild()
    preview.app.open = {object(): "en/glossary/index.html"}
    (project.root / "static/matrix.js").unlink()  # the matrix pages fail, in both languages
    assert preview.rebuild()  # the open page renders; the others are left for finish()
    preview.finish()
    assert preview.app.error and preview.builder.deferred  # failed, pages left undone
    edit(project.content / "documents/plenary-demo/zh.md", "经济实力显著提升", "经济实力稳步提升")
    preview.app.open = {object(): "zh/indicators/index.html"}  # a page that fails: the build fails at once
    with pytest.raises(ContentErrors) as caught:
        Builder(project, search_index=False).generate()
    assert not preview.rebuild()
    preview.finish()
    assert preview.app.error == str(caught.value)
    assert "/zh/indicators/" in preview.app.error and "/en/indicators/" in preview.app.error


def test_the_cache_is_ascii_json_that_reads_back_the_same_state(tmp_path):
    """write_signed writes ASCII JSON (the C encoder's fast path: half the time of UTF-8 JSON for the kept
    bodies, mostly Chinese); reading it gives the state back, every character as it was."""
    state = {"bodies": [["<p>地区生产总值年均增长 6% 左右 — “quoted” 𠀀</p>", ["a", 1, None, True, 1.5]]],
             "messages": {"键": "值\n\t\\\"\u2028"}}
    cache.write_signed(tmp_path / cache.FILE, state)
    raw = (tmp_path / cache.FILE).read_bytes()
    assert raw.isascii() and "地区".encode("utf-8") not in raw
    assert cache.read_signed(tmp_path / cache.FILE) == state
