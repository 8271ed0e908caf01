"""Tests of the DeepModeling standard checker (src/deepmodeling_template/standard).

Rendered projects come from conftest's ``rendered`` fixture: the working tree
tagged with its declared release, so their ``_commit`` is that release, as it is
for a real user, and DP702 can pass.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import yaml
from repo_review.fixtures import apply_fixtures, compute_fixtures
from repo_review.processor import CollectionReturn, process

from deepmodeling_template import standard as checks
from deepmodeling_template.standard import cli
from deepmodeling_template.standard.docs import SPHINX_CONFS
from deepmodeling_template.standard.fixtures import pyproject as tolerant_pyproject
from examples import regenerate
from tests.helpers import ANSWER_SETS, REQUIRED_ANSWERS, ROOT

# The installed checker is a development version: releases come from the pinned rev.
pytestmark = pytest.mark.usefixtures("newest_release_from_pinned_rev")

FAMILY = "deepmodeling"
RULE_IDS = [rule.__name__ for rule in checks.RULES]
# The C++ family: skipped on these renders, which have no CMakeLists.txt.
CPP_RULES = {rule.__name__ for rule in checks.RULES if rule.__module__.endswith(".cpp")}
NO_CMAKE = "There is no `CMakeLists.txt` at the top of the repository"
GUARD_MESSAGE = "This is a bug in the checker"
TEMPLATE_RELEASE = regenerate.template_release()

# Rendered from the template tagged with its release, as users' projects are.
CHECKED_SETS = {
    "default": ANSWER_SETS["python"],
    "cli-mit": {
        **REQUIRED_ANSWERS,
        "cli": True,
        "license": "MIT",
        "github_owner": "example-lab",
        "gitee_mirror": False,
        "maturity": "sandbox",  # a lab's project that has joined the community
    },
}


@pytest.fixture(scope="session")
def rendered_release(rendered):
    """Render a checked answer set once per session (committed); returns a getter."""
    return lambda name: rendered(**CHECKED_SETS[name])


def private_copy(source, destination):
    """A copy of a render, without its git history, free to break."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(".git"))
    return destination


@pytest.fixture
def project(rendered_release, tmp_path):
    """A private copy of the default render, free to break."""
    return private_copy(rendered_release("default"), tmp_path / "demo-project")


# --- running the checker -------------------------------------------------------


def ours(group):
    return [
        ep
        for ep in entry_points(group=group)
        if ep.value.startswith("deepmodeling_template.")
    ]


def review(path):
    """Run this plugin alone through repo-review's API; results by rule ID.

    Other installed plugins are left out on purpose: their fixtures may raise
    on the broken files some tests write.
    """
    registered = {ep.name: ep.load() for ep in ours("repo_review.fixtures")}
    # repo-review's own `pyproject` fixture raises on invalid TOML; use the
    # checker's tolerant one, as dp-standard does.
    fixtures = compute_fixtures(
        path, path, {"pyproject": tolerant_pyproject, **registered}
    )
    collected = CollectionReturn(
        fixtures,
        {
            name: check
            for ep in ours("repo_review.checks")
            for name, check in apply_fixtures(fixtures, ep.load()).items()
        },
        {
            name: family
            for ep in ours("repo_review.families")
            for name, family in apply_fixtures(fixtures, ep.load()).items()
        },
    )
    _, results = process(path, collected=collected)
    return {result.name: result for result in results}


def failed(results):
    return {name for name, result in results.items() if result.result is False}


def not_passed(results):
    """The rules that failed or were skipped, with their messages.

    The C++ rules are left out when skipped: a Python project has no
    CMakeLists.txt (`test_a_python_project_skips_the_cpp_rules` checks why).
    """
    return {
        n: r.err_msg or "skipped"
        for n, r in results.items()
        if r.result is not True and not (n in CPP_RULES and r.result is None)
    }


def assert_no_crash(results):
    crashed = {n: r.err_msg for n, r in results.items() if GUARD_MESSAGE in r.err_msg}
    assert not crashed


def script(name):
    path = Path(sys.executable).with_name(name)
    found = str(path) if path.is_file() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e .")
    return found


# --- registration ----------------------------------------------------------------


def test_entry_points_are_registered():
    assert [ep.name for ep in ours("repo_review.checks")] == ["deepmodeling"]
    assert [ep.name for ep in ours("repo_review.families")] == ["deepmodeling"]
    fixtures = {ep.name for ep in ours("repo_review.fixtures")}
    # `pyproject` is repo-review's own fixture; registering it again would race.
    assert fixtures == set(cli.FIXTURES) - {"pyproject"}


def test_rule_ids_are_unique_and_in_their_families():
    assert len(RULE_IDS) == len(set(RULE_IDS))
    assert 30 <= len(RULE_IDS) <= 45
    for name in RULE_IDS:
        assert re.fullmatch(r"DP[1-8]\d\d", name)
    assert CPP_RULES == {"DP801", "DP802", "DP803", "DP804"}


