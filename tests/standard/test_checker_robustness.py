"""The checker and hooks on repositories as they come: odd layouts, odd files, odd CI.

Each case is a small repository written by hand; ``dp-standard`` and the hooks
must give a clear result for it, never a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from deepmodeling_template.hooks import conflicts
from deepmodeling_template.standard import cli
from examples import regenerate
from tests.helpers import ROOT, committed_copy, outcomes, write

# The installed checker is a development version: releases come from the pinned rev.
pytestmark = pytest.mark.usefixtures("newest_release_from_pinned_rev")

EXAMPLE = ROOT / "examples" / "python"
STAMP_REFERENCE = (
    "# X\n\nX has joined the [DeepModeling community][dpc] as a **Sandbox** project.\n\n"
    "[dpc]: https://github.com/deepmodeling/community\n"
)


def workflow(steps: str) -> str:
    return (
        "on: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        f"    steps:\n{steps}      - run: pytest\n"
    )


def dp401(root: Path, steps: str) -> bool | None:
    """DP401 for a project supporting 3.10 to 3.13, tested by a job with ``steps``."""
    write(
        root,
        {
            "pyproject.toml": requiring("3.10", "3.13"),
            ".github/workflows/ci.yml": workflow(steps),
        },
    )
    return outcomes(root)["DP401"].result


def requiring(oldest: str, newest: str) -> str:
    return (
        f'[project]\nname = "x"\nrequires-python = ">={oldest}"\n'
        f'classifiers = ["Programming Language :: Python :: {oldest}", '
        f'"Programming Language :: Python :: {newest}"]\n'
    )


# --- dp-standard's command line -------------------------------------------------


@pytest.fixture
def behind(tmp_path) -> Path:
    """The python example after pre-commit.ci moved the template hook to a newer rev."""
    project = shutil.copytree(EXAMPLE, tmp_path / "project")
    config = project / ".pre-commit-config.yaml"
    text = config.read_text(encoding="utf-8")
    release = f"rev: {regenerate.template_release()}"
    assert release in text
    config.write_text(text.replace(release, "rev: v99.0.0"), encoding="utf-8")
    return project


def test_a_warned_rule_reports_without_failing(behind, capsys):
    assert cli.main([str(behind), "--warn", "DP702"]) == 0
    out = capsys.readouterr().out
    assert "0 failed, 1 warned" in out
    assert "DP702 WARNING" in out and "v99.0.0" in out
    assert cli.main([str(behind)]) == 1
    assert "DP702 FAILED" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("hook_id", "args"),
    [
        ("check-deepmodeling-standard", ["--warn", "DP702"]),
        ("check-template-version", ["--warn-only"]),
    ],
)
def test_published_hooks_only_warn_when_behind(hook_id, args):
    """In the manifest, so projects whose own config has no `args` get it too."""
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {hook["id"]: hook.get("args") for hook in manifest}[hook_id] == args


def test_unknown_rule_and_missing_package_dir_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as refused:
        cli.main([str(tmp_path), "--warn", "DP999"])
    assert refused.value.code == 2
    assert "no rule DP999" in capsys.readouterr().err
    assert cli.main([str(tmp_path), "--package-dir", "typo"]) == 1
    assert "--package-dir typo" in capsys.readouterr().err


# --- a Python package below the top of a C++ repository --------------------------


def test_package_below_the_top_reads_scm_files_at_the_top(tmp_path):
    root = write(
        tmp_path,
        {
            "LICENSE": (EXAMPLE / "LICENSE").read_text(encoding="utf-8"),
            ".git_archival.txt": (EXAMPLE / ".git_archival.txt").read_text(
                encoding="utf-8"
            ),
            ".gitattributes": ".git_archival.txt  export-subst\n",
            "python/pkg/pyproject.toml": (
                '[build-system]\nrequires = ["setuptools>=77.0.3", "setuptools-scm>=8"]\n'
                '[project]\nname = "pkg"\ndynamic = ["version"]\n'
                'license = "LGPL-3.0-or-later"\nlicense-files = ["LICENSE"]\n'
                '[tool.setuptools_scm]\nroot = "../.."\n'
            ),
        },
    )
    results = outcomes(root, "python/pkg")
    assert results["DP206"].result is True
    assert results["DP101"].result is False
    assert "at the top of the repository but not in the Python package" in (
        results["DP101"].message
    )


@pytest.mark.parametrize(
    ("line", "marked"),
    [
        ("python/pkg/.git_archival.txt  export-subst", True),
        (".git_archival.txt export-subst", True),  # no slash: any directory
        ("**/.git_archival.txt export-subst", True),
        ("/.git_archival.txt export-subst", False),  # only the top-level file
        ("python/pkg/.git_archival.txt -export-subst", False),
    ],
)
def test_top_level_attributes_mark_the_package_archival_file(tmp_path, line, marked):
    write(
        tmp_path,
        {
            ".gitattributes": line + "\n",
            "python/pkg/.git_archival.txt": (EXAMPLE / ".git_archival.txt").read_text(
                encoding="utf-8"
            ),
            "python/pkg/pyproject.toml": (
                '[build-system]\nrequires = ["setuptools>=77.0.3", "setuptools-scm>=8"]\n'
                '[project]\nname = "pkg"\ndynamic = ["version"]\n'
                '[tool.setuptools_scm]\nroot = "../.."\n'
            ),
        },
    )
    assert outcomes(tmp_path, "python/pkg")["DP206"].result is marked


# --- license metadata ------------------------------------------------------------


@pytest.mark.parametrize(
    ("license", "valid"),
    [
        ("MIT License", False),
        ("GNU Lesser General Public License v3", False),
        ("MIT/X11", False),
        ("MIT OR Apache-2.0", True),
        ("LicenseRef-Proprietary", True),
    ],
)
def test_license_must_be_an_spdx_expression(tmp_path, license, valid):
    write(
        tmp_path, {"pyproject.toml": f'[project]\nname = "x"\nlicense = "{license}"\n'}
    )
    result = outcomes(tmp_path)["DP202"]
    assert result.result is valid
    if not valid:
        assert "not an SPDX license expression" in result.message


# --- CI on conda -------------------------------------------------------------------


def test_setup_miniconda_versions_count(tmp_path):
    steps = "".join(
        "      - uses: conda-incubator/setup-miniconda@v3\n"
        f'        with:\n          python-version: "{version}"\n'
        for version in ("3.10", "3.13")
    )
    assert dp401(tmp_path, steps) is True


def test_setup_micromamba_reads_the_python_it_creates(tmp_path):
    steps = (
        "      - uses: mamba-org/setup-micromamba@v2\n"
        "        with:\n          create-args: python=3.10 numpy\n"
        "      - uses: mamba-org/setup-micromamba@v2\n"
        "        with:\n          create-args: >-\n            python=3.13\n"
    )
    assert dp401(tmp_path, steps) is True


def test_a_python_version_file_is_not_judged(tmp_path):
    steps = (
        "      - uses: actions/setup-python@v6\n"
        "        with:\n          python-version-file: .python-version\n"
    )
    assert dp401(tmp_path, steps) is None


# --- README stamp ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["README.md", "readme.md", "Readme.md"])
def test_stamp_with_a_reference_link_in_any_readme_name(tmp_path, name):
    write(tmp_path, {name: STAMP_REFERENCE})
    assert outcomes(tmp_path)["DP606"].result is True


def test_stamp_reference_to_another_url_does_not_count(tmp_path):
    text = STAMP_REFERENCE.replace("deepmodeling/community", "deepmodeling/other")
    write(tmp_path, {"README.md": text})
    assert outcomes(tmp_path)["DP606"].result is False


# --- files that would break a naive reader -------------------------------------------


def test_deep_cyclic_and_mistyped_files_fail_with_messages(tmp_path, capsys):
    deep = "x: " + "[" * 5000 + "]" * 5000 + "\n"
    write(
        tmp_path,
        {
            ".github/workflows/deep.yml": deep,
            ".pre-commit-config.yaml": "repos: &r [*r]\n",
            "pyproject.toml": 'tool = "x"\n[project]\nname = "x"\nlicense = "MIT"\n',
            ".copier-answers.yml": "_commit: " + "[" * 5000 + "]" * 5000 + "\n",
        },
    )
    assert cli.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "`.github/workflows/deep.yml` is nested too deeply to read" in out
    assert "`.pre-commit-config.yaml` has a YAML alias that contains itself" in out
    assert "nested too deeply to read, restore it" in out  # DP701 on the answers file
    assert outcomes(tmp_path)["DP201"].result is True  # `tool = "x"` read, not fatal


def test_dates_as_yaml_keys_are_read(tmp_path):
    write(tmp_path, {"CITATION.cff": "2024-01-01: x\ntitle: X\n"})
    result = outcomes(tmp_path)["DP605"]
    assert result.result is False
    assert "lacks" in result.message


def test_deep_toml_is_a_failed_rule(tmp_path):
    write(tmp_path, {"pyproject.toml": "x = " + "[" * 5000 + "]" * 5000 + "\n"})
    result = outcomes(tmp_path)["DP201"]
    assert result.result is False
    assert "nested too deeply" in result.message


# --- check-copier-conflicts ------------------------------------------------------------


def test_conflict_hook_prints_file_names_that_are_not_utf8(tmp_path):
    repo = committed_copy(EXAMPLE, tmp_path / "project")
    (repo / "README.md").write_text("<<<<<<< before updating\n=======\n>>>>>>> after\n")
    (repo / "README.md").rename(repo / "README\udcff.md")
    (repo / "bad\udcfe.rej").write_text("hunk\n")
    result = subprocess.run(
        [Path(sys.executable).with_name("check-copier-conflicts")],
        cwd=repo,
        capture_output=True,
        env={"PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert b"Traceback" not in result.stderr
    assert b"README\\udcff.md" in result.stdout
    assert b"bad\\udcfe.rej" in result.stdout


def test_conflict_hook_skips_files_larger_than_any_template_file(tmp_path):
    large = tmp_path / "data.txt"
    with large.open("w", encoding="utf-8") as data:
        data.write("<<<<<<< before updating\n=======\n>>>>>>> after updating\n")
        data.write("x" * (conflicts.MAX_BYTES + 1))
    assert conflicts.read_text(large) is None
    small = write(tmp_path, {"small.txt": "<<<<<<< a\n=======\n>>>>>>> b\n"})
    assert conflicts.read_text(small / "small.txt") is not None
