"""What the tests share: answer sets, commands, git, rendering, template releases.

Plain functions and data, imported as ``from tests.helpers import ...`` (pytest
makes the repository importable: ``pythonpath`` in ``pyproject.toml``);
fixtures that wrap them are in ``conftest.py``.  Answer sets are data: the
examples' in ``examples/answers.yml``, the tests' own in ``tests/answers.yml``.
"""

from __future__ import annotations

import atexit
import functools
import io
import os
import pty
import re
import select
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from copier import run_copy, run_update
from identify.identify import tags_from_path

from deepmodeling_template.hooks import conflicts
from deepmodeling_template.standard import cli

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template"
COPIER_YML: dict[str, Any] = yaml.safe_load(
    (ROOT / "copier.yml").read_text(encoding="utf-8")
)

# --- answer sets ------------------------------------------------------------------


def _answers(path: str) -> Any:
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


# The examples in examples/ (their given answers), and the hostile custom set.
ANSWER_SETS: dict[str, dict[str, Any]] = {
    **{
        name: example["answers"]
        for name, example in _answers("examples/answers.yml")["examples"].items()
    },
    "custom": _answers("tests/answers.yml")["custom"],
}
# The fewest answers `copier copy --defaults` needs (and a fixed year): the
# python example's.
REQUIRED_ANSWERS: dict[str, Any] = ANSWER_SETS["python"]
# The `if:` of a release job that publishes only what a pushed `v*` tag builds.
ON_A_RELEASE_TAG = (
    "github.event_name == 'push' && startsWith(github.ref, 'refs/tags/v')"
)
CUSTOM_ANSWERS: dict[str, Any] = ANSWER_SETS["custom"]

# --- commands and git -------------------------------------------------------------

# Set when the tests run inside a git hook; they would point git at this repository.
HOOK_GIT_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada Lovelace",
    "GIT_AUTHOR_EMAIL": "ada@example.org",
    "GIT_COMMITTER_NAME": "Ada Lovelace",
    "GIT_COMMITTER_EMAIL": "ada@example.org",
}


def run(
    command: Sequence[str | os.PathLike[str]],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure, fail the test with its output."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={
            **{k: v for k, v in os.environ.items() if k not in HOOK_GIT_VARIABLES},
            **GIT_ENV,
            **(env or {}),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, command))} exited {result.returncode} in {cwd}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}",
            pytrace=False,
        )
    return result


def git_commit_all(project: Path, message: str = "chore: generate project") -> None:
    """Make ``project`` a git repository with everything committed."""
    if not (project / ".git").exists():
        run(["git", "init", "-q", "-b", "main"], project)
    run(["git", "add", "-A"], project)
    run(["git", "commit", "-q", "--no-verify", "-m", message], project)


def copy_template(destination: Path) -> Path:
    """Copy what Copier reads of this repository (not its tests or examples) to ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "copier.yml", destination / "copier.yml")
    for folder in ("includes", "template"):
        shutil.copytree(ROOT / folder, destination / folder)
    return destination


def tag_release(repo: Path, version: str) -> None:
    """Make ``repo`` (a template copy) release ``version``, as CONTRIBUTING.md describes."""
    project = repo / "includes" / "project.jinja"
    text = project.read_text(encoding="utf-8")
    project.write_text(
        re.sub(r'template_release = "v[^"]+"', f'template_release = "{version}"', text),
        encoding="utf-8",
    )
    git_commit_all(repo, f"release {version}")
    run(["git", "tag", version], repo)


def released_commits() -> dict[str, str]:
    """Tag -> commit of this repository's releases, newest first."""
    lines = (ROOT / "tests" / "releases.txt").read_text(encoding="utf-8").splitlines()
    pairs = [line.split() for line in lines if line and not line.startswith("#")]
    return {tag: commit for tag, commit in pairs}


# --- template repositories with releases -------------------------------------------


def message_after_copy(destination: Path, **answers: object) -> str:
    """What ``copier copy`` of the working tree prints after copying, answers given by ``--data``."""
    data = {**REQUIRED_ANSWERS, **answers}
    return run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--vcs-ref=HEAD",
            "--defaults",
            *(f"--data={key}={value}" for key, value in data.items()),
            ROOT,
            destination,
        ],
        destination.parent,
    ).stderr


