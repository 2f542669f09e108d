"""Templates parsed once: each template's tree, made from its source text once a build and shared by the UI
strings' extraction (i18n) and by every language's compiled code (rendering); and a code generator that
leaves the tree it is given as it found it."""
from __future__ import annotations

import contextlib
import copy
import hashlib
import marshal
import os
import signal
import threading
from types import CodeType
from typing import Callable

from jinja2 import Environment, nodes
from jinja2.compiler import CodeGenerator
from jinja2.optimizer import Optimizer

# What a template's tree depends on besides its text; the rendering environments are made with these.
PARSING = {"extensions": ["jinja2.ext.i18n"], "trim_blocks": True, "lstrip_blocks": True}
PARSER = Environment(**PARSING)
PARSER.newstyle_gettext = True  # as install_gettext_callables(newstyle=True) sets it: `{% trans %}` parses by it
_TREES: dict[str, tuple[str, nodes.Template | None]] = {}  # by template name: (its source's checksum, its tree)
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def checksum(source: str) -> str:
    """The source's checksum as Jinja's bytecode caches take it."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()


def parsed(name: str, source: str) -> nodes.Template | None:
    """The tree of a template's source, parsed once for each text it has had (the last one kept by name);
    None when it does not parse (whoever needs it then parses it again, as Jinja does, to report the error)."""
    key = checksum(source)
    kept = _TREES.get(name)
    if kept is None or kept[0] != key:
        try:
            tree = PARSER.parse(source, name)
        except Exception:  # noqa: BLE001 (a syntax error, an extension's error: left to whoever reports it)
            tree = None
        kept = _TREES[name] = (key, tree)
    return kept[1]


def parse_settings(env: Environment) -> tuple:
    """Everything of an environment its parser reads: the lexer's settings, the extensions, the i18n flags."""
    return (env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
            env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
            env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
            tuple(sorted(env.extensions)), getattr(env, "newstyle_gettext", False),
            env.policies.get("ext.i18n.trimmed", False))


def compile_parsed(env: Environment, name: str, filename: str | None, source: str) -> CodeType | None:
    """The template's code for `env` from the shared tree of its source; None when `env` parses otherwise
    than PARSER, or its code generator could change the tree, or the template does not compile (then Jinja
    compiles it itself and reports the error as it always did)."""
    if not issubclass(env.code_generator_class, KeptTreeCodeGenerator) or parse_settings(env) != parse_settings(PARSER):
        return None
    tree = parsed(name, source)
    if tree is None:
        return None
    try:
        return env.compile(tree, name, filename)
    except Exception:  # noqa: BLE001 (an unknown filter, a bad assignment…: Jinja reports it from the source)
        return None


class KeptTreeOptimizer(Optimizer):
    """Jinja's constant folding without changing the tree it is given: a node whose children fold is
    copied with the folded children (Jinja's own replaces them in place, and a tree shared by the languages
    would keep what one language's filters made of a constant)."""

    def generic_visit(self, node: nodes.Node, *args, **kwargs) -> nodes.Node:
        if isinstance(node, nodes.Const):
            return node  # folding a constant gives an equal constant
        changed = {}
        for field, value in node.iter_fields():
            if isinstance(value, list):
                folded = [self.visit(item, *args, **kwargs) if isinstance(item, nodes.Node) else item for item in value]
                if any(new is not old for new, old in zip(folded, value)):
                    changed[field] = folded
            elif isinstance(value, nodes.Node):
                folded = self.visit(value, *args, **kwargs)
                if folded is not value:
                    changed[field] = folded
        if changed:
            node = copy.copy(node)
            for field, value in changed.items():
                setattr(node, field, value)
        if isinstance(node, nodes.Expr):
            try:
                return nodes.Const.from_untrusted(node.as_const(args[0] if args else None), lineno=node.lineno,
                                                  environment=self.environment)
            except nodes.Impossible:
                pass
        return node


class KeptTreeCodeGenerator(CodeGenerator):
    """Jinja's code generator folding constants with KeptTreeOptimizer: it can be given a shared tree."""

    def __init__(self, environment, name, filename, stream=None, defer_init=False, optimized=True) -> None:
        super().__init__(environment, name, filename, stream, defer_init, optimized)
        if optimized:
            self.optimizer = KeptTreeOptimizer(environment)


class Ahead:
    """What `make` returns (a dict of what marshal writes: code objects, strings, tuples), made by a forked
    process while this one goes on; take() waits for it. In memory only: the child writes it into a pipe
    that a thread here reads as it comes, and waits for the child once it has written (so the child never
    waits for this process, which may never take it: a build that fails first). The child keeps none of
    this process's files open (a lock let go of here is free from the moment the constructor returns: the
    child says when it has closed them). Whatever goes wrong in the child, or a child that does not finish,
    gives {}: whoever takes it then makes what it needs itself."""

    def __init__(self, make: Callable[[], dict]) -> None:
        readable, writable = os.pipe()
        self.pid, self.data, self.seconds = os.fork(), b"", 0.0  # seconds: the child's CPU time
        if self.pid == 0:
            status = 1
            try:  # keep none of the parent's files open (its build lock…): only the pipe, and no output
                os.closerange(3, writable)
                os.closerange(writable + 1, os.sysconf("SC_OPEN_MAX"))
                os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
                os.dup2(1, 2)
                with os.fdopen(writable, "wb") as pipe:
                    pipe.write(b"+")  # none of the parent's files is open any more: it may go on
                    pipe.flush()
                    pipe.write(marshal.dumps(make()))
                status = 0
            finally:
                os._exit(status)  # nothing of the parent's (exit handlers, buffers) runs here
        os.close(writable)
        os.read(readable, 1)  # the child has let go of this process's files (b"" if it died first)
        self.reader = threading.Thread(target=self.read, args=(readable,), daemon=True)
        self.reader.start()

    def read(self, readable: int) -> None:
        with os.fdopen(readable, "rb") as pipe:
            data = pipe.read()
        _, status, usage = os.wait4(self.pid, 0)
        self.data = data if os.waitstatus_to_exitcode(status) == 0 else b""
        self.seconds = usage.ru_utime + usage.ru_stime

    def take(self, patience: float = 30.0) -> dict:
        self.reader.join(patience)
        if self.reader.is_alive():  # a child stuck (it takes about a second): do without it, never hang
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.reader.join()
        try:
            made = marshal.loads(self.data)
        except (EOFError, ValueError, TypeError):
            return {}
        return made if isinstance(made, dict) else {}
