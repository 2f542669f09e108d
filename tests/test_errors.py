"""One test per class of content error, asserting the exact `path:line: message` an editor sees."""
from __future__ import annotations

import pytest

from conftest import edit, generate, run_cli
from portal.errors import ContentErrors

VALUES = "values/plenary-demo.yaml"
ZH = "documents/plenary-demo/zh.md"
EN = "documents/plenary-demo/en.md"


def errors_of(content) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        generate(content)
    return [str(e) for e in caught.value.errors]


def test_yaml_syntax_error_names_file_and_line(content):
    edit(content / VALUES, "  kind: target\n", "  kind: [target\n")
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:5: YAML syntax: did not find expected ',' or ']'\n"
        "    hint: check indentation, colons and quotes on this line and the one above"]


def test_missing_field(content):
    edit(content / VALUES, '  period: "2027"\n', "")
    assert errors_of(content) == ["content/values/plenary-demo.yaml:1: value 'demo.gdp.2027.target': "
                                  "missing field 'period'\n    hint: a year (YYYY) or a span of years (YYYY-YYYY)"]


def test_mistyped_field(content):
    edit(content / VALUES, "  number: 2100\n", "  number: [2100]\n")
    assert errors_of(content) == ["content/values/plenary-demo.yaml:7: value 'demo.gdp.2027.target': "
                                  "field 'number' must be a number, not a list"]


def test_malformed_period(content):
    edit(content / VALUES, 'period: "2027"', 'period: "2027年"')
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:5: value 'demo.gdp.2027.target': field 'period' has the malformed "
        "value '2027年'\n    hint: a year (YYYY) or a span of years (YYYY-YYYY)"]


def test_unknown_field_suggests_the_right_one(content):
    edit(content / VALUES, "  kind: target\n", "  knd: target\n")
    assert errors_of(content) == [  # one mistake, one error: not also "missing field 'kind'"
        "content/values/plenary-demo.yaml:4: value 'demo.gdp.2027.target': unknown field 'knd'\n"
        "    hint: did you mean 'kind'?"]


def test_unknown_reference(content):
    edit(content / VALUES, "  indicator: gdp\n", "  indicator: gpd\n")
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:2: value 'demo.gdp.2027.target': unknown indicator 'gpd'\n"
        "    hint: define it under content/indicators/"]


def test_duplicate_id(content):
    edit(content / VALUES, "- id: demo.software-enterprises.2022.outcome", "- id: demo.gdp.2027.target")
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:12: duplicate value id 'demo.gdp.2027.target' "
        "(first at content/values/plenary-demo.yaml:1)\n    hint: ids must be unique"]


def test_source_anchor_not_found(content):
    edit(content / VALUES, "anchor: g1-p1", "anchor: g1-p9")
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:10: value 'demo.gdp.2027.target': anchor 'g1-p9' not found in "
        "document 'plenary-demo'\n    hint: use an anchor from the document's zh.md"]


def test_quote_not_found_in_cited_paragraph(content):
    edit(content / VALUES, "quote: 地区生产总值迈上2100亿元台阶", "quote: 地区生产总值迈上2000亿元台阶")
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:6: value 'demo.gdp.2027.target': text '迈上2100亿元台阶' is not in "
        "its quote\n    hint: the value text must be words of the quote",
        "content/values/plenary-demo.yaml:11: value 'demo.gdp.2027.target': quote not found in paragraph "
        "'g1-p1' of 'plenary-demo'\n    hint: copy the words verbatim from zh.md"]


def test_number_must_match_its_text(content):
    edit(content / VALUES, "  number: 2100\n", "  number: 2000\n")
    assert errors_of(content) == [
        "content/values/plenary-demo.yaml:7: value 'demo.gdp.2027.target': number 2000 does not match "
        "'迈上2100亿元台阶' (expected 2100 亿元)"]


def test_anchors_misaligned_between_languages(content):
    edit(content / EN, "{: #g1-p1 }", "{: #g1-p2 }")
    assert errors_of(content) == [
        "content/documents/plenary-demo/en.md:13: anchor 'g1-p2' is not in content/documents/plenary-demo/zh.md\n"
        "    hint: zh and en must have the same anchors",
        "content/documents/plenary-demo/en.md:13: missing translation: anchor 'g1-p1' "
        "(content/documents/plenary-demo/zh.md:13) has no English block\n"
        "    hint: translate the block with the same anchor"]


