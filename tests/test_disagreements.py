"""The disagreement rule (portal/disagreements.py): which values are set against each other, what covers a
disagreement, `check --strict` and `check --disagreements` on a two-document fixture, the consistency notes'
own errors, and the real content with nothing open."""
from __future__ import annotations

import shutil
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest

from conftest import ROOT, edit, real
from portal.disagreements import comparable, disagree, disagreements, open_errors
from portal.errors import SourceRef
from portal.model import Conflict, Consistency, Localized, Source, Value
from test_errors import errors_of


def value(ident: str, period: str = "2025", number: str | None = "100", comparator: str | None = "=",
          kind: str = "target", document: str = "a", indicator: str = "gdp", others: tuple = ()) -> Value:
    note = Consistency(others, Localized("同。", "The same."), SourceRef(Path("v.yaml"), 9)) if others else None
    return Value(ident, indicator, document, kind, period, Localized("", ""),
                 None if number is None else Decimal(number), comparator, Source("p1", ""), None,
                 SourceRef(Path(f"{document}.yaml"), 1), note)


# (first, second, comparable, disagree): the rule's table
RULE = {
    "different figures, same year": (value("a"), value("b", number="90", document="b"), True, True),
    "different figures, a year within a span": (value("a", "2021-2025", "500"), value("b", "2025", document="b"),
                                                True, True),
    "different figures, spans that overlap": (value("a", "2021-2025"), value("b", "2023-2027", "90", document="b"),
                                              True, True),
    "same figure, same year": (value("a"), value("b", document="b"), True, False),
    "same figure, years apart": (value("a", "2026"), value("b", "2027", document="b"), True, True),
    "same figure, a span and the next year": (value("a", "2017-2021", kind="outcome"),
                                              value("b", "2022", kind="outcome", document="b"), True, True),
    "different figures, years apart (a path, not a disagreement)": (
        value("a", "2025", "30"), value("b", "2027", "33", document="b"), True, False),
    "same number, another comparator": (value("a", comparator=">"), value("b", comparator="≥", document="b"),
                                        True, True),
    "no comparator is '='": (value("a", comparator=None), value("b", document="b"), True, False),
    "numbers compared by value (75 and 75.0)": (value("a", number="75"), value("b", number="75.0", document="b"),
                                                True, False),
    "a target later reported done (progress)": (value("a", "2022-2026", "6.3"),
                                                value("b", "2022", "6.3", kind="outcome", document="b"), False, False),
    "a target beside another year's outcome": (value("a", "2025", "300"),
                                               value("b", "2025", "303", kind="outcome", document="b"), False, False),
    "one document states both": (value("a"), value("b", number="90"), False, False),
    "another indicator": (value("a"), value("b", number="90", document="b", indicator="gdp-growth"), False, False),
    "a figure beside words": (value("a"), value("b", number=None, comparator=None, document="b"), False, False),
}


@pytest.mark.parametrize("case", sorted(RULE))
def test_the_rule(case):
    first, second, is_comparable, disagrees = RULE[case]
    assert comparable(first, second) is is_comparable
    assert disagree(first, second) is disagrees
    assert disagree(second, first) is disagrees  # the rule is symmetric


def test_a_conflict_or_a_consistency_note_covers_a_pair():
    a, b, c = value("a"), value("b", number="90", document="b"), value("c", number="80", document="c")
    conflict = Conflict("x", "level", True, Localized("", ""), "gdp", ("a", "b"), (), Localized("", ""), ("gdp",),
                        SourceRef(Path("conflicts.yaml"), 1))
    noted = value("c", number="80", document="c", others=("a",))
    assert {(d.first.id, d.second.id): d.covered_by for d in disagreements([a, b, c], [conflict])} == {
        ("a", "b"): "x", ("a", "c"): None, ("b", "c"): None}
    assert {(d.first.id, d.second.id): d.covered_by for d in disagreements([a, b, noted], [conflict])} == {
        ("a", "b"): "x", ("a", "c"): "consistent", ("b", "c"): None}
    assert [str(e.src) for e in open_errors([a, b, noted], [conflict])] == ["b.yaml:1"]


# --- a fixture with a second document: one figure for two years ---------------------------------------

