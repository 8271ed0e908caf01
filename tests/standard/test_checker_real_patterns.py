"""The checker on patterns met in the community's real repositories.

Each case is a small synthetic repository that reproduces one pattern of
DeePMD-kit, DP-GEN, DPDispatcher or ABACUS (named in the test), with the
verdict a careful maintainer of that repository would accept: no false
failure, advice that points the right way, and a reason for every skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from repo_review.testing import compute_check

from deepmodeling_template import standard as checks
from deepmodeling_template.standard import cli
from deepmodeling_template.standard._core import Document, load_toml
from tests.helpers import ROOT, outcomes, write

# The installed checker is a development version: releases come from the pinned rev.
pytestmark = pytest.mark.usefixtures("newest_release_from_pinned_rev")

LGPL_TEXT = (ROOT / "includes" / "licenses" / "LGPL-3.0-or-later.txt").read_text(
    encoding="utf-8"
)
ARCHIVAL = (ROOT / "examples" / "python" / ".git_archival.txt").read_text(
    encoding="utf-8"
)
SKBUILD_SCM = "scikit_build_core.metadata.setuptools_scm"
STATEMENTS = {rule.__name__: (rule.__doc__ or "").strip() for rule in checks.RULES}


def pyproject(text: str, tmp_path: Path) -> Document:
    """The ``dp_pyproject`` fixture for a pyproject.toml text."""
    return load_toml(write(tmp_path, {"pyproject.toml": text}), "pyproject.toml")


def compute(name: str, **fixtures: object):
    """One rule through repo-review's own test helper, as sp-repo-review tests do."""
    return compute_check(name, **fixtures)


def project_toml(
    *,
    requires: str = '"setuptools>=77.0.3", "setuptools-scm>=8"',
    backend: str = "setuptools.build_meta",
    requires_python: str = ">=3.10",
    classifiers: tuple[str, ...] = ("3.10", "3.13"),
    extra: str = "[tool.setuptools_scm]\n",
) -> str:
    listed = ", ".join(
        f'"Programming Language :: Python :: {minor}"' for minor in classifiers
    )
    return (
        f'[build-system]\nrequires = [{requires}]\nbuild-backend = "{backend}"\n\n'
        '[project]\nname = "pkg"\ndynamic = ["version"]\n'
        'license = "LGPL-3.0-or-later"\nlicense-files = ["LICENSE"]\n'
        f'requires-python = "{requires_python}"\nclassifiers = [{listed}]\n\n{extra}'
    )


def ci_workflow(matrix: str, setup: str = "${{ matrix.python }}") -> str:
    return (
        "on: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        f"    strategy:\n      matrix:\n        python: {matrix}\n"
        "    steps:\n      - uses: actions/setup-python@v6\n"
        f"        with:\n          python-version: {setup}\n"
        "      - run: pytest\n"
    )


# --- DP205/DP206: scikit-build-core brings setuptools-scm (DeePMD-kit) ------------

DYNAMIC_METADATA = f'[[tool.dynamic-metadata]]\nprovider = "{SKBUILD_SCM}"\n'
SKBUILD_PROVIDER = f'[tool.scikit-build]\nmetadata.version.provider = "{SKBUILD_SCM}"\n'


@pytest.mark.parametrize(
    "configuration",
    [
        # DeePMD-kit: an in-tree backend wrapping scikit-build-core.
        f"[tool.setuptools_scm]\n\n{DYNAMIC_METADATA}",
        SKBUILD_PROVIDER,
    ],
    ids=["dynamic-metadata", "metadata.version.provider"],
)
def test_scikit_build_core_plugin_needs_no_setuptools_scm_requirement(
    tmp_path, configuration
):
    text = project_toml(
        requires='"scikit-build-core>=1", "packaging"',
        backend="backend.dp_backend",
        extra=configuration,
    )
    result = compute("DP205", dp_pyproject=pyproject(text, tmp_path))
    assert result.result is True, result.err_msg


