"""One Jinja environment per language; a Page -> HTML."""
from __future__ import annotations

import functools
import gettext
import hashlib
import re
import traceback
import types
from pathlib import Path

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, TemplateError
from jinja2 import nodes
from jinja2.bccache import Bucket
from jinja2.loaders import split_template_path
from jinja2.runtime import Context, Macro
from jinja2.utils import _PassArg
from markupsafe import Markup, escape

try:
    from markupsafe import _escape_inner  # MarkupSafe 3's escaping of a str, without making a Markup of it
except ImportError:  # another version: output_text is then escape()
    _escape_inner = None

from . import chains, charts, compare, compiling, figures, figuretext, fragments, inputs, quotedrows
from .errors import ContentError, SourceRef
from .i18n import HTML_LANG, count_words, format_date, format_number
from .blocks import annotate_blocks, block_html, block_map
from .model import LANGS, Site
from .pages import Page
from .routing import other_lang, pdf_path, url_for


# A run of Chinese (ideographs, CJK punctuation and full-width forms), digits inside it included: 某委发〔2041〕1号
_CHINESE_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef](?:[\u3000-\u303f\u3400-\u9fff\uff00-\uffef0-9]*"
                          r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])?")


def chinese_marked(text: str) -> Markup:
    """Plain text for an English page with each run of Chinese in it marked as such (escaped)."""
    return Markup(_CHINESE_RUN.sub(lambda m: f'<span lang="zh-Hans">{m.group(0)}</span>', str(escape(text))))


def book_ids(html: str, prefix: str) -> str:
    """A document body inside the briefing book: its ids and #links prefixed, so documents do not collide."""
    return _prefixed(_prefixed(html, ' id="', prefix), ' href="#', prefix)


def _prefixed(html: str, opening: str, prefix: str) -> str:
    """`html` with `prefix-` after each `opening` (an attribute's start) followed by a value and its quote, as
    re.sub of `opening([^"]+)"` makes it: by splitting at each opening and joining the parts with the prefix when
    each is followed by its value and quote (then every one is a match, and none reaches the next), a quarter
    of the time re.sub took with a function call a match; else by re.sub."""
    parts = html.split(opening)
    if all(part.find('"') > 0 for part in parts[1:]):
        return f"{opening}{prefix}-".join(parts)
    return re.sub(re.escape(opening) + r'([^"]+)"', lambda m: f'{opening}{prefix}-{m.group(1)}"', html)


class CompiledTemplates(BytecodeCache):
    """Compiled templates kept in memory by their source's checksum and the catalog written into them (see
    TranslatedCodeGenerator): when one template is edited, new environments compile only that one (the
    preview keeps one of these for its whole run). A template not kept is compiled from the tree its source
    was parsed into once for every language and for the UI strings (compiling.compile_parsed), if it was not
    compiled ahead on another core (compile_ahead)."""

    def __init__(self) -> None:
        self.store: dict[str, tuple[str, types.CodeType]] = {}  # by key: (the source's checksum, the code)
        self.ahead: compiling.Ahead | None = None

    def key(self, environment: Environment, name: str, filename: str | None) -> str:
        return f"{self.get_cache_key(name, filename)}:{getattr(environment, 'catalog_key', '')}"

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        self.take_ahead()
        bucket = Bucket(environment, self.key(environment, name, filename), compiling.checksum(source))
        kept = self.store.get(bucket.key)
        if kept is not None and kept[0] == bucket.checksum:
            bucket.code = kept[1]
        else:
            bucket.code = compiling.compile_parsed(environment, name, filename, source)
            if bucket.code is not None:
                self.set_bucket(bucket)
        return bucket  # with no code, Jinja compiles the source (and reports its errors), then calls set_bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        raise NotImplementedError("get_bucket takes the code from the store")

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = (bucket.checksum, bucket.code)

    def compile_ahead(self, environments: dict[str, Environment], minimum: int = 8) -> None:
        """Compile each environment's templates that are not kept here on a forked process while this one
        goes on (when there are `minimum` or more and a second core): the first template this process needs
        waits for them (get_bucket). Each is kept by the checksum of the source the child read."""
        self.take_ahead()
        todo = [(env, name) for env in environments.values() for name in env.list_templates(extensions=["html"])
                if not self.kept(env, name)]
        if len(todo) >= minimum and compiling.CORES > 1:
            self.ahead = compiling.Ahead(lambda: self.compiled(todo))

    def kept(self, environment: Environment, name: str) -> bool:
        """Whether the template's code for the environment is kept, by its source as it is now; a template
        that cannot be read counts as kept (the page using it reports it)."""
        try:
            source, filename, _ = environment.loader.get_source(environment, name)
        except Exception:  # noqa: BLE001 (missing, a link, bad UTF-8…)
            return True
        entry = self.store.get(self.key(environment, name, filename))
        return entry is not None and entry[0] == compiling.checksum(source)

    def compiled(self, todo: list[tuple[Environment, str]]) -> dict[str, tuple[str, types.CodeType]]:
        """The store's entries made by loading each (environment, template) of `todo`; one that does not
        compile is left to the page using it, which reports it."""
        before = dict(self.store)
        for environment, name in todo:
            try:
                environment.get_template(name)
            except Exception:  # noqa: BLE001 (a syntax error, bad UTF-8…: the page using it reports it)
                continue
        return {key: entry for key, entry in self.store.items() if before.get(key) is not entry}

    def take_ahead(self) -> None:
        """The templates compiled ahead into the store (waiting for them), if some are on their way."""
        if self.ahead is not None:
            ahead, self.ahead = self.ahead, None
            self.store.update(ahead.take())


