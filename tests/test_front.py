"""The cold build's serial front (issue 21 item 6, stop 37): what it does before the body workers start,
done once. Each lever is checked against what it replaces: the same inputs read, the same output."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_cache import fresh, project, tree  # noqa: F401 (the fixture: a copy of everything a build reads)
from conftest import edit
from portal import inputs, loading, textfiles
from portal.documentfields import documents_ahead as real_ahead
from portal.pipeline import build


def test_a_cli_build_reads_no_content_file_a_second_time(project, tmp_path, monkeypatch):
    """The command line's build hashes the inputs for its key (unchanged.Last), then the builder reads them
    again by their times: the reader still screens the bytes the key hashed (inputs.READ is kept by digest,
    not emptied by a read that hashed nothing), so no content file is read from the disk a second time."""
    monkeypatch.setattr(inputs, "RECENT_NS", -1)  # every file old enough to be kept by its times
    monkeypatch.setattr(textfiles, "SCREENED", {})  # nothing kept from other tests' reads
    read = []
    original = textfiles._read_bytes
    monkeypatch.setattr(textfiles, "_read_bytes", lambda path, shown: read.append(shown) or original(path, shown))
    site = tmp_path / "site"
    made = build(project, site, search_index=False, cache_dir=tmp_path / "cache")
    others = ("editions.yaml", "1.0.json", "1.1.json")  # the editions' own reader
    assert [shown for shown in read if shown.parts[0] == "content" and shown.name not in others] == []
    assert made.files == tree(site) == fresh(project)


def test_read_keeps_the_bytes_of_the_digests_it_found_and_drops_the_others(project, monkeypatch):
    """inputs.READ holds bytes under their own sha256 (true of any file with that digest): after a read that
    took every digest from the files' times it still holds each file's bytes; an edited file's old bytes go,
    its new ones are there."""
    monkeypatch.setattr(inputs, "RECENT_NS", -1)
    folders, known = project.folders(), {}
    first = inputs.read_inputs(folders, known)
    assert inputs.read_inputs(folders, known) == first
    assert set(inputs.READ) == set(first.values())
    assert all(inputs.READ[digest] == (project.root / name).read_bytes() for name, digest in first.items())
    path = project.content / "glossary.yaml"
    before = os.stat(path)
    edit(path, "测试", "试测") if "测试" in path.read_text(encoding="utf-8") else edit(path, "a", "b")
    again = inputs.read_inputs(folders, known)
    assert again["content/glossary.yaml"] != first["content/glossary.yaml"] and before.st_size == path.stat().st_size
    assert set(inputs.READ) == set(again.values())
    assert inputs.READ[again["content/glossary.yaml"]] == path.read_bytes()


def old_link_errors(folder, shown):
    """inputs.link_errors as it was before it became read_inputs' walk (stop 36)."""
    if folder.is_symlink():
        return [inputs._link_error(shown)]
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    errors = []
    for entry in entries:
        if entry.is_symlink():
            errors.append(inputs._link_error(shown / entry.name))
        elif entry.is_dir(follow_symlinks=False):
            errors.extend(old_link_errors(Path(entry.path), shown / entry.name))
    return errors


