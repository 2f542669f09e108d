"""What a body worker checks of a document whose two bodies it has just rendered (keptbodies.prefill): its
translation (validation.translation_checked) and its translation state (freshness.translation_state), each
under the key the build looks it up by, so the main process finds them made. A cold build's workers do it
beside the bodies, on every core, instead of the main process after them, with one core idle."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, ContentErrors
from .freshness import SOURCES, sources_input, state_key, translation_state
from .model import Term
from .validation import translation_checked


@dataclass(frozen=True)
class DocumentChecks:
    """check(folder, rendered) for keptbodies.prefill, given to the workers with their bodies."""

    terms: tuple[Term, ...]
    content: Path  # the content folder
    sources: dict[str, str]  # the digests of the documents' en.sources.yaml files, as read_inputs found them

    @classmethod
    def of(cls, terms: list[Term], content: Path, inputs: dict[str, str] | None) -> "DocumentChecks":
        """The checks of a build of `content` with these glossary terms and inputs' digests."""
        return cls(tuple(terms), content, {name: digest for name, digest in (inputs or {}).items()
                                           if name.endswith(SOURCES)})

    def __call__(self, folder: Path, rendered: dict[str, tuple]) -> list[tuple[str, tuple, object]]:
        """[(kind, key, result)]: the document's translation problems ("translation" and its pairs of blocks'
        "pair", validation's keys) and its translation state ("state", translation_states' key); nothing when
        a body is missing or has problems (the document is then left out of the site)."""
        found: list[tuple[str, tuple, object]] = translation_checked(list(self.terms), folder, rendered)
        if not found:
            return []
        (zh, _), (en, _) = rendered["zh"], rendered["en"]
        doc_id, sources = folder.name, self.sources.get(sources_input(folder.name))
        try:
            state = translation_state(doc_id, zh, en, self.content / "documents" / doc_id, folder, None, sources)
        except (ContentError, ContentErrors, OSError):  # a faulty en.sources.yaml, a file gone: left to the build,
            return found  # which does it again and says so as it would have
        return [*found, ("state", state_key(doc_id, zh, en, sources), state)]
