"""The interface catalogs are untrusted text: read strictly, every mistake one `file.po:line` error, and
every translation escaped on the page."""
from __future__ import annotations

import gettext
import shutil
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from conftest import FIXTURE, ROOT
from portal import i18n
from portal.errors import ContentErrors
from portal.pipeline import Builder, Project
from portal.rendering import install_translations

EN = Path("i18n/en/LC_MESSAGES/messages.po")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's templates, static files, catalogs and engine, with the fixture content."""
    for folder in ("templates", "static", "i18n", "portal"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FIXTURE, tmp_path / "content")
    return tmp_path


def replace(project: Path, old: str, new: str, path: Path = EN) -> int:
    """Edit the catalog once; the line the edit starts on."""
    text = (project / path).read_text(encoding="utf-8")
    assert old in text, old
    (project / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def errors_of(project: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        i18n.load_catalogs(project)
    return [str(error) for error in caught.value.errors]


GLOSSARY = 'msgid "Glossary"\nmsgstr "Glossary"'


@pytest.mark.parametrize("payload", [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=https://example.org/">'])
def test_markup_in_a_translation_is_rejected_at_its_line(project, payload):
    line = replace(project, GLOSSARY, f'msgid "Glossary"\nmsgstr "{payload.replace(chr(34), chr(92) + chr(34))}"') + 1
    assert errors_of(project) == [f"{EN}:{line}: markup ('<') in the translation of 'Glossary'\n"
                                  "    hint: translations are plain text, shown as written: remove the HTML"]


def test_a_translation_that_breaks_out_of_an_attribute_stays_text_on_the_page(project, tmp_path):
    """The 'Copied' label goes into data-copied="…": a quote in it must not end the attribute."""
    text = (project / EN).read_text(encoding="utf-8")
    msgid = next(line for line in text.splitlines() if line.startswith('msgid "Link copied'))
    replace(project, f'{msgid}\nmsgstr "', f'{msgid}\nmsgstr "\\" autofocus onfocus=\\"alert(1)\\" x=\\"')
    generated = Builder(Project(project, project / "content")).generate()
    pages = [f.decode("utf-8") for name, f in generated.files.items() if name.startswith("en/") and name.endswith(".html")]
    assert pages and not any('onfocus="alert(1)"' in page for page in pages)
    assert any("&#34; autofocus onfocus=&#34;alert(1)&#34;" in page for page in pages)


def test_every_translation_is_escaped_even_if_the_checks_were_bypassed():
    class Hostile(gettext.NullTranslations):
        def gettext(self, message):
            return '<script>alert(1)</script> %(name)s' if "name" in message else '"><i>'

    env = Environment(loader=DictLoader({"t": '{{ _("x %(name)s", name="<b>") }}|<a title="{{ _("y") }}">'}),
                      autoescape=True, extensions=["jinja2.ext.i18n"])
    install_translations(env, Hostile())
    html = env.get_template("t").render()
    assert "<script>" not in html and "<b>" not in html
    assert html == '&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;|<a title="&#34;&gt;&lt;i&gt;">'


@pytest.mark.parametrize("old, new, message", [
    (GLOSSARY, 'msgid "Glossary"\nmsgstr "Glossar', "unterminated string"),
    (GLOSSARY, 'msgid "Glossary"\nmsgstr "Glossary\\x"', "unknown escape '\\x'"),
    (GLOSSARY, 'msgid "Glossary"\nmsgstr "Glossary" extra', "expected one quoted string, found '\"Glossary\" extra'"),
    (GLOSSARY, 'msgid "Glossary"\nmsgstr "Glossary"\nmsgstr "again"', "msgstr twice in one entry"),
    (GLOSSARY, 'msgid "Glossary"\nmsgstr "Gloss\x1bary"', "control character U+001B is not allowed"),
    (GLOSSARY, 'msgid "Glossary"\nmsgstr "Gloss\x00ary"', "control character U+0000 is not allowed"),
    (GLOSSARY, 'msgid "Glossary"\nwhatever', "not a PO line: 'whatever'"),
])
def test_a_malformed_catalog_is_one_error_at_its_line(project, old, new, message):
    line = replace(project, old, new)
    found = errors_of(project)
    assert len(found) == 1, found
    where = found[0].split(": ", 1)[0]
    assert where.startswith(f"{EN}:") and line <= int(where.rsplit(":", 1)[1]) <= line + 2
    assert message in found[0]


def test_a_duplicate_msgid_is_one_error_naming_the_first(project):
    text = (project / EN).read_text(encoding="utf-8")
    first = text.splitlines().index('msgid "Glossary"') + 1
    (project / EN).write_text(text + '\nmsgid "Glossary"\nmsgstr "Terms"\n', encoding="utf-8")
    last = len((project / EN).read_text(encoding="utf-8").splitlines()) - 1
    assert errors_of(project) == [f"{EN}:{last}: duplicate entry: msgid 'Glossary' (first on line {first})\n"
                                  "    hint: keep one of the two entries"]


def test_a_wrong_charset_is_one_error_at_the_header_line(project):
    line = replace(project, "charset=utf-8", "charset=latin-1")
    assert errors_of(project) == [f"{EN}:{line}: the header declares charset=latin-1\n    hint: PO files are read "
                                  "as UTF-8: write 'Content-Type: text/plain; charset=UTF-8' and save the file as UTF-8"]


def test_a_garbled_header_or_garbage_catalog_is_one_error(project):
    replace(project, 'msgid ""\nmsgstr ""\n', 'msgid ""\nmsgstr "\n')
    assert len(errors_of(project)) == 1
    (project / EN).write_bytes(bytes(range(256)) * 40)
    assert [e.split(": ", 1)[1] for e in errors_of(project)] == ["not valid UTF-8\n    hint: save the file as UTF-8"]


@pytest.mark.parametrize("new, message", [
    ('msgstr "%(total)s terms"', "the placeholders of the translation of '%(count)s terms and slogans explained' "
                                 "differ from the msgid's (%(count)s)"),
    ('msgstr "%(count)s terms, 100%"', "a lone '%' in the translation of '%(count)s terms and slogans explained'"),
    ('msgstr "%(count)s terms&nbsp;explained"', "character reference '&nbsp;' in the translation of"),
])
def test_a_wrong_placeholder_or_entity_is_an_error_at_the_msgstr_line(project, new, message):
    line = replace(project, 'msgstr "%(count)s terms and slogans explained"', new)
    found = errors_of(project)
    assert len(found) == 1 and found[0].startswith(f"{EN}:{line}: {message}"), found


@pytest.mark.parametrize("new", ['msgstr "%(count)s terms and slogans explained%(count)s terms and slogans explained"',
                                 'msgstr ""\n"%(count)s terms and slogans explained "\n"%(count)s terms and slogans explained"'])
def test_a_translation_written_twice_is_an_error_at_the_msgstr_line(project, new):
    line = replace(project, 'msgstr "%(count)s terms and slogans explained"', new)
    found = errors_of(project)
    assert found == [f"{EN}:{line}: the translation of '%(count)s terms and slogans explained' is its text written "
                     "twice\n    hint: keep it once: a merge or a paste wrote it a second time"], found


@pytest.mark.parametrize("text, twice", [("Figures agree.Figures agree.", True), ("Figures agree. Figures agree.", True),
                                         ("数字一致数字一致数字一致数字一致", True), ("Bye bye", False), ("嗯嗯", False),
                                         ("Figures agree. Figures agree", False), ("", False)])
def test_a_text_written_twice_is_told_from_a_short_repetition(text, twice):
    assert i18n.doubled(text) is twice


def test_the_real_catalogs_are_read_and_translate(project):
    translations = i18n.load_catalogs(project)
    assert translations["zh"].gettext("Glossary") == "术语表"
    assert translations["en"].gettext("Glossary") == "Glossary"


def test_a_build_with_an_unterminated_msgstr_fails_instead_of_showing_a_cut_word(project):
    line = replace(project, GLOSSARY, 'msgid "Glossary"\nmsgstr "Glossary') + 1
    with pytest.raises(ContentErrors) as caught:
        Builder(Project(project, project / "content")).generate()
    assert [str(e).split("\n")[0] for e in caught.value.errors] == [f"{EN}:{line}: unterminated string"]


def test_seeded_mutations_of_catalogs_imports_and_symlinks_find_no_bug():
    """A few of the fuzz harness's catalog, PO import and symlink mutations (python -m tests.fuzz.inputs
    runs thousands): only clean errors or safe builds."""
    from fuzz.inputs import BUGS, run
    outcomes = run(45, seed=22, classes=["catalogs", "importing", "symlinks"], timeout=20.0, say=lambda text: None)
    assert not {bug: outcomes[bug] for bug in BUGS if outcomes[bug]}, outcomes
    assert outcomes["clean-error"] > 0 and outcomes["built"] > 0


def test_a_catalog_cut_short_is_one_error(project):
    text = (project / EN).read_text(encoding="utf-8")
    (project / EN).write_text(text[:text.index('msgid "Glossary"')], encoding="utf-8")
    found = errors_of(project)
    assert len(found) == 1 and found[0].startswith(f"{EN}: ") and "UI strings are not in the catalog, first" in found[0]


def test_one_string_missing_from_a_catalog_is_reported_where_it_is_used(project):
    text = (project / EN).read_text(encoding="utf-8")
    (project / EN).write_text(text.replace('msgid "Glossary"\nmsgstr "Glossary"\n', ""), encoding="utf-8")
    found = errors_of(project)
    assert len(found) == 1 and found[0].startswith("templates/") and "UI string 'Glossary' is not in" in found[0]


def test_a_catalog_ending_after_a_msgid_is_an_error_at_that_msgid(project):
    text = (project / EN).read_text(encoding="utf-8")
    cut = text[:text.index('msgid "Glossary"') + len('msgid "Glossary"\n')]
    (project / EN).write_text(cut, encoding="utf-8")
    line = cut.count("\n")
    assert errors_of(project) == [f"{EN}:{line}: the entry ends after its msgid\n    hint: add msgstr \"\""]


def old_load_catalogs(project: Path) -> list[str]:
    """The check as one walk of SOURCES did it before the catalogs were read first: every UI string, then
    each catalog read and checked against them (the reference for the errors' equivalence)."""
    used, errors = i18n.extract_messages(project), []
    for lang in ("zh", "en"):
        path = i18n.catalog_path(project / "i18n", lang)
        try:
            entries, _ = i18n.read_catalog(project, path, path.relative_to(project), lang)
        except ContentErrors as unreadable:
            errors.extend(unreadable.errors)
            continue
        errors.extend(i18n._untranslated(used, entries, path.relative_to(project)))
    return [str(error) for error in ContentErrors(errors).errors]


ZH = Path("i18n/zh/LC_MESSAGES/messages.po")


@pytest.mark.parametrize("edits", [
    [(EN, 'msgid "Glossary"\nmsgstr "Glossary"\n', "")],  # a template's string, first used in a template
    [(ZH, 'msgid "Glossary"\nmsgstr "术语表"\n', ""), (EN, 'msgid "Glossary"\nmsgstr "Glossary"', 'msgid "Glossary"\nmsgstr ""')],
    [(EN, 'msgid "Glossary"', 'msgid "Glossary'), (ZH, 'msgid "Glossary"\nmsgstr "术语表"\n', "")],  # one unreadable
    [(EN, 'msgid "Glossary"', 'msgid "Glossary'), (ZH, 'msgid "Glossary"', 'msgid "Glossary')],
])
def test_the_catalogs_read_before_the_engines_strings_give_the_errors_one_walk_gave(project, edits):
    for path, old, new in edits:
        text = (project / path).read_text(encoding="utf-8")
        assert old in text, old
        (project / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    assert errors_of(project) == old_load_catalogs(project) and errors_of(project)


def test_an_engine_string_missing_is_reported_where_the_engine_uses_it_first(project):
    engine_only = set(i18n.extract_messages(project, sources=i18n.SOURCES[1:])) - set(
        i18n.extract_messages(project, sources=i18n.SOURCES[:1]))
    msgid = sorted(engine_only)[0]
    text = (project / EN).read_text(encoding="utf-8")
    entry = next(block for block in text.split("\n\n") if f'msgid "{msgid}"' in block.splitlines())
    (project / EN).write_text(text.replace(entry + "\n\n", "", 1), encoding="utf-8")
    found = errors_of(project)
    assert found == old_load_catalogs(project) and len(found) == 1 and found[0].startswith("portal/"), found


def test_the_templates_are_compiled_ahead_once_parsed_before_the_engines_strings_are_taken(project, monkeypatch):
    """A cold build forks the child compiling the templates (parsed(translations)) as soon as the catalogs
    are read and the templates' trees made; the engine's strings and the check come after, on this core."""
    events, extract = [], i18n.file_messages
    monkeypatch.setattr(i18n, "file_messages", lambda method, *args: events.append(method) or extract(method, *args))
    translations = i18n.load_catalogs(project, parsed=lambda made: events.append(made))
    handed = [event for event in events if isinstance(event, dict)]
    assert len(handed) == 1 and handed[0] == translations and handed[0]["zh"] is translations["zh"]
    at = events.index(handed[0])
    assert set(events[:at]) == {"jinja2"} and set(events[at + 1:]) == {"python"}


def test_no_compiling_starts_when_a_catalog_cannot_be_read(project):
    replace(project, GLOSSARY, 'msgid "Glossary"\nmsgstr "Glossary')
    started = []
    with pytest.raises(ContentErrors):
        i18n.load_catalogs(project, parsed=started.append)
    assert started == []