def test_requirements_name_existing_rules():
    for rule in checks.RULES:
        assert rule.requires <= set(RULE_IDS), rule.__name__


def test_published_hook_runs_the_family():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [hook for hook in hooks if hook["id"] == "check-deepmodeling-standard"]
    assert hook["entry"] == "dp-standard"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["always_run"] is True
    assert Path(script("dp-standard")).name == "dp-standard"


# --- STANDARD.md ---------------------------------------------------------------


def github_anchor(heading):
    """The anchor GitHub gives a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def standard_sections():
    text = (ROOT / "STANDARD.md").read_text(encoding="utf-8")
    parts = re.split(r"^### (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_standard_has_one_section_per_rule_with_its_anchor():
    sections = standard_sections()
    assert list(sections) == RULE_IDS
    for rule in checks.RULES:
        anchor = rule.url.rpartition("#")[2]
        assert anchor == github_anchor(rule.__name__) == rule.__name__.lower()
        assert rule.url.startswith(checks.STANDARD_URL)


@pytest.mark.parametrize("rule", checks.RULES, ids=RULE_IDS)
def test_standard_section_states_why_and_where(rule):
    body = standard_sections()[rule.__name__]
    statement = re.search(r"^\*\*(.+)\*\*$", body, re.MULTILINE)
    assert statement, "a bold one-line statement"
    plain = lambda text: re.sub(r"[`*]", "", text).strip()  # noqa: E731
    assert plain(statement[1]) == plain(rule.__doc__)
    for label in ("Why:", "Checked:", "Implemented by:"):
        assert label in body
    implemented = body.split("Implemented by:")[1]
    paths = re.findall(r"`((?:template|includes)/[^`]*)`", implemented)
    assert paths
    for path in paths:
        assert (ROOT / path).exists(), f"{rule.__name__}: {path} does not exist"


# --- rendered projects pass ------------------------------------------------------


@pytest.mark.parametrize("answers", list(CHECKED_SETS))
def test_rendered_project_passes_every_rule(rendered_release, answers):
    results = review(rendered_release(answers))
    assert set(results) == set(RULE_IDS)
    assert not not_passed(results)


def test_every_installed_plugin_runs_next_to_the_family(rendered_release):
    families, results = process(rendered_release("default"))
    assert FAMILY in families
    ours_results = [result for result in results if result.family == FAMILY]
    assert [result.name for result in ours_results] == RULE_IDS
    assert all(
        result.result is (None if result.name in CPP_RULES else True)
        for result in ours_results
    )


def test_repo_review_command_prints_the_family(rendered_release):
    result = subprocess.run(
        [script("repo-review"), str(rendered_release("cli-mit")), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    # The exit code also reflects other installed plugins (sp-repo-review...).
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    assert report["families"][FAMILY]["name"] == "DeepModeling"
    ours_results = {k: v for k, v in report["checks"].items() if v["family"] == FAMILY}
    assert sorted(ours_results) == RULE_IDS
    assert all(
        check["result"] is (None if name in CPP_RULES else True)
        for name, check in ours_results.items()
    )


def test_a_project_outside_the_community_skips_the_stamp_with_its_reason(rendered):
    project = rendered(**{**REQUIRED_ANSWERS, "github_owner": "example-lab"})
    outcomes = {outcome.name: outcome for outcome in cli.run(project)}
    assert (outcomes["DP606"].result, outcomes["DP606"].message) == (
        None,
        "Not a DeepModeling community project (yet): no community stamp in the README.",
    )
    assert all(
        o.result is True for n, o in outcomes.items() if n not in {"DP606", *CPP_RULES}
    )


def test_a_python_project_skips_the_cpp_rules(rendered_release):
    """No CMakeLists.txt at the top: the C++ family is skipped, and says so."""
    outcomes = {o.name: o for o in cli.run(rendered_release("default"))}
    for name in CPP_RULES:
        assert outcomes[name].result is None
        assert outcomes[name].message.startswith(NO_CMAKE), outcomes[name].message


def test_flat_layout_and_doc_folder_pass(project):
    package = project / "src" / "demo_project"
    package.rename(project / "demo_project")
    (project / "src").rmdir()
    (project / "docs").rename(project / "doc")
    # .readthedocs.yaml still names docs/conf.py, which is gone: the checker
    # must find doc/conf.py by itself.
    results = review(project)
    assert (results["DP501"].result, results["DP502"].result) == (True, True)
    assert failed(results) == {"DP503"}
    assert (
        "points at `sphinx.configuration: docs/conf.py`, which does not exist; "
        "the Sphinx configuration is `doc/conf.py`"
    ) in results["DP503"].err_msg
    edit(project / ".readthedocs.yaml", "docs/conf.py", "doc/conf.py")
    assert not not_passed(review(project))


@pytest.mark.parametrize("location", SPHINX_CONFS[1:])
def test_sphinx_conf_is_found_without_read_the_docs(project, location):
    """With no .readthedocs.yaml to point at it, conf.py is found where it lives."""
    conf = project / location
    conf.parent.mkdir(parents=True, exist_ok=True)
    (project / "docs/conf.py").rename(conf)
    (project / ".readthedocs.yaml").unlink()
    results = review(project)
    assert (results["DP501"].result, results["DP502"].result) == (True, True)
    assert failed(results) == {"DP503"}
    # DP503 proposes the conf.py that DP501 found.
    assert f"`sphinx: configuration: {location}`" in results["DP503"].err_msg


def drop_table(path, header):
    """Delete a TOML table (its header line up to the next table) from a file."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"{header}\n")
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith("[")),
        len(lines),
    )
    del lines[start:end]
    path.write_text("".join(lines), encoding="utf-8")


