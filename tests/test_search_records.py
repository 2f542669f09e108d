"""An indicator's search record lists the texts of its values in the site's order, each once (the values
are grouped by indicator once per build, not searched per indicator)."""
from __future__ import annotations

from portal import routing, search
from portal.model import LANGS


def test_an_indicators_search_record_lists_its_values_texts_in_order(fixture_site):
    site = fixture_site.site
    records = search.search_records(site, {lang: (lambda text: text) for lang in LANGS})
    for lang in LANGS:
        by_url = {r["url"]: r for r in records if r["language"] == search.PAGEFIND_LANG[lang]}
        for indicator in site.indicators:
            texts = list(dict.fromkeys(v.text[lang] for v in site.values if v.indicator == indicator.id))
            content = by_url[routing.url_for("indicator", lang, indicator.id)]["content"]
            assert content.endswith(("；" if lang == "zh" else "; ").join(texts))
            assert all(text in content for text in texts)
    assert any(v.indicator for v in site.values)
