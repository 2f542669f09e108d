"""The comparison model is content: renaming every layer in content gives the same site but for the
names, and site.yaml's model is validated field by field."""
from __future__ import annotations

import re
import shutil

import pytest

from conftest import edit, generate
from portal.errors import ContentErrors

# Every layer id of the fixture, and a new name no other text of the site contains
RENAMED = {"fyp14": "renamed-a-layer", "congress": "renamed-b-layer", "plenary": "renamed-c-layer",
           "plan2025": "renamed-d-layer"}


def _rename_layers(content) -> None:
    """Rename the layers where content names them: site.yaml (ids, listed_with, columns) and meta.yaml."""
    site = content / "site.yaml"
    text = site.read_text(encoding="utf-8")
    for old, new in RENAMED.items():
        text = re.sub(rf"((?:- id|listed_with|layer): ){old}\b", rf"\g<1>{new}", text)
    site.write_text(text, encoding="utf-8")
    for meta in (content / "documents").glob("*/meta.yaml"):
        text = meta.read_text(encoding="utf-8")
        for old, new in RENAMED.items():
            text = re.sub(rf"^layer: {old}$", f"layer: {new}", text, flags=re.M)
        meta.write_text(text, encoding="utf-8")


def _named_back(files: dict[str, bytes]) -> dict[str, bytes]:
    """The output with the new names replaced by the old (the layer stylesheet's fingerprint follows its
    content, so its name is made neutral in both trees)."""
    back = {}
    for name, data in files.items():
        for old, new in RENAMED.items():
            data = data.replace(new.encode(), old.encode())
        data = re.sub(rb"static/layers\.[0-9a-f]{10}\.css", b"static/layers.css", data)
        back[re.sub(r"static/layers\.[0-9a-f]{10}\.css", "static/layers.css", name)] = data
    return back


def test_renaming_every_layer_is_a_content_change(content):
    # Without editions: a document's layer is part of its record, so against an edition's snapshot a renamed
    # layer rightly reads as a change of its documents ("What changed"); the pages are what is compared here.
    shutil.rmtree(content / "editions")
    (content / "editions.yaml").unlink()
    original = generate(content).files
    _rename_layers(content)
    assert "fyp14" not in (content / "site.yaml").read_text(encoding="utf-8")
    renamed = generate(content).files
    assert any(b"renamed-a-layer" in data for data in renamed.values())  # the new names are in the output
    before, after = _named_back(original), _named_back(renamed)
    assert sorted(before) == sorted(after)
    # the zip compresses the data files compared here one by one: its bytes cannot be named back
    differing = [name for name in before if before[name] != after[name] and name != "data/all-data.zip"]
    assert not differing, f"renaming the layers changed more than their names: {differing[:5]}"


MODEL_ERRORS = [
    # one mistake, one error: not also "missing field 'layers'" and an unknown layer in every column
    ("layers:\n", "layerz:\n", "site: unknown field 'layerz'\n    hint: did you mean 'layers'?"),
    ("headline:\n  heading: {zh: 渝中区目标进展一览, en: Where Yuzhong stands}\n", "headline: [gdp]\n",
     "site: field 'headline' must be a mapping, not a list"),
    ('    colour: "#0b4f8a"\n', '    colour: "red; background: url(x)"\n',
     "site layer: field 'colour' has the malformed value 'red; background: url(x)'\n"
     "    hint: a colour as #rrggbb, e.g. '#8a1c1c' (quoted: YAML reads # as a comment)"),
    ("matrix:\n", "  - id: plan2025\n    name: {zh: 甲, en: A}\n    short: {zh: 甲, en: A}\n    period: 2025\n"
     "    colour: \"#000000\"\n    shape: circle\n    listed_with: fyp14\nmatrix:\n",
     "site layer: layer 'plan2025' is declared twice\n    hint: give each layer its own id"),
    ("    shape: diamond\n", "    shape: star\n",
     "site layer: field 'shape' is 'star', not one of circle, square, diamond, triangle"),
    ("    short: {zh: 区委十三届二次全会, en: 2nd plenary}\n", "    short: {zh: 区委十三届二次全会}\n",
     "site layer: missing translation 'short.en'\n    hint: add the English: 'en: …'"),
    ("    period: 2025\n", "    period: 2025\n    colours: x\n",
     "site layer: unknown field 'colours'\n    hint: did you mean 'colour'?"),
    ("    listed_with: congress\n", "    listed_with: plan2025\n",
     "site layer: 'plan2025' is not an earlier layer with a section of its own\n"
     "    hint: name a layer declared above this one that has 'section'"),
    ("    - {layer: plan2025, kind: outcome,", "    - {layer: plan2052, kind: outcome,",
     "site matrix column: unknown layer 'plan2052'\n    hint: did you mean 'plan2025'?"),
    ("  status_year: 2024\n", "  status_year: 2023\n",
     "site matrix: no target column for the status year '2023'\n"
     "    hint: add a column with 'kind: target' and 'year: 2023'"),
    ("base_url: https://yuzhong-plans.netlify.app\n", "base_url: https://example.org/\n",
     "site: field 'base_url' has the malformed value 'https://example.org/'\n"
     "    hint: the published address without a closing '/', e.g. https://example.org"),
]