def test_link_errors_are_the_old_walks_for_links_anywhere(tmp_path):
    """link_errors() is read_inputs' walk listing no file: the same errors, at the same paths, in the same order
    as the walk it replaces, for links to files and folders at every depth, in __pycache__, a folder that is a
    link, one that is a file, one that is missing, and shown paths with and without folders."""
    for folder in ("content/b/__pycache__", "content/a/deep/er", "content/c", "plain"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    (tmp_path / "content/a/page.md").write_text("text", encoding="utf-8")
    for link in ("content/b/__pycache__/x", "content/a/z.md", "content/a/m", "content/a/deep/er/l",
                 "content/a/deep/0", "content/é.md"):
        (tmp_path / link).symlink_to(tmp_path / "outside.txt")
    (tmp_path / "content/dirlink").symlink_to(tmp_path / "content/c")
    (tmp_path / "linked").symlink_to(tmp_path / "content")
    cases = [("content", "content"), ("content/a", "content/a"), ("content", "."), ("linked", "linked"),
             ("outside.txt", "outside.txt"), ("missing", "missing"), ("plain", "plain"), ("content/a", "x/y")]
    for folder, shown in cases:
        new = [(str(e), e.src.path) for e in inputs.link_errors(tmp_path / folder, Path(shown))]
        old = [(str(e), e.src.path) for e in old_link_errors(tmp_path / folder, Path(shown))]
        assert new == old, (folder, shown)
    assert len(inputs.link_errors(tmp_path / "content", Path("content"))) == 7


def old_read_texts(content, parsed=None, digests=None):
    """loading.read_texts as it was (stop 36): its folders and paths by pathlib."""
    inputs.refuse_links({"content": content})
    raw, documents = loading.RawContent(content, parsed, digests), content / "documents"
    for folder in sorted(p for p in (documents.iterdir() if documents.is_dir() else ()) if p.is_dir()):
        texts = raw.texts[folder.name] = {}
        for lang in ("zh", "en"):
            if (path := folder / f"{lang}.md").is_file():
                shown = raw.shown(path)
                texts[lang] = textfiles.SourceText(path, shown, raw.digests.get(shown.as_posix()))
    raw.terms = raw.read_list(content / "glossary.yaml", "terms") if (content / "glossary.yaml").exists() else []
    return raw


def texts_of(raw):
    return {name: {lang: (s.path, s.shown, str(s.shown), s.text, str(s.error)) for lang, s in texts.items()}
            for name, texts in raw.texts.items()}


def test_read_texts_finds_the_documents_and_paths_the_old_reader_found(project, tmp_path):
    """The same documents in the same order, each text with the same path and shown path (equal, and
    written alike), the same text and error, for the fixture, documents with a language missing, a file
    where a folder would be, a folder named like a file, unreadable text, and no documents folder."""
    content = project.content
    folders = content / "documents"
    (folders / "zz-only-zh").mkdir()
    (folders / "zz-only-zh/zh.md").write_text("# 只有中文 {#s1}\n", encoding="utf-8")
    (folders / "a-file.md").write_text("not a folder", encoding="utf-8")
    (folders / "b-empty").mkdir()
    (folders / "c-folder-md/en.md").mkdir(parents=True)
    (folders / "d-bad").mkdir()
    (folders / "d-bad/zh.md").write_bytes(b"\xff\xfe bad")
    (folders / "d-bad/en.md").write_text("bidi \u202e here", encoding="utf-8")
    for digests in (None, inputs.read_inputs(project.folders(), {})):
        assert texts_of(loading.read_texts(content, {}, digests)) == texts_of(old_read_texts(content, {}, digests))
    assert list(loading.read_texts(content, {}).texts) == ["b-empty", "c-folder-md", "d-bad", "plenary-demo",
                                                           "zz-only-zh"]
    empty = tmp_path / "empty-content"
    empty.mkdir()
    assert texts_of(loading.read_texts(empty)) == texts_of(old_read_texts(empty)) == {}
    (empty / "documents").write_text("a file", encoding="utf-8")
    assert texts_of(loading.read_texts(empty)) == texts_of(old_read_texts(empty)) == {}


def test_a_cli_build_starts_from_the_inputs_its_key_read_and_still_sees_a_change_after_them(project, tmp_path,
                                                                                          monkeypatch):
    """build() hands the builder the inputs' digests unchanged.Last read for the key, instead of reading all
    8,000 (N=2000) again a moment later: the inputs are read twice a build (the key's, and the check at the end),
    not three times. A file changed after the key's read is still found by the check at the end: the build
    starts again from the changed file, and no record is kept (its key was taken of the old one)."""
    from portal import pipeline, unchanged
    monkeypatch.setattr(inputs, "RECENT_NS", -1)
    reads = []
    for module in (pipeline, unchanged):
        real = module.read_inputs
        monkeypatch.setattr(module, "read_inputs", lambda *args, _real=real: reads.append(1) or _real(*args))
    site, cache_dir = tmp_path / "site", tmp_path / "cache"
    assert build(project, site, search_index=False, cache_dir=cache_dir).files == tree(site)
    assert len(reads) == 2
    reads.clear()
    path = project.content / "goals.yaml"
    real_catalogs = pipeline.Builder.catalogs
    changed = []

    def change_first(self, found):  # after the key's read, before the build reads the content
        if not changed:
            edit(path, "GDP will reach the CNY 210 billion mark", "GDP will pass the CNY 210 billion mark")
            changed.append(path)
        return real_catalogs(self, found)

    monkeypatch.setattr(pipeline.Builder, "catalogs", change_first)
    site = tmp_path / "another-site"  # the record names the first: this build runs
    made = build(project, site, search_index=False, cache_dir=cache_dir)
    assert changed and len(reads) == 4  # the key's, the check that found the change, the build again, its check
    assert "GDP will pass the CNY 210 billion mark" in made.files["data/portal.json"].decode()
    monkeypatch.setattr(pipeline.Builder, "catalogs", real_catalogs)
    assert made.files == tree(site) == fresh(project)
    assert not isinstance(build(project, site, search_index=False, cache_dir=cache_dir), unchanged.Unchanged)


def test_the_body_workers_are_sent_chunk_numbers_not_the_texts(monkeypatch):
    """The chunks are inherited by the forked workers with the labels and the check: what goes through the
    pool's pipe to a worker is a chunk's number (a chunk's texts, sent whole, waited for this process's other
    work at every 64 KiB of the pipe); each chunk is rendered, as before, once."""
    import contextlib
    from portal import parallel
    from test_body_chunks import documents, first_fixture_build

    labels = {"en": first_fixture_build()[0].bodies[0]["en"]}
    groups = [(folder, [(("en", *key[1:]), f"Paragraph {n}.\n", shown, links) for key, _, shown, links in items])
              for n, (folder, items) in enumerate(documents([10] * 12))]
    sent = []

    class InProcess:  # the pool's interface, run here: what it is given is what would go through the pipe
        @staticmethod
        def imap_unordered(function, tasks):
            tasks = list(tasks)
            sent.extend(tasks)
            return map(function, tasks)

    monkeypatch.setattr(parallel, "forked_pool", lambda workers: contextlib.nullcontext(InProcess))
    rendered = [key for bodies, _ in parallel.render_bodies(groups, labels, workers=2) for key, _ in bodies]
    assert sent == list(range(len(parallel.body_chunks(groups, 2)))) and len(sent) > 1
    assert sorted(rendered) == sorted(key for _, items in groups for key, *_ in items)
    assert parallel._BODIES == ()


def copy_document(project, name: str, meta_edit=None) -> None:
    """A second document beside the fixture's, its meta.yaml edited (old, new)."""
    import shutil
    folder = project.content / "documents" / name
    shutil.copytree(project.content / "documents/plenary-demo", folder)
    meta = folder / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("id: plenary-demo", f"id: {name}"), encoding="utf-8")
    if meta_edit:
        edit(meta, *meta_edit)


