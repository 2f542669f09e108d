"""Reproducers for every class of hostile or careless input (issue 15): each gives one clean
`path:line: message`, never a traceback, a hang, a cascade or a live script."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import FIXTURE, ROOT, edit, generate, run_cli
from portal.errors import ContentErrors
from portal.markup import Renderer

VALUES = "values/plenary-demo.yaml"
INDICATORS = "indicators/main.yaml"
ZH = "documents/plenary-demo/zh.md"
EN = "documents/plenary-demo/en.md"
SHOWN = "content/"


def failure(content) -> ContentErrors:
    with pytest.raises(ContentErrors) as caught:
        generate(content)
    return caught.value


def errors_of(content) -> list[str]:
    return [str(e) for e in failure(content).errors]


def write(path, data: bytes) -> None:
    path.write_bytes(data)


# ---- reading: bytes, size, lines -----------------------------------------------------------

def test_invalid_utf8_in_markdown_names_its_line(content):
    data = (content / ZH).read_bytes().replace("经济实力".encode(), b"\xff\xfe", 1)
    write(content / ZH, data)
    assert errors_of(content) == ["content/documents/plenary-demo/zh.md:13: not valid UTF-8\n"
                                  "    hint: save the file as UTF-8"]


@pytest.mark.slow
def test_invalid_utf8_through_the_command_line_is_one_error(content, tmp_path):
    write(content / EN, b"## x {#review}\n\xc3\n")
    result = run_cli("--content", str(content), "build", "--out", str(tmp_path / "site"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("content/documents/plenary-demo/en.md:2: not valid UTF-8\n")


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x7f", "\x85", "\x9b"])
def test_control_characters_are_refused_at_their_line(content, char):
    edit(content / VALUES, "  kind: target\n", f"  kind: tar{char}get\n")
    assert errors_of(content) == [f"content/values/plenary-demo.yaml:4: control character U+{ord(char):04X} is not "
                                  "allowed\n    hint: delete it (most editors do not show it)"]


def test_file_and_line_size_limits(content):
    edit(content / VALUES, "  kind: target\n", f"  kind: {'x' * 20_001}\n")
    assert errors_of(content) == ["content/values/plenary-demo.yaml:4: line is longer than 20,000 characters\n"
                                  "    hint: break it into several lines"]
    write(content / VALUES, b"# x\n" * 300_000)
    assert errors_of(content) == ["content/values/plenary-demo.yaml:1: file is larger than 1 MB\n"
                                  "    hint: split it into several files"]


def test_unicode_line_separators_do_not_shift_line_numbers(content):
    # PyYAML counts U+2028 and U+0085 as line breaks; the editor's line 5 must stay line 5
    edit(content / VALUES, "text: {zh: 迈上2100亿元台阶}", "text: {zh: 迈上2100亿元台阶, en: \"a\u2028b\u2029c\"}")
    edit(content / VALUES, "  number: 2100\n", "  number: [2100\n")
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:8: YAML syntax: did not find expected ',' or ']'\n"
        "    hint: check indentation, colons and quotes on this line and the one above"]


def test_an_error_at_the_end_of_the_file_is_on_its_last_line(content):
    (content / "conflicts.yaml").write_text("- id: x\n  values: [a,\n")
    assert errors_of(content) == [
        "content/conflicts.yaml:2: YAML syntax: did not find expected node content\n"
        "    hint: check indentation, colons and quotes on this line and the one above"]


# ---- YAML: what the content never uses -----------------------------------------------------

@pytest.mark.parametrize("value, tag", [("!!bool yes", "!!bool"), ('!!int "abc"', "!!int"), ("!!float x", "!!float"),
                                        ("!!map [a, b]", "!!map"), ("!!python/object/apply:os.system [ls]",
                                                                    "!!python/object/apply:os.system"),
                                        ("!local x", "!local")])
def test_tags_are_refused(content, value, tag):
    edit(content / VALUES, "  kind: target\n", f"  kind: {value}\n")
    assert errors_of(content) == [f"content/values/plenary-demo.yaml:4: tags ({tag}) are not allowed\n"
                                  "    hint: remove the tag; quote text that looks like a number or true/false"]


def test_billion_laughs_is_refused_at_once(content):
    bomb = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"] + \
        [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    (content / "site.yaml").write_text("\n".join(bomb) + "\n")
    started = time.process_time()
    assert errors_of(content) == ["content/site.yaml:1: anchors (&name) are not allowed\n    hint: remove '&a'"]
    assert time.process_time() - started < 30  # a guard against the hang, not a speed measurement


def test_aliases_are_refused(content):
    edit(content / VALUES, "  kind: target\n", "  kind: *target\n")
    assert errors_of(content) == ["content/values/plenary-demo.yaml:4: aliases (*name) are not allowed\n"
                                  "    hint: write the value out in full"]


@pytest.mark.parametrize("key", ["? [a, b]\n  : c", "{{ x }}: 1", "[a]: b"])
def test_collections_as_keys_are_refused(content, key):
    edit(content / VALUES, "  kind: target\n", f"  kind: target\n  {key}\n")
    assert errors_of(content) == ["content/values/plenary-demo.yaml:5: a key must be text, not a list or mapping\n"
                                  "    hint: write 'key: value'"]


@pytest.mark.parametrize("depth", [41, 400, 9_000])
def test_deep_nesting_is_refused_before_the_parser_composes_it(content, depth):
    edit(content / VALUES, "  kind: target\n", f"  kind: {'[' * depth}{']' * depth}\n")
    assert errors_of(content) == ["content/values/plenary-demo.yaml:4: nested more than 40 levels deep\n"
                                  "    hint: the content needs a few levels"]


@pytest.mark.slow
def test_deep_nesting_does_not_crash_the_command_line(content, tmp_path):
    edit(content / VALUES, "  kind: target\n", "  kind: " + "[\n" * 30_000 + "\n")
    result = run_cli("--content", str(content), "check")
    assert result.returncode == 1, result.stderr
    # the file's list and the value's mapping are the first two levels
    assert result.stderr.startswith("content/values/plenary-demo.yaml:42: nested more than 40 levels deep")


def test_integers_over_python_limit_are_an_error(content):
    edit(content / VALUES, "  number: 2100\n", f"  number: {'9' * 4301}\n")
    assert errors_of(content) == ["content/values/plenary-demo.yaml:7: the number has too many digits"]


def test_plain_equals_sign_is_text(content):
    """YAML 1.1 reads a plain `=` as a 'value' key; in the content it is the comparator."""
    edit(content / VALUES, '  comparator: "≥"\n', "  comparator: =\n")
    assert errors_of(content) == ["content/values/plenary-demo.yaml:8: value 'demo.gdp.2027.target': comparator '=' "
                                  "does not match '迈上2100亿元台阶' (expected '≥')"]


# ---- values ------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, shown", [(".inf", "inf"), ("-.inf", "-inf"), (".nan", "nan"), ("1/0", "1/0"),
                                            ("'1e999999999'", "1e999999999")])
def test_numbers_must_be_finite(content, written, shown):
    edit(content / VALUES, "  number: 2100\n", f"  number: {written}\n")
    assert errors_of(content) == [
        f"content/values/plenary-demo.yaml:7: value 'demo.gdp.2027.target': field 'number' must be a number, not "
        f"'{shown}'\n    hint: write digits, e.g. 2100 or 6.5 (no .inf, .nan or division by zero)"]


def test_infinite_order_of_a_document(content):
    edit(content / "documents/plenary-demo/meta.yaml", "order: 1\n", "order: .inf\n")
    assert errors_of(content) == [
        "content/documents/plenary-demo/meta.yaml:4: document 'plenary-demo': field 'order' must be a number, not "
        "'inf'\n    hint: write digits, e.g. 2100 or 6.5 (no .inf, .nan or division by zero)"]


def test_division_by_zero_in_a_figure(content):
    edit(content / VALUES, "text: {zh: 迈上2100亿元台阶}", "text: {zh: 1/0亿元}")
    edit(content / VALUES, "quote: 地区生产总值迈上2100亿元台阶", "quote: 1/0亿元")
    errors = errors_of(content)
    assert "content/values/plenary-demo.yaml:7: value 'demo.gdp.2027.target': cannot read the figure in " \
           "'1/0亿元': division by zero in '1/0亿元'\n    hint: write the figure as the document does, e.g. " \
           "'突破2000亿元', or drop number/comparator" in errors


def test_a_list_of_lists_where_ids_are_expected(content):
    edit(content / "themes.yaml", "indicators: [gdp]", "indicators: [[gdp]]")
    edit(content / "conflicts.yaml", "  values: [demo.gdp.2027.target]\n",
         "  values:\n    - [a, b]\n    - {x: 1}\n")
    assert errors_of(content) == [
        "content/conflicts.yaml:8: conflict 'gdp-goal-and-services-share': item 1 of 'values' must be an id, "
        "not a list\n    hint: list ids: '- some-id' or [a-id, b-id]",
        "content/conflicts.yaml:9: conflict 'gdp-goal-and-services-share': item 2 of 'values' must be an id, "
        "not a mapping\n    hint: list ids: '- some-id' or [a-id, b-id]",
        "content/themes.yaml:6: theme 'economy': item 1 of 'indicators' must be an id, not a list\n"
        "    hint: list ids: '- some-id' or [a-id, b-id]"]


# ---- Markdown --------------------------------------------------------------------------------

def test_empty_markdown_body(content):
    write(content / EN, b"  \n\n")
    assert errors_of(content) == ["content/documents/plenary-demo/en.md:1: the document is empty\n"
                                  "    hint: write its text, in anchored blocks as in the other documents"]


def test_no_state_survives_from_the_previous_document():
    renderer = Renderer("zh", "¶")
    body, errors = renderer.render((FIXTURE / ZH).read_text(), FIXTURE / ZH)
    assert body is not None and body.blocks and not errors
    body, errors = renderer.render("", FIXTURE / EN)
    assert body is None and [e.message for e in errors] == ["the document is empty"]
    body, errors = renderer.render("{: #x }\n", FIXTURE / EN)
    assert body is not None and [b.anchor for b in body.blocks] == [] or errors


@pytest.mark.parametrize("style", ["    ", "\t"])
def test_lists_nested_400_deep(content, style):
    edit(content / ZH, "{: #g1-p1 }", "{: #g1-p1 }\n\n" + "\n".join(style * i + "- a" for i in range(400)))
    assert errors_of(content) == ["content/documents/plenary-demo/zh.md:27: indented more than 40 columns\n"
                                  "    hint: lists nest at most 10 levels"]


def test_quotes_nested_deep(content):
    edit(content / ZH, "{: #g1-p1 }", "{: #g1-p1 }\n\n" + "> " * 400 + "a")
    assert errors_of(content) == ["content/documents/plenary-demo/zh.md:16: quotes nested more than 10 levels\n"
                                  "    hint: use fewer '>'"]


@pytest.mark.parametrize("run", ["[", "![", "[^", "(["])
def test_long_runs_of_brackets(content, run):
    edit(content / ZH, "{: #g1-p1 }", "{: #g1-p1 }\n\n" + run * 5000)
    assert errors_of(content) == ["content/documents/plenary-demo/zh.md:16: more than 100 '[' in one block\n"
                                  "    hint: split the block, or write brackets that are not links as \\["]


# ---- no cascades, every message placed -------------------------------------------------------

def test_one_yaml_typo_in_indicators_is_one_error(content):
    edit(content / INDICATORS, "  category: narrative\n  name: {zh: 地区生产总值", "  category: narrative\n  name: {zh: 地区生产总值,,")
    caught = failure(content)
    assert [str(e) for e in caught.errors] == [
        "content/indicators/main.yaml:3: YAML syntax: did not find expected node content\n"
        "    hint: check indentation, colons and quotes on this line and the one above"]
    assert caught.suppressed > 0
    assert str(caught).endswith(f"1 error(s); {caught.suppressed} further problem(s) not reported: they follow from "
                                "the errors above; nothing was written.")


@pytest.mark.parametrize("name", ["categories.yaml", VALUES, "documents/plenary-demo/meta.yaml", "glossary.yaml"])
def test_a_broken_file_reports_only_itself(content, name):
    path = content / name
    path.write_text(path.read_text(encoding="utf-8").replace(":", ": [", 1), encoding="utf-8")
    errors = errors_of(content)
    assert len(errors) == 1 and errors[0].startswith(f"content/{name}:"), errors


def test_parse_errors_print_first(content):
    edit(content / "categories.yaml", "- id: narrative\n", "- id: narrative\n  colour: red\n")
    edit(content / VALUES, "  kind: target\n", "  kind: [target\n")
    errors = errors_of(content)
    assert errors[0].startswith("content/values/plenary-demo.yaml:5: YAML syntax")
    assert errors[1].startswith("content/categories.yaml:4: category 'narrative': unknown field 'colour'")


def test_duplicate_category_names_the_first(content):
    edit(content / "categories.yaml", "- id: narrative", "- id: quality-development")
    assert "content/categories.yaml:3: duplicate category id 'quality-development' (first at " \
           "content/categories.yaml:1)\n    hint: ids must be unique" in errors_of(content)


def test_records_without_an_id_are_named_so(content):
    edit(content / INDICATORS, "- id: rd-intensity\n", "- id: ~\n")
    edit(content / "site.yaml", "title:", "~: 1\ntitle:")
    errors = errors_of(content)
    assert "content/indicators/main.yaml:9: indicator (no id): missing field 'id'\n    hint: ids use lowercase " \
           "letters, digits, '-' and '.', at most 100 characters" in errors
    assert "content/site.yaml:1: site: unknown field 'null'\n    hint: allowed fields: title, tagline, base_url, book, " \
           "layers, matrix, timeline, horizons, headline, phrases" in errors
    assert not [e for e in errors if "None" in e]


def test_an_empty_record_is_one_error(content):
    (content / "documents/plenary-demo/meta.yaml").write_text("{}\n")
    edit(content / INDICATORS, "- id: rd-intensity\n  category: quality-development\n", "- {}\n- id: rd-intensity\n"
         "  category: quality-development\n")
    assert errors_of(content) == [
        "content/documents/plenary-demo/meta.yaml:1: document (no id): the record is empty\n"
        "    hint: fill in its fields (see the content schema in README.md)",
        "content/indicators/main.yaml:9: indicator (no id): the record is empty\n"
        "    hint: fill in its fields (see the content schema in README.md)"]


def test_invisible_characters_are_named_not_escaped(content):
    edit(content / VALUES, 'period: "2027"', 'period: "2027\u2028"')
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:5: value 'demo.gdp.2027.target': field 'period' has the malformed value "
        "'2027<U+2028>'\n    hint: a year (YYYY) or a span of years (YYYY-YYYY)"]


def test_a_replaced_translation_is_one_error_per_kind(content):
    write(content / ZH, "## 标题 {#other}\n\n正文\n{: #p9 }\n".encode())
    errors = [e for e in errors_of(content) if "en.md" in e]
    assert errors == [
        "content/documents/plenary-demo/en.md:1: 6 anchors are not in content/documents/plenary-demo/zh.md: 'review', "
        "'review-lead', 'r1', 'r1-1', 'goals' and 1 more\n    hint: zh and en must have the same anchors",
        "content/documents/plenary-demo/en.md:13: missing translation: anchor 'other' "
        "(content/documents/plenary-demo/zh.md:1) has no English block\n"
        "    hint: translate the block with the same anchor",
        "content/documents/plenary-demo/en.md:13: missing translation: anchor 'p9' "
        "(content/documents/plenary-demo/zh.md:3) has no English block\n"
        "    hint: translate the block with the same anchor"]


def test_identical_files_keep_their_own_paths_between_builds(content):
    """The parsed-YAML cache is keyed by file too: the same bytes in another file are other records."""
    from conftest import project_for
    from portal.pipeline import Builder
    builder = Builder(project_for(content), search_index=False)
    site = (content / "site.yaml").read_bytes()
    (content / "site.yaml").write_text("{}")
    with pytest.raises(ContentErrors):
        builder.generate()
    (content / "site.yaml").write_bytes(site)
    (content / "documents/plenary-demo/meta.yaml").write_text("{}")
    with pytest.raises(ContentErrors) as caught:
        builder.generate()
    assert {str(e.src.path) for e in caught.value.errors} == {"content/documents/plenary-demo/meta.yaml"}


# ---- the fuzz harness, a seeded few hundred --------------------------------------------------

@pytest.mark.slow
def test_seeded_mutations_give_only_clean_errors_or_builds():
    from fuzz.runner import fuzz
    report = fuzz(iterations=150, seed=15, timeout=20.0)
    assert report.bugs == 0, report.summary()
    assert report.outcomes["clean-error"] > 0 and report.outcomes["built"] > 0


def test_a_goal_listing_a_mapping_where_an_id_belongs_is_a_clean_error(content):
    """Found by the fuzzer: goals' reference lists go through the same id check as every other list."""
    path = content / "goals.yaml"
    text = path.read_text(encoding="utf-8")
    assert "indicators: [" in text
    path.write_text(text.replace("indicators: [", "indicators: [{a: b}, ", 1), encoding="utf-8")
    errors = errors_of(content)
    assert any("content/goals.yaml:" in e and "must be an id, not a mapping" in e for e in errors), errors


