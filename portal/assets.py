"""Static files under fingerprinted names: style.css -> /static/style.3f2a1b4c.css."""
from __future__ import annotations

import hashlib
from pathlib import Path

from . import inputs

STATIC_PLAIN = {"favicon.svg"}  # served under its own name (robots.txt is made with the sitemap: datasets.py)


def collect_assets(static: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    """Fingerprint static files: style.css -> /static/style.3f2a1b4c.css (plain names for a few)."""
    names, files = {}, {}
    for path in inputs.input_files(static, Path("static")):  # symlinks refused
        relative = path.relative_to(static).as_posix()
        data = path.read_bytes()
        if relative in STATIC_PLAIN:
            names[relative], files[relative] = f"/{relative}", data
            continue
        stem, dot, suffix = relative.rpartition(".")
        digest = hashlib.sha256(data).hexdigest()[:10]
        fingerprinted = f"static/{stem}.{digest}.{suffix}" if dot else f"static/{relative}.{digest}"
        names[relative], files[fingerprinted] = f"/{fingerprinted}", data
    return names, files
