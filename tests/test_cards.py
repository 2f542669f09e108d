"""Sharing cards as drawn (portal/cards.py): text wrapped and cut, the figure never cut, the palette, the same
bytes every time, fonts opened once a process, the fonts found on Debian and on Netlify (npm), a clear stop
without a Chinese font. Which page has which card, and the cards' cache, are in test_sharing.py."""
from __future__ import annotations

import dataclasses
import io

import pytest

from portal import cardcache, cards


def test_wrap_breaks_chinese_between_characters_and_english_between_words():
    font = cards._font(40)
    zh = cards.wrap("地区生产总值突破2000亿元" * 4, font, 400, 3)
    assert len(zh) == 3 and zh[-1].endswith("…") and all(font.getlength(line) <= 400 for line in zh)
    en = cards.wrap("Regional gross domestic product exceeding CNY 200 billion", font, 500, 5)
    assert all(not line.startswith(" ") and font.getlength(line) <= 500 for line in en)
    assert " ".join(en) == "Regional gross domestic product exceeding CNY 200 billion"


def test_without_a_chinese_font_the_build_stops_with_the_fix(monkeypatch, tmp_path):
    """No Noto CJK file and fontconfig offers no Simplified Chinese Noto face: a clear stop, not a card of
    empty boxes (build.py prints it as one line, exit code 2)."""
    import subprocess
    monkeypatch.setattr(cards, "FONTS", {False: tmp_path / "none.ttc", True: tmp_path / "none-bold.ttc"})
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, "DejaVu Sans|x|0", ""))
    cards._chinese_face.cache_clear()
    cards._font.cache_clear()
    try:
        with pytest.raises(cards.FontsMissing, match="fonts-noto-cjk"):
            cards.draw(cards.Card("zh", "指标", "地区生产总值", (), "", (), "渝中", "x"))
    finally:
        cards._chinese_face.cache_clear()
        cards._font.cache_clear()