_PLAIN_CALLABLES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType)
# What Jinja's Context.call finds on a macro: its __call__ marked to take the eval context, nothing on itself
MACRO_TAKES_EVAL_CONTEXT = (getattr(Macro.__call__, "jinja_pass_arg", None) is _PassArg.eval_context
                            and not hasattr(Macro, "jinja_pass_arg"))


class QuickCalls(Context):
    """Jinja's Context, calling a plain function or method that asks for no context, eval context or
    environment (most of a page's calls: url, dict.get, the catalog, the helpers) straight away, as Jinja's
    `call` ends up doing after looking for those marks on the object and on its __call__; a template's
    macro with the eval context first, as Jinja's `call` ends up doing (Macro.__call__ is marked so: see
    MACRO_TAKES_EVAL_CONTEXT); any other callable (a class, a marked function) as Jinja does."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own names: a keyword may be `self`)
        kind = type(__obj)
        if kind is Macro and MACRO_TAKES_EVAL_CONTEXT:
            args = (__self.eval_ctx, *args)
        elif kind not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg"):
            return Context.call(__self, __obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration "
                                                "exception")


class PortalEnvironment(Environment):
    """Jinja's Environment, whose templates (none has globals of its own) share its globals dict itself: Jinja
    gives each template a ChainMap of its own globals and the environment's, which every page, include and
    import then copies key by key in Python (about 60 µs to render a page, 6 µs for each include or import)."""

    def make_globals(self, d):
        return self.globals if not d else super().make_globals(d)

    def get_template(self, name, parent=None, globals=None):  # noqa: A002 (Jinja's name)
        if globals:  # Jinja would add them to a loaded template's globals: here, to the environment's
            raise TypeError("a template of the portal takes no globals of its own: set the environment's")
        return super().get_template(name, parent)


class InputLoader(FileSystemLoader):
    """Templates from one folder; a template that is a symlink (or inside one) is refused, never read."""

    def get_source(self, environment: Environment, template: str):
        folder = Path(self.searchpath[0])
        parts = split_template_path(template)
        inputs.refuse_link(folder.joinpath(*parts), folder, Path("templates", *parts))
        return super().get_source(environment, template)


class TranslatedCodeGenerator(compiling.KeptTreeCodeGenerator):
    """Jinja's code generator with each `_("text")` of a template written as what the call returns: the
    environment's catalog is fixed, so the escaped translation is a constant of the compiled template
    (with `name=value` arguments it is formatted with them as the call would: Markup % {…}, values
    escaped). Half the calls of a page were these; the output is the same bytes. A template that binds
    `_` anywhere (set, loop, parameter, import) is compiled as Jinja does. Each translation is made once, when
    the template is loaded, as a name of the template's module (a Markup cannot change: one object serves
    every page; `Markup('…')` written where it is used made a new one at each use, 45 each time a page
    imported _labels.html).
    Each `{{ value }}` under autoescape is output through output_text, a plain str, not a Markup (see there)."""

    def visit_Template(self, node: nodes.Template, frame=None) -> None:
        self.translated = getattr(self.environment, "translate", None) if not binds_gettext(node) else None
        self.translations: dict[str, str] = {}  # the code of a translated Markup -> its name in the module
        self.writeline("from portal.rendering import output_text")
        super().visit_Template(node, frame)
        for code, name in self.translations.items():  # after the functions that use them, before any is called
            self.writeline(f"{name} = {code}")

    def translation(self, translated: Markup) -> str:
        """The module's name for a translation (the names Jinja gives start with l_, t_, block_ or are its own)."""
        return self.translations.setdefault(repr(translated), f"translation_{len(self.translations)}")

    def _output_child_pre(self, node: nodes.Expr, frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            return self.write("output_text(")
        return super()._output_child_pre(node, frame, finalize)

    def visit_Call(self, node: nodes.Call, frame, forward_caller: bool = False) -> None:
        translated = None if forward_caller or self.translated is None else translated_call(self.translated, node)
        if translated is None:
            return super().visit_Call(node, frame, forward_caller=forward_caller)
        if not node.kwargs:
            return self.write(self.translation(translated))
        self.write(f"({self.translation(translated)} % {{")
        for keyword in node.kwargs:
            self.write(f"{keyword.key!r}: ")
            self.visit(keyword.value, frame)
            self.write(", ")
        self.write("})")

    def _output_child_to_const(self, node: nodes.Expr, frame, finalize) -> str:
        """A `{{ _("text") }}` with no arguments is output as the template's own text: the escaped translation
        is what `escape(Markup(…))` would give at render time, without making two Markup objects a call."""
        if isinstance(node, nodes.Call) and not node.kwargs and self.translated is not None:
            translated = translated_call(self.translated, node)
            if translated is not None:
                return str(translated)
        return super()._output_child_to_const(node, frame, finalize)


def output_text(value) -> str:
    """What `escape(value)` outputs, as a str: a template's output is only ever joined into one str (a page,
    a block, a macro's result, which Jinja then marks safe), so the Markup that escape() makes of each
    value (two objects a value: half the cost of outputting one) is never needed there."""
    if type(value) is str:
        return _escape_inner(value) if _escape_inner is not None else str(escape(value))
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value)) if _escape_inner is not None else str(escape(value))