def use_scikit_build_core(project, floor):
    """Switch the render to scikit-build-core and its setuptools-scm plugin."""
    path = project / "pyproject.toml"
    drop_table(path, "[tool.setuptools_scm]")
    text = path.read_text()
    text = text.replace('"setuptools>=77.0.3"', f'"scikit-build-core>={floor}"')
    text = text.replace('"setuptools.build_meta"', '"scikit_build_core.build"')
    provider = "scikit_build_core.metadata.setuptools_scm"
    path.write_text(
        f'{text}\n[tool.scikit-build]\nmetadata.version.provider = "{provider}"\n'
    )


def test_scikit_build_core_with_the_setuptools_scm_plugin_passes(project):
    use_scikit_build_core(project, "0.11")
    assert not failed(review(project))


def test_scikit_build_core_before_pep_639_fails(project):
    use_scikit_build_core(project, "0.10")
    results = review(project)
    assert failed(results) == {"DP204"}
    assert "only scikit-build-core 0.11 and later" in results["DP204"].err_msg


# --- one mutation per rule ---------------------------------------------------------


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}: update the mutation"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def edit_yaml(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def remove_repos(config, fragment):
    config["repos"] = [repo for repo in config["repos"] if fragment not in repo["repo"]]


def remove_hook(config, hook_id):
    for repo in config["repos"]:
        repo["hooks"] = [hook for hook in repo["hooks"] if hook["id"] != hook_id]


# A Python render made a C++ project too, as far as the C++ rules look.
CPP_FILES = {
    "CMakeLists.txt": "cmake_minimum_required(VERSION 3.25)\nproject(demo CXX)\n"
    "include(CTest)\n",
    "CMakePresets.json": '{"version": 6, "configurePresets": [{"name": "dev"}]}\n',
    ".clang-format": "BasedOnStyle: Google\n",
    ".github/workflows/cpp.yml": (
        "on: push\npermissions: {}\njobs:\n  asan:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: cmake -B b -DCMAKE_CXX_FLAGS=-fsanitize=address\n"
        "      - run: ctest --test-dir b\n"
    ),
}


def broken_cpp(path, name, old, new):
    """Add the C++ project of `CPP_FILES` to a render, with ``old`` in ``name`` made ``new``."""
    for file, text in CPP_FILES.items():
        target = path / file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    edit_yaml(
        path / ".pre-commit-config.yaml",
        lambda config: config["repos"].append(
            {
                "repo": "https://github.com/pre-commit/mirrors-clang-format",
                "rev": "v22.1.8",
                "hooks": [{"id": "clang-format"}],
            }
        ),
    )
    if name:
        edit(path / name, old, new)


def test_the_cpp_files_pass_the_cpp_rules(project):
    """What `broken_cpp` breaks one piece of passes the C++ family whole."""
    broken_cpp(project, "", "", "")
    assert not not_passed(results := review(project))
    assert all(results[name].result is True for name in CPP_RULES)


def without_conflict_guard(config):
    """Only plain check-merge-conflict left, which looks only inside a git merge."""
    remove_hook(config, "check-copier-conflicts")
    for repo in config["repos"]:
        if repo["repo"].endswith("/pre-commit-hooks"):
            repo["hooks"].append({"id": "check-merge-conflict"})


def publish_steps(workflow):
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("pypa/gh-action-pypi-publish"):
                yield step


def publish_with_twine(workflow):
    for job in workflow["jobs"].values():
        job["steps"] = [
            {"run": "twine upload dist/*"}
            if str(step.get("uses", "")).startswith("pypa/gh-action-pypi-publish")
            else step
            for step in job.get("steps", [])
        ]


def publish_with_token(workflow):
    for step in publish_steps(workflow):
        step["with"] = {"password": "${{ secrets.PYPI_API_TOKEN }}"}


def one_python_only(workflow):
    for job in workflow["jobs"].values():
        matrix = job.get("strategy", {}).get("matrix", {})
        if "python-version" in matrix:
            matrix["python-version"] = ["3.12"]


MIT_TEXT = (ROOT / "includes" / "licenses" / "MIT.txt").read_text(encoding="utf-8")