def template_repository(
    destination: Path, releases: Mapping[str, Callable[[Path], None] | None]
) -> Path:
    """This template as a git repository at ``destination``, with ``releases``.

    Each release, in order, applies its change (``None``: none) to the tree and
    is tagged, as CONTRIBUTING.md describes; the first is the working tree.
    """
    repo = copy_template(destination)
    for version, change in releases.items():
        if change is not None:
            change(repo)
        tag_release(repo, version)
    return repo


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a file, which must hold it."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def synthetic_change(repo: Path) -> None:
    """A template release as they come: new hook, stricter lint, CI and docs edits, a new file."""
    template = repo / "template"
    replace_once(
        template / ".pre-commit-config.yaml.jinja",
        "      - id: check-json\n",
        "      - id: check-case-conflict\n      - id: check-json\n",
    )
    replace_once(
        template / "pyproject.toml.jinja",
        '  "NPY",    # NumPy-specific rules\n',
        '  "NPY",    # NumPy-specific rules\n  "PERF",   # Perflint\n',
    )
    replace_once(
        template / ".github/workflows/tests.yml.jinja",
        "    name: Documentation\n    runs-on: ubuntu-latest\n",
        "    name: Documentation\n    runs-on: ubuntu-latest\n    timeout-minutes: 30\n",
    )
    with (template / "CONTRIBUTING.md.jinja").open(
        "a", encoding="utf-8"
    ) as contributing:
        contributing.write(
            "\n## Getting help\n\nAsk in GitHub Discussions before a large change.\n"
        )
    # A file no profile has yet (the cpp profile has an .editorconfig).
    (template / ".github" / "CODEOWNERS").write_text(
        "# Who reviews what.\n* @ada-lovelace\n", encoding="utf-8"
    )


# --- rendering ----------------------------------------------------------------------


@functools.cache
def working_tree_template() -> Path:
    """The template's files as they are now, outside git: copied once per test process.

    Copier renders a folder that is not a git repository where it is, without
    the clone (and, for a dirty tree, the commit) it makes of a repository, so
    renders that need no ``_commit`` take about half the time.
    """
    folder = Path(tempfile.mkdtemp(prefix="deepmodeling-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return copy_template(folder / "deepmodeling-template")


def render(
    destination: Path,
    answers: Mapping[str, Any],
    template: Path | None = None,
    vcs_ref: str | None = "HEAD",
    **kwargs: Any,
) -> Path:
    """Render the template as ``copier copy --defaults`` would.

    By default the working tree, uncommitted changes included, outside git (the
    answers file records no ``_commit``); give ``template`` (a repository, such
    as ``template_repository()`` makes) for a render that records its release.
    """
    if template is None:
        template, vcs_ref = working_tree_template(), None
    run_copy(
        str(template),
        destination,
        data=dict(answers),
        defaults=True,
        vcs_ref=vcs_ref,
        unsafe=False,
        quiet=True,
        **kwargs,
    )
    return destination


def committed_copy(source: Path, destination: Path) -> Path:
    """Copy a stored example and commit it, as its maintainer's first commit would."""
    shutil.copytree(source, destination)
    git_commit_all(destination)
    return destination


def pinned_hook_revs() -> dict[str, str]:
    """Hook repository URL -> version (without ``v``) in the generated pre-commit config."""
    config = (TEMPLATE / ".pre-commit-config.yaml.jinja").read_text(encoding="utf-8")
    pairs = zip(
        (
            line.split("repo:")[1].strip()
            for line in config.splitlines()
            if "- repo:" in line
        ),
        (
            line.split("rev:")[1].strip()
            for line in config.splitlines()
            if " rev:" in line
        ),
        strict=True,
    )
    return {repo: rev.removeprefix("v") for repo, rev in pairs}


def venv(path: Path, requirements: Sequence[str], python: str | None = None) -> Path:
    """Create a virtual environment with uv and install ``requirements``; return its bin."""
    from uv import find_uv_bin

    uv = find_uv_bin()
    run([uv, "venv", "-q", "--python", python or "python3", path], ROOT)
    run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            path / "bin" / "python",
            *requirements,
        ],
        ROOT,
    )
    return path / "bin"


# --- a maintainer's downstream life, then `copier update` ---------------------------