def test_the_npm_face_of_a_private_fontconfig_file_draws_the_cards(monkeypatch, tmp_path):
    """Netlify has no Debian CJK font: scripts/netlify-build.sh points FONTCONFIG_FILE at the npm package's
    Noto Sans SC, whose family is named "Noto Sans S Chinese". The cards find it by that name (a face with the
    name table of that package stands in for it: no download in the tests)."""
    from fontTools.ttLib import TTFont
    folder = tmp_path / "package" / "fonts"
    folder.mkdir(parents=True)
    for style, source in (("Regular", cards.LATIN[False]), ("Bold", cards.LATIN[True])):
        face = TTFont(str(source))
        for record in face["name"].names:
            if record.nameID in (1, 16):
                record.string = "Noto Sans S Chinese"
            elif record.nameID in (2, 17):
                record.string = style
        face.save(str(folder / f"NotoSansHans-{style}.otf"))
    config = tmp_path / "fonts.conf"
    config.write_text(f"<?xml version='1.0'?>\n<fontconfig><dir>{folder}</dir></fontconfig>\n", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    monkeypatch.setattr(cards, "FONTS", {False: tmp_path / "none.ttc", True: tmp_path / "none-bold.ttc"})
    cards._chinese_face.cache_clear()
    cards._font.cache_clear()
    try:
        assert cards._chinese_face(False) == (str(folder / "NotoSansHans-Regular.otf"), 0)
        assert cards._chinese_face(True) == (str(folder / "NotoSansHans-Bold.otf"), 0)
        assert cards.draw(cards.Card("en", "Indicator", "GDP", (), "", (), "Plans", "x")).startswith(b"\x89PNG")
    finally:
        cards._chinese_face.cache_clear()
        cards._font.cache_clear()


@pytest.mark.parametrize("figure", ["more than CNY 290,000", "more than CNY 1.35 trillion and over CNY 1.4 trillion by far",
                                    "突破2000亿元", "6%左右"])
def test_a_cards_figure_is_never_cut(figure):
    """The big figure of an indicator's card is set smaller, then wrapped, never cut with '…': a number is
    sacred (a first version showed "more than CNY…")."""
    size, lines = cards.figure_lines(figure, "zh" if "亿" in figure or "左右" in figure else "en", 620)
    assert 36 <= size <= 60
    assert "…" not in "".join(lines)
    assert "".join(lines).replace(" ", "") == figure.replace(" ", "")


CHART_CARD = cards.Card("en", "Indicator", "Gross domestic product of the district, at comparable prices",
                        ("CNY 100 million", "Latest: 2024 outcome", "measures 2 goal(s)"), "more than CNY 1.35 trillion",
                        ((2021, 5.0, "outcome", "#0b4f8a"), (2024, 6.0, "outcome", "#1f6b35"), (2025, 6.0, "target", "#1f6b35")),
                        "Yuzhong Plans  ·  Edition 1.0 · 2026-12-06", "yuzhong-plans.example/en/indicators/gdp/" * 3)


@pytest.mark.parametrize("card", [CHART_CARD, cards.Card("zh", "文件 · 年度计划报告", "重庆市渝中区2024年国民经济和社会发展计划执行情况",
                                                         ("重庆市渝中区人民政府", "2025-01-24"), "", (), "渝中规划对照", "x/zh/")])
def test_a_card_keeps_its_colours_in_its_palette(card):
    """The PNG holds the card's own palette (no colours picked from the image): every pixel within 10 of the
    full-colour drawing per channel, the grounds, the text's ink and the chart's layer colours exact."""
    from PIL import Image, ImageChops
    full = cards.picture(card)
    png = Image.open(io.BytesIO(cards.draw(card)))
    assert (png.format, png.mode, png.size) == ("PNG", "P", (1200, 630))
    shown = png.convert("RGB")
    assert max(high for _, high in ImageChops.difference(full, shown).getextrema()) <= 10
    assert shown.getpixel((600, 7)) == cards.ACCENT and shown.getpixel((600, 520)) == (255, 255, 255)
    assert shown.getpixel((600, 625)) == cards.WASH
    colours = {colour for _, colour in shown.getcolors(256)}
    assert cards.INK in colours and {cards._rgb(point[3]) for point in card.points} <= colours


def test_the_same_card_is_the_same_bytes():
    """A card drawn twice (here and on a worker) is byte for byte the same: no time or software stamp, the
    palette fixed by the card."""
    assert cards.draw(CHART_CARD) == cards.draw(CHART_CARD)
    assert list(cardcache.draw_all([CHART_CARD] * cardcache.PARALLEL_MIN)) == [cards.draw(CHART_CARD)] * cardcache.PARALLEL_MIN


@pytest.mark.parametrize("text", ["yuzhong-plans.netlify.app/en/indicators/urban-renewal-national-cases/",
                                  "以建成高质量发展高品质生活新范例为统领，基本建成重庆现代服务业引领区", "x", ""])
def test_cutting_by_halves_finds_what_cutting_a_character_at_a_time_found(text):
    font = cards._font(22)
    for width in (0, 10, 80, 300, 2000):
        one_by_one = text
        while one_by_one and font.getlength(one_by_one + "…") > width:
            one_by_one = one_by_one[:-1]
        assert cards.cut(text, font, width) == one_by_one, (text, width)


def test_fonts_are_opened_once_a_process(monkeypatch):
    """A second card of the same sizes opens no font file: faces are kept by file, size and weight."""
    from PIL import ImageFont
    cards.draw(CHART_CARD)
    opened = []
    real = ImageFont.truetype
    monkeypatch.setattr(ImageFont, "truetype", lambda *a, **k: opened.append(a) or real(*a, **k))
    cards.draw(dataclasses.replace(CHART_CARD, lines=("Another line",), address="elsewhere.example/en/"))
    assert opened == []