MUTATIONS = {
    "DP101": (lambda p: (p / "LICENSE").unlink(), "no `LICENSE` file"),
    "DP102": (
        lambda p: (p / "LICENSE").write_text(MIT_TEXT),
        "holds the `MIT` text",
    ),
    "DP103": (
        lambda p: edit(
            p / "CITATION.cff", "license: LGPL-3.0-or-later", "license: MIT"
        ),
        "`CITATION.cff` says `license: MIT`",
    ),
    "DP104": (
        lambda p: edit(
            p / "pyproject.toml",
            "classifiers = [\n",
            'classifiers = [\n  "License :: OSI Approved :: GNU Lesser General Public'
            ' License v3 or later (LGPLv3+)",\n',
        ),
        "PEP 639 forbids license classifiers",
    ),
    "DP201": (
        lambda p: (
            (p / "pyproject.toml").unlink(),
            (p / "setup.py").write_text("from setuptools import setup\nsetup()\n"),
        ),
        "configured by `setup.py` only",
    ),
    "DP202": (
        lambda p: edit(
            p / "pyproject.toml",
            'license = "LGPL-3.0-or-later"',
            'license = {text = "LGPL-3.0-or-later"}',
        ),
        "legacy table form",
    ),
    "DP203": (
        lambda p: edit(p / "pyproject.toml", 'license-files = ["LICENSE"]\n', ""),
        'Add `license-files = ["LICENSE"]`',
    ),
    "DP204": (
        lambda p: edit(
            p / "pyproject.toml", '"setuptools>=77.0.3"', '"setuptools>=61"'
        ),
        "`setuptools` has `>=61`",
    ),
    "DP205": (
        lambda p: edit(
            p / "pyproject.toml", 'dynamic = ["version"]', 'version = "0.1.0"'
        ),
        'static `version = "0.1.0"`',
    ),
    "DP206": (
        lambda p: (p / ".gitattributes").unlink(),
        "does not mark `.git_archival.txt` for substitution",
    ),
    "DP207": (
        lambda p: edit(p / "pyproject.toml", 'requires-python = ">=3.10"\n', ""),
        "no `requires-python`",
    ),
    "DP301": (
        lambda p: (p / ".pre-commit-config.yaml").unlink(),
        "no `.pre-commit-config.yaml`",
    ),
    "DP302": (
        lambda p: edit_yaml(
            p / ".pre-commit-config.yaml",
            lambda c: remove_repos(c, "pre-commit/pre-commit-hooks"),
        ),
        "does not use `https://github.com/pre-commit/pre-commit-hooks`",
    ),
    "DP303": (
        lambda p: edit_yaml(
            p / ".pre-commit-config.yaml", lambda c: remove_repos(c, "ruff-pre-commit")
        ),
        "`ruff-check`, `ruff-format` do not run",
    ),
    "DP304": (
        lambda p: edit_yaml(p / ".pre-commit-config.yaml", without_conflict_guard),
        "`check-merge-conflict` only looks for conflict markers while git is merging",
    ),
    "DP305": (
        lambda p: edit_yaml(p / ".pre-commit-config.yaml", lambda c: c.pop("ci")),
        "has no `ci:` block",
    ),
    "DP401": (
        lambda p: edit_yaml(p / ".github/workflows/tests.yml", one_python_only),
        "The test jobs run on 3.12, but the project supports 3.10 and 3.",
    ),
    "DP402": (
        lambda p: edit_yaml(p / ".github/workflows/release.yml", publish_with_twine),
        "uploads with `twine upload` instead",
    ),
    "DP403": (
        lambda p: edit_yaml(p / ".github/workflows/release.yml", publish_with_token),
        "passes an API token as `password:`",
    ),
    "DP404": (
        lambda p: edit_yaml(
            p / ".github/workflows/tests.yml", lambda w: w.pop("permissions")
        ),
        "`.github/workflows/tests.yml` has no top-level `permissions:`",
    ),
    "DP405": (
        lambda p: (p / ".github/dependabot.yml").unlink(),
        "no `.github/dependabot.yml`",
    ),
    "DP501": (
        lambda p: (p / "docs/conf.py").unlink(),
        "points at `docs/conf.py`, which does not exist",
    ),
    "DP502": (
        lambda p: edit(p / "docs/conf.py", '    "deepmodeling_sphinx",\n', ""),
        "does not load `deepmodeling_sphinx`",
    ),
    "DP503": (
        lambda p: (p / ".readthedocs.yaml").unlink(),
        "no `.readthedocs.yaml`",
    ),
    "DP601": (
        lambda p: (
            (p / "CONTRIBUTING.md").unlink(),
            (p / "docs/contributing.md").unlink(),
        ),
        "no contributing guide",
    ),
    "DP602": (lambda p: (p / "CODE_OF_CONDUCT.md").unlink(), "no code of conduct"),
    "DP603": (lambda p: (p / "SECURITY.md").unlink(), "no security policy"),
    "DP604": (
        lambda p: [
            form.unlink()
            for form in (p / ".github/ISSUE_TEMPLATE").glob("*.yml")
            if form.name != "config.yml"
        ],
        "no YAML issue forms",
    ),
    "DP605": (lambda p: (p / "CITATION.cff").unlink(), "no `CITATION.cff`"),
    "DP606": (
        lambda p: (p / "README.md").write_text(
            "".join(
                line
                for line in (p / "README.md").read_text().splitlines(keepends=True)
                if "github.com/deepmodeling/community" not in line
            )
        ),
        "does not say that the project belongs to the DeepModeling community",
    ),
    "DP701": (
        lambda p: (p / ".copier-answers.yml").unlink(),
        "no `.copier-answers.yml`",
    ),
    "DP702": (
        lambda p: edit(
            p / ".copier-answers.yml", f"_commit: {TEMPLATE_RELEASE}", "_commit: v0.0.1"
        ),
        f"newest deepmodeling-template release is {TEMPLATE_RELEASE}",
    ),
    "DP703": (
        lambda p: edit_yaml(
            p / ".pre-commit-config.yaml",
            lambda c: remove_hook(c, "check-template-version"),
        ),
        "does not run `check-template-version`",
    ),
    "DP801": (
        lambda p: broken_cpp(p, "CMakePresets.json", '[{"name": "dev"}]', "[]"),
        "has no `configurePresets`",
    ),
    "DP802": (
        lambda p: broken_cpp(p, "CMakeLists.txt", "include(CTest)\n", ""),
        "calls `enable_testing()` or `include(CTest)`",
    ),
    "DP803": (
        lambda p: broken_cpp(
            p, ".pre-commit-config.yaml", "id: clang-format", "id: clang-tidy"
        ),
        "runs no `clang-format` hook",
    ),
    "DP804": (
        lambda p: broken_cpp(
            p, ".github/workflows/cpp.yml", "=-fsanitize=address", "=-O1"
        ),
        "builds with `-fsanitize=address`",
    ),
}


