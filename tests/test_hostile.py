"""Reproducers for issue 22 (hostile input, round two): inline syntaxes in linear time, no control or
format characters in the output, no traceback (one error per mistake: test_one_error.py)."""
from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from markdown.extensions.attr_list import AttrListTreeprocessor

from conftest import ROOT, edit, generate, start_preview
from test_robust import EN, VALUES, errors_of
from portal.editmarks import apply_edit_marks, find_edit_marks, undo_edit_marks
from portal.errors import ContentErrors, quote
from portal.anchored import heading_list
from portal.markup import Renderer

SHOWN = Path("content/documents/x/en.md")
LINE_LIMIT = 20_000

# The pattern the marks were found with before: cubic on '{~~a~>' repeated, kept here as the reference
# for what a mark is on inputs without nested openers
_OLD_MARK = re.compile(r"\{\+\+(?P<added>.+?)\+\+\}|\{--(?P<dropped>.+?)--\}|\{~~(?P<source>.*?)~>(?P<edition>.*?)~~\}")


def render(text: str, lang: str = "en"):
    return Renderer(lang, "¶").render(text, SHOWN)


# ---- 4. inline syntaxes in linear time ------------------------------------------------------

def test_edit_marks_are_found_as_the_old_pattern_found_them():
    rng = random.Random(22)
    pieces = ["{++", "++}", "{--", "--}", "{~~", "~>", "~~}", "a", "b c", "+", "-", "~", "{", "}", ">"]
    compared = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        old = list(_OLD_MARK.finditer(text))
        if any(re.search(r"\{(\+\+|--|~~)", m.group(0)[1:]) for m in old):
            continue  # a mark holding another opener: no longer a mark (it would print the opener as text)
        compared += 1
        assert [(m.start, m.end) for m in find_edit_marks(text)] == [(m.start(), m.end()) for m in old], text
        assert undo_edit_marks(text) == _OLD_MARK.sub(lambda m: m.group("dropped") or m.group("source") or "", text)
        assert apply_edit_marks(text) == _OLD_MARK.sub(lambda m: m.group("added") or m.group("edition") or "", text)
    assert compared > 2000


def test_a_mark_ends_on_its_line_and_before_the_next_opener():
    assert [(m.edition, m.reading) for m in find_edit_marks("{~~a~>b~~} {++c\n++} {--d {++e++}")] == \
        [("b", "a"), ("e", "")]


# One line of each inline syntax of the engine's own (and of the Markdown around them), repeated to the
# line limit: each must render in well under a second. A subprocess with a generous time limit keeps a
# regression from hanging the suite (the cubic mark pattern took 27 s for 800 repeats, hours at the limit).
ADVERSARIAL_UNITS = ["{~~a~>", "{~~a~~}", "{++a", "{--a-", "{++a++}", "{--a--}", "{~~a~>b~~}", "~>~~}{~~",
                     "{++`a`", "{: #a ", "{#a", "[^a", "[^a]", "&amp;", "&#", "(中", " (中) ", "*a", "`a"]
