"""Static checks of the template itself.

Every literal that a Jinja condition compares an answer with must be one of that
question's choices: a typo would silently make a branch dead. Every variable the
template reads must be a question or one of Copier's own: Copier renders an
unknown name as an empty string instead of failing.
"""

from __future__ import annotations

import pytest
import yaml
from jinja2 import Environment, meta, nodes

from tests.helpers import COPIER_YML, ROOT

QUESTIONS = {name for name in COPIER_YML if not name.startswith("_")}
# What Copier puts in the rendering context besides the answers.
COPIER_VARIABLES = {
    "_copier_answers",
    "_copier_conf",
    "_copier_operation",
    "_copier_phase",
    "_copier_python",
    "_folder_name",
    "UNSET",  # in a default: leaves the question without one
}
# The same environment as Copier's: its filters and the `do` statement.
JINJA = Environment(
    extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension", "jinja2.ext.do"]
)


def _choices(spec: dict) -> set[object]:
    choices = spec["choices"]
    if isinstance(
        choices, str
    ):  # rendered from Jinja (python_min's depend on `adopting`)
        choices = [
            choice
            for adopting in (False, True)
            for choice in yaml.safe_load(
                JINJA.from_string(choices).render(adopting=adopting)
            )
        ]
    return set(choices.values() if isinstance(choices, dict) else choices)


CHOICES = {
    name: _choices(spec)
    for name, spec in COPIER_YML.items()
    if isinstance(spec, dict) and "choices" in spec
}
BOOLEANS = {
    name
    for name, spec in COPIER_YML.items()
    if isinstance(spec, dict) and spec.get("type") == "bool"
}


def jinja_sources() -> list[tuple[str, str]]:
    """(where, source) for every Jinja text: template files, file names, includes, copier.yml."""
    sources = []
    for path in sorted((ROOT / "template").rglob("*")) + sorted(
        (ROOT / "includes").rglob("*.jinja")
    ):
        where = str(path.relative_to(ROOT))
        sources.append((f"{where} (path)", where))
        if path.is_file() and path.suffix == ".jinja":
            sources.append((where, path.read_text(encoding="utf-8")))
    for name, spec in COPIER_YML.items():
        values = spec.values() if isinstance(spec, dict) else [spec]
        sources += [(f"copier.yml:{name}", v) for v in values if isinstance(v, str)]
    return sources


def compared_literals(source: str) -> list[tuple[str, object]]:
    """(variable, literal) for every `var == lit`, `var != lit` and `var in [lits]`."""
    tree = JINJA.parse(source)
    found = []
    for compare in tree.find_all(nodes.Compare):
        operands = [compare.expr] + [op.expr for op in compare.ops]
        names = [o.name for o in operands if isinstance(o, nodes.Name)]
        for name in names:
            for operand in operands:
                if isinstance(operand, nodes.Const):
                    found.append((name, operand.value))
                elif isinstance(operand, (nodes.List, nodes.Tuple)):
                    found += [
                        (name, item.value)
                        for item in operand.items
                        if isinstance(item, nodes.Const)
                    ]
    return found


SOURCES = jinja_sources()


def test_the_lint_sees_the_conditions():
    """Guard against a lint that silently finds nothing to check."""
    found = {pair for _, source in SOURCES for pair in compared_literals(source)}
    assert ("github_owner", "deepmodeling") in found


@pytest.mark.parametrize(("where", "source"), SOURCES, ids=[w for w, _ in SOURCES])
def test_compared_literals_are_choices(where, source):
    for name, literal in compared_literals(source):
        if name in CHOICES:
            assert literal in CHOICES[name], (
                f"{where}: {name} is compared with {literal!r}, not one of {sorted(map(str, CHOICES[name]))}"
            )
        if name in BOOLEANS:
            pytest.fail(
                f"{where}: compare the boolean {name} by truth, not with {literal!r}"
            )


def test_lint_catches_a_typo():
    assert ("license", "LGPL-3.0") in compared_literals(
        '{% if license == "LGPL-3.0" %}x{% endif %}'
    )


def unknown_variables(source: str) -> set[str]:
    """Names read but neither answered nor Copier's.

    A name only tested with ``is defined`` is a retired answer read from an older
    answers file (see "Renaming or removing a question" in CONTRIBUTING.md).
    """
    tree = JINJA.parse(source)
    bridged = {
        test.node.name
        for test in tree.find_all(nodes.Test)
        if test.name == "defined" and isinstance(test.node, nodes.Name)
    }
    read = meta.find_undeclared_variables(tree)
    return read - QUESTIONS - COPIER_VARIABLES - bridged


@pytest.mark.parametrize(("where", "source"), SOURCES, ids=[w for w, _ in SOURCES])
def test_every_variable_is_a_question(where, source):
    assert unknown_variables(source) == set(), f"{where} reads unknown variables"


def test_lint_catches_an_unknown_variable():
    assert unknown_variables("{{ projetc_name }} {{ project_name }}") == {
        "projetc_name"
    }
    assert unknown_variables("{{ old if old is defined else cli }}") == set()
