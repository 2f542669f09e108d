"""What the search records hold and how Pagefind is given them (issue 26 item 6): an indicator carries its
values' texts and its name in both languages, a table row is labelled text, disagreements and goals are
records, and the indexed text has no pipes, no ASCII full stop after Chinese, no repeated English. The
last checks read the real site's Pagefind bundle, so they see the text as Pagefind stored it."""
from __future__ import annotations

import gzip
import json
import re

import pytest

from portal import routing, search
from portal.model import LANGS

CJK_THEN_ASCII_STOP = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef%]\.(?!\d)")
BLOCK_ELEMENT = re.compile(r"<(p|div|h[1-6]|li|td|th|tr|section|article|blockquote)\b")


def identity(lang):
    return lambda text: text


def records_of(generated):
    return search.search_records(generated.site, {lang: identity(lang) for lang in LANGS})


def test_an_indicators_search_record_lists_its_values_texts_in_order(fixture_site):
    site = fixture_site.site
    records = records_of(fixture_site)
    for lang in LANGS:
        by_url = {r["url"]: r for r in records if r["language"] == search.PAGEFIND_LANG[lang]}
        for indicator in site.indicators:
            texts = list(dict.fromkeys(v.text[lang] for v in site.values if v.indicator == indicator.id))
            content = by_url[routing.url_for("indicator", lang, indicator.id)]["content"]
            assert content.endswith(("；" if lang == "zh" else "; ").join(texts))
            assert all(text in content for text in texts)
    assert any(v.indicator for v in site.values)


def test_an_indicator_is_named_in_both_languages(fixture_site):
    """The zh GDP record carries "GDP" (its English name), weighted like its Chinese name; and back."""
    records = records_of(fixture_site)
    for indicator in fixture_site.site.indicators:
        for lang, other in (("zh", "en"), ("en", "zh")):
            record = next(r for r in records if r["url"] == routing.url_for("indicator", lang, indicator.id))
            assert record["heading"] == indicator.name[lang]
            assert indicator.name[other] in record["names"] or indicator.name[other] == indicator.name[lang]
            page = search.record_page(record)
            assert f'data-pagefind-weight="{search.TERM_WEIGHT}"' in page


def test_every_disagreement_and_goal_and_their_pages_are_records(fixture_site):
    site = fixture_site.site
    urls = {(r["url"], r["meta"]["kind"]) for r in records_of(fixture_site)}
    assert site.conflicts and site.goals
    for lang in LANGS:
        for conflict in site.conflicts:
            assert (f"{routing.url_for('conflicts', lang)}#conflict-{conflict.id}", "conflict") in urls
        for goal in site.goals:
            assert (f"{routing.url_for('goal', lang, site.chain_root(goal).id)}#goal-{goal.id}", "goal") in urls
        assert (routing.url_for("conflicts", lang), "conflicts") in urls
        assert (routing.url_for("goals", lang), "goals") in urls


@pytest.mark.parametrize(("cells", "headers", "lang", "expected"), [
    ("1 | 推动高质量发展 | 地区生产总值（GDP）增速 | % | 预期性 | 6左右 | 6左右",
     ["序号", "指标类别", "指标名称", "单位", "指标属性", "2024年预期目标", "2024年预计完成情况"], "zh",
     "序号：1；指标类别：推动高质量发展；指标名称：地区生产总值（GDP）增速；单位：%；指标属性：预期性；"
     "2024年预期目标：6左右；2024年预计完成情况：6左右"),
    ("2 |  | per capita GDP | CNY 10,000", ["No.", "Category", "Indicator", "Unit"], "en",
     "No.: 2; Indicator: per capita GDP; Unit: CNY 10,000"),
    ("a | b", ["only one header"], "en", "a; b"),  # headers that do not fit: the cells as a list, no pipes
])
def test_a_table_row_is_labelled_text(cells, headers, lang, expected):
    assert search.row_text(cells, headers, lang) == expected


