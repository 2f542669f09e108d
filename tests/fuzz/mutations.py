"""Seeded mutations of the fixture content, one class per way an editor or an attacker breaks input.

Each mutation takes the file's bytes and a random generator and returns new bytes; `mutate()` picks a
file and a mutation class and says what it did."""
from __future__ import annotations

import random
from pathlib import Path

from .inline import inline_mutation, yaml_escape_mutation

# Links a browser would run or send elsewhere, each written to slip past a naive scheme check
LINK_PAYLOADS = (
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)",
    "&#106avascript:alert(1)", "javascript&colon;alert(1)", "jav&#x09;ascript:alert(1)", "java&#10;script:alert(1)",
    "jav&Tab;ascript:alert(1)", "java&NewLine;script:alert(1)", "&#0000106;avascript:alert(1)",
    "\x01javascript:alert(1)", " javascript:alert(1)", "javas\tcript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "//evil.example/x", "\\\\evil.example/x", "/\\evil.example", "&#47;&#47;evil.example",
    "jav%61script:alert(1)", "&amp;#106;avascript:alert(1)", "java\u00adscript:alert(1)", "&#x2F;/evil.example",
    "javascript\u3000:alert(1)", "file:///etc/passwd", "JAVASCRIPT:alert(1)", "&#X6a;avascript:alert(1)",
)
TAGS = ("!!bool yes", '!!int "abc"', "!!float x", "!!map [a, b]", "!!str 1", "!foo bar", "!!binary aGVsbG8=",
        "!!python/object/apply:os.system [true]", "!!set {a, b}", "!!timestamp x", "! plain", "!!null ~")
NUMBERS = (".inf", "-.inf", ".nan", ".NaN", "1e999", "-1e999", "1/0", "0/0", "'1/0'", "9" * 4301, "9" * 5000,
           "'1e999999999'", "1e-999999", "0x" + "f" * 5000, "'" + "9" * 5000 + "'", "-0", "1_000", "0o17", "1:30",
           "'NaN'", "'Infinity'", "'-inf'", "'sNaN'")
VALUES = ("[[a, b]]", "[[gdp]]", "{a: 1}", "~", "true", "''", "[]", "{}", "[1, 2]", "- x", "'" + "x" * 5000 + "'",
          "=", "<<: {a: 1}", "'\u2028'", "\"\\u2028\"", "\"\\x85\"", "\"\\0\"", "{{ x }}", "[{a: [b]}]", "1", "-1",
          "'=HYPERLINK(\"http://evil.example\",\"x\")'", "'+1+1'", "'@SUM(A1)'", "\"\\tx\"", "'-2+3'")
CONTROL = tuple(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 0x7F, 0x85, 0x9B)) + \
    ("\u2028", "\u2029", "\ufeff", "\u200b", "\ufffe")
