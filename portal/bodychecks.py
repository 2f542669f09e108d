"""A rendered body's problems (attributes, links, images, character references, ids) as errors at the
lines of its source that cause them."""
from __future__ import annotations

from pathlib import Path

from .errors import ContentError, SourceRef, quote
from .fields import MAX_ID
from .safety import LINK_HINT, id_problems
from .sourcelines import SourceLines


def attribute_errors(bad: list[tuple[str, str | None]], source: SourceLines, shown: Path) -> list[ContentError]:
    """One error per refused attribute, link, image, link text or character reference."""
    errors = []
    seen: dict[tuple, int] = {}  # a problem written twice: its second occurrence is the second error's line
    for name, value in bad:
        nth = seen.get((name, value), 0)
        seen[(name, value)] = nth + 1
        if name == "href":
            line = source.line_with(f"]({value}", f"<{value}>", f"]: {value}", value, value[:8], html_text=True,
                                    nth=nth)
            errors.append(ContentError(SourceRef(shown, line), f"link {quote(value)} is not allowed", LINK_HINT))
        elif name == "<img>":
            line = source.line_with(f"]({value}", value, "![", nth=nth)
            errors.append(ContentError(SourceRef(shown, line), f"image {quote(value)} is not allowed",
                                       "documents show no images; link to the file instead: [title](path)"))
        elif name == "<a>":
            visible = "".join(ch for ch in value if ch.isprintable())
            first = next(i for i, ch in enumerate(value) if not ch.isprintable())
            line = source.line_with(value, visible, value[:first], nth=nth)  # as written, then with &#…;
            errors.append(ContentError(SourceRef(shown, line), f"invisible character in link text {quote(value)}",
                                       "delete it: a link must read as what it does"))
        elif name == "&":
            line = source.line_with(value, nth=nth)
            errors.append(ContentError(SourceRef(shown, line), f"character reference {value} names a control "
                                       "or invisible character", "delete it"))
        else:
            line = source.line_with(f"{name}=", name, nth=nth)
            shown_attribute = name if value is None else f'{name}="{value}"'
            errors.append(ContentError(SourceRef(shown, line), f"attribute {shown_attribute} is not allowed",
                                       "only id, class and lang may be set with {: … }"))
    return errors


def id_errors(body_html: str, source: SourceLines, shown: Path) -> list[ContentError]:
    """An id the page uses itself, one set twice (on blocks, inline elements or both) or one too long, as
    an error at the line that sets it."""
    reserved, repeated, too_long = id_problems(body_html, MAX_ID)
    errors = [ContentError(SourceRef(shown, source.line_of(anchor, "")), f"anchor {quote(anchor)} is longer than "
                           f"{MAX_ID} characters ({len(anchor)})", "shorten it, e.g. 'p12' or 'part-3'")
              for anchor in too_long]
    errors += [ContentError(SourceRef(shown, source.line_of(anchor, "")), f"anchor {quote(anchor)} is an id the "
                           "page itself uses", "rename it, e.g. 'p12' or 'part-3'") for anchor in reserved]
    for anchor in repeated:
        lines = source.anchor_lines(anchor)
        lines = lines if len(lines) > 1 else (lines or [1]) * 2  # set once by hand, once by a heading's title
        errors.extend(ContentError(SourceRef(shown, line), f"duplicate anchor {quote(anchor)} (first on line "
                                   f"{lines[0]})", "give each block its own anchor") for line in lines[1:])
    return errors


def without_html_in_refused_links(errors: list[ContentError]) -> list[ContentError]:
    """A refused link whose address holds a tag (`data:text/html,<script>…`) is one mistake: its tag is not
    reported again as raw HTML on the same line."""
    refused = {e.src.line: e.message for e in errors if e.message.startswith("link ")}

    def inside_refused(error: ContentError) -> bool:
        tag = error.message.removeprefix("raw HTML is not allowed: ")
        return tag != error.message and tag in refused.get(error.src.line, "")

    return [e for e in errors if not inside_refused(e)]
