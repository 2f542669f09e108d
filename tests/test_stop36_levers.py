"""The page stage's and the serial stages' levers of issue 21 item 6, stop 36: each gives what the code it
replaces gave, checked against that code."""
from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from conftest import real
from portal import blocks, i18n, pages, routing, safety
from portal.errors import ContentError, ContentErrors, SourceRef
from portal.routing import other_lang, output_path, url_for


def old_check_alternates(rendered, files, base_url, html_lang) -> None:
    """check_alternates as it was: each page decoded, then searched as a str."""
    errors = []
    for page in rendered:
        twin = url_for(page.kind, other_lang(page.lang), page.key)
        if output_path(twin) not in files:
            errors.append(ContentError(SourceRef(page.origin), f"{page.url} switches language to {twin}, "
                                       "which is not built"))
            continue
        html = files[output_path(page.url)].decode("utf-8")
        if f'href="{twin}" hreflang=' not in html:
            errors.append(ContentError(SourceRef(page.origin), f"{page.url} has no language switch to {twin}"))
        for lang, target in ((page.lang, page.url), (other_lang(page.lang), twin)):
            if f'hreflang="{html_lang[lang]}" href="{base_url}{target}"' not in html:
                errors.append(ContentError(SourceRef(page.origin), f"{page.url} has no alternate link to {target}"))
    if errors:
        raise ContentErrors(errors)


def alternates_errors(check, rendered, files, base_url) -> list[str] | None:
    try:
        check(rendered, files, base_url, i18n.HTML_LANG)
    except ContentErrors as errors:
        return [str(error) for error in errors.errors]
    return None


def test_the_language_links_are_checked_in_the_pages_bytes_as_they_were_in_their_text(fixture_site):
    rendered = [p for p in pages.assemble(fixture_site.site, Path("content")) if output_path(p.url) in fixture_site.files]
    base_url, files = fixture_site.site.model.base_url, fixture_site.files
    assert alternates_errors(routing.check_alternates, rendered, files, base_url) is None
    rng, cases = random.Random(36), []
    for page in rng.sample(rendered, 12):  # a link taken out, cut in two, written with another address
        path = output_path(page.url)
        for old in (b'hreflang="zh-Hans"', b'hreflang="en"', b'" hreflang=', base_url.encode(), b"/zh/", b"/en/"):
            for new in (b"", "中文".encode(), b"x"):
                if old in files[path]:
                    cases.append({**files, path: files[path].replace(old, new, rng.randint(1, 3))})
    assert len(cases) > 100
    for case in cases:
        assert alternates_errors(routing.check_alternates, rendered, case, base_url) == \
            alternates_errors(old_check_alternates, rendered, case, base_url)
    chinese = [p for p in rendered if p.lang == "zh"]  # their twins not built
    no_twins = {path: data for path, data in files.items() if not path.startswith("en/")}
    assert alternates_errors(routing.check_alternates, chinese, no_twins, base_url) == \
        alternates_errors(old_check_alternates, chinese, no_twins, base_url) != None
    # an address outside ASCII: its UTF-8 is looked for, as the text was
    page = rendered[0]
    moved = {path: data.replace(base_url.encode(), "https://例子.中国".encode()) for path, data in files.items()}
    assert alternates_errors(routing.check_alternates, rendered, moved, "https://例子.中国") is None
    assert alternates_errors(routing.check_alternates, [page], moved, base_url) == \
        alternates_errors(old_check_alternates, [page], moved, base_url) != None


def test_script_json_is_what_the_translation_table_gave():
    """script_json replaces the five characters one after the other (was str.translate, slow outside ASCII)."""
    table = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})
    rng = random.Random(36)
    alphabet = "<>&\u2028\u2029\\u003c/script!--\"'中文　a\n\t\x00"
    for _ in range(3000):
        data = {"".join(rng.choices(alphabet, k=3)): ["".join(rng.choices(alphabet, k=rng.randint(0, 30))), 1, None]}
        assert safety.script_json(data) == safety.json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(table)


def test_anchored_blocks_are_what_the_whole_pattern_finds(fixture_site):
    """blocks.anchored finds the end of a block by str.find (the lazy group of _ANCHORED tried the closing tag
    at every character): the same blocks, for every real and fixture body, hostile ones and random ones."""
    bodies = [d.bodies[lang].html for site in (fixture_site.site, real().site) for d in site.documents
              for lang in ("zh", "en")]
    bodies += ['<p id="a">one</p><p id="b">two', '<li id="x"><p id="y">in</p></li><p id="z">after</p>',
               '<p id="a>b">x</p>', '<p id="a" data-id="b">x</p>', '<p id="a" title="</p>">x</p>y</p>',
               '<h2 id="h">t</h3></h2><tr id="r"><td>1</td></tr>', '<pre id="no">x</pre><p id="">x</p>',
               '<p id="a">x', '<p\nid="a">x</p>', '<P id="a">x</P>', '<p id="a" id="b">x</p>', '']
    rng, pieces = random.Random(36), ['<p', '<li', '<h2', '<tr', ' id="', 'a', '"', '>', '</p>', '</li>', '</h2>',
                                      '</tr>', '<p id="q">', 'x', ' ', '\n', '<', 'id="b"', ' data-id="c"']
    bodies += ["".join(rng.choices(pieces, k=rng.randint(1, 40))) for _ in range(3000)]
    for html in bodies:
        assert list(blocks.anchored(html)) == [(m.group(2), m.group(3)) for m in blocks._ANCHORED.finditer(html)]
    assert sum(1 for html in bodies[-3000:] if list(blocks.anchored(html))) > 300  # the random ones find some


