"""Imports point one way down the pipeline (see ../shared/STYLE.md)."""
from __future__ import annotations

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"
# module -> the portal modules it may import
ALLOWED = {
    "errors": set(), "model": {"errors"}, "figures": {"errors"}, "figuretext": {"figures"}, "quotedrows": set(), "numbers": {"figures"}, "loading": {"errors", "inputs", "textfiles", "yamlscreen"}, "textfiles": {"errors", "inputs"}, "yamlscreen": set(), "inputs": {"errors"}, "pofile": {"errors"}, "spelling": {"errors", "inputs", "loading", "pofile"},
    "unrecorded": {"errors", "loading", "model", "numbers", "translation"},
    "fields": {"errors", "loading", "model", "typography"}, "typography": set(), "i18n": {"compiling", "errors", "inputs", "loading", "pofile"},
    "compiling": set(),
    "markup": {"bodychecks", "editmarks", "entities", "errors", "footnotes", "guarded", "model", "safety", "sections", "sourcelines",
               "typography", "termregex"},
    "bodychecks": {"errors", "fields", "safety", "sourcelines"}, "entities": {"loading"},
    "sections": {"anchored"}, "editmarks": {"errors"}, "anchored": set(),
    "safety": {"errors"}, "sourcelines": {"anchored"}, "blocks": set(), "fragments": set(), "routing": {"errors"}, "compare": {"model"},
    "translation": {"errors", "model", "numbers"},
    "segments": {"anchored"},
    "freshness": {"errors", "loading", "markup", "model", "output"},
    "translating": {"errors", "figures", "freshness", "inputs", "loading", "markup", "model", "numbers", "output",
                    "segments", "validation"},
    "poimport": {"anchored", "errors", "freshness", "loading", "markup", "model", "output", "pofile", "segments", "translating",
                 "translation"},
    "checkmemo": {"errors", "loading"},
    "disagreements": {"errors", "fields", "model"},
    "valuechecks": {"checkmemo", "crossrefs", "disagreements", "errors", "fields", "figures", "loading", "model", "translation"},
    "documentfields": {"checkmemo", "errors", "fields", "loading", "model", "sitemodel"},
    "validation": {"checkmemo", "crossrefs", "disagreements", "documentfields", "errors", "fields", "goalchecks", "loading",
                   "markup", "model", "sitemodel", "valuechecks", "translation"},
    "sitemodel": {"errors", "fields", "loading", "model", "typography"},
    "crossrefs": {"errors", "fields", "loading", "model", "translation"},
    "goalchecks": {"crossrefs", "errors", "fields", "loading", "model", "numbers", "translation"},
    "charts": {"figures", "model"}, "chains": {"compare", "model", "typography"}, "glossary": {"model"}, "references": {"footnotes", "model"}, "footnotes": set(), "guarded": {"attrlists", "blockguards", "htmlwriter", "regexneeds"}, "attrlists": set(), "termregex": set(), "blockguards": set(), "htmlwriter": set(), "regexneeds": set(),
    "pages": {"assessments", "chains", "charts", "compare", "figuretext", "footnotes", "glossary", "model", "pairs", "references", "routing", "typography"},
    "pairs": {"blocks"},
    "datasets": {"assessments", "compare", "jsontext", "model", "routing"}, "jsontext": set(), "assessments": {"compare", "model"},
    "editions": {"errors", "fields", "loading", "model", "output", "routing", "textfiles"},
    "citations": {"routing"}, "feeds": {"editions", "routing"}, "cards": {"chains", "compare", "errors", "figuretext"}, "cardcache": {"cards"},
    "datapackage": {"compare", "datasets", "jsontext", "routing"},
    "publishing": {"cardcache", "cards", "chains", "citations", "datapackage", "editions", "feeds", "model", "routing", "safety"},
    "rendering": {"blocks", "chains", "charts", "compare", "compiling", "errors", "figures", "figuretext", "fragments", "i18n", "inputs", "model", "pages", "quotedrows",
                  "routing"},
    "output": {"errors"},
    "pdf": {"errors", "model", "routing"}, "search": {"model", "routing"}, "cache": {"output"},
    "parallel": {"errors", "markup", "rendering"},
    "incremental": {"cache", "errors", "freshness", "inputs", "model", "parallel", "progress", "quotedrows", "routing", "siteview"}, "siteview": {"quotedrows"},
    "keptbodies": {"markup", "model", "parallel", "progress"},
    "workerchecks": {"errors", "freshness", "model", "validation"},
    "progress": set(),
    "assets": {"inputs"},
    "pipeline": {"aside", "assets", "cache", "charts", "checkmemo", "documentfields", "editions", "errors", "i18n", "incremental", "inputs", "keptbodies", "memory",
                 "lastbuild", "loading", "markup", "model", "output", "pages", "pdf", "progress", "publishing", "recordfiles", "rendering",
                 "routing", "unchanged", "validation", "workerchecks"},
    "recordfiles": {"datasets", "incremental", "lastbuild", "model", "publishing"},
    "lastbuild": {"cache", "incremental", "output", "search"},
    "unchanged": {"cache", "cards", "inputs", "output"},
    "serve": {"errors", "glossary", "memory", "output", "pipeline", "watch"}, "watch": set(), "memory": set(), "aside": set(),
    "scaffold": set(), "newdocument": {"errors", "fields", "inputs", "loading", "markup", "model", "scaffold", "unrecorded"},
}


def portal_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("portal"):
            found.add(node.module.split(".")[1] if "." in node.module else "")
    return found


def test_imports_point_one_way():
    modules = {p.stem for p in PORTAL.glob("*.py")} - {"__init__"}
    assert modules <= set(ALLOWED), f"new module(s) need a place in ALLOWED: {modules - set(ALLOWED)}"
    for module in modules:
        extra = portal_imports(PORTAL / f"{module}.py") - ALLOWED[module]
        assert not extra, f"portal/{module}.py imports {extra}"


def test_only_the_command_line_and_the_server_import_the_pipeline():
    for path in PORTAL.glob("*.py"):
        if path.stem not in ("serve", "pipeline"):
            assert "pipeline" not in portal_imports(path), path


def test_the_builder_stays_small():
    """The pipeline reads as load -> validate -> assemble -> render -> write; what only makes rebuilds
    faster (fingerprints, reuse, writing what changed) lives in incremental.py, not in the Builder."""
    import ast
    tree = ast.parse((PORTAL / "pipeline.py").read_text(encoding="utf-8"))
    builder = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Builder")
    assert builder.end_lineno - builder.lineno + 1 <= 200
