"""The published JSON's text is json.dumps(data, ensure_ascii=False, indent=1), byte for byte, made quicker."""
from __future__ import annotations

import enum
import json
import random

import pytest
from markupsafe import Markup

from conftest import ROOT
from portal import jsontext


def reference(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


class Level(enum.IntEnum):
    HIGH = 3


LEAVES = ["", "a", "渝中", 'quote " and \\ back', "line\nbreak\ttab\r", "\x00\x1f\x7f", "\u2028\u2029", "🙂 emoji",
          "{[,:]}", 0, -1, 10**30, 1.5, -0.0, 1e-7, 1e22, 0.1 + 0.2, float("inf"), float("-inf"), float("nan"),
          True, False, None, Markup("<b>safe</b>"), Level.HIGH]


def random_value(rng: random.Random, depth: int = 0):
    """A value as the data files hold (and some they do not: non-str keys, tuples, subclasses, nan)."""
    roll = rng.random()
    if depth > 4 or roll < 0.45:
        return rng.choice(LEAVES)
    if roll < 0.7:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if roll < 0.75:
        return tuple(random_value(rng, depth + 1) for _ in range(rng.randrange(3)))
    keys = ["id", "名称", "a\nb", "", '"']
    if roll < 0.8:
        keys += [1, 2.5, True, None]  # json writes these as strings
    return {rng.choice(keys): random_value(rng, depth + 1) for _ in range(rng.randrange(5))}


@pytest.mark.parametrize("seed", range(40))
def test_the_text_is_jsons_own_for_random_values(seed):
    rng = random.Random(seed)
    for _ in range(50):
        value = random_value(rng)
        assert jsontext.json_text(value) == reference(value), value


def test_what_json_refuses_it_refuses():
    with pytest.raises(TypeError):
        jsontext.json_text({"when": object()})
    with pytest.raises(TypeError):
        jsontext.json_text({("a", "b"): 1})


def test_the_real_data_files_read_back_to_the_same_text():
    """Every JSON file a real build publishes holds exactly what json.dumps writes of its data."""
    from portal.datapackage import values_schema
    from portal.pipeline import Builder, Project
    generated = Builder(Project(ROOT), search_index=False).generate()
    made = {name: data for name, data in generated.files.items() if name.startswith("data/") and name.endswith(".json")}
    assert len(made) > 300 and "data/datapackage.json" in made and "data/portal.json" in made
    for name, data in made.items():
        assert data == (reference(json.loads(data)) + "\n").encode("utf-8"), name
    assert jsontext.json_text(values_schema()) == reference(values_schema())