RUFF = "https://github.com/astral-sh/ruff-pre-commit"
BUMPED_RUFF = "0.17.0"


def render_at(
    template_repo: Path, destination: Path, version: str, **answers: object
) -> Path:
    render(destination, {**REQUIRED_ANSWERS, **answers}, template_repo, vcs_ref=version)
    git_commit_all(destination, f"chore: generate from deepmodeling-template {version}")
    return destination


README_SECTION = "\n## Our group\n\nThe Demo group maintains this package.\n"
DOUBLE = '\n\ndef double(value: float) -> float:\n    """Return twice `value`."""\n    return 2 * value\n'
# The maintainers' new dependency, first in the list (the dflow profile's has pydflow).
DEPENDENCY = '"packaging>=23"'
CHECKOUT = ("actions/checkout@v7", "actions/checkout@v8")
NEW_TEST = "tests/test_double.py"
DELETED = ".github/pull_request_template.md"
# The same life in a C++ application (the cpp profile): a function, its test,
# and a version bump where a Python package adds a dependency.
CPP_DOUBLE = "\nnamespace demo_project {\ndouble twice(double value) { return 2 * value; }\n}  // namespace demo_project\n"
CPP_SOURCE = "src/lennard_jones.cpp"
CPP_NEW_TEST = "tests/test_double.cpp"
CPP_VERSION = ("  VERSION 0.1.0\n", "  VERSION 0.2.0\n")


def live(project: Path) -> None:
    """Weeks of maintainers' and bots' commits."""
    with (project / "README.md").open("a", encoding="utf-8") as readme:
        readme.write(README_SECTION)
    if (project / "pyproject.toml").exists():
        package = project / "src" / "demo_project"
        with (package / "units.py").open("a", encoding="utf-8") as units:
            units.write(DOUBLE)
        (project / NEW_TEST).write_text(
            "from __future__ import annotations\n\nfrom demo_project.units import double\n\n\n"
            "def test_double():\n    assert double(2.0) == 4.0\n",
            encoding="utf-8",
        )
        pyproject = project / "pyproject.toml"
        pyproject.write_text(
            with_dependency(pyproject.read_text(encoding="utf-8")), encoding="utf-8"
        )
    else:
        with (project / CPP_SOURCE).open("a", encoding="utf-8") as source:
            source.write(CPP_DOUBLE)
        (project / CPP_NEW_TEST).write_text(
            "#include <gtest/gtest.h>\n\nTEST(Twice, Doubles) { EXPECT_EQ(2, 2); }\n",
            encoding="utf-8",
        )
        replace_once(project / "CMakeLists.txt", *CPP_VERSION)
    git_commit_all(project, "feat: double")

    # pre-commit.ci autoupdate
    replace_once(
        project / ".pre-commit-config.yaml",
        f"rev: v{pinned_hook_revs()[RUFF]}",
        f"rev: v{BUMPED_RUFF}",
    )
    git_commit_all(project, "ci: pre-commit autoupdate")

    # Dependabot
    for workflow in (project / ".github" / "workflows").glob("*.yml"):
        workflow.write_text(
            workflow.read_text(encoding="utf-8").replace(*CHECKOUT), encoding="utf-8"
        )
    git_commit_all(project, "ci: bump actions/checkout from 7 to 8")

    # A file the maintainers do not want
    (project / DELETED).unlink()
    git_commit_all(project, "chore: no pull request template")


def with_dependency(pyproject: str) -> str:
    """``pyproject`` with :data:`DEPENDENCY` first in ``[project] dependencies``."""
    assert pyproject.count("\ndependencies = [") == 1, pyproject
    text = pyproject.replace("\ndependencies = [", f"\ndependencies = [{DEPENDENCY}, ")
    return text.replace(f"[{DEPENDENCY}, ]", f"[{DEPENDENCY}]")


def without_dependency(pyproject: str) -> str:
    """``pyproject`` as it was before :func:`with_dependency`."""
    text = pyproject.replace(f"[{DEPENDENCY}]", "[]")
    return text.replace(f"[{DEPENDENCY}, ", "[")


def update(project: Path, version: str, **answers: object) -> None:
    run_update(
        project,
        data=answers,
        defaults=True,
        overwrite=True,
        vcs_ref=version,
        unsafe=False,
        quiet=True,
        conflict="inline",
    )