def test_scikit_build_core_plugin_lets_the_archival_file_be_checked(tmp_path):
    """The false DP205 failure used to hide a valid .git_archival.txt (DP206)."""
    write(
        tmp_path,
        {
            "pyproject.toml": project_toml(
                requires='"scikit-build-core>=1"',
                backend="scikit_build_core.build",
                extra=f"[tool.setuptools_scm]\n\n{DYNAMIC_METADATA}",
            ),
            ".git_archival.txt": ARCHIVAL,
            ".gitattributes": ".git_archival.txt  export-subst\n",
        },
    )
    results = outcomes(tmp_path)
    assert (results["DP205"].result, results["DP206"].result) == (True, True)


def test_scikit_build_core_plugin_without_scikit_build_core_fails(tmp_path):
    text = project_toml(requires='"setuptools>=77.0.3"', extra=SKBUILD_PROVIDER)
    result = compute("DP205", dp_pyproject=pyproject(text, tmp_path))
    assert result.result is False
    assert "scikit-build-core is not in `[build-system] requires`" in result.err_msg


def test_dynamic_metadata_needs_a_scikit_build_core_that_reads_it(tmp_path):
    text = project_toml(
        requires='"scikit-build-core>=0.11"',
        backend="scikit_build_core.build",
        extra=DYNAMIC_METADATA,
    )
    result = compute("DP205", dp_pyproject=pyproject(text, tmp_path))
    assert result.result is False
    assert "require `scikit-build-core>=1`" in result.err_msg


# --- DP401: the Pythons CI tests (DeePMD-kit, DP-GEN) ----------------------------

FROM_JSON = (
    "${{ fromJSON(github.event_name == 'pull_request' && '[\"3.10\"]' || "
    '\'["3.10", "3.13"]\') }}'
)


def dp401(tmp_path: Path, workflow: str, **toml: object) -> cli.Outcome:
    write(
        tmp_path,
        {
            "pyproject.toml": project_toml(**toml),  # type: ignore[arg-type]
            ".github/workflows/test.yml": workflow,
        },
    )
    return outcomes(tmp_path)["DP401"]


def test_literal_json_inside_fromjson_is_read(tmp_path):
    """DeePMD-kit tests 3.10 on pull requests, 3.10 and 3.13 on pushes."""
    result = dp401(tmp_path, ci_workflow(FROM_JSON))
    assert result.result is True, result.message


@pytest.mark.parametrize(
    ("matrix", "setup", "unread"),
    [
        (
            "${{ fromJSON(needs.setup.outputs.pythons) }}",
            "${{ matrix.python }}",
            "fromJSON(needs.setup.outputs.pythons)",
        ),
        ('["3.10"]', "${{ env.PYTHON }}", "env.PYTHON"),
    ],
    ids=["fromJSON of a job output", "an env variable"],
)
def test_unreadable_python_expressions_skip_with_the_reason(
    tmp_path, matrix, setup, unread
):
    result = dp401(tmp_path, ci_workflow(matrix, setup))
    assert result.result is None
    assert unread in result.message
    assert "`.github/workflows/test.yml`" in result.message


def test_ci_newer_than_the_classifiers_asks_for_the_classifier(tmp_path):
    """DP-GEN's classifiers stop at 3.11 while CI tests 3.12: the classifier is behind."""
    # A pre-release under test is not a Python the project supports yet.
    matrix = '["3.10", "3.12", "3.13-dev"]'
    result = dp401(tmp_path, ci_workflow(matrix), classifiers=("3.10", "3.11"))
    assert result.result is False
    assert "`Programming Language :: Python :: 3.12`" in result.message
    assert "3.13" not in result.message
    assert '"3.11"]' not in result.message  # no advice to test 3.11 instead of 3.12


