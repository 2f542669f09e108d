#!/usr/bin/env python3
"""Yuzhong Plans: build, check or serve the bilingual policy portal.

    python build.py build            render content/ into site/
    python build.py clean            remove the build cache and what interrupted builds left
    python build.py check [--strict] validate everything, write nothing (--strict: outdated translations, open
                                     disagreements, American spellings and figures not recorded fail)
    python build.py check --disagreements        value pairs that disagree with nothing covering them
    python build.py check --figures-unrecorded   figures and ranks no value holds nor the editorial list names
    python build.py check --figures DOC          the same for one document, read from the raw content
    python build.py translations status|export|import|confirm   the translator's commands (see README)
    python build.py new-document SOURCE.txt --id ID --layer LAYER   draft a document from a plain-text source
    python build.py serve            build, then preview with live reload on 127.0.0.1:8000
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

# Ctrl-C while the modules below still import: one line and exit 130 too (run() installs the handler for
# the rest); os._exit, since a half-imported interpreter has nothing to clean up
signal.signal(signal.SIGINT, lambda *_: (sys.stderr.write("build.py: interrupted; nothing was written\n"),
                                         os._exit(130)))

from portal import cache, output, unchanged
from portal.errors import ContentError, ContentErrors, EnvironmentProblem, FontsMissing, environment_problem, unexpected
from portal.inputs import Project
from portal.pdf import pdf_problem
from portal.progress import Progress

ROOT = Path(__file__).resolve().parent
ENVIRONMENT_EXIT = 74  # EX_IOERR: the machine refused a write (content errors exit 1, bugs 70)


def load_engine(command: str | None = None) -> None:
    """The modules that read, check and render the content: a third of a second of imports, which a build
    with nothing to do (see portal/unchanged.py) does without; `build` does without the other commands'
    modules too (30 ms). Modules loaded already are kept (a test may have replaced one of them)."""
    global build, generate, disagreements, freshness, newdocument, poimport, spelling, translating, unrecorded
    if "generate" not in globals():
        from portal.pipeline import build, generate
    if command != "build" and "translating" not in globals():
        from portal import disagreements, freshness, newdocument, poimport, spelling, translating, unrecorded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the Yuzhong Plans portal.")
    parser.add_argument("--project", type=Path, default=ROOT, help="folder with templates/, static/, i18n/")
    parser.add_argument("--content", type=Path, default=None, help="content folder (default <project>/content)")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="render the site into --out (default site/)")
    build_cmd.add_argument("--out", type=Path, default=None)
    build_cmd.add_argument("--pdf", action="store_true", help="also render the PDFs (needs WeasyPrint and CJK fonts)")
    build_cmd.add_argument("--no-search", action="store_true", help="skip the search index")
    build_cmd.add_argument("--no-cards", action="store_true", help="skip the sharing cards (the pages still name them)")
    build_cmd.add_argument("--cache", type=Path, default=None, help="cache folder (default .cache/build)")
    build_cmd.add_argument("--no-cache", action="store_true", help="build from scratch; removes the cache")
    clean_cmd = commands.add_parser("clean", help="remove the build cache and leftovers of interrupted builds")
    clean_cmd.add_argument("--out", type=Path, default=None)
    clean_cmd.add_argument("--cache", type=Path, default=None, help="cache folder (default .cache/build)")
    check_cmd = commands.add_parser("check", help="validate content, templates and catalogs; write nothing")
    check_cmd.add_argument("--strict", action="store_true",
                           help="also fail on outdated translations, disagreements nothing covers, American "
                                "spellings in English and figures that are not records (as --figures-unrecorded)")
    check_cmd.add_argument("--disagreements", action="store_true",
                           help="list the values that disagree with no conflict or consistency note covering them")
    check_cmd.add_argument("--figures-unrecorded", action="store_true",
                           help="fail on each figure or rank of a zh body that no value holds and "
                                "docs/editorial/unrecorded.yaml does not list")
    check_cmd.add_argument("--figures", metavar="DOC", help="list DOC's figures and ranks that no value record holds and "
                           "docs/editorial/unrecorded.yaml does not list")
    new_cmd = commands.add_parser("new-document", help="draft content/documents/ID/ from a plain-text source")
    new_cmd.add_argument("source", type=Path, help="the plain-text source (paragraphs, numbered headings, …)")
    new_cmd.add_argument("--id", required=True, help="the document id (its folder name)")
    new_cmd.add_argument("--layer", required=True, help="a layer content/site.yaml declares")
    add_translation_commands(commands)
    add_edition_commands(commands)
    serve_cmd = commands.add_parser("serve", help="build, then serve with live reload")
    serve_cmd.add_argument("--out", type=Path, default=None)
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_cmd.add_argument("--pdf", action="store_true", help="also render the PDFs on every rebuild (slow)")
    serve_cmd.add_argument("--full-reload", action="store_true",
                           help="reload open pages after an edit instead of patching the change into them")
    args = parser.parse_args(argv)
    project = Project(args.project.resolve(), args.content.resolve() if args.content else None)
    out = (args.out or project.root / "site").absolute() if args.command in ("build", "serve", "clean") else None
    cache_dir = (getattr(args, "cache", None) or project.root / ".cache" / "build").absolute()
    problem = pdf_problem() if getattr(args, "pdf", False) else None  # build --pdf, serve --pdf
    if problem:
        print(f"build.py: --pdf cannot run: {problem}", file=sys.stderr)
        return 2
    last = None  # the last build's record (portal/unchanged.py)
    try:
        if args.command == "build" and not args.no_cache:
            last = unchanged.Last(cache_dir, project.folders(), cache.engine_digest(), args.pdf, not args.no_search,
                                  not args.no_cards)
            if last.holds(out):
                print(last.result(out).summary())
                return 0
        load_engine(args.command)
        if args.command == "translations":
            return translations(args, project)
        if args.command == "edition":
            return edition(args, project)
        if args.command == "new-document":
            print(newdocument.report(newdocument.new_document(args.source, args.id, args.layer, project.content,
                                                               project.root)))
        elif args.command == "check" and args.figures:
            print(newdocument.figures_report(args.figures, *newdocument.check_figures(project.content, project.root,
                                                                                     args.figures)))
        elif args.command == "check":
            generated = generate(project)
            if args.disagreements:
                return list_disagreements(generated.site)
            problems = (strict_problems(generated, project) if args.strict else
                        unrecorded.check(generated.site, project.content) if args.figures_unrecorded else [])
            if problems:
                raise ContentErrors(problems)
            print(f"ok: {generated.summary().replace('built', 'checked', 1)}")
        elif args.command == "build":
            if args.no_cache:
                cache.clear(cache_dir)
            print(build(project, out, args.pdf, not args.no_search, None if args.no_cache else cache_dir,
                        Progress(), cards=not args.no_cards, last=last).summary())  # published: with the sharing cards
        elif args.command == "clean":
            cache.clear(cache_dir)
            with output.site_lock(out):
                output.remove_leftovers(out)
            print(f"removed {cache_dir} and what interrupted builds left next to {out}")
        else:
            from portal.serve import serve
            return serve(project, out, args.host, args.port, args.pdf, patch=not args.full_reload)
    except ContentErrors as errors:
        print(errors, file=sys.stderr)
        return 1
    except ContentError as error:
        print(ContentErrors([error]), file=sys.stderr)
        return 1
    except FontsMissing as problem:  # the published build draws sharing cards: the machine lacks their font
        print(f"build.py: {problem}; the site is unchanged", file=sys.stderr)
        return 2
    except EnvironmentProblem as problem:
        print(f"build.py: {problem}", file=sys.stderr)
        return ENVIRONMENT_EXIT
    except BrokenPipeError:  # the reader of a pipe stopped (`build.py check … | head`): not an error of ours
        return reader_gone()
    except Exception as error:  # noqa: BLE001 (the last resort: one line, never a traceback)
        if environment_problem(error):  # a refused write outside the publication (the cache, a lock file)
            print(f"build.py: {EnvironmentProblem(error.filename or '?', error, 'the site is unchanged')}",
                  file=sys.stderr)
            return ENVIRONMENT_EXIT
        print(unexpected(error), file=sys.stderr)
        return 70
    return 0


def reader_gone() -> int:
    """Standard output's reader closed the pipe: stop quietly, as `head` expects of a writer. Standard
    output is pointed at /dev/null first, so flushing it at exit does not raise again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 141  # what a shell reports for a command ended by SIGPIPE (128 + 13)


