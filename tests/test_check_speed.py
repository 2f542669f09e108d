"""The body workers' per-document checks made cheaper, stop 37 (issue 21 item 6), each lever against what it
replaced: a pair of blocks whose zh text has no digit is not looked up in the numbers' memo, a pair without a
problem makes no error objects."""
from __future__ import annotations

import random
import re
from pathlib import Path

from portal import numbers, translation
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
