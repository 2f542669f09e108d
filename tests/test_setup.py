"""The two commands' setup: every shared library the tools load is there (scripts/libraries.py finds them
by what the tools load), the table placing a missing library in its Debian package is true, and a
missing PDF prerequisite is named with the command that fixes it."""
from __future__ import annotations

import ast
import functools
import importlib.util
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from portal.pdf import WEASYPRINT_LIBRARIES, pdf_problem, unloadable

ROOT = Path(__file__).resolve().parent.parent
VENV_SITE = Path(sysconfig.get_paths()["purelib"])
# The packages every Debian root has, however bare (debootstrap's minbase: apt itself needs them).
MINBASE = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}


def load_libraries_script():
    spec = importlib.util.spec_from_file_location("libraries", ROOT / "scripts" / "libraries.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


libraries = load_libraries_script()


@functools.cache
def owner(path: str) -> str:
    """The Debian package that ships a file (dpkg -S), without its architecture; /lib and /usr/lib are one
    folder (merged /usr), and dpkg knows each file under one of the two names."""
    other = path.removeprefix("/usr") if path.startswith("/usr/lib/") else f"/usr{path}"
    found = [subprocess.run(["dpkg", "-S", p], capture_output=True, text=True) for p in (path, other)]
    shipped = [f.stdout for f in found if f.returncode == 0]
    assert shipped, f"no Debian package ships {path}"
    return shipped[0].split(":")[0]


@pytest.mark.pdf  # opens WeasyPrint's libraries
def test_no_library_the_tools_load_is_missing():
    """The check that would have caught libatomic1 (Playwright's Node) and Pango (WeasyPrint)."""
    node = VENV_SITE / "playwright" / "driver" / "node"
    assert node in libraries.elf_files(VENV_SITE), "the scan must reach Playwright's bundled Node"
    assert libraries.not_found(node) == []
    assert unloadable(WEASYPRINT_LIBRARIES) == []
    assert libraries.missing_libraries(VENV_SITE) == []


@pytest.mark.pdf  # opens WeasyPrint's libraries
def test_every_system_library_the_tools_load_is_placed_in_a_package():
    """Each library a program in the venv loads from the system is either in the table (so
    system-packages.sh installs it when missing) or ships with every Debian root."""
    unplaced = {}
    for program in libraries.elf_files(VENV_SITE):
        for name, path in libraries.loads(program).items():
            if path and not Path(path).resolve().is_relative_to(VENV_SITE.resolve()) and name not in libraries.PACKAGES:
                package = owner(path)
                if package not in MINBASE:
                    unplaced[name] = f"{package} (for {program.relative_to(VENV_SITE)})"
    assert unplaced == {}


def test_the_table_names_the_package_that_ships_each_library():
    paths = {}  # the loader's cache: "\tlibatomic.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libatomic.so.1"
    for line in subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout.splitlines():
        if " => " in line:
            paths.setdefault(line.split()[0], line.rsplit(" => ", 1)[1])
    for name, package in libraries.PACKAGES.items():
        assert owner(paths[name]) == package, name


def weasyprint_opens() -> tuple[set[str], set[str]]:
    """The Linux file names WeasyPrint's ffi.py opens: (required, optional)."""
    import weasyprint.text.ffi as ffi_module
    required, optional = set(), set()
    for node in ast.walk(ast.parse(Path(ffi_module.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_dlopen":
            names = [a.value for a in node.args if isinstance(a, ast.Constant) and ".so." in str(a.value)]
            allow_fail = any(k.arg == "allow_fail" and k.value.value for k in node.keywords)
            (optional if allow_fail else required).update(names)
    return required, optional


@pytest.mark.pdf  # opens WeasyPrint's libraries
def test_the_weasyprint_table_is_what_weasyprint_opens():
    required, optional = weasyprint_opens()
    assert required and required <= set(WEASYPRINT_LIBRARIES)
    assert set(WEASYPRINT_LIBRARIES) - required == {"libharfbuzz-subset.so.0"} <= optional


def test_a_program_needing_a_library_this_machine_lacks_is_found(tmp_path, capsys):
    """A real shared object from the venv, its libpthread.so.0 renamed in its list of needed libraries:
    the scan finds it by what it loads, and the script stops naming the library it cannot place."""
    import markupsafe._speedups as speedups
    data = Path(speedups.__file__).read_bytes()
    assert b"libpthread.so.0\x00" in data
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "needs.so").write_bytes(data.replace(b"libpthread.so.0\x00", b"libpthreaX.so.0\x00"))
    (tmp_path / "lib" / "link.so").symlink_to(tmp_path / "lib" / "needs.so")  # symbolic links: not twice
    assert libraries.elf_files(tmp_path) == [tmp_path / "lib" / "needs.so"]
    assert libraries.missing_libraries(tmp_path) == ["libpthreaX.so.0"]
    assert libraries.main([str(tmp_path)]) == 1
    assert "no known Debian package: libpthreaX.so.0;" in capsys.readouterr().err


def test_the_script_prints_the_packages_for_missing_libraries(monkeypatch, capsys):
    monkeypatch.setattr(libraries, "missing_libraries", lambda venv: ["libatomic.so.1", "libpango-1.0.so.0",
                                                                      "libpangoft2-1.0.so.0"])
    assert libraries.main([]) == 0
    assert capsys.readouterr().out == "libatomic1\nlibpango-1.0-0\nlibpangoft2-1.0-0\n"


def test_the_script_stops_on_a_library_it_cannot_place(monkeypatch, capsys):
    monkeypatch.setattr(libraries, "missing_libraries", lambda venv: ["libatomic.so.1", "libnew.so.3"])
    assert libraries.main([]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("scripts/libraries.py: missing shared libraries with no known Debian package: "
                            "libnew.so.3; find the package that ships each (apt-file search NAME) and add it "
                            "to PACKAGES\n")


def test_a_missing_library_is_named_with_its_package_and_the_fix():
    table = {**WEASYPRINT_LIBRARIES, "libpango-missing.so.0": "libpango-1.0-0",
             "libpangoft2-missing.so.0": "libpangoft2-1.0-0"}
    assert pdf_problem(table) == (
        "system libraries missing: libpango-missing.so.0, libpangoft2-missing.so.0 "
        "(Debian: libpango-1.0-0 libpangoft2-1.0-0): run 'bash scripts/system-packages.sh pdf' as root, "
        "or 'apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0'")


def test_a_missing_python_package_is_told_from_a_missing_library(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint now raises ImportError
    assert pdf_problem() == ("the Python package WeasyPrint is missing: run 'bash scripts/setup.sh' "
                             "(it installs requirements.txt)")


@pytest.mark.parametrize("command", ["build", "serve"])
def test_pdf_commands_name_the_fix_and_stop(monkeypatch, capsys, command):
    import build
    monkeypatch.setattr(build, "pdf_problem", lambda: "system libraries missing: libx.so.1 (Debian: libx1): run …")
    assert build.main([command, "--pdf"]) == 2
    assert capsys.readouterr().err == ("build.py: --pdf cannot run: system libraries missing: libx.so.1 "
                                       "(Debian: libx1): run …\n")


def fake_tools(folder: Path) -> dict[str, str]:
    """A PATH on which fc-list finds no font (so fonts-noto-cjk is missing), id says root and apt-get
    only says what it was asked, as apt-get does, a line per package."""
    folder.mkdir()
    scripts = {"fc-list": "exit 0", "id": "echo 0",
               "apt-get": 'echo "apt-get $*" >> "$(dirname "$0")/calls"; echo "Setting up fonts-noto-cjk"'}
    for name, body in scripts.items():
        (folder / name).write_text(f"#!/bin/sh\n{body}\n")
        (folder / name).chmod(0o755)
    return {"PATH": f"{folder}:/usr/local/bin:/usr/bin:/bin", "HOME": str(folder)}


def test_apt_get_shows_a_line_per_package_in_a_log(tmp_path):
    env = fake_tools(tmp_path / "bin")
    run = subprocess.run(["bash", str(ROOT / "scripts/system-packages.sh"), "pdf"], capture_output=True,
                         text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "Setting up fonts-noto-cjk\n" * 2
    assert (tmp_path / "bin/calls").read_text().splitlines() == [
        "apt-get update -q", "apt-get install -y -q --no-install-recommends fonts-noto-cjk"]


def test_apt_get_shows_its_progress_bar_on_a_terminal(tmp_path):
    import pty
    env = fake_tools(tmp_path / "bin")
    leader, follower = pty.openpty()
    try:
        run = subprocess.run(["bash", str(ROOT / "scripts/system-packages.sh"), "pdf"], stdout=follower,
                             stderr=subprocess.PIPE, text=True, env=env)
    finally:
        os.close(follower)
        os.close(leader)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "bin/calls").read_text().splitlines() == [
        "apt-get update -o Dpkg::Progress-Fancy=1",
        "apt-get install -y -o Dpkg::Progress-Fancy=1 --no-install-recommends fonts-noto-cjk"]


def test_an_unknown_purpose_is_refused():
    run = subprocess.run(["bash", str(ROOT / "scripts/system-packages.sh"), "serve"], capture_output=True, text=True)
    assert (run.returncode, run.stderr) == (2, "scripts/system-packages.sh: unknown purpose 'serve' (pdf or test)\n")
