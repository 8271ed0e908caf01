"""The template's pins are the ones in includes/versions.yml, and a bot's bumps survive updates.

The suite cannot reach GitHub, so the versions file is the record a release
checks by hand against the newest releases (CONTRIBUTING.md, "Release"); these
tests keep the template and that record in step. Projects' bots (Dependabot,
pre-commit.ci) bump the same pins, so an update that brings a bump the bot
already made must merge without conflict.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import tomllib
import yaml

from deepmodeling_template.hooks import conflicts, freshness
from tests.helpers import (
    REQUIRED_ANSWERS,
    ROOT,
    TEMPLATE,
    copy_template,
    export_commit,
    git_commit_all,
    released_commits,
    render,
    run,
    tag_release,
    update,
)

VERSIONS = yaml.safe_load(
    (ROOT / "includes" / "versions.yml").read_text(encoding="utf-8")
)
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*([^@\s]+)@(\S+)", re.MULTILINE)
HOOK = re.compile(r"^\s*- repo:\s*(\S+)\n\s+rev:\s*(\S+)", re.MULTILINE)
TOOL = re.compile(r'"(ty|uv|gcovr|clang-tidy)==([^"]+)"')


def template_pins() -> list[tuple[str, str, str, str]]:
    """(file, kind, name, version) of every action, hook and tool pin in template/."""
    pins = []
    for path in sorted(TEMPLATE.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        relative = str(path.relative_to(TEMPLATE))
        pins += [(relative, "actions", *m) for m in USES.findall(text)]
        pins += [
            (relative, "hooks", repo, rev)
            for repo, rev in HOOK.findall(text)
            if "{{" not in repo  # the template's own hooks: its release
        ]
        pins += [(relative, "tools", *m) for m in TOOL.findall(text)]
    return pins


def test_every_pin_is_in_the_versions_file():
    wrong = [
        (relative, name, version, VERSIONS[kind].get(name))
        for relative, kind, name, version in template_pins()
        if VERSIONS[kind].get(name) != version
    ]
    assert wrong == []


def test_every_entry_of_the_versions_file_is_used():
    used = {(kind, name) for _, kind, name, _ in template_pins()}
    listed = {(kind, name) for kind, entries in VERSIONS.items() for name in entries}
    assert listed - used == set()


def test_the_release_steps_check_the_versions_file():
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    release = contributing.split("## Release", 1)[1]
    assert "includes/versions.yml" in release


# --- an update over bot-bumped pins ----------------------------------------------


def _previous_release(repo: Path) -> str:
    """Export the newest release of tests/releases.txt into ``repo`` and tag it."""
    tag, commit = next(iter(released_commits().items()))
    export_commit(commit, repo)
    git_commit_all(repo, f"release {tag}")
    run(["git", "tag", tag], repo)
    return tag


def _bot_bumps(project: Path) -> list[str]:
    """Bump the project's pins to the versions file's, as Dependabot and pre-commit.ci do."""
    bumped = []
    for path in [
        *(project / ".github" / "workflows").glob("*.yml"),
        project / ".pre-commit-config.yaml",
    ]:
        text = path.read_text(encoding="utf-8")

        def action(match: re.Match[str]) -> str:
            new = VERSIONS["actions"].get(match[2], match[3])
            if new != match[3]:
                bumped.append(f"{match[2]}@{new}")
            return f"{match[1]}{match[2]}@{new}"

        def hook(match: re.Match[str]) -> str:
            new = VERSIONS["hooks"].get(match[2], match[4])
            if new != match[4]:
                bumped.append(f"{match[2]} {new}")
            return f"{match[1]}{match[2]}{match[3]}{new}"

        text = re.sub(
            r"^(\s*(?:-\s+)?uses:\s*)([^@\s]+)@(\S+)", action, text, flags=re.M
        )
        text = re.sub(
            r"^(\s*- repo:\s*)(\S+)(\n\s+rev:\s*)(\S+)", hook, text, flags=re.M
        )
        path.write_text(text, encoding="utf-8")
    return bumped


@pytest.fixture(scope="module")
def previous_and_next(tmp_path_factory) -> tuple[Path, str, str]:
    """The newest release, then the working tree as the release after it."""
    repo = tmp_path_factory.mktemp("pins") / "deepmodeling-template"
    repo.mkdir()
    previous = _previous_release(repo)
    for folder in ("includes", "template"):
        subprocess.run(["rm", "-rf", str(repo / folder)], check=True)
    (repo / "copier.yml").unlink()
    copy_template(repo)
    release = freshness.parse_release(previous)
    upcoming = str(release._replace(patch=release.patch + 1))
    tag_release(repo, upcoming)
    return repo, previous, upcoming


@pytest.mark.parametrize("profile", ["python", "compiled", "cpp"])
def test_update_over_bot_bumped_pins_does_not_conflict(
    previous_and_next, tmp_path, profile
):
    repo, previous, upcoming = previous_and_next
    copier_yml = (repo / "copier.yml").read_text(encoding="utf-8")
    old = run(["git", "show", f"{previous}:copier.yml"], repo).stdout
    if f": {profile}" not in old or f": {profile}" not in copier_yml:
        pytest.skip(f"{previous} has no {profile} profile")
    project = render(
        tmp_path / "project",
        {**REQUIRED_ANSWERS, "profile": profile},
        repo,
        vcs_ref=previous,
    )
    git_commit_all(project, f"chore: generate from deepmodeling-template {previous}")
    bumped = _bot_bumps(project)
    assert bumped, "the release brings no pin the bots would have bumped"
    git_commit_all(project, "ci: bump pins")

    update(project, upcoming)

    assert conflicts.find_leftovers(project, []) == []
    answers = yaml.safe_load(
        (project / ".copier-answers.yml").read_text(encoding="utf-8")
    )
    assert answers["_commit"] == upcoming
    texts = "\n".join(
        path.read_text(encoding="utf-8")
        for path in [
            *(project / ".github" / "workflows").glob("*.yml"),
            project / ".pre-commit-config.yaml",
        ]
    )
    for pin in bumped:
        assert pin.replace(" ", "\n    rev: ") in texts or pin in texts, pin


# --- the compiled profile's C++ tests ---------------------------------------------


@pytest.mark.slow
def test_cpp_tests_build_and_pass_with_ctest(tmp_path):
    """The CI job's commands, against the system GoogleTest (no downloads)."""
    project = tmp_path / "compiled"
    shutil.copytree(ROOT / "examples" / "compiled", project)
    if shutil.which("cmake") is None:
        pytest.fail("cmake is not on PATH (.ci/run installs it)")
    build = project / "build" / "cpp"
    run(
        [
            "cmake",
            "-B",
            build,
            "-DBUILD_TESTING=ON",
            # Fail instead of downloading when the system has no GoogleTest.
            "-DFETCHCONTENT_FULLY_DISCONNECTED=ON",
            "-DCMAKE_DISABLE_FIND_PACKAGE_Python=ON",
        ],
        project,
    )
    cache = (build / "CMakeCache.txt").read_text(encoding="utf-8")
    assert "GTest_DIR:PATH=/" in cache, "GoogleTest is not the system's"
    run(["cmake", "--build", build, "--parallel", "2"], project)
    result = run(["ctest", "--test-dir", build, "--output-on-failure"], project)
    assert "100% tests passed, 0 tests failed out of 4" in result.stdout