def test_every_rule_has_a_mutation():
    assert sorted(MUTATIONS) == RULE_IDS


@pytest.mark.parametrize("rule", sorted(MUTATIONS))
def test_breaking_one_rule_fails_only_that_rule(project, rule):
    mutate, message = MUTATIONS[rule]
    mutate(project)
    results = review(project)
    assert failed(results) == {rule}, {n: results[n].err_msg for n in failed(results)}
    result = results[rule]
    assert message in result.err_msg
    assert result.url.endswith(f"STANDARD.md#{rule.lower()}")
    assert GUARD_MESSAGE not in result.err_msg


# --- more ways to break (or satisfy) a rule ------------------------------------------
# Each branch of a rule's "Checked:" clause in STANDARD.md, broken in one way.


BSD_3_TEXT = (ROOT / "includes" / "licenses" / "BSD-3-Clause.txt").read_text(
    encoding="utf-8"
)
BSD_2_TEXT = "".join(
    line
    for line in BSD_3_TEXT.splitlines(keepends=True)
    if not line.startswith("3. Neither the name")
)
GPL_TEXT = (ROOT / "includes" / "licenses" / "GPL-3.0-or-later.txt").read_text(
    encoding="utf-8"
)
MIT_CLASSIFIER = "License :: OSI Approved :: MIT License"


def legacy_license(project, classifier, text=None, spdx=None):
    """The pre-PEP 639 form: `license = {file = ...}` and a License classifier.

    The legacy table is itself a DP202 failure; `text` and `spdx` replace the
    license text and CITATION.cff's license, to keep DP103 satisfied.
    """
    path = project / "pyproject.toml"
    edit(path, 'license = "LGPL-3.0-or-later"', 'license = {file = "LICENSE"}')
    edit(path, "classifiers = [\n", f'classifiers = [\n  "{classifier}",\n')
    if text is not None:
        (project / "LICENSE").write_text(text, encoding="utf-8")
    if spdx is not None:
        edit(project / "CITATION.cff", "license: LGPL-3.0-or-later", f"license: {spdx}")


def set_key(key, value):
    """A change for edit_yaml: set a top-level key."""
    return lambda data: data.__setitem__(key, value)


def set_publish_permissions(permissions):
    """A change for edit_yaml: the publish job's own permissions (None: none)."""

    def change(workflow):
        job = workflow["jobs"]["publish"]
        assert any(publish_steps({"jobs": {"publish": job}}))
        if permissions is None:
            job.pop("permissions")
        else:
            job["permissions"] = permissions

    return change


def set_sphinx_configuration(value):
    """A change for edit_yaml on .readthedocs.yaml (None: delete the key)."""

    def change(config):
        if value is None:
            config["sphinx"].pop("configuration")
        else:
            config["sphinx"]["configuration"] = value

    return change


def drop_scm_table(project):
    drop_table(project / "pyproject.toml", "[tool.setuptools_scm]")


def drop_scm_requirement(project):
    edit(
        project / "pyproject.toml",
        'requires = ["setuptools>=77.0.3", "setuptools-scm>=8"]',
        'requires = ["setuptools>=77.0.3"]',
    )


RTD = ".readthedocs.yaml"
RELEASE = ".github/workflows/release.yml"
TESTS = ".github/workflows/tests.yml"