@pytest.mark.parametrize(
    ("matrix", "hint"),
    [("[3.10, 3.13]", True), ("[3.9, 3.13]", False), ("[3.8, 3.13]", False)],
)
def test_the_unquoted_float_hint_only_for_versions_yaml_mangles(tmp_path, matrix, hint):
    result = dp401(tmp_path, ci_workflow(matrix))
    assert result.result is False
    assert ("as the number 3.1" in result.message) is hint, result.message


# --- DP104: a package below the top inherits the repository's LICENSE (ABACUS) ----


def test_classifier_of_a_package_below_the_top_is_compared_with_the_top_license(
    tmp_path,
):
    """pyabacus declares MIT in the LGPL repository abacus-develop."""
    write(
        tmp_path,
        {
            "LICENSE": LGPL_TEXT,
            "python/pyabacus/pyproject.toml": (
                '[project]\nname = "pyabacus"\nversion = "0.0.1"\n'
                'classifiers = ["License :: OSI Approved :: MIT License"]\n'
            ),
        },
    )
    result = outcomes(tmp_path, "python/pyabacus")["DP104"]
    assert result.result is False
    assert "`License :: OSI Approved :: MIT License`" in result.message
    assert "`LGPL-3.0`" in result.message
    assert "top of the repository" in result.message


# --- DP207: the community's floor is Python 3.10 ---------------------------------


@pytest.mark.parametrize(
    ("requires_python", "passes"),
    [
        (">=3.7", False),  # pyabacus
        (">=3.9", False),  # DP-GEN
        (">=3.9.2,<4", False),
        (">=3.10", True),
        ("~=3.11", True),
        (">3.10", True),
    ],
)
def test_requires_python_floor_is_at_least_the_community_floor(
    tmp_path, requires_python, passes
):
    text = f'[project]\nname = "x"\nrequires-python = "{requires_python}"\n'
    result = compute("DP207", dp_pyproject=pyproject(text, tmp_path))
    assert result.result is passes, result.err_msg
    if not passes:
        assert '">=3.10"' in result.err_msg
        assert "floor" in result.err_msg


# --- Python rules follow the Python package (ABACUS) -----------------------------

PRE_COMMIT_CPP = (
    "repos:\n  - repo: https://github.com/pocc/pre-commit-hooks\n    rev: v1.3.5\n"
    "    hooks:\n      - id: clang-tidy\n"
)


def cpp_repository(root: Path, *, package: bool) -> Path:
    files = {
        "CMakeLists.txt": "cmake_minimum_required(VERSION 3.16)\n",
        "LICENSE": LGPL_TEXT,
        ".pre-commit-config.yaml": PRE_COMMIT_CPP,
    }
    if package:
        files["python/pyabacus/pyproject.toml"] = (
            '[build-system]\nrequires = ["scikit-build-core>=0.11"]\n'
            'build-backend = "scikit_build_core.build"\n'
            '[project]\nname = "pyabacus"\nversion = "0.0.1"\n'
        )
    return write(root, files)


def test_a_cpp_repository_is_not_asked_to_run_ruff(tmp_path):
    results = outcomes(cpp_repository(tmp_path, package=False))
    assert results["DP303"].result is None
    assert "no Python package" in results["DP303"].message
    assert results["DP302"].result is False  # hygiene hooks suit any language


def test_a_package_below_the_top_is_named_with_the_option_to_check_it(tmp_path, capsys):
    root = cpp_repository(tmp_path, package=True)
    results = outcomes(root)
    assert results["DP201"].result is None
    assert "`python/pyabacus`" in results["DP201"].message
    assert "-p python/pyabacus" in results["DP201"].message
    # Said in the default report too, which lists only failures.
    cli.main([str(root)])
    assert "-p python/pyabacus" in capsys.readouterr().out
    # Pointed at the package, the Python rules apply.
    assert outcomes(root, "python/pyabacus")["DP303"].result is False


# --- one cause, one report --------------------------------------------------------


