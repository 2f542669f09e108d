"""The layout's parts that are the same on many pages of a language (the masthead's navigation, the footer):
each rendered once by a process for a build, from its own template, and put into every page that shows it."""
from __future__ import annotations

from markupsafe import Markup


def fragment_renderer(environment, lang: str):
    """The templates' `fragment(name, site, **values)`: the template `name` rendered with `values` (and the
    environment's globals) once for each (language, values) in a page's view of the site, as one Markup.
    It is made through SiteView.shared, on a view of its own whose reads every page showing it depends on;
    `shared` is new for each rendering of the pages (parallel.render_all), whose environments, globals and
    catalogs are fixed while it lasts: a template, catalog or asset edited shows at the next build."""

    def fragment(name: str, site, **values) -> Markup:
        key = f"fragment {lang} {name} {sorted(values.items())!r}"
        template = environment.get_template(name)
        return site.shared(key, lambda view: Markup(template.render(site=view, **values)))

    return fragment