def test_a_pages_title_and_description_blocks_are_rendered_once(fixture_site, monkeypatch):
    """base.html renders the title and description blocks once each, into page_title and page_description, and
    outputs those where it showed the blocks (self.title() rendered each a second time): the same bytes."""
    from conftest import first_fixture_build
    from portal import incremental, rendering
    builder, _ = first_fixture_build()
    environments = builder.pending[0]
    site, states = fixture_site.site, fixture_site.translations
    chosen = [p for p in pages.assemble(site, Path("content")) if p.kind in ("document", "parallel", "home")]
    for page in chosen:
        env, calls = environments[page.lang], []
        for template in (env.get_template(page.template), env.get_template("base.html")):
            for name in ("title", "description"):
                if name in template.blocks:  # the page's own, else the layout's
                    monkeypatch.setitem(template.blocks, name, lambda context, _b=template.blocks[name], _n=name:
                                        calls.append(_n) or _b(context))
        html = rendering.render_page(environments, page, incremental.SiteView(site, states))
        monkeypatch.undo()
        assert sorted(calls) == ["description", "title"], page.url
        assert html.encode() == fixture_site.files[output_path(page.url)]


def test_the_record_pages_chunks_shrink_towards_the_end(fixture_site):
    """Record pages go out in chunks of at most 1/16 of a worker's share, shrinking to a few pages at the end:
    the last worker to finish ends soon after the other, and this process has few pages left to take in."""
    from portal import parallel
    assembled = pages.assemble(fixture_site.site, Path("content"))
    many = [dataclasses.replace(assembled[i % len(assembled)], key=f"{i:05d}") for i in range(8400)]
    for todo in (assembled, many):
        records = sum(1 for page in todo if page.key)
        chunks = [chunk for chunk in parallel.schedule(todo, 2) if todo[chunk[0]].key]
        sizes = [len(chunk) for chunk in chunks]
        assert sorted(i for chunk in chunks for i in chunk) == sorted(i for i, p in enumerate(todo) if p.key)
        assert sizes == sorted(sizes, reverse=True) and sizes[0] <= -(-records // 32)
        assert sizes[-1] <= parallel.LAST_CHUNK and sum(sizes[-8:]) <= 8 * parallel.LAST_CHUNK + 16
    assert len(chunks) < 80 and sizes[0] == 263


def old_book_ids(html: str, prefix: str) -> str:
    import re
    html = re.sub(r' id="([^"]+)"', lambda m: f' id="{prefix}-{m.group(1)}"', html)
    return re.sub(r' href="#([^"]+)"', lambda m: f' href="#{prefix}-{m.group(1)}"', html)


def test_book_ids_are_what_the_two_substitutions_made(fixture_site):
    """rendering.book_ids joins the body's parts at each id and #link with the prefix when every one is followed
    by its value and quote, else substitutes as before: the same text for every body, hostile and random ones."""
    from portal import rendering
    bodies = [d.bodies[lang].html for site in (fixture_site.site, real().site) for d in site.documents
              for lang in ("zh", "en")]
    bodies += ['<p id="">x</p><a href="#">y</a>', '<p id="a id="b">', '<p id="a', ' href="#x id="y"', 'no ids']
    rng, pieces = random.Random(36), [' id="', ' href="#', '"', 'a', ' ', '#', 'id=', '\n', '中']
    bodies += ["".join(rng.choices(pieces, k=rng.randint(0, 30))) for _ in range(5000)]
    for html in bodies:
        for prefix in ("doc-1", "a\\1", '"'):
            assert rendering.book_ids(html, prefix) == old_book_ids(html, prefix)


def test_a_site_without_editions_answers_the_same_without_its_records_digests(fixture_site, monkeypatch):
    """publishing.timeline takes no record digests when there is no edition: every answer of the timeline is
    the one it gave with them (the bench corpus has no editions: 0.1-0.2 s of serial work at N=2000)."""
    from portal import editions, publishing
    site = fixture_site.site
    full = editions.Timeline([], editions.record_digests(site))
    monkeypatch.setattr(editions, "record_digests", lambda *args: pytest.fail("digests taken"))
    bare = publishing.timeline(site, [])
    keys = [editions.document_keys(d.id) for d in site.documents] + [{f"goal/{g.id}"} for g in site.goals] + \
        [editions.indicator_keys(i.id, [v.id for v in site.values if v.indicator == i.id]) for i in site.indicators]
    assert keys and all(bare.last_change(k) == full.last_change(k) for k in keys)
    assert all(bare.touching(k) == full.touching(k) for k in keys)
    assert (bare.pending, bare.latest, bare.newest_first()) == (full.pending, full.latest, full.newest_first())