def test_row_headers_come_from_the_rows_table():
    html = ('<table><thead><tr><th>A <em>x</em></th><th>B&amp;C</th></tr></thead>'
            '<tbody><tr id="t-r1"><td>1</td><td>2</td></tr></tbody></table>'
            '<table><thead><tr><th>D</th></tr></thead><tbody><tr id="u-r1"><td>3</td></tr></tbody></table>')
    assert search.row_headers(html) == {"t-r1": ["A x", "B&C"], "u-r1": ["D"]}


def test_a_record_page_has_no_block_element_and_each_ideograph_a_word():
    """Pagefind ends a block element that has no full stop with an ASCII one ("75%以上."): a record's text
    is in inline elements only. In Chinese each ideograph is a word (zero-width spaces between them);
    English keeps Chinese as written; the other language's name is marked with its lang."""
    zh = search._record("/zh/x/", "zh", "indicator", "现代服务业", "75%以上", heading="现代服务业",
                        names=("Modern services",))
    en = search._record("/en/x/", "en", "goal", "Plan", "", heading="Services at 75%", other="75%以上")
    zh_page, en_page = search.record_page(zh), search.record_page(en)
    for page in (zh_page, en_page):
        body = page.split("<body", 1)[1]
        assert not BLOCK_ELEMENT.search(body), body
    assert "\u200b现\u200b\u200b代\u200b" in zh_page and "\u200b7" not in zh_page
    assert '<span data-pagefind-weight="10" lang="en">Modern services</span>' in zh_page
    assert '<span lang="zh-Hans">75%以上</span>' in en_page


def test_a_record_repeats_no_part(fixture_site):
    """An English goal's record holds its English text once (it was title, heading and content) and its
    Chinese once; a name equal to the heading is not listed again."""
    for record in records_of(fixture_site):
        parts = [record["heading"], *record["names"], record["content"], record["other"]]
        parts = [p for p in parts if p]
        assert len(parts) == len(set(parts)), record


def fragments(site_dir):
    for path in sorted((site_dir / "pagefind" / "fragment").iterdir()):
        data = gzip.decompress(path.read_bytes())
        yield json.loads(data[data.index(b"{"):])


def test_the_real_index_has_no_pipes_no_ascii_stop_after_chinese_and_no_repeats(real_site):
    site_dir, generated = real_site
    seen = {"zh-hans": 0, "en": 0}
    kinds = set()
    for fragment in fragments(site_dir):
        content = fragment["content"].replace("\u200b", "")
        target = fragment["meta"]["target"]
        kinds.add(fragment["meta"]["kind"])
        assert "|" not in content, (target, content)
        if target.startswith("/zh/"):
            seen["zh-hans"] += 1
            assert not CJK_THEN_ASCII_STOP.search(content), (target, content)
        else:
            seen["en"] += 1
        names = json.loads(fragment["meta"]["names"])
        if names[0] and fragment["meta"]["kind"] in ("goal", "conflict", "indicator"):
            assert content.count(names[0]) == 1, (target, content)
    assert seen["zh-hans"] > 1000 and seen["en"] > 1000
    assert {"document", "indicator", "term", "goal", "conflict", "theme", "goals", "conflicts"} <= kinds


def test_the_zh_gdp_record_carries_gdp_and_annex_rows_are_labelled(real_site):
    site_dir, _ = real_site
    by_target = {f["meta"]["target"]: f for f in fragments(site_dir)}
    gdp = by_target["/zh/indicators/gdp/"]
    assert "GDP" in json.loads(gdp["meta"]["names"])
    row = by_target["/zh/documents/plan2025-report/#annex-1-r1"]["content"].replace("\u200b", "")
    assert "指标名称：地区生产总值（GDP）增速" in row and "2024年预期目标：6左右" in row
    row = by_target["/en/documents/plan2025-report/#annex-1-r1"]["content"]
    assert "Indicator: GDP growth" in row and "Expected target for 2024: about 6" in row
