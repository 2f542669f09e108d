"""Writing the site: a whole build goes to a fresh folder swapped in on success; single files atomically."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path


class Stored:
    """A file an earlier build wrote, known by its digest: its bytes are read from where it was written
    only when needed (a warm build needs the bytes of what changed, not of every page it keeps)."""

    __slots__ = ("path", "digest")

    def __init__(self, path: str, digest: str) -> None:
        self.path, self.digest = path, digest

    def read(self) -> bytes:
        try:
            with open(self.path, "rb") as handle:
                data = handle.read()
        except OSError:
            data = None
        if data is None or hashlib.sha1(data).hexdigest() != self.digest:
            raise StoredChanged(f"{self.path} changed or went missing during the build: run the build again")
        return data

    def decode(self, *args) -> str:
        return self.read().decode(*args)

    def __eq__(self, other) -> bool:
        if isinstance(other, Stored):
            return self.digest == other.digest
        if isinstance(other, bytes):
            return hashlib.sha1(other).hexdigest() == self.digest
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class StoredChanged(RuntimeError):
    """A kept file was changed by something else between its build and its use."""


def content(data: "bytes | Stored") -> bytes:
    """A file's bytes, whether built now or kept from an earlier build."""
    return data.read() if isinstance(data, Stored) else data


def digest_of(data: "bytes | Stored") -> str:
    return data.digest if isinstance(data, Stored) else hashlib.sha1(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file and os.replace, so readers never see half a file."""
    write_atomic_with(path, lambda handle: handle.write(data))


def write_atomic_with(path: Path, write) -> None:
    """Like write_atomic, with `write(handle)` producing the bytes (streamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def replace_site(files: dict[str, bytes], site: Path) -> None:
    """Render into a fresh sibling folder, then swap it in for `site`; the old site stays until then."""
    site = site.resolve()
    site.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=site.parent, prefix=f".{site.name}-new-"))
    try:
        for relative in sorted(files):
            target = fresh / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content(files[relative]))
        os.chmod(fresh, 0o755)
        old = site.parent / f".{site.name}-old"
        if old.exists():
            shutil.rmtree(old)
        if site.exists():
            os.replace(site, old)
        os.replace(fresh, site)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def update_site(files: dict[str, bytes], site: Path, previous: dict[str, str],
                only: set[str] | None = None, current: dict[str, str] | None = None) -> list[str]:
    """Write only the files whose bytes changed since `previous` (their sha1 digests) or that went
    missing, each atomically; remove the ones no longer built. `only` limits the comparison to the
    files a quick update may have touched; `current`, the files' digests when already computed.
    Returns what changed."""
    changed = []
    for relative in sorted(only if only is not None else files):
        data = files[relative]
        target = site / relative
        digest = current[relative] if current is not None else digest_of(data)
        if previous.get(relative) != digest or not target.exists():
            write_atomic(target, content(data))
            changed.append(relative)
    if only is None:
        for relative in sorted(set(previous) - set(files)):
            (site / relative).unlink(missing_ok=True)
            changed.append(relative)
    return changed


def digests(files: dict[str, bytes], known: dict[str, tuple] | None = None) -> dict[str, str]:
    """Each file's sha1; `known` gives (bytes object, digest) of files already digested."""
    known = known or {}

    def one(name: str, data) -> str:
        seen = known.get(name)
        return seen[1] if seen is not None and seen[0] is data else digest_of(data)

    return {name: one(name, data) for name, data in files.items()}