def test_missing_translation_of_a_field(content):
    edit(content / "indicators/main.yaml", "name: {zh: 地区生产总值, en: GDP}", "name: {zh: 地区生产总值}")
    assert errors_of(content) == [
        "content/indicators/main.yaml:3: indicator 'gdp': missing translation 'name.en'\n"
        "    hint: add the English: 'en: …'"]


def test_numbers_must_carry_over_into_english(content):
    edit(content / EN, "**CNY 210 billion**", "**CNY 200 billion**")
    assert errors_of(content) == [
        "content/documents/plenary-demo/en.md:13: block 'g1-p1' lacks numbers of its zh text: 2100亿\n"
        "    hint: carry every figure over (magnitudes may be converted: 2000亿 -> 200 billion)"]


def test_glossary_term_needs_its_english(content):
    edit(content / EN, "“Seven Renewals”", "“Seven New Things”")
    assert errors_of(content) == [
        "content/documents/plenary-demo/en.md:3: block 'review-lead' translates glossary term 七新 without "
        "its English 'Seven Renewals'\n    hint: use the glossary's rendering"]


def test_chinese_in_english_must_be_marked(content):
    edit(content / EN, '(*七新*{: lang="zh-Hans" })', "(七新)")
    assert errors_of(content) == [
        "content/documents/plenary-demo/en.md:3: Chinese characters in English block 'review-lead'\n"
        "    hint: mark Chinese as *…*{: lang=\"zh-Hans\" }"]


def test_raw_html_is_rejected(content):
    edit(content / ZH, "{: #g1-p1 }", "{: #g1-p1 }\n\n<script>alert(1)</script>")
    assert errors_of(content) == [
        "content/documents/plenary-demo/zh.md:16: raw HTML is not allowed: <script>\n"
        "    hint: write it in Markdown; attributes go in {: … } lists"]


def test_event_handler_attributes_are_rejected(content):
    edit(content / ZH, "{: #g1-p1 }", '{: #g1-p1 onclick="alert(1)" }')
    assert errors_of(content) == [
        'content/documents/plenary-demo/zh.md:14: attribute onclick="alert(1)" is not allowed\n'
        "    hint: only id, class and lang may be set with {: … }"]


def test_paragraph_without_anchor(content):
    edit(content / ZH, "{: #review-lead }\n", "")
    errors = errors_of(content)
    assert "content/documents/plenary-demo/zh.md:3: paragraph has no anchor: '大力推进“七新”，取得新进展新成效…'\n" \
           "    hint: add a line '{: #some-anchor }' directly under the paragraph" in errors


def test_all_errors_of_a_run_are_reported_together(content):
    edit(content / VALUES, "  indicator: gdp\n", "  indicator: gpd\n")
    edit(content / "glossary.yaml", "anchor: review-lead", "anchor: nowhere")
    assert len(errors_of(content)) == 2


@pytest.mark.slow
def test_cli_reports_errors_without_traceback_and_fails(content, tmp_path):
    edit(content / VALUES, "  indicator: gdp\n", "  indicator: gpd\n")
    result = run_cli("--content", str(content), "build", "--out", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("content/values/plenary-demo.yaml:2: value 'demo.gdp.2027.target': "
                                    "unknown indicator 'gpd'")
    # the conflict citing the value is not reported again
    assert result.stderr.rstrip().endswith("1 error(s); 1 further problem(s) not reported: they follow from the "
                                           "errors above; nothing was written.")
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("where, old, new, expected", [
    ("documents/plenary-demo/en.md", "past year’s work", "past year's work",
     "content/documents/plenary-demo/en.md:1: straight apostrophe in English block 'review'"),
    ("glossary.yaml", "people’s well-being", "people's well-being",
     "content/glossary.yaml:5: term 'seven-renewals': straight apostrophe in 'definition.en'"),
    ("categories.yaml", "documents’ text", "documents' text",
     "content/categories.yaml:4: category 'narrative': straight apostrophe in 'name.en'"),
])
def test_english_uses_the_typographic_apostrophe(content, where, old, new, expected):
    edit(content / where, old, new)
    assert expected in "\n".join(errors_of(content))


@pytest.mark.slow
@pytest.mark.parametrize("arguments", [("check", "--figures", "plan2025-report"), ("translations", "status")])
def test_a_reader_that_stops_early_is_no_error(arguments):
    """`build.py … | head`: the reader closes the pipe, whether the output is long (the write fails) or short
    (the flush at exit fails): a quiet stop, no 'internal error', no traceback."""
    import subprocess
    import sys
    from conftest import ROOT
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *arguments], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert error == ""
