"""The build's other work done while its workers render (stop 33, issue 21 item 6): the data files, search
index and citations while they render the pages, an error of theirs reported as if they ran after the pages;
the content but the glossary and the Markdown read while they render the bodies; the build cache saved on a
child while the site is published."""
from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

import pytest

from conftest import FIXTURE, first_fixture_build, project_for
from portal import aside, incremental, keptbodies, output, pages, parallel, pipeline, textfiles
from portal.errors import ContentError, ContentErrors, EnvironmentProblem, SourceRef
from portal.pipeline import Builder
from portal.progress import Quiet


def fixture_job(fixture_site):
    builder, _ = first_fixture_build()
    environments, site, states = builder.pending[0], fixture_site.site, fixture_site.translations
    assembled = pages.assemble(site, Path("content"))
    return environments, assembled, lambda shared: incremental.SiteView(site, states, shared)


@pytest.mark.parametrize("minimum", [10**9, 0], ids=["one process", "forked workers"])
def test_the_other_work_runs_once_before_the_first_page_comes_back(fixture_site, minimum):
    environments, assembled, make_view = fixture_job(fixture_site)
    events = []
    made = dict(parallel.render_all(environments, assembled, make_view, minimum, workers=2,
                                    advance=lambda count: events.append("page"),
                                    meanwhile=lambda: events.append("other work")))
    assert sorted(made) == list(range(len(assembled)))
    assert events.count("other work") == 1 and events[0] == "other work"
    assert events.count("page") >= 1


def rendered_with(monkeypatch, fixture_site, failing_page: bool, meanwhile):
    """render_pages with workers whose first page fails when `failing_page`."""
    builder, _ = first_fixture_build()
    environments, digests = builder.pending[0], builder.pending[1]
    assembled = pages.assemble(fixture_site.site, Path("content"))
    real_render_all = parallel.render_all

    def render_all(*args, **kwargs):
        for i, result in real_render_all(*args, **kwargs):
            yield i, (ContentError(SourceRef(Path("templates/page.html"), 1), "broken") if failing_page and i == 0 else result)

    monkeypatch.setattr(incremental, "render_all", render_all)
    return incremental.render_pages(assembled, environments, digests, "base", {}, lambda path, digest: None,
                                    parallel_min=10**9, meanwhile=meanwhile)


def refuse():
    raise ValueError("the other work failed")


def test_the_pages_errors_come_first_and_the_other_works_error_after_them(monkeypatch, fixture_site):
    with pytest.raises(ContentErrors) as raised:
        rendered_with(monkeypatch, fixture_site, True, refuse)
    assert [e.message for e in raised.value.errors] == ["broken"]
    with pytest.raises(ValueError, match="the other work failed"):
        rendered_with(monkeypatch, fixture_site, False, refuse)
    done = []
    assert rendered_with(monkeypatch, fixture_site, False, lambda: done.append(1)).files and done == [1]


def test_the_bodies_render_while_the_rest_of_the_content_is_read():
    events = []
    items = [(("en", i), f"Paragraph {i}.", Path(f"content/documents/d{i}/en.md"), {}) for i in range(6)]
    labels = {"en": first_fixture_build()[0].bodies[0]["en"]}
    groups = [(item[2].parent, [item]) for item in items]
    rendered = []
    meanwhile = lambda: events.append("rest of the content")  # noqa: E731
    for bodies, _checked in parallel.render_bodies(groups, labels, meanwhile=meanwhile):
        events.append("body")
        rendered += bodies
    assert sorted(key for key, _ in rendered) == [("en", i) for i in range(6)]
    assert events[0] == "rest of the content" and events.count("rest of the content") == 1


def test_few_bodies_or_none_to_render_still_read_the_rest_of_the_content_once(fixture_site):
    bodies = first_fixture_build()[0].bodies[1]
    for minimum in (10**9, 0):  # all kept already (the fixture's builder rendered them): nothing to render
        read = []
        keptbodies.prefill(bodies, {lang: [] for lang in bodies}, {lang: {} for lang in bodies}, minimum, Quiet(),
                           meanwhile=lambda: read.append(1))
        assert read == [1]


def test_a_build_takes_each_markdown_file_through_the_reader_once(monkeypatch, tmp_path):
    import shutil
    shutil.copytree(FIXTURE, tmp_path / "content")
    reads = []
    original = textfiles.read_input
    monkeypatch.setattr(textfiles, "read_input",
                        lambda path, shown, *digest: reads.append(path.name) or original(path, shown, *digest))
    Builder(project_for(tmp_path / "content"), search_index=False).generate()
    documents = [p for p in (tmp_path / "content" / "documents").iterdir() if p.is_dir()]
    assert reads.count("zh.md") == reads.count("en.md") == len(documents) > 0


def test_work_aside_runs_on_a_child_and_says_only_whether_it_succeeded(tmp_path, capfd):
    done = tmp_path / "done"
    assert aside.Aside(lambda: done.write_text(str(os.getpid()))).succeeded()
    assert done.read_text() != str(os.getpid())
    failing = aside.Aside(lambda: 1 / 0)
    assert not failing.succeeded() and capfd.readouterr().err == ""  # the caller does it again, to say why


def test_the_cache_is_saved_on_a_child_while_the_site_is_published(tmp_path, monkeypatch):
    savers = []
    save = Builder.save_cache
    monkeypatch.setattr(Builder, "save_cache", lambda self, site: (savers.append(os.getpid()), save(self, site)))
    project, folder = project_for(FIXTURE), tmp_path / "cache"
    pipeline.build(project, tmp_path / "site", search_index=False, cache_dir=folder)
    assert savers == []  # not in this process: its list is the child's copy
    assert Builder(project, search_index=False, cache_dir=folder).last.entries  # what the next build loads


def test_a_failed_publication_stops_the_cache_being_saved_aside(tmp_path, monkeypatch):
    started = []

    class Kept(aside.Aside):
        def __init__(self, work):
            super().__init__(lambda: signal.pause())  # a save that would never end
            started.append(self)

    def refused(*args, **kwargs):
        raise EnvironmentProblem(tmp_path / "site", OSError(errno.ENOSPC, "full"), "unchanged")

    monkeypatch.setattr(pipeline, "Aside", Kept)
    monkeypatch.setattr(output, "publish", refused)
    with pytest.raises(EnvironmentProblem):
        pipeline.build(project_for(FIXTURE), tmp_path / "site", search_index=False, cache_dir=tmp_path / "cache")
    assert started and started[0].pid is None  # stopped and waited for


def test_where_no_child_can_be_forked_the_work_is_left_to_the_caller(monkeypatch):
    def refused():
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    done = []
    assert not aside.Aside(lambda: done.append(1)).succeeded() and done == []


def test_the_workers_results_come_back_through_a_pipe_of_a_mebibyte():
    import fcntl
    with parallel.forked_pool(2) as pool:
        assert fcntl.fcntl(pool._outqueue._reader.fileno(), fcntl.F_GETPIPE_SZ) == parallel.PIPE_BYTES
        assert pool.map(len, [b"x" * 3 * parallel.PIPE_BYTES, b""]) == [3 * parallel.PIPE_BYTES, 0]


def test_a_pipe_that_cannot_be_widened_is_left_as_it_was(monkeypatch):
    import fcntl

    def refuse(*args):
        raise PermissionError(errno.EPERM, "the user's pipe quota is spent")

    parallel.widen(object())  # no pipe to widen: nothing to do
    monkeypatch.setattr(fcntl, "fcntl", refuse)
    with parallel.forked_pool(1) as pool:
        assert pool.map(len, ["abc"]) == [3]