BAD_BYTES = (b"\xff", b"\xc3", b"\xe4\xb8", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80\x80\x80", b"\x80")
YAML_CHARS = ":-[]{}\"'#&*!|>%@`,? \t\n"
MARKDOWN_CHARS = "#*_[]()!{}:<>`|-\\^ \t\n"


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _at_line(data: bytes, rng: random.Random, insert: bytes) -> bytes:
    lines = _lines(data)
    index = rng.randrange(len(lines) + 1)
    return b"\n".join(lines[:index] + [insert] + lines[index:])


def _at_char(data: bytes, rng: random.Random, insert: bytes) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    index = rng.randrange(len(text) + 1)
    return text[:index].encode("utf-8", "surrogateescape") + insert + text[index:].encode("utf-8", "surrogateescape")


def _replace_value(data: bytes, rng: random.Random, value: str) -> bytes:
    """Replace the value after a random 'key:' with `value`."""
    lines = _lines(data)
    candidates = [i for i, line in enumerate(lines) if b": " in line]
    if not candidates:
        return _at_line(data, rng, f"x: {value}".encode())
    index = rng.choice(candidates)
    head = lines[index].split(b": ", 1)[0]
    lines[index] = head + b": " + value.encode("utf-8", "surrogateescape")
    return b"\n".join(lines)


def _typo(data: bytes, rng: random.Random, alphabet: str) -> bytes:
    """Delete, insert, duplicate or re-indent something: one careless edit."""
    choice = rng.randrange(6)
    text = data.decode("utf-8", "surrogateescape")
    if not text:
        return rng.choice(alphabet).encode()
    index = rng.randrange(len(text))
    lines = text.split("\n")
    line = rng.randrange(len(lines))
    if choice == 0:
        text = text[:index] + text[index + 1:]
    elif choice == 1:
        text = text[:index] + rng.choice(alphabet) + text[index:]
    elif choice == 2:
        lines.insert(line, lines[line])
        text = "\n".join(lines)
    elif choice == 3:
        del lines[line]
        text = "\n".join(lines)
    elif choice == 4:
        lines[line] = " " * rng.choice((1, 2, 3, 4, 8)) + lines[line]
        text = "\n".join(lines)
    else:
        lines[line] = lines[line].lstrip()
        text = "\n".join(lines)
    return text.encode("utf-8", "surrogateescape")


def _nest(kind: str, depth: int) -> str:
    if kind == "flow":
        return "[" * depth + "]" * depth
    if kind == "map":
        return "{a: " * depth + "1" + "}" * depth
    if depth <= 400:
        return "\n" + "".join("  " * i + "- \n" for i in range(depth))
    return "- " * depth + "x"  # compact nesting: indentation this deep would take gigabytes


BILLION_LAUGHS = "\n".join(["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"] +
                           [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)])


