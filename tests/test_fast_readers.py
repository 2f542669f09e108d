"""The inputs' fast paths of stop 33 (issue 21 item 6), each against what it replaced: one pass for control and
bidirectional characters, line lengths compared in C, YAML walked for the screen only when a text may hold what
it refuses, and the values of en.sources.yaml told as PyYAML's resolver tells them."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from portal import textfiles
from portal.errors import ContentError


def test_the_one_pass_character_screen_finds_what_either_check_finds():
    """character_problem first searches once for a control or bidirectional character (_EITHER), then, when
    there is one, as before: every code point is found by the one pass exactly when one of the two finds it."""
    every = "".join(map(chr, range(0x110000)))
    found = {m.start() for m in textfiles._EITHER.finditer(every)}
    assert found == {m.start() for m in textfiles._CONTROL.finditer(every)} | \
        {m.start() for m in textfiles._BIDI.finditer(every)} and 0x202E in found and 0x0A not in found


def test_a_long_line_is_named_in_a_long_file_of_short_lines(tmp_path):
    """Line lengths are compared in C, then the first too long named: a file longer than a line may be,
    of short lines, is read; one long line among them is named by its number."""
    path = tmp_path / "long.md"
    path.write_text("short line\n" * 3000, encoding="utf-8")
    assert textfiles.read_text(path, Path("long.md")) == "short line\n" * 3000
    path.write_text("short line\n" * 3000 + "x" * 20_001 + "\n" + "short\n" * 5 + "y" * 20_001, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        textfiles.read_text(path, Path("long.md"))
    assert str(caught.value).startswith("long.md:3001: line is longer than 20,000 characters")


def _block_nesting(randomness, kinds: list[str], tight: bool = False) -> str:
    """A block-style YAML text nesting a collection of each kind ("map", "seq") in turn, around a last "x",
    written at random as tightly as YAML allows or not: a list on its key's column, compact '- - x' and
    '- k: x' forms, indents of one or two; `tight`: always the least indent, never compact."""
    lines: list[str] = []

    def emit(level: int, column: int, line: str) -> None:
        if level == len(kinds):
            lines.append(line.ljust(column) + "x")  # after '- ' on its line, or on a line of its own
        elif kinds[level] == "seq":
            line = line.ljust(column) + "- "
            if level + 1 < len(kinds) and not tight and randomness.random() < 0.5:
                emit(level + 1, column + 2, line)  # compact: the child on the dash's line
            else:
                lines.append(line.rstrip())
                emit(level + 1, column + step(1), "")
        else:
            line = line.ljust(column) + f"k{level}:"
            if level + 1 == len(kinds):
                lines.append(line + " x")
                return
            lines.append(line)
            emit(level + 1, column + step(0 if kinds[level + 1] == "seq" else 1), "")

    def step(least: int) -> int:  # mostly the least indent YAML allows, so that many texts are as deep as can be
        return least if tight or randomness.random() < 0.85 else least + randomness.choice([1, 2])

    emit(0, 0, "")
    return "\n".join(lines) + "\n"


def test_a_text_that_needs_no_screening_has_nothing_the_screen_refuses():
    """yamlscreen.screen walks the parser's events only when a text may hold what it refuses (needs_screen: a
    tag, anchor, alias, key or flow character, a deep indentation run). Seeded random block nestings around the
    limit, as tight as YAML allows, are screened whenever they are too deep; random texts of YAML's indicators
    and nestings that need no screening have nothing the walk refuses."""
    import random
    from portal import yamlscreen
    randomness = random.Random(7)
    nestings = [[randomness.choice(["map", "seq"]) for _ in range(randomness.randint(30, 50))] for _ in range(400)]
    texts = [_block_nesting(randomness, kinds) for kinds in nestings]
    nestings += [(["map", "seq"] * 30)[first:first + depth] for depth in range(38, 46) for first in (0, 1)]
    texts += [_block_nesting(randomness, kinds, tight=True) for kinds in nestings[len(texts):]]
    for kinds, text in zip(nestings, texts):
        node, depth = yaml.compose(text, Loader=yamlscreen.BaseLoader), 0
        while not isinstance(node, yaml.ScalarNode):  # the text nests what it was made of
            node, depth = (node.value[0][1] if isinstance(node, yaml.MappingNode) else node.value[0]), depth + 1
        assert depth == len(kinds), text
        assert yamlscreen.needs_screen(text) or depth <= yamlscreen.MAX_DEPTH, text
    pieces = ["a", ": ", "- ", "\n", "  ", " ", "'q'", '"d"', "#c", "|", ">", "---", "...", ",", "%", "@", "1", "\t"]
    texts += ["".join(randomness.choice(pieces) for _ in range(randomness.randint(1, 30))) for _ in range(3000)]
    unscreened = 0
    for text in texts:
        if not yamlscreen.needs_screen(text):
            unscreened += 1
            try:
                yamlscreen._walk(text)
            except yamlscreen.Refused as refused:
                raise AssertionError(f"{refused.message}: {text!r}") from None
            except yaml.YAMLError:
                pass  # a syntax error: the composer, which parses the text next, raises the same
    assert unscreened > 1000


def test_deep_block_nesting_is_refused_however_tight():
    """The tightest block nesting (a list on its key's column, then a key two columns right) of 41 levels is
    refused, with the line of the 41st; 40 levels are read."""
    from portal import loading
    nest = lambda lines: "k0:\n" + "".join(" " * (2 * n) + f"- k{n + 1}:\n" for n in range(lines - 1))  # noqa: E731
    assert loading.parse_yaml(nest(20) + " " * 38 + "- x\n", Path("deep.yaml"))  # 1 + 19 * 2 + 1 = 40 levels
    with pytest.raises(ContentError) as caught:
        loading.parse_yaml(nest(21) + " " * 40 + "- x\n", Path("deep.yaml"))
    assert str(caught.value).startswith("deep.yaml:21: nested more than 40 levels deep")


def test_a_plain_value_is_told_as_the_one_regex_told_it():
    """freshness._plain tests a value's characters one by one (first, last, `in`) instead of one regex: seeded
    random values of the characters that matter (indicators, colons, hashes, tabs, Unicode spaces and newlines)
    are refused exactly when the regex it replaced found something."""
    import random
    import re
    from portal import freshness
    unsafe = re.compile(r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|: |\s#|[:\s]$|\t")
    pieces = list("-?:,[]{}#&*!|>'\"%@` \t\n\u3000\u2003\x1cx中1") + [": ", " #", "ab"]
    randomness = random.Random(7)
    for _ in range(5000):
        value = "".join(randomness.choice(pieces) for _ in range(randomness.randint(1, 6)))
        refused = bool(unsafe.search(value))
        assert (not freshness._plain(value)) if refused else \
            freshness._plain(value) == (value[0] not in freshness._RESOLVER.yaml_implicit_resolvers or
                                        freshness._RESOLVER.resolve(freshness.yaml.ScalarNode, value, (True, False))
                                        == freshness._STR), repr(value)


def test_a_hash_with_a_letter_other_than_b_is_text_to_yaml():
    """_fast_confirmed takes a hash (hex digits) with one of a, c, d, e, f as plain text without asking YAML's
    resolver: every such string of up to six hex digits (seeded random) resolves to text, and the others are
    asked (\"0b1\", \"12\", \"08\")."""
    import random
    from portal import freshness
    randomness = random.Random(7)
    for _ in range(20000):
        digest = "".join(randomness.choice("0123456789abcdef") for _ in range(randomness.randint(1, 6)))
        if freshness._HEX_TEXT.search(digest):
            assert freshness._plain(digest), digest
    assert [freshness._plain(d) for d in ("0b1", "12", "08", "1b")] == [False, False, True, True]