def messages_of(project, ahead: bool, monkeypatch) -> tuple[list[str], str]:
    """The build's messages (or the site's repr), with the documents' fields checked ahead or not."""
    from portal import pipeline
    from portal.errors import ContentErrors
    monkeypatch.setattr(pipeline, "documents_ahead", real_ahead if ahead else (lambda raw, checks: raw))
    builder = pipeline.Builder(project, search_index=False)
    try:
        return [], repr(builder.generate().site)
    except ContentErrors as failed:
        return [str(error) for error in failed.errors], ""

META_MISTAKES = [None, ("layer: plenary", "layer: nowhere"), ("order: 1", "order: first"), ("id: zz-doc", "id: zz-other"),
                 ("en: An excerpt for the tests.", "en: ''"), ("summary:", "summery:"),
                 ("translated: \"2026-11-22\"", "translated: TO FILL: the date"),
                 ("kind: {zh: 全会精神解读, en: Interpretation of a plenary session}", "kind: {zh: 全会精神解读, en: 解读}")]


@pytest.mark.parametrize("mistake", META_MISTAKES)
def test_the_documents_fields_checked_ahead_give_the_same_site_and_messages(project, monkeypatch, mistake):
    """validate() with the documents' fields checked ahead (while the bodies render) makes the same site, or
    the same messages in the same order, as checking them in validate() alone: for a clean document and one
    of each mistake a meta.yaml can hold (a problem is not kept: the document is checked again in its place)."""
    copy_document(project, "zz-doc", mistake)
    alone = messages_of(project, False, monkeypatch)
    assert messages_of(project, True, monkeypatch) == alone
    assert bool(alone[0]) == (mistake is not None)


def test_validate_finds_the_documents_fields_checked_ahead(project, monkeypatch):
    """The documents' fields are checked while the bodies render, and validate() checks none of them again
    (N=2000: 2,000 documents, 0.11-0.13 s of the serial stretch after the bodies); a document with a mistake
    in its fields is checked again there, to report it."""
    from portal import validation
    copy_document(project, "zz-doc")
    copy_document(project, "zz-bad", ("order: 1", "order: first"))
    checked = []
    real = validation.document_fields
    monkeypatch.setattr(validation, "document_fields", lambda meta, *args: checked.append(meta.path.parent.name)
                        or real(meta, *args))
    assert messages_of(project, True, monkeypatch)[0]
    assert checked == ["zz-bad"]
    checked.clear()
    messages_of(project, False, monkeypatch)
    assert checked == ["plenary-demo", "zz-bad", "zz-doc"]
