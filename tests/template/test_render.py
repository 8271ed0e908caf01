"""Fast tests: every question branch renders the files it should, and they parse."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import tomllib
import yaml

from tests.helpers import (
    ANSWER_SETS,
    COPIER_YML,
    ON_A_RELEASE_TAG,
    REQUIRED_ANSWERS,
    ROOT,
    message_after_copy,
    render,
    run,
)

# Computed values (`when: false`, e.g. `facts`) are neither asked nor recorded.
QUESTIONS = {
    key
    for key, spec in COPIER_YML.items()
    if not key.startswith("_") and spec.get("when") is not False
}
# Profiles without a Python package, and the questions only a Python package asks.
PYTHON_FREE = {"cpp"}
PYTHON_ONLY = {"import_name", "python_min", "cli"}
LICENSES = list(COPIER_YML["license"]["choices"].values())
DEBIAN_LICENSES = Path("/usr/share/common-licenses")
LICENSE_FILES = {
    "LGPL-3.0-or-later": "LGPL-3",
    "GPL-3.0-or-later": "GPL-3",
    "Apache-2.0": "Apache-2.0",
}


def copy(copie, **answers):
    result = copie.copy(extra_answers={**REQUIRED_ANSWERS, **answers})
    assert result.exception is None, result.exception
    assert result.exit_code == 0
    return result.project_dir


def tracked_files(project: Path) -> list[Path]:
    """The generated files (the gates may have added ignored build output)."""
    return [
        project / name for name in run(["git", "ls-files"], project).stdout.splitlines()
    ]


def read(project: Path, path: str) -> str:
    return (project / path).read_text(encoding="utf-8")


def test_template_needs_no_trust(tmp_path):
    forbidden = {"_tasks", "_migrations", "_jinja_extensions", "_external_data"}
    assert not forbidden & set(COPIER_YML)
    # unsafe=False: Copier refuses anything that would need --trust.
    render(tmp_path / "project", REQUIRED_ANSWERS)


@pytest.mark.parametrize("license_id", LICENSES)
def test_license_agrees_everywhere(copie, license_id):
    project = copy(copie, license=license_id, copyright_holder="Ada Lovelace")
    text = read(project, "LICENSE")
    if license_id in LICENSE_FILES:
        expected = (DEBIAN_LICENSES / LICENSE_FILES[license_id]).read_text(
            encoding="utf-8"
        )
        assert text == expected
    else:
        spdx = (ROOT / "includes" / "licenses" / f"{license_id}.txt").read_text(
            encoding="utf-8"
        )
        assert text == spdx.replace(
            "{{ copyright_year }} {{ copyright_holder }}", "2026 Ada Lovelace"
        )
        assert "Copyright (c) 2026 Ada Lovelace" in text
    pyproject = tomllib.loads(read(project, "pyproject.toml"))
    assert pyproject["project"]["license"] == license_id
    assert pyproject["project"]["license-files"] == ["LICENSE"]
    assert not [
        c for c in pyproject["project"]["classifiers"] if c.startswith("License ::")
    ]
    assert yaml.safe_load(read(project, "CITATION.cff"))["license"] == license_id
    assert f"[{license_id}](LICENSE)" in read(project, "README.md")


@pytest.mark.parametrize("cli", [True, False])
def test_cli_entry_point(copie, cli):
    project = copy(copie, cli=cli)
    package = project / "src" / "demo_project"
    assert (package / "cli.py").exists() is cli
    assert (package / "__main__.py").exists() is cli
    assert (project / "tests" / "test_cli.py").exists() is cli
    pyproject = tomllib.loads(read(project, "pyproject.toml"))
    scripts = pyproject["project"].get("scripts", {})
    assert scripts == ({"demo-project": "demo_project.cli:main"} if cli else {})
    assert ("sphinxarg.ext" in read(project, "docs/conf.py")) is cli


@pytest.mark.parametrize(
    ("owner", "mirror"), [("deepmodeling", True), ("example-lab", False)]
)
def test_gitee_mirror_defaults_on_for_deepmodeling(copie, owner, mirror):
    project = copy(copie, github_owner=owner)
    answers = yaml.safe_load(read(project, ".copier-answers.yml"))
    assert answers["gitee_mirror"] is mirror
    assert (project / ".github" / "workflows" / "mirror_gitee.yml").exists() is mirror
    conf = read(project, "docs/conf.py")
    assert f"enable_deepmodeling = {mirror}" in conf
    # Outside the organization a project has not joined the community by default.
    assert answers["maturity"] == ("sandbox" if mirror else "none")


@pytest.mark.parametrize("python_min", ["3.10", "3.11", "3.12", "3.13", "3.14"])
def test_python_range(copie, python_min):
    project = copy(copie, python_min=python_min)
    pyproject = tomllib.loads(read(project, "pyproject.toml"))
    assert pyproject["project"]["requires-python"] == f">={python_min}"
    versions = [
        c.rsplit(" ", 1)[1]
        for c in pyproject["project"]["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    workflow = yaml.safe_load(read(project, ".github/workflows/tests.yml"))
    matrix = workflow["jobs"]["test"]["strategy"]["matrix"]["python-version"]
    assert matrix == [python_min, versions[-1]]
    assert versions[0] == python_min
    assert [int(v.split(".")[1]) for v in versions] == list(
        range(int(versions[0].split(".")[1]), int(versions[-1].split(".")[1]) + 1)
    )


@pytest.mark.parametrize("maturity", COPIER_YML["maturity"]["choices"].values())
def test_community_stamp(copie, maturity):
    project = copy(copie, maturity=maturity)
    readme = read(project, "README.md")
    ignored = tomllib.loads(read(project, "pyproject.toml"))["tool"]["repo-review"][
        "ignore"
    ]
    if maturity == "none":
        assert "github.com/deepmodeling/community" not in readme
        assert "DP606" in ignored  # the stamp rule, switched off with the reason
        return
    article = "an" if maturity == "incubating" else "a"
    assert (
        "has joined the [DeepModeling community](https://github.com/deepmodeling/community)"
        f" as {article} **{maturity.capitalize()}** project." in readme
    )
    assert "DP606" not in ignored


COMPILED_ONLY = [
    ".clang-format",
    "CMakeLists.txt",
    "src/cpp/bindings.cpp",
    "src/cpp/potentials.cpp",
    "src/cpp/potentials.hpp",
    "src/dpdemo/_core.pyi",
    "src/dpdemo/potentials.py",
    "tests/test_potentials.py",
]


# The profiles with a Python package; test_cpp_render.py has the others'.
PYTHON_PROFILES = [
    profile
    for profile in COPIER_YML["profile"]["choices"].values()
    if profile not in PYTHON_FREE
]


@pytest.mark.parametrize("profile", PYTHON_PROFILES)
def test_profile_decides_the_build(copie, profile):
    compiled = profile == "compiled"
    # An import name apart from the PyPI name, which scikit-build-core cannot guess.
    project = copy(copie, profile=profile, dist_name="dp-demo", import_name="dpdemo")
    for name in COMPILED_ONLY:
        assert (project / name).exists() is compiled, name
    assert (project / "src" / "dpdemo" / "units.py").exists()
    assert (project / "src" / "dpdemo" / "py.typed").exists()
    pyproject = tomllib.loads(read(project, "pyproject.toml"))
    build_system = pyproject["build-system"]
    scm = pyproject["tool"]["setuptools_scm"]
    assert scm["version_file"] == "src/dpdemo/_version.py"
    if compiled:
        assert build_system == {
            "requires": ["scikit-build-core>=0.11", "pybind11>=3", "setuptools-scm>=8"],
            "build-backend": "scikit_build_core.build",
        }
        skbuild = pyproject["tool"]["scikit-build"]
        assert skbuild["metadata"]["version"] == {
            "provider": "scikit_build_core.metadata.setuptools_scm"
        }
        assert skbuild["wheel"]["packages"] == ["src/dpdemo"]
        assert skbuild["sdist"]["include"] == [scm["version_file"]]
        assert pyproject["tool"]["cibuildwheel"]["test-command"] == "pytest"
        cmake = read(project, "CMakeLists.txt")
        assert "project(dp-demo LANGUAGES CXX)" in cmake
        assert "install(TARGETS _core LIBRARY DESTINATION dpdemo)" in cmake
    else:
        assert build_system["build-backend"] == "setuptools.build_meta"
        text = "".join(
            p.read_text(encoding="utf-8") for p in project.rglob("*") if p.is_file()
        )
        assert not re.search(r"scikit|pybind11|cibuildwheel|clang|CMake|C\+\+", text)
    hooks = yaml.safe_load(read(project, ".pre-commit-config.yaml"))["repos"]
    assert any("mirrors-clang-format" in hook["repo"] for hook in hooks) is compiled


@pytest.mark.parametrize("profile", PYTHON_PROFILES)
def test_release_workflow_publishes_every_build(copie, profile):
    project = copy(copie, profile=profile)
    release = yaml.safe_load(read(project, ".github/workflows/release.yml"))
    jobs = release["jobs"]
    assert release["permissions"] == {}
    # Builds on every pull request and push; publishes only from a release tag.
    assert {"pull_request", "push"} <= set(release[True])
    assert release[True]["push"]["tags"] == ["v*"]
    assert jobs["publish"]["if"] == ON_A_RELEASE_TAG
    conditional = {name: job["if"] for name, job in jobs.items() if "if" in job}
    if profile == "compiled":  # five runners: on pushes, not on every pull request
        assert conditional.pop("wheels") == "github.event_name != 'pull_request'"
    assert list(conditional) == ["publish"]
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    for name, job in jobs.items():
        for step in job["steps"]:
            uses = step.get("uses", "")
            if uses.startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
            if uses.startswith("astral-sh/setup-uv@"):
                assert step["with"]["enable-cache"] is False, name
    if profile == "compiled":
        assert jobs["publish"]["needs"] == ["build", "wheels"]
        wheels = jobs["wheels"]
        assert wheels["needs"] == "build"  # built from the sdist, no checkout
        assert wheels["permissions"] == {}
        assert not [s for s in wheels["steps"] if "checkout" in s.get("uses", "")]
        assert [
            s["uses"] for s in wheels["steps"] if "cibuildwheel" in s.get("uses", "")
        ] == ["pypa/cibuildwheel@v4.3"]
        systems = {os.split("-")[0] for os in wheels["strategy"]["matrix"]["os"]}
        assert systems == {"ubuntu", "macos", "windows"}
        assert any("--sdist" in step.get("run", "") for step in jobs["build"]["steps"])
    else:
        assert jobs["publish"]["needs"] == "build"
        assert "wheels" not in jobs


@pytest.mark.parametrize("answer_set", ANSWER_SETS)
def test_answers_file_records_every_decision(rendered, answer_set):
    project = rendered(**ANSWER_SETS[answer_set])
    answers = yaml.safe_load(read(project, ".copier-answers.yml"))
    # `kept_files` and the repository's facts are asked, and recorded, only when adopting.
    adopting_only = {"kept_files", "default_branch", "docs_dir", "test_command"}
    recorded = QUESTIONS if answers["adopting"] else QUESTIONS - adopting_only
    if answers["profile"] in PYTHON_FREE:  # Python's questions are not asked
        recorded -= PYTHON_ONLY
    assert {key for key in answers if not key.startswith("_")} == recorded
    assert answers["_src_path"]
    for question, value in ANSWER_SETS[answer_set].items():
        assert answers[question] == value


@pytest.mark.parametrize("answer_set", ANSWER_SETS)
def test_structured_files_parse_and_hold_answers(rendered, answer_set):
    answers = ANSWER_SETS[answer_set]
    project = rendered(**answers)
    for path in tracked_files(project):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix in {".yml", ".yaml", ".cff"}:
            yaml.safe_load(text)
        elif path.suffix == ".json":
            json.loads(text)
        elif path.suffix == ".py":
            compile(text, str(path), "exec")
    citation = yaml.safe_load(read(project, "CITATION.cff"))
    name = answers["project_name"]
    python = answers.get("profile", "python") not in PYTHON_FREE
    kind = "Python package" if python else "C++ program"
    description = answers.get(
        "description", f"A {kind} from the DeepModeling community"
    )
    assert citation["abstract"] == description
    community = answers.get("github_owner", "deepmodeling") == "deepmodeling"
    entity = [{"name": "DeepModeling"}] if community else []
    maintainer = answers["maintainer_name"]
    email = answers["maintainer_email"]
    if python:
        pyproject = tomllib.loads(read(project, "pyproject.toml"))["project"]
        assert pyproject["description"] == description
        assert pyproject["authors"] == [*entity, {"name": maintainer, "email": email}]
    else:
        assert not (project / "pyproject.toml").exists()
    # CFF reads `name:` as an entity: the maintainer is a person, split in two.
    family = maintainer.split()[-1]
    given = maintainer.removesuffix(family).strip()
    person = {"family-names": family, "given-names": given, "email": email}
    assert citation["authors"] == [*entity, person]
    assert citation["title"] == name
    conf = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(read(project, "docs/conf.py")).body
        if isinstance(node, ast.Assign)
        and getattr(node.targets[0], "id", "") in {"project", "author"}
    }
    assert conf == {"project": name, "author": answers["maintainer_name"]}


def test_no_unrendered_jinja_left(rendered):
    project = rendered(**ANSWER_SETS["python"])
    for path in tracked_files(project):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(?<!\$)\{\{|\{%|\{#", text), path
        assert not path.name.endswith(".jinja"), path


def test_markdown_holds_answers_exactly(rendered):
    """The README renders the typed text, not Markdown formatting."""
    from markdown_it import MarkdownIt

    answers = ANSWER_SETS["custom"]
    project = rendered(**answers)
    tokens = MarkdownIt("commonmark").parse(read(project, "README.md"))
    heading = tokens[
        tokens.index(next(t for t in tokens if t.type == "heading_open")) + 1
    ]
    assert (
        "".join(child.content for child in heading.children) == answers["project_name"]
    )
    texts = [
        "".join(c.content for c in t.children if c.type == "text")
        for t in tokens
        if t.type == "inline"
    ]
    assert answers["description"] in texts


@pytest.mark.parametrize("adopting", [False, True])
def test_message_after_copy_fits_a_new_or_an_adopting_project(tmp_path, adopting):
    message = message_after_copy(tmp_path / "project", adopting=adopting)
    assert ('then "skip", is yours' in message) is adopting
    assert ("git init -b main" in message) is not adopting
    assert "TEMPLATE_UPDATE_TOKEN" in message  # the deepmodeling default: the bot is on
