"""Profiles are declared once, in includes/profiles.jinja, and the template reads their facts.

Every profile choice has an entry with every fact; the template reads only facts
that exist and compares them only with values some profile has; `profile` and
the deepmodeling owner are compared in one place each; each profile renders
exactly one release workflow. No Copier run: these read the sources.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jinja2 import Environment, FileSystemLoader, nodes

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "copier.yml").is_file())
COPIER_YML = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
PROFILES = list(COPIER_YML["profile"]["choices"].values())
WORKFLOWS = ROOT / "template" / ".github" / "workflows"
# The same filters and statements as Copier's environment.
JINJA = Environment(
    loader=FileSystemLoader(ROOT),
    extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension", "jinja2.ext.do"],
)


def facts_of(profile: str) -> dict[str, object]:
    """What the hidden `facts` question computes for ``profile``."""
    return json.loads(
        JINJA.from_string(COPIER_YML["facts"]["default"]).render(profile=profile)
    )


FACTS = {profile: facts_of(profile) for profile in PROFILES}


def jinja_sources() -> list[tuple[str, str]]:
    """(where, source) of every Jinja text: template files and names, includes, copier.yml."""
    sources = []
    for path in sorted((ROOT / "template").rglob("*")):
        where = str(path.relative_to(ROOT))
        sources.append((f"{where} (path)", path.name))
        if path.is_file() and path.suffix == ".jinja":
            sources.append((where, path.read_text(encoding="utf-8")))
    for path in sorted((ROOT / "includes").glob("*.jinja")):
        sources.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    for name, spec in COPIER_YML.items():
        values = spec.values() if isinstance(spec, dict) else [spec]
        sources += [(f"copier.yml:{name}", v) for v in values if isinstance(v, str)]
    return sources


SOURCES = [(where, JINJA.parse(source)) for where, source in jinja_sources()]


def facts_read(tree: nodes.Template) -> set[str]:
    """The names of the facts a template reads (`facts.x` or `facts["x"]`)."""
    read = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node.node, nodes.Name) and node.node.name == "facts":
            if isinstance(node, nodes.Getattr):
                read.add(node.attr)
            elif isinstance(node.arg, nodes.Const):
                read.add(node.arg.value)
            else:
                read.add("<computed>")
    return read


def test_the_facts_question_is_computed_never_asked_or_recorded():
    assert COPIER_YML["facts"]["when"] is False
    assert COPIER_YML["deepmodeling_owned"]["when"] is False
    for answers in sorted((ROOT / "examples").glob("*/.copier-answers.yml")):
        recorded = yaml.safe_load(answers.read_text(encoding="utf-8"))
        assert "facts" not in recorded and "deepmodeling_owned" not in recorded


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_sets_every_fact(profile):
    every_fact = set().union(*(facts.keys() for facts in FACTS.values()))
    assert set(FACTS[profile]) == every_fact, f"{profile} misses a fact"


def test_the_template_reads_every_fact_and_only_facts_that_exist():
    read = set().union(*(facts_read(tree) for _, tree in SOURCES))
    declared = set(FACTS[PROFILES[0]])
    assert read - declared == set(), "the template reads facts no profile declares"
    assert declared - read == set(), "a fact no file reads: remove it"


def test_facts_are_compared_only_with_values_a_profile_has():
    for where, tree in SOURCES:
        for compare in tree.find_all(nodes.Compare):
            operands = [compare.expr] + [op.expr for op in compare.ops]
            for fact in set().union(
                *(facts_read(o) for o in operands if isinstance(o, nodes.Getattr))
            ):
                values = {facts[fact] for facts in FACTS.values()}
                for operand in operands:
                    if isinstance(operand, nodes.Const):
                        assert operand.value in values, (
                            f"{where}: facts.{fact} is compared with {operand.value!r}, "
                            f"which no profile has ({sorted(map(str, values))})"
                        )


def test_the_profile_name_is_read_only_by_the_profiles_include():
    readers = {
        where
        for where, tree in SOURCES
        if any(name.name == "profile" for name in tree.find_all(nodes.Name))
    }
    assert readers == {"includes/profiles.jinja"}


def test_the_deepmodeling_owner_is_named_once():
    comparisons = [
        where
        for where, tree in SOURCES
        for compare in tree.find_all(nodes.Compare)
        if isinstance(compare.expr, nodes.Name)
        and compare.expr.name == "github_owner"
        and any(
            isinstance(op.expr, nodes.Const) and op.expr.value == "deepmodeling"
            for op in compare.ops
        )
    ]
    assert comparisons == ["copier.yml:deepmodeling_owned"]


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_renders_exactly_one_release_workflow(profile):
    rendered = [
        path.name
        for path in sorted(WORKFLOWS.iterdir())
        if "release.yml" in path.name
        and JINJA.from_string(path.name.removesuffix(".jinja")).render(
            facts=FACTS[profile]
        )
        == "release.yml"
    ]
    assert len(rendered) == 1, f"{profile}: {rendered}"


def test_the_fact_lint_sees_reads():
    """Guard against a lint that silently finds nothing."""
    assert facts_read(JINJA.parse("{{ facts.cpp }} {{ facts['release'] }}")) == {
        "cpp",
        "release",
    }
    assert FACTS["python"] != FACTS["compiled"]