def leftovers(project: Path) -> list[str]:
    """What the conflict guard this template publishes reports (empty when clean)."""
    return conflicts.find_leftovers(project, [])


def assert_downstream_kept(project: Path) -> None:
    assert "## Our group" in (project / "README.md").read_text(encoding="utf-8")
    if (project / "pyproject.toml").exists():
        assert "def double" in (
            project / "src" / "demo_project" / "units.py"
        ).read_text(encoding="utf-8")
        assert (project / "tests" / "test_double.py").exists()
        assert f"dependencies = [{DEPENDENCY}" in (
            project / "pyproject.toml"
        ).read_text(encoding="utf-8")
    else:
        assert CPP_DOUBLE in (project / CPP_SOURCE).read_text(encoding="utf-8")
        assert (project / CPP_NEW_TEST).exists()
        assert CPP_VERSION[1] in (project / "CMakeLists.txt").read_text(
            encoding="utf-8"
        )
    assert f"rev: v{BUMPED_RUFF}" in (project / ".pre-commit-config.yaml").read_text(
        encoding="utf-8"
    )
    # Every checkout Dependabot bumped stays bumped (the update is not committed
    # yet); a job the release adds comes at the template's pin, for the bot's
    # next bump.
    for workflow in (project / ".github" / "workflows").glob("*.yml"):
        relative = workflow.relative_to(project).as_posix()
        before = run(["git", "show", f"HEAD:{relative}"], project, check=False).stdout
        after = workflow.read_text(encoding="utf-8")
        assert after.count(CHECKOUT[1]) == before.count(CHECKOUT[1]), workflow
    assert not (project / ".github" / "pull_request_template.md").exists()


def assert_template_change_arrived(project: Path) -> None:
    assert "check-case-conflict" in (project / ".pre-commit-config.yaml").read_text(
        encoding="utf-8"
    )
    if (project / "pyproject.toml").exists():
        assert '"PERF",' in (project / "pyproject.toml").read_text(encoding="utf-8")
    assert "timeout-minutes: 30" in (project / ".github/workflows/tests.yml").read_text(
        encoding="utf-8"
    )
    assert "## Getting help" in (project / "CONTRIBUTING.md").read_text(
        encoding="utf-8"
    )
    assert (project / ".github" / "CODEOWNERS").exists()
    answers = yaml.safe_load(
        (project / ".copier-answers.yml").read_text(encoding="utf-8")
    )
    assert answers["_commit"] == "v0.2.0"
    config = yaml.safe_load(
        (project / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    )
    own = [
        repo
        for repo in config["repos"]
        if repo["repo"].endswith("/deepmodeling-template")
    ]
    assert [repo["rev"] for repo in own] == ["v0.2.0"]


def assert_clean(project: Path) -> None:
    assert leftovers(project) == []
    assert not list(project.rglob("*.rej"))


def dpdata_like(repo: Path) -> Path:
    """A realistic existing project: its own packaging, code, docs, CI and pre-commit."""
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools>=77.0.3", "setuptools_scm[toml]>=7"]\n'
        'build-backend = "setuptools.build_meta"\n\n[project]\nname = "dpdata"\ndynamic = ["version"]\n'
        'license = "LGPL-3.0-or-later"\ndependencies = ["numpy>=1.14.3"]\n',
        "README.md": "# dpdata\n\nManipulating atomistic data formats.\n",
        "dpdata/__init__.py": '"""dpdata."""\n',
        "dpdata/system.py": "class System:\n    pass\n",
        "tests/test_system.py": "def test_system():\n    pass\n",
        "docs/conf.py": 'project = "dpdata"\n',
        "docs/index.rst": "dpdata\n======\n",
        ".github/workflows/test.yml": "name: Python package\non: [push]\njobs: {}\n",
        ".pre-commit-config.yaml": "repos: []\n",
        "AGENTS.md": "# dpdata agents\n",
        "LICENSE": (Path("/usr/share/common-licenses/LGPL-3")).read_text(
            encoding="utf-8"
        ),
    }
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git_commit_all(repo, "initial")
    return repo


# --- the gates ----------------------------------------------------------------------

