"""The reusable fleet-report workflow, and the README's call of it.

The workflow's own shell steps run here, on this machine, with the checker
under test: the exit-status handling, the file names that the artifacts carry
from job to job, and the page and summary they write.  Installing the checker
and listing the template's tags need the network and are left out.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from deepmodeling_template.standard import RULES
from examples import regenerate
from tests.helpers import ROOT, pinned_hook_revs, run, write

# The C++ rules, which a Python project skips.
CPP_RULES = sum(rule.__module__.endswith(".cpp") for rule in RULES)

WORKFLOW = ROOT / ".github" / "workflows" / "fleet-report.yml"
README = (ROOT / "README.md").read_text(encoding="utf-8")
CALLED = "deepmodeling/deepmodeling-template/.github/workflows/fleet-report.yml"
# Not written by the template, so not in includes/versions.yml: the majors that
# deepmd-kit's build_wheel.yml and scientific-python/cookie's GitHub Actions
# guide use (checked 2026-12).
PAGES_ACTIONS = {"actions/upload-pages-artifact": "v5", "actions/deploy-pages": "v5"}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load(text: str) -> dict[str, Any]:
    document = yaml.safe_load(text)
    # PyYAML reads the key `on` as True.
    document["on"] = document.pop(True, document.get("on"))
    return document


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return load(WORKFLOW.read_text(encoding="utf-8"))


def readme_call() -> dict[str, Any]:
    section = README.split("## Fleet report", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)
    return load(block)


def step(workflow: dict[str, Any], job: str, name: str) -> dict[str, Any]:
    steps = workflow["jobs"][job]["steps"]
    return next(
        item
        for item in steps
        if item.get("name") == name or item.get("uses", "").startswith(name)
    )


def substitute(text: str, context: dict[str, str]) -> str:
    """Replace the ``${{ ... }}`` of a value as Actions would, from `context`."""
    return EXPRESSION.sub(lambda match: context[match[1]], text)


def run_step(
    item: dict[str, Any],
    cwd: Path,
    context: dict[str, str],
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a `run:` step with bash as GitHub's runner does, dp-standard on the PATH."""
    variables = {
        key: substitute(str(value), context)
        for key, value in item.get("env", {}).items()
    }
    assert "${{" not in item["run"], "no expression may reach a script"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", item["run"]],
        cwd=cwd,
        env={
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            **variables,
            **(env or {}),
        },
        capture_output=True,
        text=True,
        check=False,
    )


# --- shape and privileges -----------------------------------------------------------


def test_it_is_called_with_a_list_of_repositories(workflow):
    inputs = workflow["on"]["workflow_call"]["inputs"]
    assert list(workflow["on"]) == ["workflow_call"]
    assert inputs["repositories"] == {
        "description": inputs["repositories"]["description"],
        "required": True,
        "type": "string",
    }
    matrix = workflow["jobs"]["check"]["strategy"]["matrix"]
    assert matrix == {"repository": "${{ fromJSON(inputs.repositories) }}"}
    assert workflow["jobs"]["check"]["strategy"]["fail-fast"] is False


def test_each_job_has_only_the_permissions_it_needs(workflow):
    assert workflow["permissions"] == {}
    assert {name: job["permissions"] for name, job in workflow["jobs"].items()} == {
        "check": {"contents": "read"},
        "report": {},
        "deploy": {"pages": "write", "id-token": "write"},
    }
    checkout = step(workflow, "check", "actions/checkout")
    assert checkout["with"]["persist-credentials"] is False
    assert checkout["with"]["repository"] == "${{ matrix.repository }}"


def test_actions_are_pinned_to_the_majors_of_the_versions_file(workflow):
    versions = yaml.safe_load(
        (ROOT / "includes" / "versions.yml").read_text(encoding="utf-8")
    )
    known = {**versions["actions"], **PAGES_ACTIONS}
    used = {
        item["uses"]
        for job in workflow["jobs"].values()
        for item in job["steps"]
        if "uses" in item
    }
    assert {use.split("@")[0] for use in used} >= set(PAGES_ACTIONS)
    for use in used:
        action, ref = use.split("@")
        assert known.get(action) == ref, use


def test_artifacts_carry_the_files_the_steps_write(workflow):
    context = {"strategy.job-index": "3"}
    check = step(workflow, "check", "Check the repository")
    upload = step(workflow, "check", "actions/upload-artifact")["with"]
    written = substitute(check["env"]["INDEX"], context)
    assert substitute(upload["path"], context) == f"dp-standard-{written}.json"
    assert upload["if-no-files-found"] == "error"
    download = step(workflow, "report", "actions/download-artifact")["with"]
    assert fnmatch.fnmatch(substitute(upload["name"], context), download["pattern"])
    assert download["merge-multiple"] is True
    script = step(workflow, "report", "Write the page and the summary")["run"]
    assert f"--merge {download['path']}/*.json" in script
    assert (
        step(workflow, "report", "actions/upload-pages-artifact")["with"]["path"]
        == "site"
    )
    assert "> site/index.html" in script
    assert (
        "> releases.txt"
        in step(workflow, "report", "List the template releases")["run"]
    )


