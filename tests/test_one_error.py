"""Issue 22, one error per mistake: follow-on errors of one mistake are not reported, and each error is at
its exact line."""
from __future__ import annotations

from conftest import edit
from test_hostile import render
from test_robust import VALUES, errors_of


def test_a_misspelt_field_is_one_error(content):
    edit(content / "categories.yaml", "  name: {zh: 推动高质量发展", "  nmae: {zh: 推动高质量发展")
    assert errors_of(content) == ["content/categories.yaml:2: category 'quality-development': unknown field 'nmae'\n"
                                  "    hint: did you mean 'name'?"]


def test_a_renamed_category_is_one_error_not_one_per_indicator(content):
    edit(content / "categories.yaml", "- id: narrative\n", "- id: narative\n")
    assert errors_of(content) == ["content/indicators/main.yaml:2: indicator 'gdp': unknown category 'narrative'\n"
                                  "    hint: did you mean 'narative'?"]


def test_the_indicators_of_an_invalid_category_are_not_reported_again(content):
    edit(content / "categories.yaml", "  name: {zh: 正文中的其他指标", "  name: {zh: 正文中的其他指标, fr: x")
    errors = errors_of(content)
    assert len(errors) == 1 and errors[0].startswith("content/categories.yaml:4: category 'narrative': ")


def _headline_gdp(content) -> None:
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "  indicators: [gdp]\n", encoding="utf-8")


def test_the_headline_panel_does_not_repeat_an_invalid_indicator(content):
    _headline_gdp(content)
    edit(content / "indicators/main.yaml", "  unit: {zh: 亿元, en: CNY 100 million}\n", "  unit: {zh: 亿元}\n")
    errors = errors_of(content)
    assert len(errors) == 1 and errors[0].startswith("content/indicators/main.yaml:4: indicator 'gdp': ")


def test_the_headline_panel_does_not_repeat_a_broken_values_file(content):
    _headline_gdp(content)
    edit(content / VALUES, "  kind: target\n", "  kind: [target\n")
    errors = errors_of(content)
    assert len(errors) == 1 and errors[0].startswith("content/values/plenary-demo.yaml:")


def test_the_same_mistake_twice_is_reported_at_each_line():
    text = ("## A {#a}\n\nsee javascript:alert(1) in text\n{: #p1 }\n\n[x](javascript:alert(1))\n{: #p2 }\n\n"
            "[y](javascript:alert(1)) and ![i](/a.png)\n{: #p3 }\n\n![j](/a.png) &#x1b; &#x1b;\n{: #p4 }\n\n"
            "z &#x1b;\n{: #p5 }\n")
    body, errors = render(text)
    assert sorted((e.src.line, e.message) for e in errors) == [
        (6, "link 'javascript:alert(1)' is not allowed"), (9, "image '/a.png' is not allowed"),
        (9, "link 'javascript:alert(1)' is not allowed"),
        (12, "character reference &#x1b; names a control or invisible character"),
        (12, "character reference &#x1b; names a control or invisible character"),
        (12, "image '/a.png' is not allowed"),
        (15, "character reference &#x1b; names a control or invisible character")]


def test_a_document_with_body_errors_is_not_compared_or_cited(content):
    edit(content / "documents/plenary-demo/zh.md", "{: #review-lead }", "{: review-lead }")
    assert errors_of(content) == [
        "content/documents/plenary-demo/zh.md:3: paragraph has no anchor: '大力推进“七新”，取得新进展新成效…'\n"
        "    hint: add a line '{: #some-anchor }' directly under the paragraph",
        "content/documents/plenary-demo/zh.md:4: attribute review-lead is not allowed\n"
        "    hint: only id, class and lang may be set with {: … }"]