@pytest.mark.parametrize(("old", "new", "message"), MODEL_ERRORS)
def test_the_model_in_site_yaml_is_validated_at_its_line(content, old, new, message):
    site = content / "site.yaml"
    edit(site, old, new)
    line = site.read_text(encoding="utf-8")[:site.read_text(encoding="utf-8").index(new)].count("\n") + 1
    with pytest.raises(ContentErrors) as caught:
        generate(content)
    errors = [str(e) for e in caught.value.errors]
    assert len(errors) == 1 and errors[0].startswith("content/site.yaml:") and errors[0].endswith(message), errors
    assert abs(int(errors[0].split(":")[1]) - line) <= 1, (errors[0], line)  # the field's line or its record's


def test_a_document_names_a_declared_layer(content):
    edit(content / "documents/plenary-demo/meta.yaml", "layer: plenary\n", "layer: plenery\n")
    with pytest.raises(ContentErrors) as caught:
        generate(content)
    assert [str(e) for e in caught.value.errors] == [
        "content/documents/plenary-demo/meta.yaml:3: document 'plenary-demo': unknown layer 'plenery'\n"
        "    hint: did you mean 'plenary'?"]


def test_the_layers_colours_reach_the_pages_as_custom_properties(fixture_site):
    files = fixture_site.files
    css = next(data for name, data in files.items() if re.fullmatch(r"static/layers\.[0-9a-f]{10}\.css", name))
    assert b".layer-plenary { --layer: #5b4a8a; }" in css
    page = files["en/indicators/index.html"].decode()
    assert re.search(r'<link rel="stylesheet" href="/static/layers\.[0-9a-f]{10}\.css">', page)
    assert files["robots.txt"] == b"User-agent: *\nAllow: /\nSitemap: https://yuzhong-plans.netlify.app/sitemap.xml\n"


def test_a_model_edit_reaches_every_page_of_a_warm_rebuild(content):
    """The model is in every page's key: a kept builder that rebuilds after a colour, the published address
    and the status year change builds what a fresh builder builds."""
    from conftest import first_fixture_build, project_for
    from portal.pipeline import Builder
    warm = Builder(project_for(content))
    warm.compiled_po = dict(first_fixture_build()[0].compiled_po)  # as conftest.generate() does
    warm.generate()
    site = content / "site.yaml"
    edit(site, 'colour: "#5b4a8a"', 'colour: "#123456"')
    edit(site, "base_url: https://yuzhong-plans.netlify.app", "base_url: https://plans.example.net")
    rebuilt = warm.generate().files
    assert rebuilt == generate(content).files
    assert b"--layer: #123456" in next(d for n, d in rebuilt.items() if n.startswith("static/layers."))
    assert 'href="https://plans.example.net/en/"' in rebuilt["en/index.html"].decode()
