"""The page workers' levers of issue 21 item 6 (stop 35): each makes the same bytes and the same reads as the
work it replaces, checked against that work."""
from __future__ import annotations

from jinja2 import Environment

from conftest import first_fixture_build


def environments() -> dict[str, Environment]:
    """The fixture build's environments (the portal's templates, each language's catalog)."""
    builder, _ = first_fixture_build()
    return builder.pending[0]


def test_an_environment_keeps_its_templates_in_a_dict_one_object_a_name():
    for env in environments().values():
        assert type(env.cache) is dict  # Jinja's LRU cache reordered a queue on every look-up
        names = env.list_templates(extensions=["html"])
        loaded = [env.get_template(name) for name in names]
        assert [env.get_template(name) for name in names] == loaded
        assert all(again is first for again, first in zip([env.get_template(n) for n in names], loaded))
        assert len(env.cache) == len(names)
