"""Translation upkeep on the fixture site: outdated blocks, status, confirm, the PO round trip, the parallel view."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import edit, generate, run_cli
from portal.segments import insert_segment, replace_segments, segment_texts, split_segments

DOC = "documents/plenary-demo"
MARCH_3 = 1772539200  # 2026-03-03 12:00 UTC


def reword(content: Path) -> None:
    """An editor corrects the wording of one zh paragraph (same figures, same terms) on 3 March 2026."""
    zh = content / DOC / "zh.md"
    edit(zh, "取得新进展新成效", "取得新进展新成绩")
    os.utime(zh, (MARCH_3, MARCH_3))


def cli(content: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("--content", str(content), *args)


def export(content: Path, tmp_path: Path) -> Path:
    po = tmp_path / "plenary-demo.en.po"
    result = cli(content, "translations", "export", "plenary-demo", "-o", str(po))
    assert result.returncode == 0, result.stderr
    return po


def entry(po_text: str, anchor: str) -> str:
    """One PO entry, from its comments to its msgstr."""
    return next(block for block in po_text.split("\n\n") if f'msgctxt "{anchor}"' in block)


def line_of(po: Path, anchor: str, keyword: str = "msgstr") -> int:
    lines = po.read_text(encoding="utf-8").splitlines()
    start = lines.index(f'msgctxt "{anchor}"')
    return next(n for n in range(start, len(lines)) if lines[n].startswith(keyword)) + 1


@pytest.mark.slow
def test_the_fixture_translation_is_current(content):
    result = cli(content, "translations", "status", "--strict")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[1].split() == ["plenary-demo", "6", "6", "0", "0"]
    files = generate(content).files
    assert "data-outdated" not in files[f"en/{DOC}/index.html"].decode()


@pytest.mark.slow
def test_a_wording_change_marks_exactly_that_block_outdated(content, tmp_path):
    reword(content)
    files = generate(content).files  # the build still succeeds
    english = files[f"en/{DOC}/index.html"].decode()
    assert re.findall(r'<(\w+) id="([^"]+)" data-outdated="true">', english) == [("p", "review-lead")]
    assert ('<p id="review-lead" data-outdated="true"><span class="outdated-note" role="note">The Chinese text of '
            'this paragraph changed on 3 March 2026; this translation may be out of date. '
            f'<a href="/zh/{DOC}/#review-lead" hreflang="zh-Hans">Current Chinese text</a>') in english
    chinese = files[f"zh/{DOC}/index.html"].decode()
    assert "data-outdated" not in chinese and "outdated-note" not in chinese
    for lang in ("zh", "en"):
        parallel = files[f"{lang}/{DOC}/parallel/index.html"].decode()
        assert re.findall(r'id="([^"]+)" data-outdated="true"', parallel) == ["review-lead"]

    strict = cli(content, "check", "--strict")
    assert strict.returncode == 1
    assert strict.stderr.splitlines()[0] == (
        "content/documents/plenary-demo/en.md:3: block 'review-lead' is outdated: its Chinese text "
        "(content/documents/plenary-demo/zh.md:3) changed on 2026-03-03")
    assert strict.stderr.rstrip().endswith("1 error(s); nothing was written.")
    assert cli(content, "check").returncode == 0

    status = cli(content, "translations", "status", "--strict")
    assert status.returncode == 1
    assert status.stdout.splitlines()[1].split() == ["plenary-demo", "6", "5", "1", "0"]

    po = export(content, tmp_path).read_text(encoding="utf-8")
    assert entry(po, "review-lead").splitlines()[2:] == [
        "#, fuzzy",
        '#| msgid "大力推进“七新”，取得新进展新成效"',
        'msgctxt "review-lead"',
        'msgid "大力推进“七新”，取得新进展新成绩"',
        'msgstr ""',
        '"Vigorously advancing the “Seven Renewals” (*七新*{: lang=\\"zh-Hans\\" }) and"',
        '" making new progress"']
    assert po.count("#, fuzzy") == 1


@pytest.mark.slow
def test_a_block_without_a_record_counts_as_outdated(content):
    sources = content / DOC / "en.sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(re.sub(r"\ngoals:\n(  .*\n)+", "\n", text), encoding="utf-8")
    status = cli(content, "translations", "status")
    assert "en.md:11: block 'goals' is outdated" in status.stdout
    assert status.stdout.splitlines()[1].split() == ["plenary-demo", "6", "5", "1", "0"]


@pytest.mark.slow
def test_a_hand_edited_sources_file_is_reported_with_its_line(content):
    edit(content / DOC / "en.sources.yaml", "  confirmed:", "  confirmd:")
    result = cli(content, "check")
    assert result.returncode == 1
    assert result.stderr.startswith("content/documents/plenary-demo/en.sources.yaml:4: entry 'review' needs "
                                    "exactly hash, confirmed and text")


@pytest.mark.slow
def test_confirm_clears_it(content):
    reword(content)
    result = cli(content, "translations", "confirm", "plenary-demo", "review-lead")
    assert result.stdout.strip() == "plenary-demo: 1 block(s) confirmed: review-lead"
    assert cli(content, "translations", "status", "--strict").returncode == 0
    assert "data-outdated" not in generate(content).files[f"en/{DOC}/index.html"].decode()
    unknown = cli(content, "translations", "confirm", "plenary-demo", "nowhere")
    assert unknown.returncode == 1 and "no block 'nowhere' in plenary-demo" in unknown.stderr


@pytest.mark.slow
def test_importing_a_reviewed_entry_clears_it(content, tmp_path):
    reword(content)
    po = export(content, tmp_path)
    text = po.read_text(encoding="utf-8")
    reviewed = entry(text, "review-lead")
    updated = reviewed.replace("#, fuzzy\n", "").replace('" making new progress"', '" making new achievements"')
    po.write_text(text.replace(reviewed, updated), encoding="utf-8")
    result = cli(content, "translations", "import", str(po))
    assert result.returncode == 0, result.stderr
    assert "1 block(s) changed, 6 confirmed current; 0 not current" in result.stdout
    assert "and making new achievements\n{: #review-lead }" in (content / DOC / "en.md").read_text(encoding="utf-8")
    assert cli(content, "translations", "status", "--strict").returncode == 0


@pytest.mark.slow
def test_a_fuzzy_entry_is_imported_but_stays_outdated(content, tmp_path):
    reword(content)
    po = export(content, tmp_path)
    result = cli(content, "translations", "import", str(po))
    assert result.returncode == 0 and "0 block(s) changed, 5 confirmed current; 1 not current: review-lead" in result.stdout


@pytest.mark.slow
def test_a_po_round_trip_is_byte_identical(content, tmp_path):
    before = {name: (content / DOC / name).read_bytes() for name in ("en.md", "en.sources.yaml")}
    po = export(content, tmp_path)
    result = cli(content, "translations", "import", str(po))
    assert result.returncode == 0, result.stderr
    assert {name: (content / DOC / name).read_bytes() for name in before} == before


@pytest.mark.slow
def test_msgfmt_accepts_an_export(content, tmp_path):
    reword(content)  # with a fuzzy entry and a previous msgid
    po = export(content, tmp_path)
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "5 translated messages, 1 fuzzy translation" in result.stderr


@pytest.mark.slow
def test_an_export_carries_glossary_renderings_and_figures(content, tmp_path):
    po = export(content, tmp_path).read_text(encoding="utf-8")
    assert "#. glossary: 七新 = Seven Renewals\n" in entry(po, "review-lead")
    assert "#. figures: 2100亿 (= 210 billion), 75\n" in entry(po, "g1-p1")
    assert 'msgid "软件企业突破**2500家**，渝中纳入国家区块链创新应用试点名单"' in entry(po, "r1-1")


BROKEN = [
    ("g1-p1", '"Economic strength will rise markedly: GDP will reach the **CNY 210 "',
     '"Economic strength will rise markedly: GDP will reach the **CNY 21 "',
     "block 'g1-p1' lacks numbers of its zh text: 2100亿"),
    ("review-lead", "the “Seven Renewals” (*七新*", "the “Seven Renovations” (*七新*",
     "block 'review-lead' translates glossary term 七新 without its English 'Seven Renewals'"),
    ("review-lead", '" making new progress"', '"\\n\\nmaking new progress"',
     "block 'review-lead' is a paragraph: its translation has an empty line"),
    ("r1-1", '"Software enterprises exceeded **2,500**, and Yuzhong was put on the list "',
     '"Software enterprises exceeded **2,500**.\\n\\nYuzhong was put on the list "',
     "block 'r1-1' is a list item: its translation has an empty line"),
]


@pytest.mark.slow
@pytest.mark.parametrize("anchor, old, new, message", BROKEN, ids=["figure", "glossary", "split-paragraph", "split-item"])
def test_a_broken_translation_is_rejected_with_its_line_and_nothing_written(content, tmp_path, anchor, old, new,
                                                                              message):
    po = export(content, tmp_path)
    edit(po, old, new)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (content / DOC).iterdir()}
    result = cli(content, "translations", "import", str(po))
    assert result.returncode == 1
    assert f"{po}:{line_of(po, anchor)}: {message}" in result.stderr.splitlines()
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (content / DOC).iterdir()} == before


@pytest.mark.slow
def test_a_lost_anchor_is_rejected(content, tmp_path):
    po = export(content, tmp_path)
    edit(po, 'msgctxt "goals"', 'msgctxt "goal"')
    before = (content / DOC / "en.md").read_bytes()
    result = cli(content, "translations", "import", str(po))
    assert result.returncode == 1
    assert f"{po}:{line_of(po, 'goal', 'msgctxt')}: msgctxt 'goal' is not a block of" in result.stderr
    assert f"{po}: block 'goals' ({content}/documents/plenary-demo/zh.md:11) has no entry: its anchor was lost" \
        in result.stderr
    assert (content / DOC / "en.md").read_bytes() == before


@pytest.mark.slow
def test_a_lost_footnote_marker_is_rejected(content, tmp_path):
    for lang, note in (("zh", "指软件和信息技术服务业企业。"), ("en", "Software and IT services enterprises.")):
        edit(content / DOC / f"{lang}.md", "  {: #r1-1 }\n", f"  {{: #r1-1 }}\n\n[^1]: {note}\n")
    edit(content / DOC / "zh.md", "软件企业突破", "软件企业[^1]突破")
    edit(content / DOC / "en.md", "Software enterprises exceeded", "Software enterprises[^1] exceeded")
    assert cli(content, "translations", "confirm", "plenary-demo").returncode == 0
    po = export(content, tmp_path)
    edit(po, "Software enterprises[^1] exceeded", "Software enterprises exceeded")
    result = cli(content, "translations", "import", str(po))
    assert result.returncode == 1
    assert f"{po}:{line_of(po, 'r1-1')}: block 'r1-1' lost footnote marker(s) [^1]" in result.stderr


@pytest.mark.slow
def test_a_block_missing_from_en_md_is_added_by_import(content, tmp_path):
    edit(content / DOC / "en.md", "- Software enterprises exceeded **2,500**, and Yuzhong was put on the list of "
         "national pilots for innovative blockchain applications\n  {: #r1-1 }\n\n", "")
    assert "missing translation: anchor 'r1-1'" in cli(content, "check").stderr
    po = export(content, tmp_path)
    assert entry(po.read_text(encoding="utf-8"), "r1-1").endswith('msgstr ""')
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace(entry(text, "r1-1"), entry(text, "r1-1")[:-2] +
                               '"Over **2,500** software enterprises; Yuzhong joined the national blockchain pilots"'),
                  encoding="utf-8")
    result = cli(content, "translations", "import", str(po))
    assert result.returncode == 0, result.stderr
    assert ("### 1 Vigorously advancing industrial upgrading: industries climb to a higher level {#r1}\n\n"
            "- Over **2,500** software enterprises; Yuzhong joined the national blockchain pilots\n  {: #r1-1 }\n\n"
            "## Goals") in (content / DOC / "en.md").read_text(encoding="utf-8")
    assert cli(content, "check", "--strict").returncode == 0


@pytest.mark.slow
def test_a_po_file_that_is_not_one_is_rejected(content, tmp_path):
    po = export(content, tmp_path)
    edit(po, 'msgctxt "goals"', 'msgcontext "goals"')
    line = po.read_text(encoding="utf-8").splitlines().index('msgcontext "goals"') + 1
    result = cli(content, "translations", "import", str(po))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{po}:{line}: not a PO line: 'msgcontext \"goals\"'\n")


SOURCE = """## 标题 {#h}

