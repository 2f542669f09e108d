"""How the body workers share the Markdown bodies (stop 36, issue 21 item 6): the longest documents first,
in chunks that shrink towards the end, so that no worker is left rendering a large chunk alone while the
other waits; each worker takes the labels and the check from the process that forked it instead of with
every chunk."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import first_fixture_build
from portal import parallel


def documents(lengths: list[int]) -> list:
    """(folder, [(key, text, shown, links)]) per document, its two bodies together `length` characters long."""
    groups = []
    for n, length in enumerate(lengths):
        folder = Path(f"content/documents/d{n}")
        groups.append((folder, [(("zh", n), "字" * (length // 2), folder / "zh.md", None),
                                (("en", n), "w" * (length - length // 2), folder / "en.md", None)]))
    return groups


@pytest.mark.parametrize("count", [1, 2, 7, 200, 2000])
def test_every_document_goes_to_one_chunk_the_longest_first_in_chunks_that_shrink(count):
    groups = documents([(n * 7919) % 1000 + 1 for n in range(count)])
    chunks = parallel.body_chunks(groups, 2)
    flat = [group for chunk in chunks for group in chunk]
    assert sorted(folder for folder, _ in flat) == sorted(folder for folder, _ in groups)
    length = [sum(len(item[1]) for item in items) for _, items in flat]
    assert length == sorted(length, reverse=True)
    sizes = [len(chunk) for chunk in chunks]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] <= max(1, -(-count // 8))  # at most a quarter of a worker's share
    assert sizes[-1] <= parallel.LAST_BODIES
    if count == 2000:  # the last eighth of the documents in many small chunks, not one
        assert len(chunks) >= 30 and sum(sizes[-10:]) <= 10 * parallel.LAST_BODIES + 20


def test_no_documents_no_chunks():
    assert parallel.body_chunks([], 2) == []


def test_a_worker_takes_the_labels_the_check_and_its_chunk_it_inherited_and_renders_as_a_fresh_renderer(monkeypatch):
    labels = {"en": first_fixture_build()[0].bodies[0]["en"]}
    groups = [(folder, [(("en", *key[1:]), f"Paragraph {n}.\n", shown, links) for key, _, shown, links in items])
              for n, (folder, items) in enumerate(documents([10] * 6))]
    checked_folders = []

    def check(folder, rendered):
        checked_folders.append(folder)
        return [("checked", (folder.name, tuple(rendered)), None)]

    monkeypatch.setattr(parallel, "_BODIES", (labels, check, [groups[:3], groups[3:]]))
    first, first_checked = parallel._render_bodies(0)
    second, second_checked = parallel._render_bodies(1)
    fresh = parallel.Renderer("en", labels["en"])
    assert [(key, repr(body)) for key, body in first + second] == \
        [(key, repr(fresh.render(text, shown, links))) for _, items in groups for key, text, shown, links in items]
    assert checked_folders == [folder for folder, _ in groups]
    assert first_checked + second_checked == [("checked", (folder.name, ("en",)), None) for folder, _ in groups]


def test_render_bodies_leaves_nothing_behind_for_the_next_fork():
    items = [(("en", 0), "Paragraph.", Path("content/documents/d0/en.md"), None)]
    labels = {"en": first_fixture_build()[0].bodies[0]["en"]}
    assert [key for rendered, _ in parallel.render_bodies([(items[0][2].parent, items)], labels)
            for key, _ in rendered] == [("en", 0)]
    assert parallel._BODIES == ()
