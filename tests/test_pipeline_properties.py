"""The pipeline's invariants by property, seeded: random single edits of the fixture project (a Markdown
paragraph, a YAML value, a record added or removed, a template, a msgstr, a static file, a file renamed
or deleted, a same-size edit with its mtime restored), each followed by the preview's build, a warm
build with its cache, a build after damage to the cache, and a publication killed at a random point; all
give what a fresh build gives (bytes, or messages). `python -m tests.props --iterations N --seed S`
runs as many as wanted."""
from __future__ import annotations

import pytest

from props.runner import run


@pytest.mark.slow  # hundreds of seeded builds (python -m tests.props for more)
@pytest.mark.parametrize("seed", [1, 2])
def test_every_build_after_a_random_edit_equals_a_fresh_build(seed):
    report = run(iterations=30, seed=seed)
    assert report.cases >= 100, report.summary()
    assert not report.failures, report.summary()