第一段，
接着写。
{: #p1 }

- 一项
  {: #i1 }
- 二项
  {: #i2 }

[^1]: 注释

### 表 {#t}

| 序号 | 名称 |
|---|---|
| 1 | 甲 |
"""


def test_segments_are_the_words_of_each_block():
    assert segment_texts(SOURCE) == {"h": "标题", "p1": "第一段，\n接着写。", "i1": "一项", "i2": "二项",
                                     "fn-1": "注释", "t": "表", "t-r1": "| 1 | 甲 |"}
    assert replace_segments(SOURCE, segment_texts(SOURCE))[0] == SOURCE
    changed, where = replace_segments(SOURCE, {"p1": "一段", "i2": "两项"})
    assert "一段\n{: #p1 }" in changed and "- 两项\n  {: #i2 }" in changed
    assert where == {"p1": (3, 4), "i2": (8, 9)}  # the words and the anchor line after them


def test_a_missing_block_is_inserted_shaped_like_its_model():
    segments = split_segments(SOURCE)
    without = SOURCE.replace("- 二项\n  {: #i2 }\n", "")
    after = next(s for s in split_segments(without) if s.anchor == "i1")
    i2 = next(s for s in segments if s.anchor == "i2")
    assert insert_segment(without, SOURCE, i2, after, "\n", "二项") == SOURCE


def test_the_parallel_view_pairs_every_block_and_links_both_ways(fixture_site):
    files = fixture_site.files
    for lang in ("zh", "en"):
        html = files[f"{lang}/{DOC}/parallel/index.html"].decode()
        pairs = re.findall(r'<div class="pair[^"]*" id="([^"]+)"', html)
        assert pairs == ["review", "review-lead", "r1", "r1-1", "goals", "g1-p1"]
        assert html.count('<div class="pair-zh" lang="zh-Hans">') == 6 and html.count('<div class="pair-en" lang="en">') == 6
        other = "en" if lang == "zh" else "zh"
        assert f'<a class="lang-switch" href="/{other}/{DOC}/parallel/"' in html
        assert f'<a href="/{lang}/{DOC}/" data-keep-fragment>' in html
        document = files[f"{lang}/{DOC}/index.html"].decode()
        assert f'<a href="/{lang}/{DOC}/parallel/" data-keep-fragment>' in document
        assert '<a class="parallel-link" href="parallel/#g1-p1"' in document
        assert 'data-keep-fragment' in re.search(r'<a class="lang-switch"[^>]*>', document).group(0)
    english = files[f"en/{DOC}/parallel/index.html"].decode()
    assert "<h2>Goals and measures for the next five years</h2>" in english
    assert '<p class="pair-heading">未来五年 工作目标举措</p>' in english


def test_the_progress_page_lists_outdated_blocks_with_links(content):
    reword(content)
    files = generate(content).files
    english = files["en/translation/index.html"].decode()
    assert re.search(r"<td>6</td><td>5</td><td class=\"outdated-count\">1</td><td>0</td>", english)
    assert f'<a href="/en/{DOC}/#review-lead" hreflang="en"><code>review-lead</code></a>' in english
    assert f'<a href="/en/{DOC}/parallel/#review-lead">Side by side</a>' in english
    chinese = files["zh/translation/index.html"].decode()
    assert "中文于2026年3月3日修改" in chinese


@pytest.mark.slow
def test_the_change_date_comes_from_git_when_the_change_is_committed(content):
    git = lambda *args, **env: subprocess.run(["git", "-C", str(content), *args], check=True, capture_output=True,
                                              env={**os.environ, **env})  # noqa: E731
    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    when = {"GIT_AUTHOR_DATE": "2026-01-05T10:00:00Z", "GIT_COMMITTER_DATE": "2026-01-05T10:00:00Z"}
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "content", **when)
    reword(content)
    when = {"GIT_AUTHOR_DATE": "2026-02-14T10:00:00Z", "GIT_COMMITTER_DATE": "2026-02-14T10:00:00Z"}
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "reword", **when)
    edit(content / DOC / "zh.md", "经济实力显著提升", "经济实力大幅提升")  # not committed: the file's date
    os.utime(content / DOC / "zh.md", (MARCH_3, MARCH_3))
    status = cli(content, "translations", "status").stdout
    assert "block 'review-lead' is outdated: its Chinese text (content/documents/plenary-demo/zh.md:3) changed on " \
           "2026-02-14" in status.replace(str(content.parent) + "/", "")
    assert "block 'g1-p1' is outdated" in status and "changed on 2026-03-03" in status


@pytest.mark.slow
def test_commands_fail_cleanly_on_what_they_cannot_read(content, tmp_path):
    missing = cli(content, "translations", "import", str(tmp_path / "none.po"))
    assert missing.returncode == 1 and missing.stderr.startswith(f"{tmp_path / 'none.po'}:1: file not found")
    unknown = cli(content, "translations", "export", "no-such-document")
    assert unknown.returncode == 1 and "no document 'no-such-document'" in unknown.stderr
    assert "Traceback" not in missing.stderr + unknown.stderr


TRICKY = ["普通的一句话。", "yes", "No", "null", "~", "123", "0x1f", "1.5", ".inf", "2026-01-01", "a: b", "a:b", "x #y",
          "#x", "- item", "-item", "? q", "'quoted'", "it's", "\"double\"", " lead", "trail ", "", "tab\there",
          "| 1 | 表 |", "[list]", "{map}", "&anchor", "*alias", "!tag", "%pct", "@at", "`tick`", "中文：冒号", "x:",
          "‘弯引号’", "line\nbreak", "two  spaces", "end'", "> folded", "https://example.org/a#b", "！感叹"]


@pytest.mark.parametrize("anchor", ["p1", "s1-2", "annex-1-r3", "yes", "true", "null", "on", "e1", "x.y"])
def test_sources_files_read_fast_exactly_as_yaml_reads_them(tmp_path, anchor):
    """en.sources.yaml as the tool writes it is read without the YAML machinery: whatever it reads,
    it reads as YAML does, and anything else goes to YAML."""
    from portal import freshness
    from portal.loading import load_yaml
    entries = {f"{anchor}{n or ''}": freshness.Confirmed(freshness.block_hash(text or "x"), "2026-11-28", text)
               for n, text in enumerate(TRICKY)}
    entries["digits"] = freshness.Confirmed("1234567890123456", "2026-11-28", "数字哈希")
    path = tmp_path / "en.sources.yaml"
    freshness.write_confirmed(path, entries, list(entries))
    text = path.read_text(encoding="utf-8")
    data = load_yaml(path, path) or {}
    as_yaml = {str(k): (v["hash"], v["confirmed"], v["text"]) for k, v in data.items()}
    fast = freshness._fast_confirmed(text)
    if fast is not None:
        assert {k: (c.hash, c.date, c.text) for k, c in fast.items()} == as_yaml
    # file by file: each entry alone is read fast or falls back, never read differently
    read_fast = 0
    for key, entry in entries.items():
        freshness.write_confirmed(path, {key: entry}, [key])
        data = load_yaml(path, path) or {}
        one = freshness._fast_confirmed(path.read_text(encoding="utf-8"))
        if one is not None:
            read_fast += 1
            assert {k: (c.hash, c.date, c.text) for k, c in one.items()} == \
                {str(k): (v["hash"], v["confirmed"], v["text"]) for k, v in data.items()}, (key, entry.text)
    assert read_fast >= len(TRICKY) // 2  # the fast path is not simply always declined
