"""Writing the site: a whole build goes to a fresh folder swapped in on success; single files atomically."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path


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
            target.write_bytes(files[relative])
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
        digest = current[relative] if current is not None else hashlib.sha1(data).hexdigest()
        if previous.get(relative) != digest or not target.exists():
            write_atomic(target, data)
            changed.append(relative)
    if only is None:
        for relative in sorted(set(previous) - set(files)):
            (site / relative).unlink(missing_ok=True)
            changed.append(relative)
    return changed


def digests(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha1(data).hexdigest() for name, data in files.items()}