@functools.lru_cache(maxsize=128)  # a tree's nodes hash as themselves: both languages compile one (compiling.parsed)
def binds_gettext(template: nodes.Template) -> bool:
    """Whether the template gives the name `_` a value of its own anywhere (a walk of its tree)."""
    for node in template.find_all((nodes.Name, nodes.Macro, nodes.Import, nodes.FromImport)):  # one walk
        if isinstance(node, nodes.FromImport):
            names = [alias if isinstance(alias, str) else alias[1] for alias in node.names]
        elif isinstance(node, nodes.Import):
            names = [node.target]
        else:
            names = [node.name] if not isinstance(node, nodes.Name) or node.ctx != "load" else []
        if "_" in names:
            return True
    return False


def translated_call(translate, node: nodes.Call) -> Markup | None:
    """What `_("text")` (a constant; keyword arguments only) returns with `translate`, None for any other call
    or for a text that does not format."""
    name = node.node
    if (not isinstance(name, nodes.Name) or name.name != "_" or node.dyn_args or node.dyn_kwargs
            or len(node.args) != 1 or not isinstance(node.args[0], nodes.Const) or not isinstance(node.args[0].value, str)):
        return None
    translated = Markup(translate(node.args[0].value))
    if node.kwargs:
        return translated
    try:
        return translated % {}  # what Jinja's newstyle gettext does with no variables
    except (ValueError, TypeError, KeyError):
        return None  # left to fail at render time, as it did


def catalog_key(catalog: gettext.NullTranslations) -> str | None:
    """A digest of every translation a plain compiled catalog gives; None for any other kind of catalog."""
    if type(catalog) is not gettext.GNUTranslations or catalog._fallback is not None:
        return None
    entries = sorted(catalog._catalog.items(), key=repr)
    return hashlib.sha256(repr(entries).encode("utf-8")).hexdigest()


def install_translations(env: Environment, catalog: gettext.NullTranslations) -> None:
    """The catalog's gettext functions for the templates, each translation escaped: a msgstr is untrusted
    text (under autoescape, Jinja's newstyle gettext would mark it safe and send it out as HTML). The
    %(name)s values are escaped by Jinja as it formats the escaped translation. A plain compiled catalog's
    `_("text")` calls are written into the compiled templates (TranslatedCodeGenerator)."""
    translate, key = (lambda message: escape(catalog.gettext(message))), catalog_key(catalog)
    if key is not None:  # the compiled templates hold what translate() gives: the same function as _()
        env.code_generator_class = TranslatedCodeGenerator
        env.translate, env.catalog_key = translate, key
    env.install_gettext_callables(
        gettext=translate,
        ngettext=lambda singular, plural, n: escape(catalog.ngettext(singular, plural, n)),
        pgettext=lambda context, message: escape(catalog.pgettext(context, message)),
        npgettext=lambda context, singular, plural, n: escape(catalog.npgettext(context, singular, plural, n)),
        newstyle=True)


def make_environments(templates: Path, translations: dict[str, gettext.NullTranslations], site: Site,
                      assets: dict[str, str], pdfs: bool = False,
                      compiled: CompiledTemplates | None = None) -> dict[str, Environment]:
    """A Jinja environment for each language, with its catalog and formatting filters, and the site and the
    asset names set (refresh_environments, also when the environments are kept for a rebuild). With
    `compiled` (kept in memory; never on disk, where it would be code read back and run), a template
    compiled once is kept by its source's checksum: compiling them all takes about half a second."""
    environments = new_environments(templates, translations, pdfs, compiled)
    refresh_environments(environments, site, assets)
    return environments


