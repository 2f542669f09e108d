"""What content can never put into the output or past the preview (issue 15): links outside the
allow-list, spreadsheet formulas, requests for other hosts; and the last resort when the engine fails."""
from __future__ import annotations

import csv
import io
import socket

import pytest

from conftest import edit, generate, start_preview
from portal.datasets import csv_cell
from portal.safety import link_allowed
from test_robust import EN, VALUES, errors_of, failure

# ---- links -----------------------------------------------------------------------------------

BYPASSES = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)",
            "&#106avascript:alert(1)", "&#0000106;avascript:alert(1)", "javascript&colon;alert(1)",
            "jav&#x09;ascript:alert(1)", "java&#10;script:alert(1)", "jav&Tab;ascript:alert(1)",
            "java&NewLine;script:alert(1)", "\x01javascript:alert(1)", " \x0cjavascript:alert(1)",
            "java\u00adscript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "DATA:text/html,x", "vbscript:msgbox(1)",
            "//evil.example/x", "\\\\evil.example/x", "/\\evil.example", "&#47;&#47;evil.example", "/&#x2F;evil.example",
            "&amp;#106;avascript:alert(1)", "file:///etc/passwd", "javascript\u3000:alert(1)"]
ALLOWED = ["https://example.org/a?b#c", "http://example.org", "HTTPS://EXAMPLE.ORG", "mailto:office@example.org",
           "#g1-p1", "../plenary-demo/#g1-p1", "/zh/documents/", "page.html", "?q=1", "a/b:c"]


@pytest.mark.parametrize("href", BYPASSES)
def test_link_allow_list_refuses(href):
    assert not link_allowed(href)


@pytest.mark.parametrize("href", ALLOWED)
def test_link_allow_list_accepts(href):
    assert link_allowed(href)


@pytest.mark.parametrize("href, shown", [("&#106;avascript:alert(1)", "&#106;avascript:alert(1)"),
                                         ("&#x6A;avascript:alert(1)", "&#x6A;avascript:alert(1)"),
                                         ("javascript&colon;alert(1)", "javascript&colon;alert(1)"),
                                         ("jav&#x09;ascript:alert(1)", "jav&#x09;ascript:alert(1)"),
                                         ("java&#10;script:alert(1)", "java&#10;script:alert(1)"),
                                         ("//evil.example/x", "//evil.example/x"),
                                         ("data:text/html,x", "data:text/html,x")])
def test_unsafe_links_in_a_document_are_an_error(content, href, shown):
    edit(content / EN, "and making new progress", f"and making [new]({href}) progress")
    assert errors_of(content) == [f"content/documents/plenary-demo/en.md:3: link '{shown}' is not allowed\n"
                                  "    hint: links may be https:, http:, mailto:, a path on this site or a #fragment"]


def test_leading_control_character_in_a_link(content):
    edit(content / EN, "and making new progress", "and making [new](\x01javascript:alert(1)) progress")
    assert errors_of(content) == ["content/documents/plenary-demo/en.md:3: control character U+0001 is not allowed\n"
                                  "    hint: delete it (most editors do not show it)"]


@pytest.mark.parametrize("where", ["heading", "reference", "attribute", "footnote"])
def test_unsafe_links_everywhere_a_link_can_be_written(content, where):
    """Headings feed the table of contents, bodies the document pages and the print edition: one check."""
    payload = "&#x6A;avascript:alert(1)"
    if where == "heading":
        edit(content / EN, "## Review of the past year’s work", f"## Review of [the past]({payload}) year’s work")
    elif where == "reference":
        edit(content / EN, "and making new progress", "and making [new][r] progress")
        edit(content / EN, "{: #g1-p1 }", f"{{: #g1-p1 }}\n\n[r]: {payload}")
    elif where == "attribute":
        edit(content / EN, "{: #review-lead }", f'{{: #review-lead href="{payload}" }}')
    else:
        edit(content / EN, "and making new progress", "and making new progress[^x]")
        edit(content / EN, "{: #g1-p1 }", f"{{: #g1-p1 }}\n\n[^x]: see [here]({payload})")
    messages = [e.message for e in failure(content).errors]
    assert f"link '{payload}' is not allowed" in messages


def test_safe_links_build_into_pages_print_edition_and_contents(content):
    edit(content / EN, "## Review of the past year’s work", "## Review of the [past](https://example.org/) year")
    files = generate(content).files
    for page in ("en/documents/plenary-demo/index.html", "en/print/index.html"):
        assert b'href="https://example.org/"' in files[page], page


# ---- the last resort -------------------------------------------------------------------------

def test_build_py_turns_an_unexpected_failure_into_one_line(monkeypatch, capsys):
    import build

    def broken(project):
        raise RecursionError("maximum recursion depth exceeded")

    build.load_engine()
    monkeypatch.setattr(build, "generate", broken)
    assert build.main(["check"]) == 70
    err = capsys.readouterr().err
    assert err == ("internal error: RecursionError: maximum recursion depth exceeded — this is a bug: please report "
                   "it with the change that caused it; nothing was written.\n")


