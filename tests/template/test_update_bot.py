"""The update bot's workflow, run for real, week after week.

Each week the `run:` steps of the rendered `.github/workflows/template-update.yml`
run as GitHub runs them (``bash -eo pipefail``, with their ``if:`` and ``env:``,
so only the step that declares it gets the token) in a fresh clone of a local
bare repository that stands in for the project's GitHub repository.
``tests/template/fake_gh.py`` stands in for the GitHub CLI and keeps the pull requests in
a file, so a test can close one, as a maintainer would, between two weeks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from tests.helpers import (
    ROOT,
    assert_downstream_kept,
    assert_template_change_arrived,
    git_commit_all,
    live,
    render_at,
    replace_once,
    run,
    synthetic_change,
    tag_release,
    template_repository,
)

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("jq") is None, reason="the stand-in gh filters --jq with jq"
    ),
]

REPOSITORY = "deepmodeling/demo-project"
TOKEN = "ghp_StandInTokenThatMustNotLeak"
WORKFLOW = ".github/workflows/template-update.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
STEP_OUTPUT = re.compile(r"steps\.(\w+)\.outputs\.(\w+)")
DROPPED = "codecov.yml"  # a file a template release stops shipping
UVX_COPIER = re.compile(r'uvx --from "([^"]+)" copier')
# The steps' uvx: the suite's own (its venv is first on the steps' PATH).
UVX = shutil.which("uvx", path=str(Path(sys.executable).parent)) or shutil.which("uvx")


@pytest.fixture(scope="module", autouse=True)
def copier_in_uv_cache() -> None:
    """uv's cache holds the Copier the bot's steps run, so they run offline.

    The steps' `uvx` would otherwise ask PyPI again on every call (uv
    revalidates its index pages), so the tests would depend on the network;
    `GitHub.env` sets UV_OFFLINE.
    """
    workflow = ROOT / "template" / ".github" / "workflows"
    (source,) = workflow.glob("*template-update.yml*.jinja")
    (spec,) = set(UVX_COPIER.findall(source.read_text(encoding="utf-8")))
    assert UVX
    run([UVX, "--from", spec, "copier", "--version"], ROOT)


# --- a stand-in GitHub ------------------------------------------------------------


@dataclass
class BotRun:
    """What one run of the bot's job left: step outputs by id, and each step's stdout."""

    workspace: Path
    outputs: dict[str, dict[str, str]]
    stdout: list[str]


def _evaluate(expression: str, token: str, outputs: dict[str, dict[str, str]]) -> str:
    """The value of the few expressions the bot's steps use."""
    if expression == "secrets.TEMPLATE_UPDATE_TOKEN":
        return token
    if match := STEP_OUTPUT.fullmatch(expression):
        return outputs.get(match[1], {}).get(match[2], "")
    pytest.fail(f"the test cannot evaluate ${{{{ {expression} }}}}")


def _condition(condition: str, outputs: dict[str, dict[str, str]]) -> bool:
    match = re.fullmatch(r"steps\.(\w+)\.outputs\.(\w+) == '([^']*)'", condition)
    assert match, f"the test cannot evaluate `if: {condition}`"
    return outputs.get(match[1], {}).get(match[2], "") == match[3]


