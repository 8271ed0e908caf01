"""examples/ is always a fresh render of the template."""

from __future__ import annotations

import pytest

from examples import regenerate
from tests.helpers import ROOT


@pytest.mark.parametrize("name", regenerate.EXAMPLES)
def test_example_matches_a_fresh_render(tmp_path, name):
    fresh = regenerate.render_example(name, tmp_path / name)
    difference = regenerate.diff_trees(fresh, ROOT / "examples" / name)
    assert not difference, (
        f"examples/{name} is stale; run `python examples/regenerate.py` and commit:\n{difference}"
    )


def test_examples_readme_lists_every_example():
    readme = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    assert readme == regenerate.examples_readme()
    stored = sorted(
        p.name
        for p in (ROOT / "examples").iterdir()
        if p.is_dir() and not p.name.startswith("_")
    )
    assert stored == sorted(regenerate.EXAMPLES)
    for name, (_answers, shows) in regenerate.EXAMPLES.items():
        assert f"[`{name}/`]({name}/)" in readme
        assert shows in readme


def test_drift_is_reported_with_a_diff(tmp_path):
    fresh = regenerate.render_example("python", tmp_path / "fresh")
    stored = tmp_path / "stored"
    stored.mkdir()
    (stored / "README.md").write_text("# Old\n", encoding="utf-8")
    difference = regenerate.diff_trees(fresh, stored)
    assert "-# Old" in difference and "+# Demo Project" in difference
    assert "+++ b/pyproject.toml" in difference