# case -> (rule, mutation, message, the other rules that fail with it)
BROKEN = {
    "DP104 legacy classifier names another license": (
        "DP104",
        lambda p: legacy_license(p, MIT_CLASSIFIER),
        f"The classifier(s) `{MIT_CLASSIFIER}` disagree with the license text "
        "(`LGPL-3.0`)",
        {"DP202"},
    ),
    "DP104 legacy classifier against a BSD-3-Clause text": (
        "DP104",
        lambda p: legacy_license(p, MIT_CLASSIFIER, BSD_3_TEXT, "BSD-3-Clause"),
        "disagree with the license text (`BSD-3-Clause`)",
        {"DP202"},
    ),
    "DP104 legacy classifier against a BSD-2-Clause text": (
        "DP104",
        lambda p: legacy_license(p, MIT_CLASSIFIER, BSD_2_TEXT, "BSD-2-Clause"),
        "disagree with the license text (`BSD-2-Clause`)",
        {"DP202"},
    ),
    "DP203 a second license file is left out": (
        "DP203",
        lambda p: (p / "COPYING").write_text(GPL_TEXT, encoding="utf-8"),
        '`license-files = ["LICENSE"]` does not match `COPYING`, so that text is '
        "left out of the sdist and wheel",
        set(),
    ),
    "DP205 no [tool.setuptools_scm] table": (
        "DP205",
        drop_scm_table,
        "`setuptools-scm` is a build requirement, but nothing switches it on: "
        "add an (even empty) `[tool.setuptools_scm]` table",
        set(),
    ),
    "DP205 setuptools-scm not a build requirement": (
        "DP205",
        drop_scm_requirement,
        "setuptools-scm is configured but not in `[build-system] requires`",
        set(),
    ),
    "DP205 version from hatch-vcs": (
        "DP205",
        lambda p: (
            drop_scm_table(p),
            edit(p / "pyproject.toml", '"setuptools-scm>=8"', '"hatch-vcs"'),
        ),
        "`version` is dynamic, but not computed by setuptools-scm (this project "
        "uses `hatch-vcs`)",
        set(),
    ),
    "DP205 no version at all": (
        "DP205",
        lambda p: edit(p / "pyproject.toml", 'dynamic = ["version"]\n', ""),
        '`[project]` has neither a `version` nor `dynamic = ["version"]`',
        set(),
    ),
    "DP403 publish job without id-token": (
        "DP403",
        lambda p: edit_yaml(p / RELEASE, set_publish_permissions({"contents": "read"})),
        f"`{RELEASE}` job `publish` lacks `permissions: id-token: write`",
        set(),
    ),
    "DP403 publish job inherits empty permissions": (
        "DP403",
        lambda p: edit_yaml(p / RELEASE, set_publish_permissions(None)),
        f"`{RELEASE}` job `publish` lacks `permissions: id-token: write`",
        set(),
    ),
    "DP404 write-all": (
        "DP404",
        lambda p: edit_yaml(p / TESTS, set_key("permissions", "write-all")),
        f"`{TESTS}` sets `permissions: write-all`",
        set(),
    ),
    "DP404 a write permission": (
        "DP404",
        lambda p: edit_yaml(p / TESTS, set_key("permissions", {"contents": "write"})),
        f"`{TESTS}` grants `contents: write` to every job",
        set(),
    ),
    "DP404 a write permission among read ones": (
        "DP404",
        lambda p: edit_yaml(
            p / TESTS,
            set_key("permissions", {"contents": "read", "pull-requests": "write"}),
        ),
        f"`{TESTS}` grants `pull-requests: write` to every job",
        set(),
    ),
    "DP404 id-token for every job of the release workflow": (
        # DP403 accepts the workflow's id-token for the publish job; DP404 does not.
        "DP404",
        lambda p: edit_yaml(
            p / RELEASE,
            lambda w: (
                set_publish_permissions(None)(w),
                w.__setitem__("permissions", {"id-token": "write"}),
            ),
        ),
        f"`{RELEASE}` grants `id-token: write` to every job",
        set(),
    ),
    "DP503 configuration version 1": (
        "DP503",
        lambda p: edit_yaml(p / RTD, set_key("version", 1)),
        f"`{RTD}` has `version: 1`; Read the Docs only supports configuration "
        "`version: 2`",
        set(),
    ),
    "DP503 points at a missing conf.py": (
        "DP503",
        lambda p: edit_yaml(p / RTD, set_sphinx_configuration("doc/conf.py")),
        f"`{RTD}` points at `sphinx.configuration: doc/conf.py`, which does not "
        "exist; the Sphinx configuration is `docs/conf.py`. Set it to `docs/conf.py`.",
        set(),
    ),
    "DP503 points at another file": (
        "DP503",
        lambda p: edit_yaml(p / RTD, set_sphinx_configuration("docs/index.md")),
        f"`{RTD}` points at `sphinx.configuration: docs/index.md`, which is not "
        "the Sphinx configuration `docs/conf.py`",
        set(),
    ),
    "DP503 no sphinx configuration": (
        "DP503",
        lambda p: edit_yaml(p / RTD, set_sphinx_configuration(None)),
        f"`{RTD}` does not say which Sphinx configuration to build",
        set(),
    ),
    "DP605 authors is not a list": (
        "DP605",
        lambda p: edit_yaml(p / "CITATION.cff", set_key("authors", "Ada Lovelace")),
        "`authors` in `CITATION.cff` must be a list of people or entities",
        set(),
    ),
    "DP605 no title": (
        "DP605",
        lambda p: edit_yaml(p / "CITATION.cff", lambda c: c.pop("title")),
        "`CITATION.cff` lacks `title`, which the Citation File Format requires",
        set(),
    ),
    "DP605 empty authors": (
        "DP605",
        lambda p: edit_yaml(p / "CITATION.cff", set_key("authors", [])),
        "`CITATION.cff` lacks `authors`",
        set(),
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_each_checked_clause_fails_its_rule(project, case):
    rule, mutate, message, others = BROKEN[case]
    mutate(project)
    results = review(project)
    assert failed(results) == {rule, *others}, {
        n: results[n].err_msg for n in failed(results)
    }
    assert message in results[rule].err_msg
    assert GUARD_MESSAGE not in results[rule].err_msg


# case -> (the rules that must pass, mutation, the rules that fail with it)
ACCEPTED = {
    "DP104 legacy classifier matching the LGPL text": (
        {"DP103", "DP104"},
        lambda p: legacy_license(
            p,
            "License :: OSI Approved :: GNU Lesser General Public License v3 or "
            "later (LGPLv3+)",
        ),
        {"DP202"},
    ),
    "DP104 legacy BSD classifier matching a BSD text": (
        # DP103 recognises the BSD text to compare it with CITATION.cff.
        {"DP103", "DP104"},
        lambda p: legacy_license(
            p, "License :: OSI Approved :: BSD License", BSD_3_TEXT, "BSD-3-Clause"
        ),
        {"DP202"},
    ),
    "DP203 every license file listed": (
        {"DP203"},
        lambda p: (
            (p / "COPYING").write_text(GPL_TEXT, encoding="utf-8"),
            edit(p / "pyproject.toml", '["LICENSE"]', '["LICENSE", "COPYING*"]'),
        ),
        set(),
    ),
    "DP205 setuptools-scm[simple] needs no table": (
        {"DP205", "DP206"},
        lambda p: (
            drop_scm_table(p),
            edit(
                p / "pyproject.toml",
                '"setuptools-scm>=8"',
                '"setuptools-scm[simple]>=8"',
            ),
        ),
        set(),
    ),
    "DP404 read-all": (
        {"DP404"},
        lambda p: edit_yaml(p / TESTS, set_key("permissions", "read-all")),
        set(),
    ),
    "DP404 read and none only": (
        {"DP404"},
        lambda p: edit_yaml(
            p / TESTS, set_key("permissions", {"contents": "read", "actions": "none"})
        ),
        set(),
    ),
    "DP503 configuration with a leading ./": (
        {"DP501", "DP503"},
        lambda p: edit_yaml(p / RTD, set_sphinx_configuration("./docs/conf.py")),
        set(),
    ),
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_accepted_variants_pass(project, case):
    rules, mutate, others = ACCEPTED[case]
    mutate(project)
    results = review(project)
    assert failed(results) == others, {n: results[n].err_msg for n in failed(results)}
    assert {rule: results[rule].result for rule in rules} == dict.fromkeys(rules, True)


# --- malformed files -------------------------------------------------------------


MALFORMED = {
    "pyproject": (
        "pyproject.toml",
        '[project\nname = "x"\n',
        "DP201",
        "is not valid TOML",
    ),
    "workflow": (
        ".github/workflows/tests.yml",
        "jobs: [\n  {a: 1\n",
        "DP404",
        "`.github/workflows/tests.yml` is not valid YAML",
    ),
    "pre-commit": (
        ".pre-commit-config.yaml",
        "repos:\n  - repo: [\n",
        "DP301",
        "`.pre-commit-config.yaml` is not valid YAML",
    ),
    "answers": (
        ".copier-answers.yml",
        "_commit: [v0.1.0\n",
        "DP701",
        "not valid YAML, fix or restore it",
    ),
    "dependabot": (
        ".github/dependabot.yml",
        "updates: {\n",
        "DP405",
        "is not valid YAML",
    ),
    "citation": (
        "CITATION.cff",
        "title: 'x\n",
        "DP605",
        "`CITATION.cff` is not valid YAML",
    ),
    "readthedocs": (".readthedocs.yaml", "version: [2\n", "DP503", "is not valid YAML"),
    "issue form": (
        ".github/ISSUE_TEMPLATE/bug_report.yml",
        "name: [\n",
        "DP604",
        "bug_report.yml` is not valid YAML",
    ),
    "sphinx conf": ("docs/conf.py", "extensions = [\n", "DP502", "is not valid Python"),
    "license encoding": ("LICENSE", b"\xff\xfe\x00binary", "DP101", "unreadable"),
    "readme encoding": ("README.md", b"\xff\xfe\x00binary", "DP606", "not UTF-8"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_file_fails_with_a_clear_message(project, case):
    path, content, rule, message = MALFORMED[case]
    target = project / path
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content)
    results = review(project)
    assert_no_crash(results)
    assert results[rule].result is False
    assert message in results[rule].err_msg
    if not isinstance(content, bytes):
        assert "line" in results[rule].err_msg


def test_broken_pyproject_skips_what_depends_on_it(project):
    (project / "pyproject.toml").write_text("[project\n")
    results = review(project)
    assert failed(results) == {"DP201"}
    for name in ("DP102", "DP104", "DP202", "DP205", "DP401", "DP402", "DP403"):
        assert results[name].result is None


def test_broken_pyproject_via_the_dp_standard_command(project):
    (project / "pyproject.toml").write_text("[project\n")
    result = subprocess.run(
        [script("dp-standard"), str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "DP201 FAILED" in result.stdout
    assert "`pyproject.toml` is not valid TOML" in result.stdout
    assert "Traceback" not in result.stderr


def test_broken_workflow_is_named_in_the_ci_rules(project):
    (project / ".github/workflows/tests.yml").write_text("jobs: [\n")
    results = review(project)
    assert failed(results) == {"DP401", "DP404"}
    assert "tests.yml` is not valid YAML" in results["DP401"].err_msg


def test_unexpected_shapes_never_crash(project):
    (project / "pyproject.toml").write_text(
        'project = "x"\nbuild-system = 3\n[tool]\nsetuptools_scm = 1\n'
    )
    (project / ".pre-commit-config.yaml").write_text("repos: {a: 1}\nci: [1]\n")
    (project / ".github/workflows/tests.yml").write_text(
        "jobs: [1, 2]\npermissions: 5\n"
    )
    (project / ".github/workflows/release.yml").write_text("- just\n- a list\n")
    (project / ".github/dependabot.yml").write_text("updates: 7\n")
    (project / ".readthedocs.yaml").write_text("sphinx: [docs/conf.py]\n")
    (project / "CITATION.cff").write_text("- not a mapping\n")
    (project / ".copier-answers.yml").write_text("- 1\n")
    results = review(project)
    assert_no_crash(results)
    assert set(results) == set(RULE_IDS)


def test_an_unexpected_error_fails_only_its_rule(project, monkeypatch):
    from deepmodeling_template.standard import community

    def boom(*args):
        raise RuntimeError("surprise")

    monkeypatch.setattr(community, "find_document", boom)
    results = review(project)
    assert failed(results) == {"DP601", "DP602", "DP603"}
    assert GUARD_MESSAGE in results["DP601"].err_msg
    assert "RuntimeError: surprise" in results["DP601"].err_msg


# --- other kinds of repository -------------------------------------------------------


def test_setup_py_only_repository(tmp_path):
    (tmp_path / "setup.py").write_text(
        "from setuptools import setup\nsetup(name='x')\n"
    )
    (tmp_path / "LICENSE").write_text(MIT_TEXT)
    (tmp_path / "README.md").write_text("# x\n")
    results = review(tmp_path)
    assert_no_crash(results)
    assert "configured by `setup.py` only" in results["DP201"].err_msg
    assert results["DP202"].result is None


def test_cmake_repository_without_pyproject(tmp_path):
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.cpp").write_text("int main() { return 0; }\n")
    (tmp_path / "LICENSE").write_text(MIT_TEXT)
    results = review(tmp_path)
    assert_no_crash(results)
    assert results["DP201"].result is None
    for name in ("DP202", "DP205", "DP401", "DP402"):
        assert results[name].result is None
    assert results["DP101"].result is True


def test_empty_directory(tmp_path):
    results = review(tmp_path)
    assert_no_crash(results)
    assert set(results) == set(RULE_IDS)


# --- dp-standard -------------------------------------------------------------------


def test_dp_standard_passes_a_rendered_project(rendered_release):
    result = subprocess.run(
        [script("dp-standard"), str(rendered_release("default"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    passed = len(RULE_IDS) - len(CPP_RULES)
    assert f"{passed} passed, 0 failed, {len(CPP_RULES)} skipped" in result.stdout


def test_dp_standard_fails_with_the_message(project, capsys):
    (project / "SECURITY.md").unlink()
    assert cli.main([str(project)]) == 1
    out = capsys.readouterr().out
    assert "DP603 FAILED" in out
    assert "no security policy" in out
    assert "STANDARD.md#dp603" in out


def test_dp_standard_honours_ignore_in_pyproject(project, capsys):
    (project / "SECURITY.md").unlink()
    edit(
        project / "pyproject.toml",
        "[tool.repo-review.ignore]\n",
        '[tool.repo-review.ignore]\nDP603 = "Reported through the org policy."\n',
    )
    assert cli.main([str(project), "--show-all"]) == 0
    assert "DP603 skipped" in capsys.readouterr().out
