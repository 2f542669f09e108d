#!/usr/bin/env python3
"""Yuzhong Plans: build, check or serve the bilingual policy portal.

    python build.py build            render content/ into site/
    python build.py check            validate everything, write nothing
    python build.py serve            build, then preview with live reload on 127.0.0.1:8000
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from portal.errors import ContentErrors
from portal.pdf import pdf_available
from portal.pipeline import Project, build, generate
from portal.progress import Progress

ROOT = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the Yuzhong Plans portal.")
    parser.add_argument("--project", type=Path, default=ROOT, help="folder with templates/, static/, i18n/")
    parser.add_argument("--content", type=Path, default=None, help="content folder (default <project>/content)")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="render the site into --out (default site/)")
    build_cmd.add_argument("--out", type=Path, default=None)
    build_cmd.add_argument("--pdf", action="store_true", help="also render the PDFs (needs WeasyPrint and CJK fonts)")
    build_cmd.add_argument("--no-search", action="store_true", help="skip the search index")
    build_cmd.add_argument("--cache", type=Path, default=None, help="cache folder (default .cache/build)")
    build_cmd.add_argument("--no-cache", action="store_true", help="build from scratch, keep no cache")
    commands.add_parser("check", help="validate content, templates and catalogs; write nothing")
    serve_cmd = commands.add_parser("serve", help="build, then serve with live reload")
    serve_cmd.add_argument("--out", type=Path, default=None)
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_cmd.add_argument("--pdf", action="store_true", help="also render the PDFs on every rebuild (slow)")
    args = parser.parse_args(argv)
    project = Project(args.project.resolve(), args.content.resolve() if args.content else None)
    out = (args.out or project.root / "site").resolve() if args.command != "check" else None
    try:
        if args.command == "check":
            generated = generate(project)
            print(f"ok: {generated.summary().replace('built', 'checked', 1)}")
        elif args.command == "build":
            if args.pdf and not pdf_available():
                print("build.py: --pdf needs WeasyPrint: run 'bash scripts/setup.sh --pdf' (see README)", file=sys.stderr)
                return 2
            cache = None if args.no_cache else (args.cache or project.root / ".cache" / "build")
            print(build(project, out, args.pdf, not args.no_search, cache, Progress()).summary())
        else:
            from portal.serve import serve
            return serve(project, out, args.host, args.port, args.pdf)
    except ContentErrors as errors:
        print(errors, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