def test_preview_shows_an_unexpected_failure_in_the_overlay(content, tmp_path):
    from conftest import project_for
    from portal.serve import Preview, SiteApp
    said = []
    app = SiteApp(tmp_path / "site")
    preview = Preview(project_for(content), tmp_path / "site", app, say=said.append)
    assert preview.rebuild()

    def broken(defer=(), **_):
        raise KeyError("blocks")

    preview.builder.generate = broken
    assert not preview.rebuild()
    assert said[-2] == ("internal error: KeyError: 'blocks' — this is a bug: please report it with the change that "
                        "caused it; nothing was written.")
    body = b"".join(app({"PATH_INFO": "/zh/"}, lambda status, headers: None)).decode()
    assert "this is a bug: please report" in body and 'id="build-error"' in body


# ---- CSV -------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, written", [("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
                                           ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
                                           ("\tx", "'\tx"), ("\rx", "'\rx"), ("-12.5", "-12.5"), ("2100", "2100"),
                                           ("GDP", "GDP"), ("", "")])
def test_csv_cells_are_neutralised(cell, written):
    assert csv_cell(cell) == written


def test_formula_in_a_value_text_is_neutralised_in_every_csv(content):
    edit(content / VALUES, 'en: "over 2,500 enterprises"', 'en: "=HYPERLINK(\\"http://evil.example\\",\\"x\\")"')
    files = generate(content).files
    for name in ("data/values.en.csv", "data/indicators/software-enterprises.en.csv"):
        rows = list(csv.reader(io.StringIO(files[name].decode("utf-8-sig"))))
        texts = [row[rows[0].index("text")] for row in rows[1:]]
        assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in texts, name
        for row in rows[1:]:
            assert not [c for c in row if c[:1] in ("=", "+", "@", "\t", "\r")], row


def test_equals_comparator_never_starts_a_formula(content):
    edit(content / VALUES, "text: {zh: 迈上2100亿元台阶}", "text: {zh: 2100亿元}")
    edit(content / VALUES, "quote: 地区生产总值迈上2100亿元台阶", "quote: 2100亿元")
    edit(content / VALUES, '  comparator: "≥"\n', '  comparator: "="\n')
    edit(content / "documents/plenary-demo/zh.md", "迈上**2100亿元**台阶", "迈上**2100亿元**台阶（2100亿元）")
    edit(content / "documents/plenary-demo/en.md", "**CNY 210 billion** mark", "**CNY 210 billion** mark (CNY 210 billion)")
    files = generate(content).files
    rows = list(csv.reader(io.StringIO(files["data/values.zh.csv"].decode("utf-8-sig"))))
    assert rows[1][rows[0].index("comparator")] == "'="  # not the full-width ＝: a spreadsheet may run that too


# ---- preview server: Host and Origin --------------------------------------------------------

def test_allowed_hosts_and_origins():
    from portal.serve import allowed_hosts, host_guard, same_origin
    hosts = allowed_hosts("127.0.0.1", 8000)
    assert {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"} <= hosts
    assert "evil.example:8000" not in hosts and "127.0.0.1" not in hosts
    assert allowed_hosts("192.168.1.5", 80) == {"192.168.1.5:80", "192.168.1.5"}
    assert same_origin("http://localhost:8000", hosts) and not same_origin("http://evil.example:8000", hosts)
    assert not same_origin(None, hosts) and not same_origin("null", hosts)
    answered = []
    guarded = host_guard(lambda environ, start: [b"ok"], hosts)
    assert guarded({"HTTP_HOST": "127.0.0.1:8000"}, lambda s, h: answered.append(s)) == [b"ok"]
    guarded({"HTTP_HOST": "rebound.evil.example:8000"}, lambda s, h: answered.append(s))
    assert answered == ["421 Misdirected Request"]


def _raw_request(port: int, request: str) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request.encode())
        return connection.recv(200).decode("latin-1")


@pytest.mark.slow
def test_preview_answers_only_its_own_host_and_origin(tmp_path):
    process, port = start_preview(tmp_path)
    try:
        get = "GET /zh/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        assert _raw_request(port, get.format(host=f"127.0.0.1:{port}")).startswith("HTTP/1.1 200")
        assert _raw_request(port, get.format(host=f"localhost:{port}")).startswith("HTTP/1.1 200")
        assert _raw_request(port, get.format(host=f"rebound.evil.example:{port}")).startswith("HTTP/1.1 421")
        assert _raw_request(port, "GET /livereload.js HTTP/1.1\r\nHost: evil.example\r\n\r\n").startswith(
            "HTTP/1.1 421")
        upgrade = ("GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n")
        assert _raw_request(port, upgrade.format(port=port, origin=f"http://127.0.0.1:{port}")).startswith(
            "HTTP/1.1 101")
        assert _raw_request(port, upgrade.format(port=port, origin="http://evil.example")).startswith("HTTP/1.1 403")
    finally:
        process.terminate()
        process.wait(timeout=10)