def _run_bot(
    workspace: Path, env: dict[str, str], runner_temp: Path, token: str
) -> BotRun:
    """Run the bot job's `run:` steps as GitHub would, honouring their `if:` and `env:`."""
    workflow = yaml.safe_load((workspace / WORKFLOW).read_text(encoding="utf-8"))
    job = workflow["jobs"]["update"]
    outputs_file = runner_temp.parent / f"{runner_temp.name}-output"
    outputs: dict[str, dict[str, str]] = {}
    stdout: list[str] = []
    for number, step in enumerate(job["steps"]):
        if "run" not in step:
            continue  # actions/checkout and setup-uv: the test did their work
        if "if" in step and not _condition(step["if"], outputs):
            continue
        step_env = {
            name: EXPRESSION.sub(
                lambda match: _evaluate(match[1], token, outputs), str(value)
            )
            for name, value in step.get("env", {}).items()
        }
        outputs_file.write_text("", encoding="utf-8")
        result = run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            workspace,
            env={
                **env,
                **job.get("env", {}),
                "GH_TOKEN": "",  # only a step that declares it gets it
                **step_env,
                "GITHUB_OUTPUT": str(outputs_file),
                "GITHUB_WORKSPACE": str(workspace),
                "RUNNER_TEMP": str(runner_temp),
            },
        )
        stdout.append(result.stdout)
        outputs[step.get("id", str(number))] = dict(
            line.split("=", 1)
            for line in outputs_file.read_text(encoding="utf-8").splitlines()
        )
    return BotRun(workspace, outputs, stdout)


@dataclass
class GitHub:
    """The project's repository on a stand-in GitHub, its pull requests, and its runner."""

    root: Path

    @property
    def server(self) -> Path:
        return self.root / "server"

    @property
    def remote(self) -> Path:
        return self.server / f"{REPOSITORY}.git"

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def state(self) -> Path:
        return self.root / "pull-requests.json"

    @property
    def log(self) -> Path:
        return self.root / "gh.log"

    def env(self) -> dict[str, str]:
        return {
            "PATH": os.pathsep.join(
                [str(self.bin), str(Path(sys.executable).parent), os.environ["PATH"]]
            ),
            "FAKE_GH_STATE": str(self.state),
            "FAKE_GH_LOG": str(self.log),
            "FAKE_GH_REMOTE": str(self.remote),
            "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_SERVER_URL": self.server.as_uri(),
            "UV_OFFLINE": "1",  # copier_in_uv_cache
        }

    def pull_requests(self) -> list[dict[str, Any]]:
        if not self.state.exists():
            return []
        return json.loads(self.state.read_text(encoding="utf-8"))

    def close(self, number: int, state: str = "CLOSED") -> None:
        """Close (or merge, with ``state="MERGED"``) a pull request, as a maintainer would."""
        pulls = self.pull_requests()
        (pull,) = [p for p in pulls if p["number"] == number]
        pull["state"] = state
        self.state.write_text(json.dumps(pulls), encoding="utf-8")

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def branch(self, name: str) -> str:
        """The commit the remote's branch ``name`` points to."""
        return run(
            ["git", "rev-parse", f"refs/heads/{name}"], self.remote
        ).stdout.strip()

    def branches(self) -> list[str]:
        return run(
            ["git", "for-each-ref", "--format=%(refname:short)", "refs/heads"],
            self.remote,
        ).stdout.split()

    def run_bot(self, week: str, token: str = TOKEN) -> BotRun:
        """One scheduled run: a fresh checkout (all branches and tags), then the steps."""
        workspace = self.root / "runs" / week
        run(["git", "clone", "-q", self.remote, workspace], self.root)
        runner_temp = self.root / "runner-temp" / week
        runner_temp.mkdir(parents=True)
        return _run_bot(workspace, self.env(), runner_temp, token)


def _bot_setup(
    template: Path, tmp_path: Path, life: Callable[[Path], None] = live
) -> tuple[Path, GitHub]:
    """A lived-in project at v0.1.0 pushed to a stand-in GitHub; returns the maintainer's clone."""
    project = render_at(template, tmp_path / "project", "v0.1.0")
    life(project)
    github = GitHub(tmp_path / "github")
    github.remote.parent.mkdir(parents=True)
    run(["git", "init", "-q", "--bare", "-b", "main", github.remote], tmp_path)
    run(["git", "remote", "add", "origin", github.remote], project)
    run(["git", "push", "-q", "origin", "main"], project)
    github.bin.mkdir()
    (github.bin / "gh").write_text(
        f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "tests" / "template" / "fake_gh.py"}" "$@"\n',
        encoding="utf-8",
    )
    (github.bin / "gh").chmod(0o755)
    return project, github


