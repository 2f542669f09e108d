"""The body workers' per-document checks made cheaper, stop 37 (issue 21 item 6), each lever against what it
replaced: a pair of blocks whose zh text has no digit is not looked up in the numbers' memo, a pair without a
problem makes no error objects, en.sources.yaml's hashes are tested once a file and its anchors once a process,
and the fast reader trusts the screen every input passed (textfiles.read_input) instead of asking YAML's
reader again."""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import yaml

from portal import freshness, numbers, textfiles, translation
from portal.loading import load_yaml
from portal.errors import SourceRef
from portal.model import Block, Localized, Term


def test_a_zh_text_without_a_digit_is_not_looked_up_in_the_numbers_memo():
    """N=2000: no zh block has a figure; hashing both texts for the memo cost more than finding none."""
    numbers._missing_numbers.cache_clear()
    assert numbers.missing_numbers("统筹发展和安全，增强风险防范化解能力。", "Balance development and security.") == []
    assert numbers._missing_numbers.cache_info().currsize == 0
    assert numbers.missing_numbers("增长5%。", "Grew by 6%.") == ["5"]
    assert numbers._missing_numbers.cache_info().currsize == 1


def test_the_digit_test_answers_as_the_number_pattern_does():
    """Seeded random texts of digits of every script \\d knows (Arabic-Indic, full-width), magnitudes and words:
    missing_numbers gives what the memoized reader alone gives, and [] exactly when the zh has no digit."""
    pieces = list("12５٣０.万亿余多年，") + ["٣٤", "１２", "², ", "二十", " billion", " five", "12 ", "3.5"]
    randomness = random.Random(37)
    for _ in range(3000):
        zh = "".join(randomness.choice(pieces) for _ in range(randomness.randint(0, 6)))
        en = "".join(randomness.choice(pieces) for _ in range(randomness.randint(0, 6)))
        expected = list(numbers._missing_numbers.__wrapped__(zh, en))
        assert numbers.missing_numbers(zh, en) == expected, (zh, en)
        if not re.search(r"\d", zh):
            assert expected == [] and not numbers.numbers_zh(zh)


def test_a_pair_without_a_problem_gives_none_and_a_pair_with_both_lists_the_numbers_first():
    term = Term("seven", Localized("七新", "Seven Renewals"), Localized("", ""), "doc", "p1", SourceRef("g.yaml", 3))
    glossary = translation.Glossary([term])
    shown = Path("content/documents/doc/en.md")
    fine = translation.pair_errors(Block("p1", "paragraph", "七新，增长5%。"), Block("p1", "paragraph",
                                   "Seven Renewals, 5% up.", 4), shown, glossary)
    assert fine == []
    both = translation.pair_errors(Block("p1", "paragraph", "七新，增长5%。"), Block("p1", "paragraph", "Up.", 4),
                                   shown, glossary)
    assert [str(error) for error in both] == [
        "content/documents/doc/en.md:4: block 'p1' lacks numbers of its zh text: 5\n"
        "    hint: carry every figure over (magnitudes may be converted: 2000亿 -> 200 billion)",
        "content/documents/doc/en.md:4: block 'p1' translates glossary term 七新 without its English "
        "'Seven Renewals'\n    hint: use the glossary's rendering"]


def test_every_character_yamls_reader_calls_non_printable_is_refused_by_the_screen():
    """_fast_confirmed no longer asks yaml.reader.Reader.NON_PRINTABLE: every text it gets passed the screen
    (textfiles.read_input), which refuses every such character, a surrogate's bytes as no UTF-8. Every code
    point is tried, in a file's bytes as an editor could write them."""
    non_printable = yaml.reader.Reader.NON_PRINTABLE
    for code in range(sys.maxunicode + 1):
        if not non_printable.match(chr(code)):
            continue
        data = f"p1:\n  text: a{chr(code)}b\n".encode("utf-8", "surrogatepass")
        try:
            text = textfiles._screened(data, Path("en.sources.yaml"))
        except textfiles.ContentError:
            continue
        raise AssertionError(f"U+{code:04X} passes the screen: {text!r}")


ANCHORS = ["p1", "s2", "y", "yes", "on", "n1", "true", "null", "e1", "x.y", "f", "o1"]
HASHES = ["0b101", "1234567890123456", "08", "1b", "b", "deadbeef00112233", "12ab"]
VALUES = ["普通的一句话。", "yes", "123", "a: b", "x #y", "'quoted'", "it's", "", " lead", "trail ", "中文：冒号",
          "‘弯引号’", "a\u2028b", "tab\there", "0x1f", "2026-01-01", "~", "- item", "https://example.org/a#b"]


def test_sources_files_read_fast_exactly_as_yaml_reads_them_whatever_their_hashes_and_anchors(tmp_path):
    """Seeded random en.sources.yaml files as the tool writes them or as a hand edit leaves them (hashes of digits
    only or with a letter, quoted or not; anchors YAML could read as other types; tricky values), read as a build
    reads them (read_input's screen): whatever
    the fast reader reads, it reads as YAML does, and it reads most of them."""
    randomness = random.Random(37)
    path = tmp_path / "en.sources.yaml"
    read_fast = 0
    for round_ in range(400):
        keys = randomness.sample(ANCHORS, randomness.randint(1, 4))
        entries = {key: freshness.Confirmed(
            randomness.choice(HASHES) if randomness.random() < 0.3 else freshness.block_hash(str(round_) + key),
            "2026-12-07", randomness.choice(VALUES)) for key in keys}
        written = freshness.confirmed_bytes(entries, keys)
        if round_ % 2:  # as a hand edit leaves it: a hash YAML reads as a number unquoted (0b101 is 5)
            written = re.sub(rb"hash: '([0-9a-f]+)'", rb"hash: \1", written)
        path.write_bytes(written)
        textfiles.SCREENED.clear()
        text, _ = textfiles.read_input(path, path)
        data = load_yaml(path, path) or {}
        fast = freshness._fast_confirmed(text)
        if fast is not None:
            read_fast += 1
            assert {k: (c.hash, c.date, c.text) for k, c in fast.items()} == \
                {str(k): (v["hash"], v["confirmed"], v["text"]) for k, v in data.items()}, text
    assert read_fast >= 100


def test_an_anchor_is_told_plain_as_each_value_is():
    randomness = random.Random(37)
    letters = "abnoyNOTYf0129_.-"
    for _ in range(2000):
        anchor = randomness.choice("abnoyNOTYfpxz") + "".join(randomness.choice(letters)
                                                               for _ in range(randomness.randint(0, 4)))
        assert freshness._plain_anchor(anchor) == freshness._plain(anchor), anchor