def list_disagreements(site) -> int:
    """check --disagreements: each open disagreement as `path:line` with a hint, then a count; exit 1 if any."""
    found = disagreements.disagreements(site.values, site.conflicts)
    open_ones = [d for d in found if d.covered_by is None]
    for item in open_ones:
        print(item.error())
    notes = sum(1 for d in found if d.covered_by == "consistent")
    print(f"{len(open_ones)} open disagreement(s); {len(found)} pair(s) of values disagree by the rule, "
          f"{len(found) - len(open_ones) - notes} covered by conflicts, {notes} by consistency notes")
    return 1 if open_ones else 0


def strict_problems(generated, project: Project) -> list[ContentError]:
    """What `check --strict` adds to a build's checks: outdated translations, open disagreements, American
    spellings, and (in a project keeping docs/editorial/unrecorded.yaml) figures and ranks that are not records."""
    site = generated.site
    problems = [e for d in site.documents
                for e in freshness.outdated_errors(generated.translations[d.id], d.src.path.parent)]
    problems += disagreements.open_errors(site.values, site.conflicts)
    problems += spelling.spelling_errors(project.content, project.folders()["i18n"])
    if unrecorded.listing(project.content).is_file():
        problems += unrecorded.check(generated.site, project.content)
    return problems


INTERRUPTED = 130  # what a shell reports for a command ended by Ctrl-C (128 + SIGINT)


