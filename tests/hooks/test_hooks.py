"""Tests of the pre-commit hooks (src/deepmodeling_template/hooks)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from deepmodeling_template.hooks import conflicts, freshness
from tests.helpers import ROOT, git_commit_all

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

COPIER_BLOCK = (
    "import os\n"
    "<<<<<<< before updating\n"
    "x = 1\n"
    "=======\n"
    "x = 2\n"
    ">>>>>>> after updating\n"
    "print(x)\n"
)


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch, tmp_path):
    """Keep git from seeing an outer repository or hook environment."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A fresh git work tree as the current directory."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def plain_dir(tmp_path, monkeypatch):
    """A directory that is not inside any git work tree."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def installed_script(name):
    """Find a console script of this package; fail when it is not installed.

    A missing script means the package is not installed as the tests expect,
    which must not pass as a skip.
    """
    beside = Path(sys.executable).with_name(name)
    script = str(beside) if beside.is_file() else shutil.which(name)
    if script is None:
        pytest.fail(
            f"the console script {name} is not installed next to {sys.executable} "
            "or on PATH: install this repository with `pip install -e .`"
        )
    return script


def check_conflicts(capsys, *argv):
    code = conflicts.main(list(argv))
    return code, capsys.readouterr().out


# --- check-copier-conflicts -------------------------------------------------


def test_clean_tree_passes_silently(repo, capsys):
    (repo / "a.py").write_text("x = 1\n")
    (repo / "docs").mkdir()
    (repo / "docs" / "b.rst").write_text("Title\n=====\n\ntext\n")
    git_commit_all(repo, "init")
    assert check_conflicts(capsys) == (0, "")


def test_copier_block_reports_every_marker_line(repo, capsys):
    (repo / "pkg").mkdir()
    (repo / "pkg" / "mod.py").write_text(COPIER_BLOCK)
    code, out = check_conflicts(capsys)
    assert code == 1
    expected = [f"pkg/mod.py:{n}: {conflicts.MARKER_MESSAGE}" for n in (2, 4, 6)]
    assert out.splitlines()[:3] == expected
    assert conflicts.HINT in out


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a\n<<<<<<< before updating\nb\n", 2),
        ("a\nb\n>>>>>>> after updating\n", 3),
        ("<<<<<<< HEAD\r\nx\r\n=======\r\ny\r\n>>>>>>> other\r\n", 3),
    ],
    ids=["open-only", "close-only", "crlf-separator"],
)
def test_each_marker_kind_fails_with_path_and_line(repo, capsys, text, line):
    (repo / "f.txt").write_bytes(text.encode())
    code, out = check_conflicts(capsys)
    assert code == 1
    assert f"f.txt:{line}: {conflicts.MARKER_MESSAGE}" in out.splitlines()


def test_markdown_setext_underline_passes(repo, capsys):
    (repo / "README.md").write_text("Title\n=======\n\nBody\n\nOther\n=======\n")
    assert check_conflicts(capsys) == (0, "")


def test_separator_outside_a_block_is_not_reported(repo, capsys):
    text = "Title\n=======\n<<<<<<< before updating\na\n=======\nb\n>>>>>>> after\n"
    (repo / "doc.md").write_text(text)
    code, out = check_conflicts(capsys)
    assert code == 1
    assert [line.split(":")[1] for line in out.splitlines()[:3]] == ["3", "5", "7"]
    assert "doc.md:2:" not in out


def test_separator_after_unclosed_open_marker_is_not_reported(repo, capsys):
    (repo / "doc.md").write_text("<<<<<<< before updating\nTitle\n=======\n")
    code, out = check_conflicts(capsys)
    assert code == 1
    assert "doc.md:1:" in out
    assert "doc.md:3:" not in out


def test_marker_needs_the_space(repo, capsys):
    (repo / "art.txt").write_text("<<<<<<<<<<\n>>>>>>>>\n")
    assert check_conflicts(capsys) == (0, "")


def test_untracked_rej_file_fails(repo, capsys):
    (repo / "setup.cfg.rej").write_text("@@ -1 +1 @@\n-a\n+b\n")
    code, out = check_conflicts(capsys)
    assert code == 1
    assert out.splitlines()[0] == f"setup.cfg.rej: {conflicts.REJECT_MESSAGE}"


def test_ignored_rej_file_passes(repo, capsys):
    (repo / ".gitignore").write_text("*.rej\n")
    (repo / "setup.cfg.rej").write_text("@@ -1 +1 @@\n-a\n+b\n")
    assert check_conflicts(capsys) == (0, "")


def test_deleted_tracked_rej_file_passes(repo, capsys):
    (repo / "old.rej").write_text("hunk\n")
    git_commit_all(repo, "oops")
    (repo / "old.rej").unlink()
    assert check_conflicts(capsys) == (0, "")


def test_binary_file_with_marker_bytes_is_ignored(repo, capsys):
    (repo / "data.bin").write_bytes(b"\x00\x01" + COPIER_BLOCK.encode())
    assert check_conflicts(capsys) == (0, "")


def test_undecodable_file_is_ignored(repo, capsys):
    (repo / "latin.txt").write_bytes(COPIER_BLOCK.encode() + b"caf\xe9\n")
    assert check_conflicts(capsys) == (0, "")


def test_filenames_limit_marker_scan_but_not_rej_scan(repo, capsys):
    (repo / "checked.py").write_text("x = 1\n")
    (repo / "unchecked.py").write_text(COPIER_BLOCK)
    (repo / "sub").mkdir()
    (repo / "sub" / "x.toml.rej").write_text("hunk\n")
    code, out = check_conflicts(capsys, "checked.py")
    assert code == 1
    assert "unchecked.py" not in out
    assert f"sub/x.toml.rej: {conflicts.REJECT_MESSAGE}" in out.splitlines()


def test_filenames_are_scanned_for_markers(repo, capsys):
    (repo / "a.py").write_text(COPIER_BLOCK)
    code, out = check_conflicts(capsys, "a.py", "missing.py")
    assert code == 1
    assert f"a.py:2: {conflicts.MARKER_MESSAGE}" in out


def test_outside_git_walks_the_tree_but_skips_dot_git(plain_dir, capsys):
    (plain_dir / ".git").mkdir()
    (plain_dir / ".git" / "stale.rej").write_text("hunk\n")
    (plain_dir / ".git" / "MERGE_MSG").write_text(COPIER_BLOCK)
    (plain_dir / "deep" / "er").mkdir(parents=True)
    (plain_dir / "deep" / "er" / "a.rej").write_text("hunk\n")
    (plain_dir / "deep" / "b.cfg").write_text(COPIER_BLOCK)
    code, out = check_conflicts(capsys)
    assert code == 1
    assert ".git" not in out
    assert f"deep/b.cfg:2: {conflicts.MARKER_MESSAGE}" in out
    assert f"deep/er/a.rej: {conflicts.REJECT_MESSAGE}" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (COPIER_BLOCK, [2, 4, 6]),
        ("Title\n=======\n", []),
        ("=======\n>>>>>>> x\n", [2]),
        ("<<<<<<< a\n=======\n=======\n>>>>>>> b\n", [1, 2, 3, 4]),
        ("<<<<<<< a\n=======\n<<<<<<< a\n>>>>>>> b\n", [1, 3, 4]),
        ("<<<<<<< a\n======= \n>>>>>>> b\n", [1, 3]),
    ],
)
def test_marker_lines(text, expected):
    assert conflicts.marker_lines(text) == expected


def test_installed_conflicts_script(repo):
    script = installed_script("check-copier-conflicts")
    (repo / "a.py").write_text(COPIER_BLOCK)
    result = subprocess.run([script], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert f"a.py:2: {conflicts.MARKER_MESSAGE}" in result.stdout


# --- check-template-version -------------------------------------------------


@pytest.fixture
def project(plain_dir, monkeypatch):
    """A project directory whose hook believes v0.3.0 is the newest release."""
    monkeypatch.setattr(freshness, "own_version", lambda: "0.3.0")
    return plain_dir


def write_answers(directory, commit, name=".copier-answers.yml"):
    answers = {"_src_path": "gh:deepmodeling/deepmodeling-template"}
    if commit is not None:
        answers["_commit"] = commit
    (directory / name).write_text(yaml.safe_dump(answers))


def check_version(capsys, *argv):
    code = freshness.main(list(argv))
    return code, capsys.readouterr().out


def fails_saying(capsys, *phrases: str) -> str:
    """Run the hook: it must fail, printing each of ``phrases``; returns what it printed."""
    code, out = check_version(capsys)
    assert code == 1
    for phrase in phrases:
        assert phrase in out, out
    return out


def test_behind_fails_with_update_instructions(project, capsys):
    write_answers(project, "v0.2.0")
    fails_saying(
        capsys,
        "on template v0.2.0",
        "newest deepmodeling-template release is v0.3.0",
        "copier update --defaults",
        "CHANGELOG",
    )


@pytest.mark.parametrize("commit", ["v0.3.0", "0.3.0", "v0.3", "v0.4.0", "v1.0.0"])
def test_equal_or_ahead_passes_silently(project, capsys, commit):
    write_answers(project, commit)
    assert check_version(capsys) == (0, "")


@pytest.mark.parametrize(
    ("commit", "code"),
    [("v0.3.0-5-gabc1234", 0), ("v0.2.9-12-g0123abcdef", 1), ("v0.2.0-1-gdeadbee", 1)],
)
def test_describe_suffix_means_after_the_tag(project, capsys, commit, code):
    write_answers(project, commit)
    assert check_version(capsys)[0] == code


def test_non_release_commit_fails_with_vcs_ref_hint(project, capsys):
    write_answers(project, "abc1234")
    fails_saying(capsys, "copier update --defaults --vcs-ref v0.3.0")


def test_missing_commit_fails(project, capsys):
    write_answers(project, None)
    fails_saying(capsys, "has no `_commit`")


def test_missing_answers_file_fails_with_adoption_pointer(project, capsys):
    fails_saying(
        capsys,
        ".copier-answers.yml not found",
        "not generated from deepmodeling-template",
        "README",
        "--answers-file",
    )


@pytest.mark.parametrize(
    "text", ["_commit: [v0.1.0\n", "\t_commit: v0.1.0\n", "- just\n- a list\n"]
)
def test_broken_answers_file_fails_without_traceback(project, capsys, text):
    (project / ".copier-answers.yml").write_text(text)
    out = fails_saying(capsys, ".copier-answers.yml")
    assert "Traceback" not in out


def test_undecodable_answers_file_fails_cleanly(project, capsys):
    (project / ".copier-answers.yml").write_bytes(b"_commit: v0.1.0\xff\n")
    fails_saying(capsys, "cannot be read")


def test_warn_only_prints_but_passes(project, capsys):
    write_answers(project, "v0.2.0")
    code, out = check_version(capsys, "--warn-only")
    assert code == 0
    assert "copier update --defaults" in out


def test_warn_only_covers_missing_answers_file(project, capsys):
    code, out = check_version(capsys, "--warn-only")
    assert code == 0
    assert "not found" in out


def test_answers_file_option(project, capsys):
    write_answers(project, "v0.1.0", name="answers.yml")
    code, out = check_version(capsys, "--answers-file", "answers.yml")
    assert code == 1
    assert "on template v0.1.0" in out


def test_newest_option_overrides_own_version(project, capsys):
    write_answers(project, "v0.4.0")
    code, out = check_version(capsys, "--newest", "v0.5.0")
    assert code == 1
    assert "newest deepmodeling-template release is v0.5.0" in out


def test_bad_newest_option_fails(project, capsys):
    write_answers(project, "v0.4.0")
    code, out = check_version(capsys, "--newest", "latest")
    assert code == 1
    assert "not a release" in out


@pytest.mark.parametrize("version", ["0.0.0", "0.3.1.dev2+g1234abc", "1.0.0rc1", None])
def test_unknown_own_version_passes_silently(plain_dir, monkeypatch, capsys, version):
    monkeypatch.setattr(freshness, "own_version", lambda: version)
    write_answers(plain_dir, "not-a-release")
    assert check_version(capsys) == (0, "")


def write_pre_commit_config(directory, rev, hook_id=freshness.HOOK_ID):
    config = {
        "repos": [
            {
                "repo": "https://example.invalid/other",
                "rev": "v9.9.9",
                "hooks": [{"id": "x"}],
            },
            {
                "repo": "https://example.invalid/tpl",
                "rev": rev,
                "hooks": [{"id": hook_id}],
            },
        ]
    }
    (directory / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))


def test_dev_own_version_falls_back_to_pinned_rev(plain_dir, monkeypatch, capsys):
    monkeypatch.setattr(freshness, "own_version", lambda: "0.0.1.dev1+gabc1234")
    write_pre_commit_config(plain_dir, "v0.3.0")
    write_answers(plain_dir, "v0.2.0")
    fails_saying(capsys, "newest deepmodeling-template release is v0.3.0")


@pytest.mark.parametrize(
    ("rev", "hook_id"),
    [("v0.3.0", "check-copier-conflicts"), ("0123456789abcdef", freshness.HOOK_ID)],
)
def test_pinned_rev_needs_this_hook_and_a_tag(
    plain_dir, monkeypatch, capsys, rev, hook_id
):
    monkeypatch.setattr(freshness, "own_version", lambda: "0.0.0")
    write_pre_commit_config(plain_dir, rev, hook_id)
    write_answers(plain_dir, "v0.2.0")
    assert check_version(capsys) == (0, "")


def test_broken_pre_commit_config_is_ignored(plain_dir, monkeypatch, capsys):
    monkeypatch.setattr(freshness, "own_version", lambda: "0.0.0")
    (plain_dir / ".pre-commit-config.yaml").write_text("repos: [\n")
    write_answers(plain_dir, "v0.2.0")
    assert check_version(capsys) == (0, "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v1.2.3", (1, 2, 3, 0)),
        ("1.2", (1, 2, 0, 0)),
        ("v1.2.3-4-gabc", (1, 2, 3, 4)),
        ("1.2.3.dev4+gabc", None),
        ("v1.2.3-rc1", None),
        ("deadbeef", None),
    ],
)
def test_parse_release(text, expected):
    assert freshness.parse_release(text) == expected


def test_installed_version_script(plain_dir):
    script = installed_script("check-template-version")
    write_answers(plain_dir, "v0.1.0")
    result = subprocess.run(
        [script, "--newest", "v0.2.0"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "on template v0.1.0" in result.stdout
    assert result.stderr == ""


# --- published hook metadata --------------------------------------------------


def test_published_hooks_match_console_scripts():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    scripts = pyproject["project"]["scripts"]
    assert [hook["id"] for hook in hooks] == [
        "check-copier-conflicts",
        "check-template-version",
        "check-deepmodeling-standard",
    ]
    for hook in hooks:
        assert hook["entry"] in scripts
        assert hook["language"] == "python"
        assert hook["always_run"] is True
        assert hook["pass_filenames"] is False
    assert scripts == {
        "check-copier-conflicts": "deepmodeling_template.hooks.conflicts:main",
        "check-template-version": "deepmodeling_template.hooks.freshness:main",
        "dp-standard": "deepmodeling_template.standard.cli:main",
    }