def test_a_repository_without_the_template_fails_only_dp701(tmp_path):
    """Not adopting the template is one problem: DP304 and DP703 follow from DP701."""
    write(
        tmp_path,
        {
            ".pre-commit-config.yaml": (
                "repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
                "    rev: v6.0.0\n    hooks:\n      - id: check-merge-conflict\n"
            )
        },
    )
    results = outcomes(tmp_path)
    failed = {name for name, outcome in results.items() if outcome.result is False}
    assert failed & {"DP304", "DP701", "DP703"} == {"DP701"}
    for name in ("DP304", "DP703"):
        assert results[name].result is None
        assert "DP701" in results[name].message


def test_the_legacy_license_table_is_reported_once(tmp_path):
    """DPDispatcher: adding license-files next to `license = {file = ...}` breaks the build."""
    write(
        tmp_path,
        {
            "LICENSE": LGPL_TEXT,
            "pyproject.toml": (
                '[project]\nname = "x"\nversion = "1"\nlicense = {file = "LICENSE"}\n'
            ),
        },
    )
    results = outcomes(tmp_path)
    assert results["DP202"].result is False
    assert results["DP203"].result is None
    assert "DP202" in results["DP203"].message


# --- pre-commit.ci lite (ABACUS) -----------------------------------------------------


def lite_workflow(with_msg: str) -> str:
    return (
        "on: pull_request\npermissions: {}\njobs:\n  lint:\n"
        "    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: pre-commit/action@v3.0.1\n"
        f"      - uses: pre-commit-ci/lite-action@v1.0.3\n{with_msg}"
    )


@pytest.mark.parametrize(
    ("with_msg", "passes"),
    [("", False), ('        with:\n          msg: "style: pre-commit fixes"\n', True)],
    ids=["default message", "msg set"],
)
def test_pre_commit_ci_lite_is_configured_by_its_msg(tmp_path, with_msg, passes):
    """A `ci:` block configures the pre-commit.ci app; lite takes the step's `msg`."""
    write(
        tmp_path,
        {
            ".pre-commit-config.yaml": PRE_COMMIT_CPP,
            ".github/workflows/lint.yml": lite_workflow(with_msg),
        },
    )
    result = outcomes(tmp_path)["DP305"]
    assert result.result is passes, result.message
    if not passes:
        assert "`with: msg:" in result.message
        assert "`.github/workflows/lint.yml` job `lint`" in result.message


# --- every skip says why ----------------------------------------------------------

SKIPPING_REPOSITORIES = {
    "empty": {},
    "C++": {"CMakeLists.txt": "project(x)\n", ".pre-commit-config.yaml": "repos: []\n"},
    "tools only": {"pyproject.toml": "[tool.ruff]\nline-length = 88\n"},
    "dynamic license, unknown backend": {
        "pyproject.toml": (
            '[build-system]\nrequires = ["maturin>=1"]\nbuild-backend = "maturin"\n'
            '[project]\nname = "x"\ndynamic = ["version", "license"]\n'
        ),
        ".github/workflows/ci.yml": "on: push\npermissions: {}\njobs: {}\n",
    },
    "unknown license": {
        "LICENSE": "All rights reserved.\n",
        "pyproject.toml": '[project]\nname = "x"\nlicense = "LicenseRef-Own"\n',
        "CITATION.cff": "cff-version: 1.2.0\nmessage: m\ntitle: t\nauthors: [{name: a}]\n",
    },
}


@pytest.mark.parametrize("files", list(SKIPPING_REPOSITORIES))
def test_every_skipped_rule_says_why(tmp_path, files):
    write(tmp_path, SKIPPING_REPOSITORIES[files])
    skipped = {o.name: o.message for o in cli.run(tmp_path) if o.result is None}
    assert skipped
    assert all(message.strip() for message in skipped.values()), skipped