def interrupted(command: str | None) -> int:
    """Ctrl-C: one line, never a traceback. A build writes its new site beside the old one and swaps it in
    only when complete, so the previous site/ is still whole."""
    after = {"build": "; the previous site is as it was", "serve": ""}.get(command or "", "; nothing was written")
    print(f"build.py: interrupted{after}", file=sys.stderr)
    return INTERRUPTED


def _on_interrupt(main_process: int):
    """A SIGINT handler: the main process stops (KeyboardInterrupt, caught in run()); the worker processes
    it forked for rendering get the same Ctrl-C from the terminal and leave stopping to their pool, which
    the main process ends."""
    def handle(signum, frame) -> None:
        if os.getpid() == main_process:
            raise KeyboardInterrupt
    return handle


def run(argv: list[str] | None = None) -> int:
    """main() with Ctrl-C handled."""
    signal.signal(signal.SIGINT, _on_interrupt(os.getpid()))
    command = next((a for a in (argv or sys.argv[1:]) if a in ("build", "check", "serve", "translations", "edition")), None)
    try:
        return main(argv)
    except KeyboardInterrupt:
        return interrupted(command)


def add_translation_commands(commands) -> None:
    parser = commands.add_parser("translations", help="translation status, PO export and import, confirm")
    actions = parser.add_subparsers(dest="action", required=True)
    status = actions.add_parser("status", help="per document: blocks current, outdated, missing")
    status.add_argument("--strict", action="store_true", help="exit 1 unless every block is current")
    export = actions.add_parser("export", help="a document as a PO file for a CAT tool")
    export.add_argument("document")
    export.add_argument("-o", "--output", type=Path, help="write here (default: standard output)")
    imported = actions.add_parser("import", help="write a PO file's translations into en.md")
    imported.add_argument("file", type=Path)
    confirm = actions.add_parser("confirm", help="mark blocks as translating the current Chinese")
    confirm.add_argument("document")
    confirm.add_argument("anchors", nargs="*", help="blocks to confirm (default: every block)")


def add_edition_commands(commands) -> None:
    parser = commands.add_parser("edition", help="make a new edition: snapshot the records, list it in editions.yaml")
    actions = parser.add_subparsers(dest="action", required=True)
    new = actions.add_parser("new", help="content/editions/VERSION.json and its entry in content/editions.yaml")
    new.add_argument("version", help="a version higher than the last, e.g. 1.1")
    new.add_argument("--date", default=None, help="the edition's date, YYYY-MM-DD (default: today, UTC)")
    new.add_argument("--summary-zh", required=True, help="what the edition brings, in Chinese")
    new.add_argument("--summary-en", required=True, help="what the edition brings, in English")


def edition(args, project: Project) -> int:
    """build.py edition new: validate the content as a build does, then record every record's digest."""
    import datetime
    from portal import editions
    from portal.model import Localized
    site = generate(project, search_index=False).site
    date = args.date or datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    path = editions.write_edition(project.content, args.version, date, Localized(args.summary_zh, args.summary_en),
                                  editions.record_digests(site))
    print(f"edition {args.version} of {date}: wrote {path.relative_to(project.root) if path.is_relative_to(project.root) else path}"
          f" and its entry in {editions.FILE}")
    return 0


def translations(args, project: Project) -> int:
    """The translator's commands; ContentErrors propagate to main()."""
    content, root = project.content, project.root
    if args.action == "status":
        found = translating.status(content, root)
        print(translating.status_report(found))
        return 1 if args.strict and any(s.count("current") != len(s.blocks) for _, s in found) else 0
    if args.action == "export":
        po = translating.export_po(translating.open_document(content, root, args.document),
                                   translating.load_terms(content))
        if args.output:
            try:
                args.output.write_text(po, encoding="utf-8")
            except OSError as error:
                print(f"build.py: cannot write {args.output}: {error.strerror}", file=sys.stderr)
                return 1
            print(f"wrote {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(po)
        return 0
    if args.action == "import":
        done = poimport.import_po(args.file, content, root)
        print(f"{args.file}: {done.en_changed} block(s) changed, {len(done.confirmed)} confirmed current; "
              f"{len(done.still_outdated)} not current{': ' + ' '.join(done.still_outdated) if done.still_outdated else ''}")
        return 0
    changed = translating.confirm(translating.open_document(content, root, args.document), args.anchors)
    named = f": {' '.join(changed)}" if 0 < len(changed) <= 12 else ""
    print(f"{args.document}: {len(changed)} block(s) confirmed{named}")
    return 0


if __name__ == "__main__":
    code = run()
    # Everything is written and closed by now. The objects of a large build (its cache: millions) are not
    # freed one by one at exit, the operating system takes the process back at once (0.3 s at N=2000).
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = reader_gone()
    sys.stderr.flush()
    os._exit(code or 0)
