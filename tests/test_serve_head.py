"""The preview answers HEAD as it answers GET, without the body (a link checker asks with HEAD)."""
from __future__ import annotations

import socket

import pytest

from portal.serve import SiteApp
pytestmark = pytest.mark.slow  # starts `build.py serve` in a child process

from test_browser import preview  # noqa: F401 (the fixture: `build.py serve` on a copy of the fixture content)


def ask(port: int, method: str, path: str, host: str | None = None) -> tuple[str, dict[str, str], bytes]:
    """One request on its own connection: (status line, headers, everything after them)."""
    request = f"{method} {path} HTTP/1.1\r\nHost: {host or f'127.0.0.1:{port}'}\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request.encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, dict(line.split(": ", 1) for line in lines), body


def test_head_answers_as_get_without_the_body(preview):
    _, base, process = preview
    port = int(base.rsplit(":", 1)[1])
    for path, status in [("/zh/", "200 OK"), ("/en/", "200 OK"), ("/en/no-such-page/", "404 Not Found")]:
        get_status, get_headers, get_body = ask(port, "GET", path)
        head_status, head_headers, head_body = ask(port, "HEAD", path)
        assert get_status == head_status == f"HTTP/1.1 {status}", path
        assert head_body == b"", path
        assert int(head_headers["Content-Length"]) == int(get_headers["Content-Length"]) == len(get_body) > 0
        assert head_headers["Content-Type"] == get_headers["Content-Type"] == "text/html; charset=utf-8"
    status, _, body = ask(port, "HEAD", "/zh/", host="rebound.evil.example")
    assert (status, body) == ("HTTP/1.1 421 Misdirected Request", b"")
    process.terminate()
    output, _ = process.communicate(timeout=10)
    assert "Traceback" not in output and "Uncaught exception" not in output


def test_a_head_request_is_not_a_page_open_in_a_browser(tmp_path):
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "index.html").write_text("<!doctype html><html><head></head><body>页</body></html>")
    app = SiteApp(tmp_path)
    app(environ={"PATH_INFO": "/zh/", "REQUEST_METHOD": "HEAD"}, start_response=lambda status, headers: None)
    assert app.recent == ()
    app(environ={"PATH_INFO": "/zh/", "REQUEST_METHOD": "GET"}, start_response=lambda status, headers: None)
    assert app.recent == ("zh/index.html",)
