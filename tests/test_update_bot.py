"""The update bot's workflow, its `run:` steps run for real against a local remote."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

from conftest import run
from test_update import (
    assert_downstream_kept,
    assert_template_change_arrived,
    live,
    render_at,
    template_repo,
)

__all__ = ["template_repo"]  # a fixture, shared with tests/test_update.py


FAKE_GH = """#!/usr/bin/env bash
# Stands in for the GitHub CLI: records the call; no pull request exists yet.
echo "$*" >> "$GH_LOG"
[ "$1" = "pr" ] && [ "$2" = "view" ] && exit 1
exit 0
"""


def _run_bot(
    project: Path, env: dict[str, str], token: str = "dummy"
) -> dict[str, str]:
    """Run the bot job's `run:` steps as GitHub would (bash -eo pipefail), honouring their `if:`."""
    workflow = yaml.safe_load(
        (project / ".github/workflows/template-update.yml").read_text(encoding="utf-8")
    )
    job = workflow["jobs"]["update"]
    outputs_file = project.parent / "github_output"
    outputs: dict[str, str] = {}
    for step in job["steps"]:
        if "run" not in step:
            continue  # actions/checkout and setup-uv: the test did their work
        condition = step.get("if", "")
        if condition and outputs.get("behind") != "true":
            assert condition == "steps.check.outputs.behind == 'true'"
            continue
        outputs_file.write_text("", encoding="utf-8")
        run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            project,
            env={
                **env,
                **job["env"],
                "GITHUB_OUTPUT": str(outputs_file),
                "GH_TOKEN": token,
            },
        )
        outputs.update(
            line.split("=", 1)
            for line in outputs_file.read_text(encoding="utf-8").splitlines()
        )
    return outputs


def _bot_setup(
    template_repo: Path, tmp_path: Path
) -> tuple[Path, Path, dict[str, str]]:
    """A lived-in project at v0.1.0 with a remote, and a fake `gh` on the PATH."""
    project = render_at(template_repo, tmp_path / "project", "v0.1.0")
    live(project)
    remote = tmp_path / "remote.git"
    run(["git", "init", "-q", "--bare", remote], tmp_path)
    run(["git", "remote", "add", "origin", remote], project)
    run(["git", "push", "-q", "origin", "main"], project)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH, encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    env = {
        "PATH": os.pathsep.join(
            [str(bin_dir), str(Path(sys.executable).parent), os.environ["PATH"]]
        ),
        "GH_LOG": str(tmp_path / "gh.log"),
    }
    return project, remote, env


@pytest.mark.slow
def test_update_bot_opens_a_pull_request(template_repo, tmp_path):
    project, remote, env = _bot_setup(template_repo, tmp_path)

    outputs = _run_bot(project, env)

    assert outputs == {"behind": "true"}
    log = run(
        ["git", "log", "--format=%s", "template-update"], remote
    ).stdout.splitlines()
    assert log[0] == "chore: update from deepmodeling-template v0.2.0"
    calls = (tmp_path / "gh.log").read_text(encoding="utf-8")
    assert (
        "pr create --head template-update --title chore: update from deepmodeling-template v0.2.0"
        in calls
    )
    assert (
        "Resolve the conflict markers" not in calls
    )  # the downstream life merges cleanly
    run(["git", "switch", "-q", "template-update"], project)
    assert_downstream_kept(project)
    assert_template_change_arrived(project)

    # A week later, with no newer release, the bot does nothing.
    assert _run_bot(project, env) == {"behind": "false"}


@pytest.mark.slow
def test_update_bot_without_its_token_says_what_to_add(template_repo, tmp_path):
    """GITHUB_TOKEN cannot push workflow changes: the bot asks for its secret instead."""
    project, remote, env = _bot_setup(template_repo, tmp_path)
    with pytest.raises(pytest.fail.Exception) as failure:
        _run_bot(project, env, token="")
    assert "::error title=No TEMPLATE_UPDATE_TOKEN::" in str(failure.value)
    assert "deepmodeling-template v0.2.0 is out" in str(failure.value)
    branches = run(["git", "branch", "--list"], remote).stdout
    assert "template-update" not in branches
    assert not (tmp_path / "gh.log").exists()
