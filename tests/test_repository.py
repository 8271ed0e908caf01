"""The template repository follows the standards it generates."""

from __future__ import annotations

import pytest

from conftest import ROOT, run

pytestmark = pytest.mark.slow


def test_pre_commit_files_are_valid(tools):
    run([tools / "pre-commit", "validate-config", ".pre-commit-config.yaml"], ROOT)
    run([tools / "pre-commit", "validate-manifest", ".pre-commit-hooks.yaml"], ROOT)


def test_own_code_is_ruff_clean(tools):
    run([tools / "ruff", "check", "--no-cache", "."], ROOT)
    run([tools / "ruff", "format", "--check", "--no-cache", "."], ROOT)


def test_own_workflows_pass_zizmor(tools):
    result = run([tools / "zizmor", "--offline", "--format", "plain", ".github"], ROOT)
    assert "No findings to report" in result.stdout