TRICKY_YAML = ["", "a: 1\na: 2\n", "<<: {a: 1}\nb: 2\n", "=: x\n", "- 1\n- 1.5\n- true\n- null\n- 2025-01-01\n- '='\n- =\n",
               "x: 0x" + "f" * 300 + "\n", "k:\n  - [1, 2]\n  - {a: b}\n", "1: a\n2.5: b\ntrue: c\n~: d\n",
               "a: |\n  line\n  two\n", "- - - x\n", "2025-01-01: x\n", "a:\n  b:\n    c: [d, {e: f}]\n",
               "a: 'x'\nb: \"y\\tz\"\nc:\nd: ''\n", "- id: x\n  text: {zh: 一, en: one}\n"]


def _as_built(value):
    """A loaded value with everything the loader adds (files, lines) spelled out, for comparison."""
    from portal.loading import Items, Record
    if isinstance(value, Record):
        return ("record", value.path, value.line, sorted(value.lines.items(), key=repr),
                [(repr(k), _as_built(v)) for k, v in value.items()])
    if isinstance(value, Items):
        return ("items", value.lines, [_as_built(v) for v in value])
    return (type(value).__name__, repr(value))


def _with(construct, text: str):
    from portal import loading
    loader = None
    try:
        loading.screen(text)
        loader = loading._LineLoader(text)
        loader.path, loader.line_of = Path("x.yaml"), loading.LineMap(text)
        return "ok", _as_built(construct(loader))
    except Exception as error:  # noqa: BLE001 (the kind of failure is what is compared)
        return "error", type(error).__name__, str(error)
    finally:
        if loader is not None:
            loader.dispose()


def test_yaml_is_built_exactly_as_pyyamls_constructors_build_it():
    """load_yaml builds text, Records and Items itself (faster): on every content file and odd input
    the result, its lines and its errors are those of PyYAML's own construction."""
    from portal import loading
    ours = lambda loader: (lambda node: loading._build(loader, node) if node is not None else None)(  # noqa: E731
        loader.get_single_node())
    files = [p for folder in (ROOT / "content", FIXTURE) for p in sorted(folder.rglob("*.yaml"))]
    assert len(files) > 20
    for text in [p.read_text(encoding="utf-8") for p in files] + TRICKY_YAML:
        assert _with(ours, text) == _with(lambda loader: loader.get_single_data(), text), text[:200]
