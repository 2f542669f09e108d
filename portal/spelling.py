"""One English spelling: British, as the dates (en_GB), in Oxford style (-ize, as the content has always
written it: organize, modernization; but analyse, centre, labour, programme, defence). A check over
every English text a reader sees (en.md, the `en` fields of the YAML, the interface's English catalog)
names each American spelling at its line with the British one; a proper name written otherwise by its
owner (World Trade Center) is listed with its reason in content/spelling.yaml."""
from __future__ import annotations

import re
from pathlib import Path

from .errors import ContentError, SourceRef
from .inputs import input_files
from .loading import Record, load_yaml, read_text
from .pofile import read_entries

EXCEPTIONS = "spelling.yaml"  # in content/: proper names kept in their owners' spelling

# American -> British (Oxford). Each word as it is written; inflections are listed, not guessed, so a
# word is flagged only when it is certainly the American form ("practice" is the British noun too, so
# only the verb's forms a noun cannot take are here: practiced, practicing)
BRITISH = {
    # -or -> -our
    **{a: a.replace("or", "our", 1) for a in (
        "labor", "labors", "labored", "laborer", "laborers", "laborious",
        "color", "colors", "colored", "colorful", "coloring",
        "favor", "favors", "favored", "favorable", "favorably", "favorite", "favorites", "unfavorable",
        "honor", "honors", "honored", "honorable", "honoring",
        "neighbor", "neighbors", "neighboring", "neighborhood", "neighborhoods",
        "behavior", "behaviors", "behavioral", "endeavor", "endeavors", "harbor", "harbors", "humor", "rigor",
        "vigor", "vapor", "savor", "odor", "odors", "flavor", "flavors", "rumor", "rumors", "tumor", "tumors",
        "armor", "splendor", "valor", "fervor", "candor", "parlor", "demeanor", "clamor")},
    # -er -> -re
    "center": "centre", "centers": "centres", "centered": "centred", "centering": "centring",
    "theater": "theatre", "theaters": "theatres", "caliber": "calibre", "fiber": "fibre", "fibers": "fibres",
    "liter": "litre", "liters": "litres", "meager": "meagre", "somber": "sombre", "luster": "lustre",
    "kilometer": "kilometre", "kilometers": "kilometres", "centimeter": "centimetre", "millimeter": "millimetre",
    # -og -> -ogue, -ense -> -ence
    "catalog": "catalogue", "catalogs": "catalogues", "dialog": "dialogue", "analog": "analogue",
    "defense": "defence", "defenses": "defences", "offense": "offence", "offenses": "offences",
    "pretense": "pretence", "license": "licence", "licenses": "licences",
    # -yze -> -yse (Oxford too)
    **{a: a.replace("yz", "ys") for a in (
        "analyze", "analyzes", "analyzed", "analyzing", "paralyze", "paralyzed", "catalyze", "catalyzed",
        "catalyzing")},
    # doubled l, single l
    "traveler": "traveller", "travelers": "travellers", "traveled": "travelled", "traveling": "travelling",
    "modeling": "modelling", "modeled": "modelled", "labeled": "labelled", "labeling": "labelling",
    "canceled": "cancelled", "canceling": "cancelling", "fueled": "fuelled", "fueling": "fuelling",
    "signaled": "signalled", "signaling": "signalling", "leveled": "levelled", "channeled": "channelled",
    "counselor": "counsellor", "counselors": "counsellors", "counseling": "counselling",
    "fulfill": "fulfil", "fulfills": "fulfils", "fulfillment": "fulfilment", "enrollment": "enrolment",
    "enrollments": "enrolments", "installment": "instalment", "installments": "instalments",
    "skillful": "skilful", "willful": "wilful",
    # -e- kept, ae, other words
    "aging": "ageing", "orthopedic": "orthopaedic", "orthopedics": "orthopaedics", "pediatric": "paediatric",
    "pediatrics": "paediatrics", "program": "programme", "programs": "programmes", "practiced": "practised",
    "practicing": "practising", "gray": "grey", "toward": "towards", "afterward": "afterwards",
    "percent": "per cent", "airplane": "aeroplane", "airplanes": "aeroplanes", "jewelry": "jewellery",
    "mold": "mould", "plow": "plough", "cozy": "cosy", "skeptical": "sceptical", "tire": "tyre", "tires": "tyres",
}
# -ise where Oxford spelling, as the content, writes -ize: organise -> organize (advertise, enterprise,
# exercise, raise, revise, supervise… are not -ize words and are never flagged)
IZE_STEMS = ("organ", "real", "modern", "optim", "recogn", "civil", "special", "revital", "subsid", "standard",
             "stabil", "mobil", "util", "commercial", "popular", "categor", "digital", "intelligent",
             "international", "institutional", "industrial", "global", "liberal", "personal", "social",
             "central", "emphas", "public", "item", "priorit", "minim", "maxim", "summar", "symbol", "character",
             "author", "harmon", "legal", "local", "normal", "visual", "final", "critic", "capital", "energ",
             "synchron", "urban", "market", "securit", "inform", "computer", "general", "apolog", "memor")
