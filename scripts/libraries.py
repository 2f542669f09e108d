#!/usr/bin/env python3
"""The Debian packages to install for the shared libraries this checkout's tools load and this machine
lacks, one per line (nothing when none is missing). Found by what the tools load, not by what happens
to be installed: every program and extension module in the virtual environment (when given) is asked
with ldd (the Node that Playwright bundles needs libatomic.so.1), and the libraries WeasyPrint opens
at run time (portal/pdf.py) are opened. Exit 1, naming it, for a missing library this file cannot
place in a package.

    python3 scripts/libraries.py [VENV]
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from portal.pdf import WEASYPRINT_LIBRARIES, unloadable  # noqa: E402 (the checkout's root, put on the path above)

# A missing library -> the Debian package that ships it; tests/test_setup.py checks each entry with dpkg -S.
PACKAGES = {**WEASYPRINT_LIBRARIES, "libatomic.so.1": "libatomic1"}


def elf_files(folder: Path) -> list[Path]:
    """The programs and shared objects below folder (by their first bytes), symbolic links not followed."""
    found = []
    for directory, _, names in os.walk(folder):
        for name in names:
            path = Path(directory, name)
            if not path.is_symlink():
                with path.open("rb") as file:
                    if file.read(4) == b"\x7fELF":
                        found.append(path)
    return sorted(found)


def loads(program: Path) -> dict[str, str]:
    """What ldd says a program or shared object loads: library -> its path, '' when it is not found."""
    listing = subprocess.run(["ldd", str(program)], capture_output=True, text=True).stdout
    pairs = [line.split("=>", 1) for line in listing.splitlines() if "=>" in line]
    return {name.strip(): "" if "not found" in where else where.split("(")[0].strip() for name, where in pairs}


def not_found(program: Path) -> list[str]:
    """The libraries a program or shared object needs and the loader cannot find."""
    return [name for name, path in loads(program).items() if not path]


def missing_libraries(venv: Path | None) -> list[str]:
    """Every shared library the tools need that this machine cannot load, each once."""
    needed = [name for path in (elf_files(venv) if venv else []) for name in not_found(path)]
    return list(dict.fromkeys(needed + unloadable(WEASYPRINT_LIBRARIES)))


def main(argv: list[str]) -> int:
    venv = Path(argv[0]) if argv and Path(argv[0]).is_dir() else None
    missing = missing_libraries(venv)
    unknown = [name for name in missing if name not in PACKAGES]
    if unknown:
        print(f"scripts/libraries.py: missing shared libraries with no known Debian package: {', '.join(unknown)}; "
              "find the package that ships each (apt-file search NAME) and add it to PACKAGES", file=sys.stderr)
        return 1
    for package in dict.fromkeys(PACKAGES[name] for name in missing):
        print(package)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