def drop_a_file(repo: Path) -> None:
    """A template release that stops shipping a file."""
    (repo / "template" / DROPPED).unlink()


def edit_the_dropped_file(project: Path) -> None:
    """Downstream life that also edits the file the next release drops."""
    live(project)
    with (project / DROPPED).open("a", encoding="utf-8") as codecov:
        codecov.write("# Our own coverage settings\n")
    git_commit_all(project, "ci: our coverage settings")


def listed(body: str, heading: str) -> list[str]:
    """The files a pull request body lists after its paragraph that says ``heading``."""
    paragraphs = body.split("\n\n")
    (index,) = [i for i, text in enumerate(paragraphs) if heading in text]
    return [
        line.removeprefix("- `").removesuffix("`")
        for line in paragraphs[index + 1].splitlines()
    ]


# --- tests -------------------------------------------------------------------------


def test_update_bot_opens_a_pull_request(template_repo, tmp_path):
    project, github = _bot_setup(template_repo, tmp_path)

    week = github.run_bot("week-1")

    assert week.outputs["check"] == {"behind": "true"}
    (pull,) = github.pull_requests()
    assert pull["title"] == "chore: update from deepmodeling-template v0.2.0"
    assert pull["headRefName"] == "template-update-v0.2.0"
    assert "Resolve the conflict markers" not in pull["body"]  # life merges cleanly
    assert "deletes them" not in pull["body"]  # nothing the release dropped
    log = run(["git", "log", "--format=%s", "template-update-v0.2.0"], github.remote)
    assert log.stdout.splitlines()[0] == pull["title"]
    run(["git", "fetch", "-q", "origin"], project)
    run(
        ["git", "switch", "-q", "-c", "update", "origin/template-update-v0.2.0"],
        project,
    )
    assert_downstream_kept(project)
    assert_template_change_arrived(project)

    # The maintainers merge it; a week later, with no newer release, the bot does nothing.
    run(["git", "push", "-q", "origin", "update:main"], project)
    github.close(pull["number"], "MERGED")
    calls = len(github.calls())
    week = github.run_bot("week-2")
    assert week.outputs == {"check": {"behind": "false"}}
    assert len(github.calls()) == calls