def test_dp_standard_shows_the_skip_reasons(tmp_path, capsys):
    write(tmp_path, SKIPPING_REPOSITORIES["C++"])
    cli.main([str(tmp_path), "--show-all"])
    out = capsys.readouterr().out
    assert "DP202 skipped:" in out
    reason = out.split("DP202 skipped:")[1].split("\n\n")[0]
    assert "There is no Python package here (see DP201)" in reason


def repo_review_results(root: Path):
    """This family through repo-review's processor, as ``repo-review`` runs it."""
    from repo_review.fixtures import compute_fixtures
    from repo_review.processor import CollectionReturn, process

    collected = CollectionReturn(
        compute_fixtures(root, root, cli.FIXTURES),
        checks.repo_review_checks(),
        checks.repo_review_families(),
    )
    return {result.name: result for result in process(root, collected=collected)[1]}


@pytest.mark.parametrize("files", list(SKIPPING_REPOSITORIES))
def test_repo_review_shows_the_skip_reasons(tmp_path, files):
    rich = pytest.importorskip("rich.text")
    write(tmp_path, SKIPPING_REPOSITORIES[files])
    for name, result in repo_review_results(tmp_path).items():
        shown = rich.Text.from_markup(result.description).plain
        assert shown.startswith(STATEMENTS[name]), (name, shown)
        if result.result is None:
            assert len(shown) > len(STATEMENTS[name]) + 10, (name, shown)
        else:
            assert shown == STATEMENTS[name], (name, shown)


def test_repo_review_shows_every_statement_whole(tmp_path):
    """Rich markup ate `[project]` from DP201's statement."""
    rich = pytest.importorskip("rich.text")
    results = repo_review_results(tmp_path)
    assert "[project]" in rich.Text.from_markup(results["DP201"].description).plain


# --- messages -----------------------------------------------------------------------


@pytest.mark.parametrize("rule", ["DP601", "DP602", "DP603"])
def test_community_files_name_doc_among_their_places(tmp_path, rule):
    result = outcomes(tmp_path)[rule]
    assert result.result is False
    assert "`doc/`" in result.message


def test_a_contributing_guide_deeper_in_doc_counts(tmp_path):
    """DP-GEN's guide is doc/contributing-guide/contributing-guide.md."""
    write(tmp_path, {"doc/contributing-guide/contributing-guide.md": "# Guide\n"})
    assert outcomes(tmp_path)["DP601"].result is True


@pytest.mark.parametrize("name", ["CITATIONS.bib", "CITATIONS.md"])
def test_an_existing_citations_file_is_named(tmp_path, name):
    """DeePMD-kit has CITATIONS.bib, ABACUS CITATIONS.md, neither CITATION.cff."""
    write(tmp_path, {name: "@article{x, title={X}}\n"})
    result = outcomes(tmp_path)["DP605"]
    assert result.result is False
    assert f"`{name}`" in result.message
    assert "preferred-citation" in result.message


def test_twine_uploads_are_named_without_nested_code_spans(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\nversion = "1"\n',
            ".github/workflows/release.yml": (
                "on: push\npermissions: {}\njobs:\n  publish:\n"
                "    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: twine upload dist/*\n"
            ),
        },
    )
    message = outcomes(tmp_path)["DP402"].message
    assert "`.github/workflows/release.yml` (job `publish`)" in message


@pytest.mark.parametrize(
    ("own_version", "rev"), [(None, "v0.2.0"), ("0.3.1", "v0.3.1")]
)
def test_the_template_hook_snippet_names_a_release(
    tmp_path, monkeypatch, own_version, rev
):
    from deepmodeling_template.hooks import freshness

    monkeypatch.setattr(freshness, "own_version", lambda: own_version)
    write(
        tmp_path,
        {
            ".copier-answers.yml": "_commit: v0.2.0\n",
            ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks: []\n",
        },
    )
    message = outcomes(tmp_path)["DP703"].message
    assert f"rev: {rev}" in message
    assert "vX.Y.Z" not in message