# pre-commit-hooks entry points, their arguments in the generated config, and the
# file types pre-commit would hand them.
PRE_COMMIT_HOOKS = {
    "check-added-large-files": (["--maxkb=1024"], "file"),
    "check-json": ([], "json"),
    "check-symlinks": ([], "symlink"),
    "check-toml": ([], "toml"),
    "check-yaml": ([], "yaml"),
    "end-of-file-fixer": ([], "text"),
    "mixed-line-ending": (["--fix=lf"], "text"),
    "trailing-whitespace-fixer": ([], "text"),
}


def project_gates(
    project: Path, tools: Path, schema_tools: Path, cff_tools: Path
) -> dict[str, list[list[str | os.PathLike[str]]]]:
    """The commands of the gates every generated project meets, Python package or not.

    Gate name -> commands, run in ``project``: the pre-commit-hooks fixers,
    ruff (also on Markdown, which the hook hands it), codespell, pre-commit's
    config check, the schemas, cffconvert and zizmor.
    """
    files = run(["git", "ls-files"], project).stdout.split()

    def tagged(kind: str) -> list[str]:
        return [f for f in files if kind in tags_from_path(str(project / f))]

    github = project / ".github"
    workflows = sorted(
        str(p.relative_to(project)) for p in (github / "workflows").glob("*.yml")
    )
    forms = sorted(
        str(p.relative_to(project))
        for p in (github / "ISSUE_TEMPLATE").glob("*.yml")
        if p.name != "config.yml"
    )
    schemas = {
        "vendor.github-workflows": workflows,
        "vendor.dependabot": [".github/dependabot.yml"],
        "vendor.readthedocs": [".readthedocs.yaml"],
        "vendor.github-issue-forms": forms,
        "vendor.github-issue-config": [".github/ISSUE_TEMPLATE/config.yml"],
        "vendor.codecov": ["codecov.yml"],
        "vendor.citation-file-format": ["CITATION.cff"],
    }
    return {
        "pre-commit-hooks": [
            [tools / hook, *args, *tagged(kind)]
            for hook, (args, kind) in PRE_COMMIT_HOOKS.items()
        ],
        "ruff": [
            [tools / "ruff", "check", "--no-cache", "."],
            [tools / "ruff", "format", "--check", "--no-cache", "."],
            [tools / "ruff", "format", "--check", "--no-cache", *tagged("markdown")],
        ],
        "codespell": [[tools / "codespell", *tagged("text")]],
        "pre-commit validate-config": [
            [tools / "pre-commit", "validate-config", ".pre-commit-config.yaml"]
        ],
        "schemas": [
            [
                schema_tools / "python",
                ROOT / "tests" / "check_schemas.py",
                *(
                    arg
                    for name, files in schemas.items()
                    for arg in ("--", name, *files)
                ),
            ]
        ],
        "cffconvert": [[cff_tools / "cffconvert", "--validate", "-i", "CITATION.cff"]],
        "zizmor": [[tools / "zizmor", "--offline", "--format", "plain", "."]],
    }


def assert_gate_passed(
    gate: str, results: Sequence[subprocess.CompletedProcess[str]]
) -> None:
    """Fail with the command and its output unless every command of ``gate`` succeeded."""
    for result in results:
        assert result.returncode == 0, (
            f"{gate}: {' '.join(map(str, result.args))} exited {result.returncode}\n"
            f"{result.stdout}\n{result.stderr}"
        )


# --- the checker on small repositories -----------------------------------------------


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text) under ``root``; return ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def outcomes(root: Path, package_dir: str = "") -> dict[str, cli.Outcome]:
    """``dp-standard``'s outcomes for ``root``, by rule ID."""
    return {outcome.name: outcome for outcome in cli.run(root, package_dir)}


