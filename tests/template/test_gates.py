"""The generated project is green on its first run, judged by the real tools.

For each example in examples/ and a hostile answer set, the project is
committed, installed into its own
virtual environment, and then every gate runs for real. Independent gates run
two at a time (the CI machine has two cores).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from examples import regenerate
from tests.helpers import (
    ANSWER_SETS,
    ROOT,
    assert_gate_passed,
    committed_copy,
    offline_docs_build,
    project_gates,
    run,
)

pytestmark = pytest.mark.slow


@dataclass
class Project:
    """A rendered, committed and installed project, with its gates' results."""

    path: Path
    answers: dict
    python: Path
    out: Path
    results: dict[str, list[subprocess.CompletedProcess[str]]] = field(
        default_factory=dict
    )


def _run_all(project: Project, gates: dict[str, list[list]]) -> None:
    def run_gate(name: str) -> tuple[str, list]:
        return name, [
            run(command, project.path, check=False) for command in gates[name]
        ]

    with ThreadPoolExecutor(max_workers=2) as pool:
        project.results.update(pool.map(run_gate, gates))


# A project without a Python package has no venv, pytest, ruff-on-a-package,
# ty, build or twine to run: test_cpp.py runs the gates that apply to it.
PROJECTS = [
    name for name, answers in ANSWER_SETS.items() if answers.get("profile") != "cpp"
]


@pytest.fixture(scope="session", params=PROJECTS)
def project(
    request, rendered, make_venv, tools, schema_tools, cff_tools, tmp_path_factory
) -> Project:
    answers = ANSWER_SETS[request.param]
    if request.param in regenerate.EXAMPLES:
        # The stored example itself (the drift test proves it is a fresh render).
        path = committed_copy(
            ROOT / "examples" / request.param,
            tmp_path_factory.mktemp("example") / request.param,
        )
    else:
        path = rendered(**answers)
    # Every answer, defaults included, as the project recorded them.
    answers = yaml.safe_load((path / ".copier-answers.yml").read_text(encoding="utf-8"))
    # With ty from the typecheck group, as the Type check job installs it.
    venv = make_venv(
        ["-e", f"{path}[test,docs]", "--group", f"{path / 'pyproject.toml'}:typecheck"],
        name=f"{request.param}-venv",
    )
    out = tmp_path_factory.mktemp(f"{request.param}-out")
    generated = Project(path, answers, venv / "python", out)

    gates = project_gates(path, tools, schema_tools, cff_tools)
    # Fixers first, alone: they must leave the fresh project untouched.
    generated.results["pre-commit-hooks"] = [
        run(command, path, check=False) for command in gates.pop("pre-commit-hooks")
    ]
    _run_all(
        generated,
        {
            **gates,
            "pytest": [
                [venv / "python", "-m", "pytest", "-p", "no:cacheprovider", "--cov"]
            ],
            # In the project's environment, not the one the suite runs in
            # (VIRTUAL_ENV), which lacks the project's dependencies (pydflow).
            "ty": [[venv / "ty", "check", "--python", venv.parent]],
            "docs": [offline_docs_build(venv, out)],
            "build": [
                [
                    tools / "python",
                    "-m",
                    "build",
                    "--installer",
                    "uv",
                    "-o",
                    out / "dist",
                    ".",
                ]
            ],
            "validate-pyproject": [[tools / "validate-pyproject", "pyproject.toml"]],
            "sp-repo-review": [[tools / "repo-review", "--format", "json", "."]],
            "deepmodeling-standard": [
                [Path(sys.executable).parent / "dp-standard", "."]
            ],
        },
    )
    dists = sorted((out / "dist").glob("*"))
    generated.results["twine"] = [
        run([tools / "twine", "check", "--strict", *dists], path, check=False)
    ]
    return generated


def assert_passed(project: Project, gate: str) -> None:
    assert_gate_passed(gate, project.results[gate])


@pytest.mark.parametrize(
    "gate",
    [
        "pre-commit-hooks",
        "pytest",
        "ruff",
        "codespell",
        "ty",
        "pre-commit validate-config",
        "docs",
        "build",
        "twine",
        "validate-pyproject",
        "schemas",
        "cffconvert",
        "zizmor",
    ],
)
def test_gate_passes(project, gate):
    assert_passed(project, gate)