ADVERSARIAL_BLOCKS = ["[\n\n", "[^\n\n", "[^a]:\n\n", "# {#a\n\n"]
_ADVERSARIAL_RUN = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from portal.markup import Renderer
    from portal.typography import without_chinese_glosses
    ADVERSARIAL_UNITS, ADVERSARIAL_BLOCKS, LINE_LIMIT = eval(sys.argv[2])
    renderer = Renderer("en", "¶")
    slowest = 0.0
    for unit in ADVERSARIAL_UNITS:
        line = (unit * (LINE_LIMIT // len(unit) + 1))[:LINE_LIMIT - 10]
        for text in (f"## A {{#a}}\\n\\nx {line}\\n{{: #p1 }}\\n\\n## B {{#b}}\\n", f"## A {line} {{#a}}\\n\\n## B {{#b}}\\n"):
            started = time.perf_counter()
            renderer.render(text, Path("x.md"))
            without_chinese_glosses(line)
            slowest = max(slowest, time.perf_counter() - started)
    for block in ADVERSARIAL_BLOCKS:
        text = "## A {#a}\\n\\n" + block * (2 * LINE_LIMIT // len(block)) + "## B {#b}\\n"
        started = time.perf_counter()
        renderer.render(text, Path("x.md"))
        slowest = max(slowest, time.perf_counter() - started)
    print(f"slowest {slowest:.2f} s")
''')


@pytest.mark.slow  # seconds of rendering in a child process (each syntax at the line limit)
def test_every_inline_syntax_repeated_to_the_line_limit_renders_at_once():
    result = subprocess.run([sys.executable, "-c", _ADVERSARIAL_RUN, str(ROOT),
                             repr((ADVERSARIAL_UNITS, ADVERSARIAL_BLOCKS, LINE_LIMIT))], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("slowest ")


def test_a_code_span_in_an_edit_mark_shows_its_text_not_a_placeholder():
    body, errors = render("## A {#a}\n\nx {~~`old`~>new~~} and {++`added`++}\n{: #p1 }\n")
    assert errors == []
    assert "\x02" not in body.html and "klzzwxh" not in body.html
    assert 'data-source-reading="old"' in body.html
    assert [(edition, reading) for _, edition, reading in body.edits] == [("new", "old"), ("added", "")]


def test_a_key_that_is_not_an_anchor_is_named_as_written(content):
    """`null:` in en.sources.yaml is YAML's None: the message says null, never Python's repr."""
    sources = content / "documents/plenary-demo" / "en.sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace("review:", "null:", 1), encoding="utf-8")
    with pytest.raises(ContentErrors) as raised:
        generate(content)
    messages = [str(e) for e in raised.value.errors]
    assert any("the key null is not a block's anchor" in m for m in messages), messages
    assert not any("None" in m for m in messages), messages


def test_heading_attribute_lists_are_found_as_attr_list_finds_them_in_linear_time():
    """The block reader's heading list (sections, translations export/import, messages' lines) is the one
    attr_list's HEADER_RE finds: same start, same inside. That regex, like the lazy pattern segments.py
    used before, is quadratic on a long heading line; the reader walks the line once."""
    rng = random.Random(21)
    pieces = ["#", "#", "{", "}", ":", " ", "a", "b-", "{#", "{: #", "}  ", " .c", "{:}", " {:"]
    for _ in range(20000):
        words = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 14)))
        found = AttrListTreeprocessor.HEADER_RE.search(words)
        assert heading_list(words) == ((found.start(), found.group(1)) if found else None), words
    for words in (" " * 20000 + "x", "{#a " * 5000, " {" * 10000, " {:" * 10000 + "}"):
        started = time.perf_counter()
        heading_list(words)
        assert time.perf_counter() - started < 0.05


# ---- 5. control and format characters, ids, alignment --------------------------------------

@pytest.mark.parametrize("escape, code", [("\\0", "0000"), ("\\x1b", "001B"), ("\\x85", "0085"), ("\\u009b", "009B")])
def test_yaml_escapes_for_control_characters_are_refused_at_their_line(content, escape, code):
    edit(content / VALUES, "  kind: target\n", f'  kind: "tar{escape}get"\n')
    assert errors_of(content) == [f"content/values/plenary-demo.yaml:4: control character U+{code} is not allowed\n"
                                  "    hint: remove the escape that writes it"]


def test_yaml_escape_in_a_key_is_refused(content):
    edit(content / VALUES, "  kind: target\n", '  kind: target\n  "k\\x07": x\n')
    assert errors_of(content)[0].startswith("content/values/plenary-demo.yaml:5: control character U+0007")


@pytest.mark.parametrize("written", ["\u202e", '"\\u202e"', '"\\u2066"'])
def test_bidirectional_controls_are_refused_in_yaml(content, written):
    edit(content / VALUES, "  kind: target\n", f"  kind: {written}\n")
    code = "2066" if "2066" in written else "202E"
    assert errors_of(content)[0].startswith(f"content/values/plenary-demo.yaml:4: bidirectional control character "
                                            f"U+{code} is not allowed")


def test_bidirectional_controls_are_refused_in_markdown(content):
    edit(content / EN, "and making new progress", "and making [new\u202egress](https://example.org) progress")
    assert errors_of(content) == ["content/documents/plenary-demo/en.md:3: bidirectional control character U+202E "
                                  "is not allowed\n    hint: delete it (most editors do not show it)"]


@pytest.mark.parametrize("reference", ["&#x1b;", "&#27;", "&#x202E;", "&#0;", "&#xFFFE;", "&#x110000;", "&#xd800;"])
def test_character_references_to_control_characters_are_refused_at_their_line(reference):
    body, errors = render(f"## A {{#a}}\n\nok\n{{: #p1 }}\n\nbad {reference} here\n{{: #p2 }}\n")
    assert [str(e) for e in errors] == [f"{SHOWN}:6: character reference {reference} names a control or invisible "
                                        "character\n    hint: delete it"]


def test_entities_are_text_not_raw_html():
    body, errors = render("## A {#a}\n\nAT&amp;T, 1&nbsp;000 &mdash; &#8212; &#x4E2D; &unknown;\n{: #p1 }\n")
    assert errors == []
    assert "AT&amp;T, 1&nbsp;000 &mdash; &#8212; &#x4E2D; &unknown;" in body.html


def test_an_image_is_reported_at_its_line():
    body, errors = render("## A {#a}\n\nok\n{: #p1 }\n\nsee ![chart](/static/chart.png)\n{: #p2 }\n")
    assert [str(e) for e in errors] == [f"{SHOWN}:6: image '/static/chart.png' is not allowed\n"
                                        "    hint: documents show no images; link to the file instead: [title](path)"]


@pytest.mark.parametrize("text", ["[li\u200bnk](/x)", "[li&#x200b;nk](/x)", "[\ufeffhome](/x)", "[a\u2060b](/x)"])
def test_invisible_characters_in_link_text_are_refused(text):
    body, errors = render(f"## A {{#a}}\n\nok\n{{: #p1 }}\n\n{text}\n{{: #p2 }}\n")
    assert len(errors) == 1 and str(errors[0]).startswith(f"{SHOWN}:6: invisible character in link text '")


def test_an_inline_id_the_page_uses_is_refused():
    body, errors = render("## A {#a}\n\nx *y*{: #main } z\n{: #p1 }\n")
    assert [str(e) for e in errors] == [f"{SHOWN}:3: anchor 'main' is an id the page itself uses\n"
                                        "    hint: rename it, e.g. 'p12' or 'part-3'"]


def test_an_inline_id_repeating_a_block_anchor_is_refused():
    body, errors = render("## A {#a}\n\nx *y*{: #notice-p2 }\n{: #p1 }\n\nz\n{: #notice-p2 }\n")
    assert [str(e) for e in errors] == [f"{SHOWN}:6: duplicate anchor 'notice-p2' (first on line 3)\n"
                                        "    hint: give each block its own anchor"]


def test_a_repeated_block_anchor_is_named_at_each_repeat():
    body, errors = render("## A {#a}\n\nx\n{: #p1 }\n\ny\n{: #p1 }\n\nz\n{: #p1 }\n")
    assert [e.src.line for e in errors] == [6, 9]
    assert all(e.message == "duplicate anchor 'p1' (first on line 3)" for e in errors)


def test_page_ids_are_those_the_templates_use():
    from portal.safety import PAGE_IDS
    literal = {m.group(1) for path in (ROOT / "templates").glob("*.html")
               for m in re.finditer(r'\bid="([^"{]+)"', path.read_text(encoding="utf-8"))}
    assert PAGE_IDS == literal


def test_table_alignment_is_a_class_not_a_style():
    body, errors = render("## A {#a}\n\n| a | b | c |\n|:--|--:|:-:|\n| 1 | 2 | 3 |\n")
    assert errors == [] and "style=" not in body.html
    assert '<td class="align-left">1</td>' in body.html and '<td class="align-right">2</td>' in body.html and \
        '<td class="align-center">3</td>' in body.html
    css = (ROOT / "static" / "style.css").read_text(encoding="utf-8")
    assert "td.align-right { text-align: right; }" in css.replace("th.align-right, ", "")


def test_a_style_attribute_is_refused_even_as_tables_wrote_it():
    body, errors = render('## A {#a}\n\nx\n{: #p1 style="text-align: left;" }\n')
    assert [str(e) for e in errors] == [f'{SHOWN}:4: attribute style="text-align: left;" is not allowed\n'
                                        "    hint: only id, class and lang may be set with {: … }"]


# ---- 6. no traceback: Ctrl-C, Host headers ---------------------------------------------------

def _interrupt_after(seconds: float, *args: str) -> subprocess.CompletedProcess:
    """Run build.py in its own process group and press Ctrl-C (SIGINT to the group, as a terminal does)."""
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
    time.sleep(seconds)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.slow  # build.py in a child process
def test_ctrl_c_during_a_build_is_one_line_and_exit_130(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "kept.html").write_text("the previous site")
    result = _interrupt_after(4, "build", "--out", str(site), "--cache", str(tmp_path / "cache"))
    # stages finished before the signal may have said so (`pages: 820/820 in 1.5 s`); then one line, no traceback
    assert (result.returncode, result.stderr.splitlines()[-1]) == (130, "build.py: interrupted; the previous site is as it was")
    assert "Traceback" not in result.stderr and result.stderr.count("interrupted") == 1
    assert (site / "kept.html").read_text() == "the previous site"


@pytest.mark.slow  # build.py in a child process
def test_ctrl_c_during_a_check_is_one_line_and_exit_130():
    result = _interrupt_after(3, "check")
    assert (result.returncode, result.stderr) == (130, "build.py: interrupted; nothing was written\n")


def test_cross_site_requests_are_told_apart():
    from portal.serve import allowed_hosts, not_cross_site
    hosts = allowed_hosts("127.0.0.1", 8000)
    assert not_cross_site({}, hosts)  # a tool such as curl
    assert not_cross_site({"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1:8000"}, hosts)
    assert not not_cross_site({"Sec-Fetch-Site": "cross-site"}, hosts)
    assert not not_cross_site({"Sec-Fetch-Site": "same-site"}, hosts)
    assert not not_cross_site({"Origin": "http://evil.example"}, hosts)


@pytest.mark.slow  # build.py in a child process
def test_preview_answers_malformed_hosts_and_cross_site_reloads_without_a_traceback(tmp_path):
    from test_safe_output import _raw_request
    process, port = start_preview(tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  start_new_session=True)
    try:
        get = "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{extra}\r\n"
        for host in (f"127.0.0.1:{port}.evil.com", "127.0.0.1:abc", ":", f"[::1:{port}"):
            for path in ("/zh/", "/forcereload", "/livereload.js"):
                assert _raw_request(port, get.format(path=path, host=host, extra="")).startswith("HTTP/1.1 421")
        own = f"127.0.0.1:{port}"
        assert _raw_request(port, get.format(path="/forcereload", host=own,
                                             extra="Sec-Fetch-Site: cross-site\r\n")).startswith("HTTP/1.1 403")
        assert _raw_request(port, get.format(path="/forcereload", host=own,
                                             extra="Origin: http://evil.example\r\n")).startswith("HTTP/1.1 403")
        assert _raw_request(port, get.format(path="/forcereload", host=own, extra="Sec-Fetch-Site: same-origin\r\n"
                                             f"Origin: http://{own}\r\n")).startswith("HTTP/1.1 200")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Traceback" not in err and "Traceback" not in out


def test_an_over_long_id_is_an_error_stating_the_limit(content):
    long_id = "g" * 300
    edit(content / "indicators/main.yaml", "- id: rd-intensity\n", f"- id: {long_id}\n")
    errors = errors_of(content)
    assert errors == [f"content/indicators/main.yaml:9: indicator {quote(long_id)}: field 'id' is longer than 100 "
                      "characters (300)\n    hint: ids use lowercase letters, digits, '-' and '.', at most 100 characters"]


def test_an_over_long_document_id_is_one_error(content):
    long_id = "a" * 101
    edit(content / "documents/plenary-demo/meta.yaml", "id: plenary-demo\n", f"id: {long_id}\n")
    errors = errors_of(content)
    assert len(errors) == 1 and errors[0].startswith("content/documents/plenary-demo/meta.yaml:1: ") and \
        "field 'id' is longer than 100 characters (101)" in errors[0]


def test_an_over_long_anchor_is_an_error_stating_the_limit():
    anchor = "p" + "1" * 150
    body, errors = render(f"## A {{#a}}\n\nx\n{{: #{anchor} }}\n")
    assert [str(e) for e in errors] == [f"{SHOWN}:3: anchor {quote(anchor)} is longer than 100 characters (151)\n"
                                        "    hint: shorten it, e.g. 'p12' or 'part-3'"]


# ---- CSV, the preview's reload, fragments -----------------------------------------------------

@pytest.mark.parametrize("cell, written", [(" =1+1", "' =1+1"), ("\u3000=HYPERLINK(1)", "'\u3000=HYPERLINK(1)"),
                                           ("\n@SUM(A1)", "'\n@SUM(A1)"), ("＝1+1", "'＝1+1"), ("＋1", "'＋1"),
                                           ("－1", "'－1"), ("＠SUM(A1)", "'＠SUM(A1)"), ("\t1", "'\t1"),
                                           ("\r=1", "'\r=1"), ("=", "'="), (" -2", "' -2"), ("-2", "-2"),
                                           ("2 100", "2 100"), ("GDP ＝ 2100", "GDP ＝ 2100")])
def test_csv_cells_starting_a_formula_after_whitespace_or_in_full_width_are_neutralised(cell, written):
    from portal.datasets import csv_cell
    assert csv_cell(cell) == written


@pytest.mark.browser
@pytest.mark.parametrize("fragment", ["#%", "#%E4", "#review%", "#%zz"])
def test_a_malformed_fragment_does_not_stop_the_page_scripts(browser, tmp_path, fragment):
    import functools
    import http.server
    import threading
    from portal.output import replace_site
    from conftest import FIXTURE, generate
    site = tmp_path / "site"
    replace_site(generate(FIXTURE).files, site)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page()
    failures = []
    page.on("pageerror", lambda error: failures.append(str(error)))
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/en/documents/plenary-demo/?hl=progress{fragment}")
        page.wait_for_load_state("load")
        # no URIError, and fragment.js ran to its end: the language switch keeps no unknown fragment
        assert failures == []
        assert page.get_attribute("a.lang-switch", "href") == "/zh/documents/plenary-demo/"
    finally:
        page.close()
        server.shutdown()


def test_several_missing_fields_of_a_record_are_one_error(content):
    edit(content / "goals.yaml", "  document: plenary-demo\n  source: {anchor: g1-p1, quote: 地区生产总值迈上2100亿元台阶}\n"
         "  horizon: 2027\n", "")
    assert errors_of(content) == ["content/goals.yaml:1: goal 'demo.gdp': missing fields 'document', 'source' and "
                                  "'horizon'\n    hint: see the content schema in README.md"]


def test_a_renamed_indicator_is_reported_once_not_at_every_record_naming_it(content):
    edit(content / "indicators/main.yaml", "- id: gdp\n", "- id: gdp-total\n")
    errors = errors_of(content)
    assert len(errors) == 1 and "unknown indicator 'gdp'" in errors[0]


def test_an_anchor_lost_from_a_document_is_reported_once_for_all_records_citing_it(content):
    edit(content / "documents/plenary-demo/zh.md", "{: #g1-p1 }", "{: #g1-p9 }")
    errors = errors_of(content)
    cited = [e for e in errors if "anchor 'g1-p1' not found in document 'plenary-demo'" in e]
    assert len(cited) == 1 and len(errors) <= 3, errors


def test_a_typo_in_a_value_text_is_one_error(content):
    edit(content / VALUES, "text: {zh: 迈上2100亿元台阶}", "text: {zh: 迈上210*0亿元台阶}")
    errors = errors_of(content)
    assert errors == ["content/values/plenary-demo.yaml:6: value 'demo.gdp.2027.target': text '迈上210*0亿元台阶' is "
                      "not in its quote\n    hint: the value text must be words of the quote"]



def test_a_refused_link_holding_a_tag_is_one_error():
    """`[r]: data:text/html,<script>…` is one mistake: the link is refused, its tag not reported again as raw
    HTML on the same line (found by the fuzzer, seed 22)."""
    _, errors = render("## A {#a}\n\nsee [x][r]\n{: #p1 }\n\n[r]: data:text/html,<script>alert(1)</script>\n")
    assert [e.message for e in errors] == ["link 'data:text/html,<script>alert(1)</script' is not allowed"]
    _, errors = render("## A {#a}\n\nsee [x](/ok) <b>bold</b>\n{: #p1 }\n")
    assert [e.message for e in errors] == ["raw HTML is not allowed: <b>"]  # raw HTML alone is still reported
