"""What YAML input may not hold, refused before it is composed: tags, anchors and aliases, collections as keys,
nesting beyond MAX_DEPTH (screen); a text that cannot hold any of them is not walked (needs_screen)."""
from __future__ import annotations

import re

import yaml

BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 40  # YAML nesting (libyaml's composer overflows the C stack on ~30,000 nested lists)

# What screen refuses needs one of these characters: "&" (anchor), "*" (alias), "!" (tag), "?" "[" "{" (the only
# ways a key can be a collection), "[" "{" (flow collections); or block nesting beyond MAX_DEPTH. A block
# collection starts no left of the one it is in, further right but for a list that is a mapping's value: its
# column is at least half its depth, and a collection's column is within the run of spaces, tabs, dashes and
# colons that begins its line. So a text without those characters and without a run of MAX_DEPTH // 2 of them
# (nor a line break YAML has beside \n) has nothing to refuse (N=2000's 2,003 YAML files: 0.16 s not walked).
_SCREENED = re.compile(r"[&*!?\[{\r\x85\u2028\u2029]")
_INDENTED = re.compile(r"\n[ \t:-]{%d}" % (MAX_DEPTH // 2))


class Refused(Exception):
    def __init__(self, message: str, mark, hint: str) -> None:
        super().__init__(message)
        self.message, self.mark, self.hint = message, mark, hint


def needs_screen(text: str) -> bool:
    """Whether `text` may hold what screen refuses (see _SCREENED)."""
    return (_SCREENED.search(text) is not None or _INDENTED.search(text) is not None
            or len(text) - len(text.lstrip(" \t:-")) >= MAX_DEPTH // 2)


def screen(text: str) -> None:
    """Walk the parser's events (libyaml reads them one at a time, so this stops at the first problem)
    and reject what the content never uses and what makes the composer crash or blow up: tags,
    anchors and aliases (the billion-laughs bomb), collections as keys, nesting beyond MAX_DEPTH.
    A text that cannot hold any of them (needs_screen) is not walked: the parser's errors are the
    composer's, which parses it next."""
    if needs_screen(text):
        _walk(text)


def _walk(text: str) -> None:
    """screen's walk of every event."""
    stack: list[list] = []  # per open collection: [is a mapping, children so far]
    for event in yaml.parse(text, Loader=BaseLoader):
        if isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        is_key = bool(stack) and stack[-1][0] and stack[-1][1] % 2 == 0
        if stack:
            stack[-1][1] += 1
        where = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            raise Refused("aliases (*name) are not allowed", where, "write the value out in full")
        if event.anchor is not None:
            raise Refused("anchors (&name) are not allowed", where, "remove '&" + event.anchor[:40] + "'")
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown_tag = tag.replace("tag:yaml.org,2002:", "!!")
            raise Refused(f"tags ({shown_tag[:40]}) are not allowed", where,
                          "remove the tag; quote text that looks like a number or true/false")
        if isinstance(event, yaml.CollectionStartEvent):
            if is_key:
                raise Refused("a key must be text, not a list or mapping", where, "write 'key: value'")
            stack.append([isinstance(event, yaml.MappingStartEvent), 0])
            if len(stack) > MAX_DEPTH:
                raise Refused(f"nested more than {MAX_DEPTH} levels deep", where, "the content needs a few levels")
