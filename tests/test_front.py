"""The cold build's serial front (issue 21 item 6, stop 37): what it does before the body workers start,
done once. Each lever is checked against what it replaces: the same inputs read, the same output."""
from __future__ import annotations

import os

from test_cache import fresh, project, tree  # noqa: F401 (the fixture: a copy of everything a build reads)
from conftest import edit
from portal import inputs, textfiles
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

