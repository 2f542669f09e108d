"""One English spelling, British in Oxford style (-ize), checked over every English text a reader sees
(issue 26, item 5): `build.py check --strict` names each American spelling at its line with the fix."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, edit, run_cli
from portal.spelling import american_words, british, spelling_errors

EN = "documents/plenary-demo/en.md"
I18N = ROOT / "i18n"


@pytest.mark.parametrize("word, fix", [
    ("center", "centre"), ("Centers", "Centres"), ("labor", "labour"), ("programs", "programmes"),
    ("defense", "defence"), ("analyzing", "analysing"), ("favorable", "favourable"), ("aging", "ageing"),
    ("fulfill", "fulfil"), ("toward", "towards"), ("organisation", "organization"), ("Modernise", "Modernize"),
    ("caliber", "calibre"), ("orthopedic", "orthopaedic"), ("traveled", "travelled"), ("practicing", "practising"),
])
def test_each_american_or_ise_spelling_has_its_oxford_british_form(word, fix):
    assert british(word) == fix


@pytest.mark.parametrize("word", ["centre", "labour", "organize", "modernization", "enterprise", "raise",
                                  "revised", "exercise", "supervising", "practice", "analysis", "honorary",
                                  "fulfilled", "licensed", "towards", "programme"])
def test_british_and_non_ize_words_are_left_alone(word):
    assert british(word) is None


def test_proper_names_attributes_links_and_chinese_are_passed_over():
    text = ('the World Trade Center and the center [a program](#s1-program) {: #center-p1 } '
            '*中心*{: lang="zh-Hans" }[^tn-center]')
    assert american_words(text, ("World Trade Center",)) == [("center", "centre"), ("program", "programme")]


def test_the_real_content_spells_british():
    assert [str(e) for e in spelling_errors(ROOT / "content", I18N)] == []


def test_every_english_source_is_checked_at_its_line(content):
    """en.md, an `en` field of any YAML file (a value's text, a glossary definition) and an exception no
    longer used: each an error at its path:line, with the fix and a hint."""
    edit(content / EN, "making new progress", "making new progress toward the center")
    edit(content / "glossary.yaml", "organic urban renewal,", "organic urban renewal, labor,")
    (content / "spelling.yaml").write_text("- text: World Trade Center\n  reason: its owner's name\n",
                                           encoding="utf-8")
    found = [str(e).split("\n")[0] for e in spelling_errors(content, I18N)]
    assert found == [
        "content/documents/plenary-demo/en.md:3: spelling 'toward' in the English text: the site writes 'towards'",
        "content/documents/plenary-demo/en.md:3: spelling 'center' in the English text: the site writes 'centre'",
        "content/glossary.yaml:5: spelling 'labor' in an 'en' field: the site writes 'labour'",
        "content/spelling.yaml:1: spelling exception 'World Trade Center' occurs in no English text"]
    assert "content/spelling.yaml" in str(spelling_errors(content, I18N)[0])  # the hint names the exception list


def test_an_exception_keeps_a_proper_name_and_a_bad_entry_is_named(content):
    edit(content / EN, "making new progress", "making new progress at the World Trade Center")
    (content / "spelling.yaml").write_text("- text: World Trade Center\n  reason: its owner's name\n"
                                           "- text: Center\n", encoding="utf-8")
    assert [str(e).split("\n")[0] for e in spelling_errors(content, I18N)] == [
        "content/spelling.yaml:3: a spelling exception is '- text: …' and 'reason: …'"]


def test_the_english_catalog_is_checked(tmp_path, content):
    catalog = tmp_path / "i18n" / "en" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                       'msgid "Search"\nmsgstr "Search the center"\n\nmsgid "Programs"\nmsgstr ""\n', encoding="utf-8")
    assert [str(e).split("\n")[0] for e in spelling_errors(content, tmp_path / "i18n")] == [
        "i18n/en/LC_MESSAGES/messages.po:6: spelling 'center' in a translation: the site writes 'centre'",
        "i18n/en/LC_MESSAGES/messages.po:9: spelling 'Programs' in a translation: the site writes 'Programmes'"]


@pytest.mark.slow
def test_check_strict_fails_on_an_american_spelling_and_plain_check_does_not(content):
    edit(content / EN, "making new progress", "making new progress at the center")
    strict = run_cli("--content", str(content), "check", "--strict")
    assert strict.returncode == 1
    assert strict.stderr.splitlines()[0] == ("content/documents/plenary-demo/en.md:3: spelling 'center' in the "
                                             "English text: the site writes 'centre'")
    assert run_cli("--content", str(content), "check").returncode == 0


# ---- indicator names: one capitalisation ---------------------------------------------------------------

def _table_cells(text: str):
    """(line, cell) of every table cell of a Markdown text."""
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("|"):
            for cell in line.strip().strip("|").split("|"):
                yield number, cell.strip()


def _quoted(text: str):
    """(line, text) of every phrase in curly quotation marks of a Markdown text."""
    for number, line in enumerate(text.split("\n"), 1):
        for quoted in re.findall(r"“([^“”]+)”", line):
            yield number, quoted


def test_indicator_names_are_in_sentence_case_and_tables_and_quotations_write_them_so():
    """An indicator's name is written in sentence case wherever it stands as a name: its `name.en` (the
    matrix, its page, the charts) starts with a capital (or a figure or quotation mark), and a table cell
    or a quotation that names it writes it exactly so (the plan report's annex tables and its notes on
    the indicators had 'per capita GDP', “growth of total retail sales…” beside the matrix's 'Per capita
    GDP'). Unquoted in running text, a measure is words of the sentence and takes its case."""
    from test_real_content import site
    names = {i.name.en.lower(): i.name.en for i in site().indicators}
    assert [name for name in names.values() if name[0].islower()] == []
    differing = [f"{d.id}/en.md:{number}: {named}" for d in site().documents
                 for found in (_table_cells, _quoted)
                 for number, named in found((d.src.path.parent / "en.md").read_text(encoding="utf-8"))
                 if named.lower() in names and named != names[named.lower()]]
    assert differing == []