def yaml_mutation(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    kind = rng.choice(("typo", "typo", "typo", "control", "utf8", "tag", "number", "value", "value", "key",
                       "nesting", "aliases", "multidoc", "empty", "long-line", "crlf", "escape", "escape"))
    if kind == "typo":
        return kind, _typo(data, rng, YAML_CHARS)
    if kind == "escape":
        return yaml_escape_mutation(data, rng, _replace_value)
    if kind == "control":
        return kind, _at_char(data, rng, rng.choice(CONTROL).encode("utf-8", "surrogatepass"))
    if kind == "utf8":
        return kind, _at_char(data, rng, rng.choice(BAD_BYTES))
    if kind == "tag":
        return kind, _replace_value(data, rng, rng.choice(TAGS))
    if kind == "number":
        return kind, _replace_value(data, rng, rng.choice(NUMBERS))
    if kind == "value":
        return kind, _replace_value(data, rng, rng.choice(VALUES))
    if kind == "key":
        return kind, _at_line(data, rng, rng.choice((b"? [a, b]\n: c", b"{{ x }}: 1", b"[a]: b", b"{a: 1}: 2",
                                                     b"? {a: b}", b"- ? [x]\n  : y", b"<<: [1]", b".nan: 1",
                                                     b"null: 1", b"1: 2", b"true: x")))
    if kind == "nesting":
        depth = rng.choice((41, 60, 400, 3000, 30000))
        return kind, _replace_value(data, rng, _nest(rng.choice(("flow", "map", "block")), depth))
    if kind == "aliases":
        if rng.random() < 0.5:
            return kind, BILLION_LAUGHS.encode()
        return kind, _replace_value(data, rng, rng.choice(("&a x", "*a", "&a [1]\ny: *a", "*x")))
    if kind == "multidoc":
        return kind, data + b"\n---\n" + data
    if kind == "empty":
        return kind, rng.choice((b"", b"# only a comment\n", b"\n\n", b"~", b"[]", b"{}", b"- 1\n- 2", b"x"))
    if kind == "long-line":
        return kind, _replace_value(data, rng, "x" * rng.choice((25_000, 100_000)))
    return kind, data.replace(b"\n", rng.choice((b"\r\n", b"\r", "\u2028".encode(), "\x85".encode())))


def markdown_mutation(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    kind = rng.choice(("typo", "typo", "typo", "link", "link", "link", "control", "utf8", "empty", "nesting",
                       "brackets", "html", "anchor", "attribute", "long-line", "inline", "inline", "inline"))
    if kind == "typo":
        return kind, _typo(data, rng, MARKDOWN_CHARS)
    if kind == "link":
        payload = rng.choice(LINK_PAYLOADS)
        form = rng.choice((f"[x]({payload})", f"[x][r]\n\n[r]: {payload}", f"[x](<{payload}>)",
                           f"## heading [x]({payload}) {{#h-{rng.randrange(99)}}}", f'[x]({payload} "t")',
                           f"{{: href=\"{payload}\" }}", f"[^n]\n\n[^n]: see [x]({payload})"))
        return kind, _at_line(data, rng, form.encode("utf-8", "surrogatepass") + b"\n{: #fz-1 }")
    if kind == "control":
        return kind, _at_char(data, rng, rng.choice(CONTROL).encode("utf-8", "surrogatepass"))
    if kind == "utf8":
        return kind, _at_char(data, rng, rng.choice(BAD_BYTES))
    if kind == "inline":
        return inline_mutation(data, rng, _at_line)
    if kind == "empty":
        return kind, rng.choice((b"", b"\n", b"   \n\n", b"<!-- -->", b"{: #x }", b"[^1]: x", b"---"))
    if kind == "nesting":
        depth = rng.choice((12, 50, 400, 1000))
        style = rng.choice(("list", "olist", "quote", "tabs"))
        if style == "list":
            block = "\n".join("    " * i + "- a" for i in range(depth))
        elif style == "olist":
            block = "\n".join("    " * i + "1. a" for i in range(depth))
        elif style == "tabs":
            block = "\n".join("\t" * i + "- a" for i in range(depth))
        else:
            block = ">" * depth + " a"
        return kind, _at_line(data, rng, block.encode())
    if kind == "brackets":
        run = rng.choice(("[", "![", "[^", "([", "[x", "[](", "*", "_a", "`"))
        return kind, _at_line(data, rng, (run * rng.choice((150, 5000))).encode())
    if kind == "html":
        return kind, _at_line(data, rng, rng.choice((b"<script>alert(1)</script>", b"<img src=x onerror=alert(1)>",
                                                     b"<a href='javascript:alert(1)'>x</a>", b"<!-- x -->",
                                                     b"x <b>y</b>", b"<style>*{}</style>", b"`<script>`")))
    if kind == "anchor":
        return kind, rng.choice((data.replace(b"{: #", b"{: #x", 1), data.replace(b"{: #", b"{: ", 1),
                                 data.replace(b"{#", b"{#Bad_", 1), _at_line(data, rng, b"{: #review }"),
                                 data.replace(b"\n{: #", b"\n\n{: #", 1)))
    if kind == "attribute":
        return kind, _at_line(data, rng, rng.choice((b'{: onclick="alert(1)" }', b'{: style="color:red" }',
                                                     b'{: src="x" }', b"{: lang=zh-Hans }",
                                                     b'x\n{: #fz-2 title="a\\"b" }')))
    return kind, _at_line(data, rng, b"x" * rng.choice((25_000, 100_000)))


def fixture_files(content: Path) -> list[Path]:
    return sorted(p for p in content.rglob("*") if p.is_file() and p.suffix in (".yaml", ".md"))


def mutate(content: Path, rng: random.Random) -> tuple[str, Path, bytes]:
    """Pick a fixture file and a mutation; returns (description, file, new bytes) without writing."""
    path = rng.choice(fixture_files(content))
    data = path.read_bytes()
    kind, new = (markdown_mutation if path.suffix == ".md" else yaml_mutation)(data, rng)
    return f"{path.relative_to(content).as_posix()}:{kind}", path, new