SECOND = """- id: copy.gdp.2026.target
  indicator: gdp
  document: plenary-copy
  kind: target
  period: "2026"
  text: {zh: 迈上2100亿元台阶}
  number: 2100
  comparator: "≥"
  source:
    anchor: g1-p1
    quote: 地区生产总值迈上2100亿元台阶
"""
OPEN = ("content/values/plenary-copy.yaml:1: value 'copy.gdp.2026.target' (plenary-copy, target 2026: 迈上2100亿元台阶) "
        "disagrees with 'demo.gdp.2027.target' at content/values/plenary-demo.yaml:1 (plenary-demo, target 2027: "
        "迈上2100亿元台阶: the same figure for another period), and no conflict or consistency note covers them\n"
        "    hint: add a conflict listing both to content/conflicts.yaml, or a 'consistent:' note on one naming the "
        "other (with: [demo.gdp.2027.target]) that says why they agree")
NOTE = """  consistent:
    with: [demo.gdp.2027.target]
    note: {zh: 本站推定的年份。, en: A year the site inferred.}
"""


@pytest.fixture
def two_documents(content: Path) -> Path:
    """The fixture with a copy of its document, and a value there stating the demo's GDP goal for 2026."""
    shutil.copytree(content / "documents" / "plenary-demo", content / "documents" / "plenary-copy")
    edit(content / "documents" / "plenary-copy" / "meta.yaml", "id: plenary-demo", "id: plenary-copy")
    (content / "values" / "plenary-copy.yaml").write_text(SECOND, encoding="utf-8")
    return content


def check(content: Path, *options: str) -> int:
    import build
    return build.main(["--content", str(content), "check", *options])


def relative(text: str, content: Path) -> str:
    return text.replace(f"{content}/", "content/")


def test_check_strict_fails_naming_both_values(two_documents, capsys):
    assert check(two_documents) == 0  # not strict: the build goes on
    capsys.readouterr()
    assert check(two_documents, "--strict") == 1
    assert relative(capsys.readouterr().err, two_documents) == f"{OPEN}\n1 error(s); nothing was written.\n"


def test_check_disagreements_lists_the_open_ones(two_documents, capsys):
    assert check(two_documents, "--disagreements") == 1
    assert relative(capsys.readouterr().out, two_documents) == (
        f"{OPEN}\n1 open disagreement(s); 1 pair(s) of values disagree by the rule, 0 covered by conflicts, "
        "0 by consistency notes\n")


def test_a_consistency_note_closes_it(two_documents, capsys):
    (two_documents / "values" / "plenary-copy.yaml").write_text(SECOND + NOTE, encoding="utf-8")
    assert check(two_documents, "--disagreements") == 0
    assert capsys.readouterr().out == ("0 open disagreement(s); 1 pair(s) of values disagree by the rule, "
                                       "0 covered by conflicts, 1 by consistency notes\n")
    assert check(two_documents, "--strict") == 0


def test_a_conflict_closes_it(two_documents, capsys):
    edit(two_documents / "conflicts.yaml", "  values: [demo.gdp.2027.target]",
         "  values: [demo.gdp.2027.target, copy.gdp.2026.target]")
    assert check(two_documents, "--disagreements") == 0
    assert capsys.readouterr().out.startswith("0 open disagreement(s); 1 pair(s) of values disagree by the rule, "
                                              "1 covered by conflicts")


NOTE_ERRORS = {  # a consistency note's own mistakes: what plenary-copy.yaml holds -> the one error
    "an unknown value": (SECOND + NOTE.replace("2027", "2072"), 13,
                         "consistent with unknown value 'demo.gdp.2072.target'\n"
                         "    hint: name a value id from content/values/"),
    "a value of another indicator": (
        SECOND + NOTE.replace("demo.gdp.2027.target", "demo.software-enterprises.2022.outcome"), 13,
        "consistent with 'demo.software-enterprises.2022.outcome', which it is not comparable with\n"
        "    hint: a consistency note names a value of the same indicator and kind, from another document, both "
        "stating a figure"),
    "a value it agrees with": (SECOND.replace('period: "2026"', 'period: "2027"') + NOTE, 13,
                               "consistent with 'demo.gdp.2027.target', which it does not disagree with\n"
                               "    hint: remove the note: the rule does not set these two apart"),
    "one language only": (SECOND + NOTE.replace(", en: A year the site inferred.", ""), 14,
                          "missing translation 'note.en'\n    hint: add the English: 'en: …'"),
}