# --- the steps, run here ------------------------------------------------------------


@pytest.fixture
def results(workflow, tmp_path) -> Path:
    """Two check jobs' workspaces, run; their JSON reports gathered as the download does."""
    gathered = tmp_path / "results"
    gathered.mkdir()
    check = step(workflow, "check", "Check the repository")
    for index, source in enumerate([ROOT / "examples" / "python", None]):
        workspace = tmp_path / f"job-{index}"
        repository = workspace / "repository"
        if source is None:
            write(
                repository, {"README.md": "# A repository that follows no standard\n"}
            )
        else:
            shutil.copytree(source, repository)
        done = run_step(check, workspace, {"strategy.job-index": str(index)})
        assert done.returncode == 0, (
            done.stderr
        )  # a failing rule is a result, not an error
        shutil.copy(workspace / f"dp-standard-{index}.json", gathered)
    return gathered


def test_a_check_job_fails_only_on_an_error(workflow, tmp_path):
    check = step(workflow, "check", "Check the repository")
    done = run_step(check, tmp_path, {"strategy.job-index": "0"})  # nothing checked out
    assert done.returncode != 0  # the job fails: no empty result is uploaded
    assert "repository is not a directory" in done.stderr


def test_the_report_job_writes_the_page_and_the_summary(workflow, results):
    workspace = results.parent
    write(
        workspace,
        {
            "releases.txt": "5f108a5e6563446166df5f232d77e82429cd05aa\trefs/tags/v0.1.0\n"
            "952bff436c732467769e500e5d2c77234f9a9bed\trefs/tags/v0.2.0\n"
        },
    )
    summary = (
        write(workspace, {"summary.md": "earlier steps' summary\n"}) / "summary.md"
    )
    done = run_step(
        step(workflow, "report", "Write the page and the summary"),
        workspace,
        {},
        {"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert done.returncode == 0, done.stderr
    page = (workspace / "site" / "index.html").read_text(encoding="utf-8")
    assert page.count('<tr id="repo-') == 2
    assert "among 2 template releases, the newest v0.2.0" in page
    text = summary.read_text(encoding="utf-8")
    assert text.startswith(
        "earlier steps' summary\n## DeepModeling standard: fleet report"
    )
    assert "| repository | not adopted | - |" in text
    release = regenerate.template_release()
    assert f"| repository | {release} | 0 | 0 | 33 | {CPP_RULES} |  |" in text


# --- the README's call --------------------------------------------------------------


def test_the_readme_calls_it_on_a_schedule_with_what_it_needs(workflow):
    caller = readme_call()
    assert set(caller["on"]) == {"schedule", "workflow_dispatch"}
    assert caller["permissions"] == {}
    (job,) = caller["jobs"].values()
    assert job["uses"].split("@")[0] == CALLED
    inputs = workflow["on"]["workflow_call"]["inputs"]
    assert set(job["with"]) <= set(inputs)
    assert {name for name, spec in inputs.items() if spec.get("required")} <= set(
        job["with"]
    )
    repositories = json.loads(job["with"]["repositories"])
    assert all(re.fullmatch(r"[\w.-]+/[\w.-]+", name) for name in repositories)
    assert job["with"]["checker-ref"] == job["uses"].split("@")[1]
    # A called workflow gets at most what the calling job grants.
    needed = {
        scope: level
        for called in workflow["jobs"].values()
        for scope, level in called["permissions"].items()
    }
    assert job["permissions"] == needed


@pytest.mark.slow
def test_zizmor_finds_nothing_in_the_workflow_or_the_readme_call(make_venv, tmp_path):
    revs = pinned_hook_revs()
    tools = make_venv(
        [f"zizmor=={revs['https://github.com/zizmorcore/zizmor-pre-commit']}"],
        name="zizmor",
    )
    section = README.split("## Fleet report", 1)[1]
    (block,) = re.findall(
        r"```yaml\n(.*?)```", section.split("\n## ", 1)[0], flags=re.DOTALL
    )
    write(
        tmp_path,
        {
            ".github/workflows/fleet-report.yml": WORKFLOW.read_text(encoding="utf-8"),
            ".github/workflows/call.yml": block,
            ".github/zizmor.yml": (ROOT / ".github" / "zizmor.yml").read_text(
                encoding="utf-8"
            ),
        },
    )
    result = run(
        [
            tools / "zizmor",
            "--offline",
            "--persona",
            "pedantic",
            "--format",
            "plain",
            ".",
        ],
        tmp_path,
    )
    assert "No findings to report" in result.stdout