_IZE = re.compile(rf"\b({'|'.join(IZE_STEMS)})is(e|es|ed|ing|ation|ations|er|ers)\b", re.I)
_NOT_WORDS = re.compile(r"\{:[^}]*\}|\]\([^)]*\)|\[\^[^\]]*\]|<[^>]*>|`[^`]*`")  # attributes, link URLs, labels
HINT = ("the site spells British, Oxford style (-ize; -our, -re, -ence, -yse, programme): "
        "see docs/editorial/spelling.md; a proper name its owner spells otherwise goes in content/spelling.yaml")


def british(word: str) -> str | None:
    """The British spelling of an American-spelt word, in its case; None when the word is not one."""
    found = BRITISH.get(word.lower())
    if found is None:
        match = _IZE.fullmatch(word)
        found = f"{match.group(1)}iz{match.group(2)}".lower() if match else None
    if found is None:
        return None
    return found.capitalize() if word[:1].isupper() else found


def american_words(text: str, kept: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Each American spelling in a text, with its British spelling, in order; the phrases in `kept`
    (proper names in their owners' spelling) and Markdown's attribute lists, link addresses and footnote
    labels are passed over."""
    for phrase in kept:
        text = text.replace(phrase, " ")
    text = _NOT_WORDS.sub(" ", text)
    found = []
    for match in re.finditer(r"[A-Za-z]+", text):
        fix = british(match.group(0))
        if fix:
            found.append((match.group(0), fix))
    return found


def spelling_error(ref: SourceRef, where: str, text: str, kept: tuple[str, ...]) -> list[ContentError]:
    """One error per American spelling of a text, at its line."""
    return [ContentError(ref, f"spelling '{word}' in {where}: the site writes '{fix}'", HINT)
            for word, fix in american_words(text, kept)]


def _yaml_english(node):
    """Every `en:` text of parsed YAML, with its line."""
    if isinstance(node, Record):
        for key, value in node.items():
            if key == "en" and isinstance(value, str):
                yield node.lines.get(key, node.line), value
            else:
                yield from _yaml_english(value)
    elif isinstance(node, list):
        for item in node:
            yield from _yaml_english(item)


def load_exceptions(content: Path) -> tuple[list[tuple[str, int, str]], list[ContentError]]:
    """content/spelling.yaml: a list of `{text, reason}`, each text a proper name kept as its owner spells
    it. Returns (text, line, reason) of each, and the mistakes in the file."""
    path = content / EXCEPTIONS
    shown = Path("content") / EXCEPTIONS
    if not path.is_file():
        return [], []
    try:
        data = load_yaml(path, shown)
    except ContentError as error:
        return [], [error]
    kept, errors = [], []
    for item in data if isinstance(data, list) else [None]:
        if not (isinstance(item, Record) and set(item) == {"text", "reason"}
                and all(isinstance(item[k], str) and item[k].strip() for k in item)):
            line = item.line if isinstance(item, Record) else 1
            errors.append(ContentError(SourceRef(shown, line), "a spelling exception is '- text: …' and 'reason: …'",
                                       "name the proper name as written and why it keeps its spelling"))
            continue
        kept.append((item["text"], item.line, item["reason"]))
    return kept, errors


def spelling_errors(content: Path, i18n_dir: Path) -> list[ContentError]:
    """Every American spelling in the English a reader sees: each en.md line, each `en` of the content's
    YAML, each msgstr of the English catalog; and each exception that no longer occurs anywhere."""
    exceptions, errors = load_exceptions(content)
    kept = tuple(sorted((text for text, _l, _r in exceptions), key=len, reverse=True))
    seen: set[str] = set()

    def check(ref: SourceRef, where: str, text: str) -> None:
        seen.update(phrase for phrase in kept if phrase in text)
        errors.extend(spelling_error(ref, where, text, kept))

    files = input_files(content, Path("content"))
    for path in (p for p in files if p.name == "en.md"):
        shown = Path("content") / path.relative_to(content)
        for number, line in enumerate(read_text(path, shown).split("\n"), 1):
            check(SourceRef(shown, number), "the English text", _without_chinese(line))
    for path in (p for p in files if p.suffix == ".yaml"):
        if path.name in (EXCEPTIONS, "en.sources.yaml"):
            continue  # the exceptions themselves; the translation record (zh text and dates)
        shown = Path("content") / path.relative_to(content)
        for line, text in _yaml_english(load_yaml(path, shown)):
            check(SourceRef(shown, line), "an 'en' field", text)
    catalog = i18n_dir / "en" / "LC_MESSAGES" / "messages.po"
    if catalog.is_file():
        shown = Path("i18n") / catalog.relative_to(i18n_dir)
        for entry in read_entries(read_text(catalog, shown), shown):
            for text in entry.strings:  # an empty msgstr shows the msgid: the English of the templates
                check(SourceRef(shown, entry.msgstr_line), "a translation", text or entry.msgid)
    errors.extend(ContentError(SourceRef(Path("content") / EXCEPTIONS, line), f"spelling exception '{text}' "
                               "occurs in no English text", "remove it") for text, line, _r in exceptions
                  if text not in seen)
    return errors


def _without_chinese(line: str) -> str:
    """A Markdown line without its spans marked Chinese (`*…*{: lang="zh-Hans" }`)."""
    return re.sub(r'\*[^*]*\*\{:\s*lang="zh-Hans"\s*\}', " ", line)
