"""The build's other work done while its pages render (stop 33, issue 21 item 6): the data files, search
index and citations are made while the workers render the pages, and an error of theirs is reported as if
they ran after the pages."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import first_fixture_build
from portal import incremental, pages, parallel
from portal.errors import ContentError, ContentErrors, SourceRef


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