def test_the_wheel_build_leaves_the_cpp_tests_out():
    cmake = (ROOT / "examples" / "compiled" / "CMakeLists.txt").read_text(
        encoding="utf-8"
    )
    assert 'option(BUILD_TESTING "' in cmake and " OFF)" in cmake
    workflow = yaml.safe_load(
        (
            ROOT / "examples" / "compiled" / ".github" / "workflows" / "tests.yml"
        ).read_text(encoding="utf-8")
    )
    assert "cpp" in workflow["jobs"]["pass"]["needs"]
    steps = [step.get("run", "") for step in workflow["jobs"]["cpp"]["steps"]]
    assert any("libgtest-dev" in step for step in steps)
    assert any(step.startswith("ctest ") for step in steps)


def test_at_most_four_sp_repo_review_waivers_each_with_a_reason():
    for example in ("python", "compiled"):
        pyproject = tomllib.loads(
            (ROOT / "examples" / example / "pyproject.toml").read_text(encoding="utf-8")
        )
        ignored = pyproject["tool"]["repo-review"]["ignore"]
        ignored.pop("DP606", None)  # the DeepModeling stamp, not sp-repo-review's
        assert set(ignored) == {"PY007", "PC140", "PC170", "PC180"}
        assert all(reason.strip() for reason in ignored.values())