def test_gates_leave_the_tree_clean(project):
    """No fixer changed a file, and every build artifact is git-ignored."""
    assert run(["git", "status", "--porcelain"], project.path).stdout == ""


def test_project_tests_really_ran(project):
    summary = project.results["pytest"][0].stdout
    assert " passed" in summary and "failed" not in summary
    assert "TOTAL" in summary  # coverage measured the package


def test_zizmor_finds_nothing(project):
    assert "No findings to report" in project.results["zizmor"][0].stdout


def test_docs_document_the_api(project):
    html = project.out / "html"
    package = project.answers["import_name"]
    api = (html / "api" / f"{package}.units.html").read_text(encoding="utf-8")
    assert "convert_energy" in api and "Parameters" in api
    credits_page = (html / "credits.html").read_text(encoding="utf-8")
    assert "Ada Lovelace" in credits_page  # from git shortlog
    if project.answers["cli"]:
        assert "--version" in (html / "getting-started.html").read_text(
            encoding="utf-8"
        )
    if project.answers["profile"] == "compiled":
        # The C++ function, documented from its pybind11 docstring.
        api = (html / "api" / f"{package}.potentials.html").read_text(encoding="utf-8")
        assert "lennard_jones" in api and "Parameters" in api and "Raises" in api


def test_distributions_carry_license_metadata(project):
    wheel = next((project.out / "dist").glob("*.whl"))
    license_id = project.answers["license"]
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(
            n for n in archive.namelist() if n.endswith(".dist-info/METADATA")
        )
        text = archive.read(metadata).decode()
        assert f"License-Expression: {license_id}" in text
        assert "License-File: LICENSE" in text
        assert any(n.endswith("/py.typed") for n in archive.namelist())
    sdist = next((project.out / "dist").glob("*.tar.gz"))
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
        # The top directory's PKG-INFO, not the one in src/*.egg-info/.
        (top,) = {name.split("/", 1)[0] for name in names}
        assert f"{top}/LICENSE" in names
        pkg_info = archive.extractfile(f"{top}/PKG-INFO").read().decode()
        assert f"License-Expression: {license_id}\n" in pkg_info
        assert "License-File: LICENSE\n" in pkg_info


def test_sp_repo_review_has_no_unexplained_failures(project):
    report = json.loads(project.results["sp-repo-review"][0].stdout)
    failed = {
        code: check["err_msg"]
        for code, check in report["checks"].items()
        if check["result"] is False
    }
    assert failed == {}
    # An ignored check carries its reason; checks that depend on it (MY101 on
    # MY100) are skipped without one.
    skipped = {
        code: check["skip_reason"]
        for code, check in report["checks"].items()
        if check["result"] is None
    }
    explained = {
        code.rstrip("0123456789") for code, reason in skipped.items() if reason
    }
    # MY101-MY106 check mypy's settings: sp-repo-review skips them when ty is
    # the type checker (MY100 passes on [tool.ty]).
    assert report["checks"]["MY100"]["result"] is True
    not_for_ty = {f"MY10{n}" for n in range(1, 7)}
    assert all(
        reason or code.rstrip("0123456789") in explained or code in not_for_ty
        for code, reason in skipped.items()
    )


def test_meets_the_deepmodeling_standard(project):
    """Every rule of STANDARD.md, as `dp-standard` checks it."""
    assert_passed(project, "deepmodeling-standard")


@pytest.mark.parametrize(
    "project",
    [name for name, answers in ANSWER_SETS.items() if answers.get("cli")],
    indirect=True,
)
def test_cli_entry_point_runs(project):
    assert project.answers["cli"]
    script = project.python.parent / project.answers["dist_name"]
    result = run([script, "1", "Hartree", "eV"], project.path)
    assert result.stdout == "27.21138625 eV\n"


def test_a_copy_that_is_not_a_git_repository_builds(tools, tmp_path):
    """Before `git init`, setuptools-scm falls back to version 0.0.0 instead of failing."""
    project = tmp_path / "python"
    shutil.copytree(ROOT / "examples" / "python", project)
    run(
        [
            tools / "python",
            "-m",
            "build",
            "--wheel",
            "--installer",
            "uv",
            "-o",
            tmp_path / "dist",
            ".",
        ],
        project,
    )
    assert [wheel.name for wheel in (tmp_path / "dist").glob("*.whl")] == [
        "demo_project-0.0.0-py3-none-any.whl"
    ]