def test_update_bot_keeps_fixes_respects_declines_and_proposes_new_releases(
    tmp_path_factory, tmp_path
):
    template = template_repository(
        tmp_path_factory.mktemp("template") / "deepmodeling-template",
        {"v0.1.0": None, "v0.2.0": synthetic_change},
    )
    project, github = _bot_setup(template, tmp_path, edit_the_dropped_file)

    # Week 1: v0.2.0 is out; the bot opens its pull request.
    github.run_bot("week-1")
    (first,) = github.pull_requests()
    branch = first["headRefName"]
    assert first["state"] == "OPEN" and "v0.2.0" in first["title"]

    # A maintainer pushes a fix to the bot's branch; main stays behind.
    run(["git", "fetch", "-q", "origin"], project)
    run(["git", "switch", "-q", "-c", "fix", f"origin/{branch}"], project)
    with (project / "README.md").open("a", encoding="utf-8") as readme:
        readme.write("\nA fix the maintainers pushed to the bot's branch.\n")
    git_commit_all(project, "fix: resolve the update")
    run(["git", "push", "-q", "origin", f"HEAD:{branch}"], project)
    fix = run(["git", "rev-parse", "HEAD"], project).stdout.strip()

    # Week 2: still behind; the fix stays, and nothing else happens.
    week = github.run_bot("week-2")
    assert week.outputs["check"] == {"behind": "true"}
    assert github.branch(branch) == fix
    assert github.pull_requests() == [first]
    assert "leaves v0.2.0 alone" in week.stdout[-1]

    # The maintainers decline v0.2.0. Week 3: nothing is reopened.
    github.close(first["number"])
    github.run_bot("week-3")
    assert [p["state"] for p in github.pull_requests()] == ["CLOSED"]
    assert github.branch(branch) == fix

    # v0.3.0 is out (it drops a file). Week 4: a new pull request.
    drop_a_file(template)
    tag_release(template, "v0.3.0")
    github.run_bot("week-4")
    _, second = github.pull_requests()
    assert (second["state"], second["headRefName"]) == (
        "OPEN",
        "template-update-v0.3.0",
    )
    assert second["title"] == "chore: update from deepmodeling-template v0.3.0"
    assert listed(second["body"], "deletes them") == [DROPPED]
    assert "Supersedes" not in second["body"]  # the declined one is closed
    assert github.branch(branch) == fix

    # v0.4.0 is out while v0.3.0's pull request is open. Week 5: a new pull
    # request, which names the open one it supersedes.
    with (template / "template" / "CONTRIBUTING.md.jinja").open(
        "a", encoding="utf-8"
    ) as contributing:
        contributing.write("\nOne more line, for v0.4.0.\n")
    tag_release(template, "v0.4.0")
    github.run_bot("week-5")
    first_again, second_again, third = github.pull_requests()
    assert (first_again, second_again) == (first | {"state": "CLOSED"}, second)
    assert third["headRefName"] == "template-update-v0.4.0"
    assert (
        f"Supersedes the pull requests of older releases still open: #{second['number']}."
        in third["body"]
    )
    assert sorted(github.branches()) == [
        "main",
        "template-update-v0.2.0",
        "template-update-v0.3.0",
        "template-update-v0.4.0",
    ]


def test_update_bot_opens_its_pull_request_from_a_branch_it_left(
    template_repo, tmp_path
):
    """A run that pushed but stopped before `gh pr create`: the next run adds the pull request only."""
    project, github = _bot_setup(template_repo, tmp_path)
    run(["git", "push", "-q", "origin", "main:template-update-v0.2.0"], project)
    left = github.branch("template-update-v0.2.0")

    github.run_bot("week-1")

    (pull,) = github.pull_requests()
    assert pull["headRefName"] == "template-update-v0.2.0"
    assert github.branch("template-update-v0.2.0") == left


def test_update_bot_leaves_the_branch_of_the_bot_before_it(template_repo, tmp_path):
    """The bot before this one pushed to one branch, template-update; it may still be open."""
    project, github = _bot_setup(template_repo, tmp_path)
    run(["git", "push", "-q", "origin", "main:template-update"], project)
    old = github.branch("template-update")
    github.state.write_text(
        json.dumps(
            [
                {
                    "number": 1,
                    "headRefName": "template-update",
                    "title": "chore: update from deepmodeling-template v0.1.0",
                    "body": "",
                    "state": "OPEN",
                }
            ]
        ),
        encoding="utf-8",
    )

    github.run_bot("week-1")

    old_pull, pull = github.pull_requests()
    assert pull["headRefName"] == "template-update-v0.2.0"
    assert "older releases still open: #1." in pull["body"]
    assert old_pull["state"] == "OPEN"
    assert github.branch("template-update") == old


SPY = """#!/bin/sh
# Planted in the checkout by code the update ran: writes down its environment.
env > "{leaks}/$(basename "$0").$$"
exit 0
"""
PLANTED_HOOKS = (
    "pre-commit",
    "commit-msg",
    "post-commit",
    "pre-push",
    "reference-transaction",
    "post-checkout",
)
PLANTING_UVX = """#!/bin/sh
# uvx, as it runs Copier and the template; after `copier update` it plants git
# hooks and an fsmonitor in the checkout, as code that Copier ran could.
"{uvx}" "$@" || exit
case " $* " in
  *" update "*)
    for hook in {hooks}; do cp "{spy}" ".git/hooks/$hook"; done
    git config core.fsmonitor "{spy}"
    ;;
esac
"""


