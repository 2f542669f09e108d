"""The page stage's levers of issue 21 item 6 (stop 31): each makes the same bytes and the same reads as
the work it replaces, checked against that work."""
from __future__ import annotations

from pathlib import Path

from portal import incremental, pages


def indicator_pages(site) -> list[pages.Page]:
    return [p for p in pages.assemble(site, Path("content")) if p.kind == "indicator"]


def test_a_views_documents_are_made_once_and_every_read_is_noted(fixture_site):
    view = incremental.SiteView(fixture_site.site, fixture_site.translations)
    first = view.documents
    assert [d._document for d in first] == list(fixture_site.site.documents)
    view.reads.clear()
    assert view.documents is first and view.reads == {("documents", "")}
    first[0].bodies  # noqa: B018 (a read of the bodies through the kept views is noted on this view)
    assert ("bodies", first[0].id) in view.reads


def test_an_indicator_page_wraps_only_the_documents_its_values_come_from(fixture_site, monkeypatch):
    made = []

    class Counted(incremental.DocumentView):
        __slots__ = ()

        def __init__(self, document, reads) -> None:
            made.append(document.id)
            super().__init__(document, reads)

    monkeypatch.setattr(incremental, "DocumentView", Counted)
    site, shared = fixture_site.site, {}
    for page in indicator_pages(site):
        made.clear()
        view = incremental.SiteView(site, fixture_site.translations, shared)
        page.context(view)
        stating = {v.document for v in site.values if v.indicator == page.key}
        assert set(made) <= stating, page.key  # was every document of the site, for each chart
        assert {("documents", d) for d in stating} <= view.reads