def compile_ahead(templates: Path, translations: dict[str, gettext.NullTranslations],
                  compiled: CompiledTemplates) -> None:
    """Start compiling the templates for each language on another core, as soon as the catalogs are known:
    the environments that will render the pages find them in `compiled` (CompiledTemplates.compile_ahead).
    What the code depends on is the templates and the catalogs, not the site."""
    compiled.compile_ahead(new_environments(templates, translations, False, compiled))


# The loaded templates in a plain dict (Jinja's cache_size=-1): its default LRU cache moves a template to the end of
# a queue on every look-up, a scan of up to 62 names, 9 times a page (the page, its layout, includes, imports);
# an environment loads at most its folder's templates, fewer than the LRU's 400, so none was ever dropped.
TEMPLATE_CACHE = -1


def new_environments(templates: Path, translations: dict[str, gettext.NullTranslations], pdfs: bool,
                     compiled: CompiledTemplates | None) -> dict[str, Environment]:
    """Each language's environment, with no site yet (see make_environments)."""
    environments = {}
    for lang in LANGS:
        env = PortalEnvironment(loader=InputLoader(str(templates)), undefined=StrictUndefined, autoescape=True,
                                **compiling.PARSING, bytecode_cache=compiled,
                                auto_reload=False,  # new environments when a template changes
                                cache_size=TEMPLATE_CACHE)
        env.code_generator_class = compiling.KeptTreeCodeGenerator  # TranslatedCodeGenerator with a plain catalog
        env.context_class = QuickCalls
        install_translations(env, translations[lang])
        env.globals.update(
            lang=lang, other_lang=other_lang(lang), html_lang=HTML_LANG[lang],
            url=lambda kind, key="", _lang=lang: url_for(kind, _lang, key), url_in=url_for,
            statuses=compare.STATUSES, html_langs=HTML_LANG,
            pdfs=pdfs, legend_marker=charts.legend_marker, fragment=fragments.fragment_renderer(env, lang),
        )
        env.filters.update(
            date=lambda iso, _lang=lang: format_date(iso, _lang) if iso else "",
            number=lambda n, _lang=lang: format_number(n, _lang),
            count_words=lambda n, _lang=lang: count_words(n, _lang),
            period=lambda p, _lang=lang: str(p).replace("-", "—" if _lang == "zh" else "–"),  # 1996—2000 / 1996–2000
            plain=figures.plain, book_ids=book_ids, block_html=block_html, block_map=block_map,
            annotate_blocks=annotate_blocks, section=chains.section_of,
            shown=lambda value, site, _lang=lang: figuretext.shown(value, site.indicator(value.indicator).unit.zh,
                                                                  _lang),
            percent=lambda share: f"{round(share * 100)}%", chinese_marked=chinese_marked,
            row_cells=lambda quote, site, document_id, anchor, _lang=lang: quotedrows.labelled(
                quote, site.row(document_id, anchor, _lang)),
        )
        environments[lang] = env
    return environments


def refresh_environments(environments: dict, site: Site, assets: dict[str, str]) -> None:
    """Point kept environments at this build's fingerprinted assets, PDF names and published address (what
    they come from is in every page's key: see pipeline.Builder). The site is no global: each page gets the
    view of it that notes what the page read (render_page's `site`)."""
    for lang, env in environments.items():
        env.globals["asset"] = lambda name: assets[name]
        env.globals["base_url"] = site.model.base_url
        env.globals["pdf_links"] = ({"book": pdf_path(lang, site.model.book),
                                     **{d.id: pdf_path(lang, d.id) for d in site.documents}}
                                    if env.globals["pdfs"] else {})


def render_page(environments: dict[str, Environment], page: Page, site) -> str:
    """The page's HTML, its context and templates reading `site` (a view of the Site); a template error
    becomes a ContentError naming the template line."""
    env = environments[page.lang]
    try:
        template = env.get_template(page.template)
        return template.render(page=page, site=site, alternate=url_for(page.kind, other_lang(page.lang), page.key),
                               **page.context(site))
    except ContentError:
        raise
    except TemplateError as error:
        line = getattr(error, "lineno", None)
        name = getattr(error, "filename", None) or getattr(error, "name", None) or page.template
        raise ContentError(SourceRef(Path("templates") / Path(name).name, line),
                           f"template error while rendering {page.url}: {error.message or error}") from None
    except Exception as error:  # a failing filter or format inside a template: name the template line
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".html")]
        where = SourceRef(Path("templates") / Path(frames[-1].filename).name, frames[-1].lineno) if frames \
            else SourceRef(Path("templates") / page.template)
        raise ContentError(where, f"error while rendering {page.url}: {type(error).__name__}: {error}") from None