def test_update_bot_runs_no_planted_hook_with_the_token(template_repo, tmp_path):
    """Hooks and config written while Copier and the template run never see the token."""
    _, github = _bot_setup(template_repo, tmp_path)
    leaks = tmp_path / "leaks"
    leaks.mkdir()
    spy = tmp_path / "spy"
    spy.write_text(SPY.format(leaks=leaks), encoding="utf-8")
    spy.chmod(0o755)
    (github.bin / "uvx").write_text(
        PLANTING_UVX.format(uvx=UVX, hooks=" ".join(PLANTED_HOOKS), spy=spy),
        encoding="utf-8",
    )
    (github.bin / "uvx").chmod(0o755)

    week = github.run_bot("week-1")

    (pull,) = github.pull_requests()
    assert github.branch(pull["headRefName"])  # pushed and opened all the same
    leaked = [
        path.name
        for path in leaks.iterdir()
        if TOKEN in path.read_text(encoding="utf-8")
    ]
    assert leaked == []
    assert all(
        not call["cwd"].startswith(str(week.workspace)) for call in github.calls()
    )
    # The bot's commit ran none either: it holds what Copier wrote, nothing more.
    assert not [p for p in leaks.iterdir() if "commit" in p.name]
    # The plants were live: the next commit in the checkout runs them.
    run(["git", "commit", "-q", "--allow-empty", "-m", "later"], week.workspace)
    assert {"pre-commit", "post-commit"} <= {
        p.name.split(".")[0] for p in leaks.iterdir()
    }


@pytest.fixture(scope="module")
def dropping_repo(tmp_path_factory) -> Path:
    """v0.1.0 (this tree), and v0.2.0: the synthetic change, and a file dropped."""

    def change(repo: Path) -> None:
        synthetic_change(repo)
        drop_a_file(repo)

    return template_repository(
        tmp_path_factory.mktemp("template") / "deepmodeling-template",
        {"v0.1.0": None, "v0.2.0": change},
    )


def test_update_bot_lists_the_files_it_deletes_and_those_in_conflict(
    dropping_repo, tmp_path
):
    """Copier deletes a file the release dropped, edits and all: the pull request says so."""

    def life(project: Path) -> None:
        edit_the_dropped_file(project)
        # The template adds a hook on the same line (test_update.py: a real conflict).
        replace_once(
            project / ".pre-commit-config.yaml",
            "      - id: check-json\n",
            "      - id: check-executables-have-shebangs\n      - id: check-json\n",
        )
        git_commit_all(project, "ci: one more hook")

    _, github = _bot_setup(dropping_repo, tmp_path, life)

    week = github.run_bot("week-1")

    (pull,) = github.pull_requests()
    # Not the file the maintainers deleted themselves (in `live`).
    assert listed(pull["body"], "deletes them") == [DROPPED]
    assert listed(pull["body"], "Resolve the conflict markers") == [
        ".pre-commit-config.yaml"
    ]
    commit = week.outputs["update"]["commit"]
    assert github.branch(pull["headRefName"]) == commit
    files = run(["git", "ls-tree", "--name-only", commit], week.workspace).stdout
    assert DROPPED not in files.split()


def test_update_bot_without_its_token_says_what_to_add(template_repo, tmp_path):
    """GITHUB_TOKEN cannot push workflow changes: the bot asks for its secret instead."""
    _, github = _bot_setup(template_repo, tmp_path)
    with pytest.raises(pytest.fail.Exception) as failure:
        github.run_bot("week-1", token="")
    assert "::error title=No TEMPLATE_UPDATE_TOKEN::" in str(failure.value)
    assert "deepmodeling-template v0.2.0 is out" in str(failure.value)
    assert github.branches() == ["main"]
    assert github.calls() == []