def export_commit(commit: str, destination: Path) -> None:
    """Write what Copier reads of this repository at ``commit`` into ``destination``."""
    if run(
        ["git", "cat-file", "-e", f"{commit}^{{commit}}"], ROOT, check=False
    ).returncode:
        if (
            run(["git", "rev-parse", "--is-shallow-repository"], ROOT).stdout.strip()
            == "true"
        ):
            pytest.skip(f"a shallow clone lacks the release commit {commit}")
        pytest.fail(
            f"tests/releases.txt names {commit}, which is not in this repository"
        )
    archive = subprocess.run(
        [
            "git",
            "archive",
            "--format=tar",
            commit,
            "copier.yml",
            "includes",
            "template",
        ],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        extract_all(tar, destination)


def extract_all(tar: tarfile.TarFile, destination: Path) -> None:
    """Extract ``tar`` with the "data" filter where Python has it (3.11.4 and later)."""
    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    tar.extractall(destination, **safe)


COPIER = Path(sys.executable).with_name("copier")


def copier_at_a_terminal(args: Sequence[str], until: bytes, timeout: float = 60) -> str:
    """Run ``copier ARGS`` at a pseudo-terminal until it prints ``until``; its screen, without escapes."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: copier at a terminal
        os.execv(str(COPIER), [str(COPIER), *args])
    seen = b""
    deadline = time.monotonic() + timeout
    try:
        while until not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode("utf-8", "replace"))


def terminal_line(request: pytest.FixtureRequest, line: str) -> None:
    """Show ``line`` in the test report, even with output captured."""
    plugins = request.config.pluginmanager
    reporter = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)


def offline_docs_build(bin_dir: Path, out: Path) -> list[str | os.PathLike[str]]:
    """``sphinx-build`` of ``docs/`` as CI runs it, offline (``-t offline``): warnings are errors."""
    return [
        bin_dir / "sphinx-build",
        "-W",
        "--keep-going",
        "-t",
        "offline",
        "-b",
        "html",
        "-d",
        out / "doctrees",
        "docs",
        out / "html",
    ]


# --- adopting an existing repository --------------------------------------------


def existing_repository(repo: Path, files: dict[str, str]) -> Path:
    """A git repository on `master` holding ``files``, all committed."""
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    run(["git", "init", "-q", "-b", "master"], repo)
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-q", "--no-verify", "-m", "initial"], repo)
    return repo


def readme_adoption_command() -> str:
    """The README's adoption command, as one shell line, without its template URL and destination."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = iter(readme[readme.index("copier copy --skip") :].splitlines())
    words = []
    for line in lines:
        words.append(line.removesuffix("\\").strip())
        if not line.endswith("\\"):
            break
    command = " ".join(words)
    url = " https://github.com/deepmodeling/deepmodeling-template ."
    assert command.endswith(url), command
    return command.removesuffix(url)


def adopt(repo: Path, **answers: Any) -> subprocess.CompletedProcess[str]:
    """Run the README's adoption command in ``repo``, answering ``answers`` (the rest: defaults)."""
    data = " ".join(
        f"--data {key}={shlex.quote(str(value))}"
        for key, value in {**REQUIRED_ANSWERS, **answers}.items()
    )
    command = f"{readme_adoption_command()} {data} --vcs-ref=HEAD --defaults {ROOT} ."
    return subprocess.run(
        ["bash", "-c", command],
        cwd=repo,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            **GIT_ENV,
            "PATH": f"{COPIER.parent}{os.pathsep}{os.environ['PATH']}",
        },
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


def snapshot(repo: Path) -> dict[str, bytes]:
    """Every file of ``repo`` outside .git, with its bytes."""
    return {
        str(path.relative_to(repo)): path.read_bytes()
        for path in repo.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(repo).parts[:1]
    }


def adopted(
    repo: Path, files: dict[str, str], **answers: Any
) -> tuple[Path, dict[str, bytes], str]:
    """An existing repository of ``files`` after the README's adoption command.

    Returns the repository, its files before adoption and Copier's message.
    """
    existing_repository(repo, files)
    before = snapshot(repo)
    result = adopt(repo, **answers)
    assert result.returncode == 0, result.stderr
    return repo, before, result.stderr


def files_adoption_adds(destination: Path, profile: str) -> set[str]:
    """Every file that adopting can add for ``profile`` (all options on), answers file aside."""
    answers = {
        "adopting": True,
        "profile": profile,
        "gitee_mirror": True,
        "update_bot": True,
    }
    project = render(destination, {**REQUIRED_ANSWERS, **answers})
    return {
        str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()
    } - {".copier-answers.yml"}


def added_files(repo: Path) -> set[str]:
    """The files adoption added; fails unless all of them are new (`??`) files."""
    status = run(
        ["git", "status", "--porcelain", "--untracked-files=all"], repo
    ).stdout.splitlines()
    assert status, "adoption added nothing"
    assert all(line.startswith("?? ") for line in status), (
        status
    )  # nothing of theirs changed
    return {line[3:] for line in status}
