"""The test tiers themselves: a test starts Chromium, WeasyPrint or a build in a child process only
under its marker (browser, pdf, slow), and the real site is never built while tests are being collected."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

import conftest
from conftest import CURRENT, RUN, run_cli


def test_a_test_in_the_fast_tier_cannot_start_chromium_weasyprint_or_a_child_build():
    with pytest.raises(RuntimeError, match="only a test marked browser may do this: chromium --version"):
        subprocess.run(["chromium", "--version"], capture_output=True)
    with pytest.raises(RuntimeError, match="only a test marked pdf may do this: .*build.py build --pdf"):
        run_cli("build", "--pdf", "--no-cache")  # (no temporary cache folder made for it)
    with pytest.raises(RuntimeError, match="only a test marked slow may do this: .*build.py check"):
        run_cli("check")
    from portal import pdf
    with pytest.raises(RuntimeError, match="only a test marked pdf may do this: portal.pdf.render_pdfs"):
        pdf.render_pdfs({}, {}, None)
    imported = "weasyprint" in sys.modules  # by the real build of a run with a pdf test; else nothing has
    if not imported:
        with pytest.raises(RuntimeError, match="only a test marked pdf may do this: import weasyprint"):
            import weasyprint  # noqa: F401
    noted = [re.sub(r" \(.*\) ", " (…) ", note) for note in CURRENT["violations"]]
    CURRENT["violations"].clear()  # each was noted as it should be: this test itself passes
    pdf = "renders a PDF with WeasyPrint (…) but is not marked pdf"
    assert noted == ["starts a browser (…) but is not marked browser", pdf,
                     "builds in a child process (…) but is not marked slow"] + [pdf] * (1 if imported else 2)


class Item:
    def __init__(self, nodeid: str, fixtures: tuple, marked: bool) -> None:
        self.nodeid, self.fixturenames, self.marked = nodeid, fixtures, marked

    def get_closest_marker(self, name: str):
        return name if self.marked and name == "browser" else None


def test_a_test_using_the_browser_fixture_must_be_marked_browser():
    items = [Item("t.py::uses", ("browser", "served"), False), Item("t.py::marked", ("browser",), True),
             Item("t.py::plain", ("content",), False)]
    with pytest.raises(pytest.UsageError) as raised:
        conftest.pytest_collection_modifyitems(None, items)
    assert str(raised.value) == "these tests use the browser but are not marked browser:\n  t.py::uses"
    conftest.pytest_collection_modifyitems(None, items[1:])


def test_the_real_site_is_not_built_at_collection(monkeypatch):
    monkeypatch.setitem(RUN, "collected", False)
    monkeypatch.delitem(RUN, "real", raising=False)  # as before the first test that needs it
    with pytest.raises(AssertionError, match="never at collection"):
        conftest.real()