@pytest.mark.parametrize("case", sorted(NOTE_ERRORS))
def test_a_consistency_note_names_a_value_it_disagrees_with_in_both_languages(two_documents, case):
    text, line, message = NOTE_ERRORS[case]
    (two_documents / "values" / "plenary-copy.yaml").write_text(text, encoding="utf-8")
    assert errors_of(two_documents) == [
        f"content/values/plenary-copy.yaml:{line}: value 'copy.gdp.2026.target': {message}"]


# --- the real content ---------------------------------------------------------------------------------

def test_nothing_is_open_in_the_real_content():
    site = real().site
    assert open_errors(site.values, site.conflicts) == []
    found = disagreements(site.values, site.conflicts)
    assert len(found) >= 17 and all(d.covered_by for d in found)


def test_progress_and_inferred_years_are_not_listed_as_disagreements():
    """The issue's review: a ridgeline goal later reported done is progress; the modern-services share is
    75% or more in both documents, and its year differs only by the site's dating of the plenary text."""
    site = real().site
    ids = {c.id for c in site.conflicts}
    assert not ids & {"ridgeline-goal-reported-as-done", "modern-services-share-goal-year"}
    share = next(v for v in site.values if v.id == "plenary2.modern-services-share.2027.target")
    assert share.consistent.others == ("news2021.modern-services-share.2026.target",)
    assert not [c for c in site.conflicts if "ridgeline-length" in c.indicators]


def test_conflicts_carry_the_sides_that_exist_as_records():
    conflicts = {c.id: c for c in real().site.conflicts}
    assert "plan2025.old-housing-renovation.2025.target" in conflicts["old-housing-renovation-areas"].values
    assert {"plenary2.rd-intensity.2027.target", "plan2025.annex2.rd-intensity.2025.target"} <= set(
        conflicts["rd-spending-growth-15-and-10"].values)
    framing = {c.id for c in conflicts.values() if c.kind == "framing"}
    assert {"key-industries-six-six-4311", "tourism-destination-international-or-world",
            "key-areas-ten-zones-or-one-core"} <= framing


@pytest.mark.parametrize("lang, heading", [("zh", "怎样算作分歧"), ("en", "What counts as a disagreement")])
def test_the_page_states_the_rule_and_shows_each_consistency_note(lang, heading):
    html = unescape(real().files[f"{lang}/conflicts/index.html"].decode("utf-8"))
    assert f'<h2 id="rule-heading">{heading}</h2>' in html
    assert ("进展，不是分歧" if lang == "zh" else "progress, not disagreement") in html
    noted = [v for v in real().site.values if v.consistent]
    assert len(noted) >= 5
    for item in noted:
        start = html.index(f'id="consistent-{item.id}"')
        article = html[start:html.index("</article>", start)]
        assert item.consistent.note[lang] in article
        for other in (item, *(v for v in real().site.values if v.id in item.consistent.others)):
            assert f'<blockquote lang="zh-Hans">{other.source.quote}</blockquote>' in article


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_indicator_page_shows_its_consistency_notes_with_a_link_to_both_sides(lang):
    for item in (v for v in real().site.values if v.consistent):
        html = unescape(real().files[f"{lang}/indicators/{item.indicator}/index.html"].decode("utf-8"))
        section = html[html.index('id="consistent-heading"'):]
        section = section[:section.index("</section>")]
        assert item.consistent.note[lang] in section
        assert f'href="/{lang}/conflicts/#consistent-{item.id}"' in section


def test_a_note_naming_a_value_that_failed_its_own_checks_adds_no_error(two_documents):
    """One mistake, one error: the named value's wrong number is reported, the note naming it is not."""
    (two_documents / "values" / "plenary-copy.yaml").write_text(SECOND + NOTE, encoding="utf-8")
    edit(two_documents / "values" / "plenary-demo.yaml", "  number: 2100\n", "  number: 2000\n")
    errors = errors_of(two_documents)
    assert len(errors) == 1 and errors[0].startswith("content/values/plenary-demo.yaml:7: value "
                                                     "'demo.gdp.2027.target': number 2000 does not match")
