"""Each rule alone, on small repositories written here, without Copier.

The rules run through repo-review's own test helper, `compute_check`, as
sp-repo-review's are tested: the rule's ``requires`` are not consulted, so
each case holds only the files the rule reads.  Every rule has at least one
case that passes and one that fails; none depends on the template's text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from repo_review.testing import compute_check

from deepmodeling_template import standard
from deepmodeling_template.standard import cli
from tests.helpers import write

if TYPE_CHECKING:
    from pathlib import Path

# --- small files ------------------------------------------------------------------

MIT = (
    "MIT License\n\nCopyright (c) 2026 Ada\n\nPermission is hereby granted, free of "
    "charge, to any person obtaining a copy of this software...\n"
)
LGPL = "GNU LESSER GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n"
PROJECT = '[project]\nname = "x"\nlicense = "MIT"\nlicense-files = ["LICENSE"]\n'
BUILD = (
    '[build-system]\nrequires = ["setuptools>=77.0.3", "setuptools-scm>=8"]\n'
    'build-backend = "setuptools.build_meta"\n'
)
SCM = BUILD + PROJECT + 'dynamic = ["version"]\n[tool.setuptools_scm]\n'
PYTHONS = (
    '[project]\nname = "x"\nrequires-python = ">=3.10"\n'
    'classifiers = ["Programming Language :: Python :: 3.10", '
    '"Programming Language :: Python :: 3.13"]\n'
)
CITATION = (
    "cff-version: 1.2.0\nmessage: Cite it.\ntitle: x\nauthors:\n"
    "  - name: Ada\nlicense: MIT\n"
)
HOOKS = "https://github.com/pre-commit/pre-commit-hooks"
CORE_HOOKS = "".join(
    f"      - id: {hook}\n"
    for hook in (
        "check-added-large-files",
        "check-toml",
        "check-yaml",
        "end-of-file-fixer",
        "trailing-whitespace",
    )
)
PRECOMMIT = f"repos:\n  - repo: {HOOKS}\n    rev: v6.0.0\n    hooks:\n{CORE_HOOKS}"
RUFF = (
    "  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.16.3\n"
    "    hooks:\n      - id: ruff-check\n      - id: ruff-format\n"
)
TEMPLATE_HOOKS = (
    "  - repo: https://github.com/deepmodeling/deepmodeling-template\n"
    "    rev: v1.0.0\n    hooks:\n      - id: check-copier-conflicts\n"
    "      - id: check-template-version\n"
)
CI_BLOCK = 'ci:\n  autofix_commit_msg: "style: pre-commit fixes"\n'


def workflow(steps: str, permissions: str = "permissions: {}\n") -> str:
    return (
        f"on: push\n{permissions}jobs:\n  test:\n    runs-on: ubuntu-latest\n"
        f"    steps:\n{steps}"
    )


TESTS = workflow(
    "      - uses: actions/setup-python@v6\n"
    "        with:\n          python-version: ${{ matrix.python }}\n"
    "      - run: pytest\n"
).replace(
    "    runs-on: ubuntu-latest\n",
    "    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
    '        python: ["3.10", "3.13"]\n',
)
PUBLISH = workflow(
    "      - uses: pypa/gh-action-pypi-publish@release/v1\n",
    "permissions: {}\n",
).replace("  test:\n", "  publish:\n    permissions:\n      id-token: write\n")
TOKEN_PUBLISH = workflow(
    "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
    "        with:\n          password: ${{ secrets.PYPI_TOKEN }}\n"
)
ISSUE_FORM = (
    "name: Bug report\ndescription: Something is broken\nbody:\n"
    "  - type: textarea\n    attributes:\n      label: What happened\n"
)
STAMP = (
    "# X\n\nX has joined the [DeepModeling community][dpc] as a **Sandbox** "
    "project.\n\n[dpc]: https://github.com/deepmodeling/community\n"
)
CONF = 'project = "x"\nextensions = ["deepmodeling_sphinx"]\n'
RTD = "version: 2\nsphinx:\n  configuration: docs/conf.py\n"
ANSWERS = "_commit: v1.0.0\n_src_path: gh:deepmodeling/deepmodeling-template\n"
CMAKE = "cmake_minimum_required(VERSION 3.25)\nproject(x CXX)\ninclude(CTest)\n"
PRESETS = (
    '{"version": 6, "configurePresets": [{"name": "dev"}, {"name": "sanitizers", '
    '"cacheVariables": {"CMAKE_CXX_FLAGS": "-fsanitize=address,undefined"}}]}\n'
)
CLANG_FORMAT = (
    "  - repo: https://github.com/pre-commit/mirrors-clang-format\n"
    "    rev: v22.1.8\n    hooks:\n      - id: clang-format\n"
)

# rule -> (files that pass, files that fail)
CASES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "DP101": ({"LICENSE": MIT}, {"README.md": "# x\n"}),
    "DP102": (
        {"LICENSE": MIT, "pyproject.toml": PROJECT},
        {"LICENSE": LGPL, "pyproject.toml": PROJECT},
    ),
    "DP103": (
        {"CITATION.cff": CITATION, "pyproject.toml": PROJECT},
        {
            "CITATION.cff": CITATION.replace("MIT", "Apache-2.0"),
            "pyproject.toml": PROJECT,
        },
    ),
    "DP104": (
        {"LICENSE": MIT, "pyproject.toml": PROJECT},
        {
            "LICENSE": MIT,
            "pyproject.toml": PROJECT
            + 'classifiers = ["License :: OSI Approved :: MIT License"]\n',
        },
    ),
    "DP201": ({"pyproject.toml": PROJECT}, {"setup.py": "setup()\n"}),
    "DP202": (
        {"pyproject.toml": PROJECT},
        {"pyproject.toml": PROJECT.replace('"MIT"', '"GPL-3.0+"')},
    ),
    "DP203": (
        {"LICENSE": MIT, "pyproject.toml": PROJECT},
        {"LICENSE": MIT, "pyproject.toml": PROJECT.replace("license-files", "x")},
    ),
    "DP204": (
        {"pyproject.toml": BUILD + PROJECT},
        {"pyproject.toml": BUILD.replace(">=77.0.3", ">=61") + PROJECT},
    ),
    "DP205": ({"pyproject.toml": SCM}, {"pyproject.toml": BUILD + PROJECT}),
    "DP206": (
        {
            "pyproject.toml": SCM,
            ".git_archival.txt": "node: $Format:%H$\ndescribe-name: "
            "$Format:%(describe:tags=true,match=*[0-9]*)$\n",
            ".gitattributes": ".git_archival.txt  export-subst\n",
        },
        {"pyproject.toml": SCM},
    ),
    "DP207": (
        {"pyproject.toml": PYTHONS},
        {"pyproject.toml": PYTHONS.replace(">=3.10", ">=3.8")},
    ),
    "DP301": ({".pre-commit-config.yaml": PRECOMMIT}, {"README.md": "# x\n"}),
    "DP302": (
        {".pre-commit-config.yaml": PRECOMMIT},
        {".pre-commit-config.yaml": PRECOMMIT.replace("      - id: check-toml\n", "")},
    ),
    "DP303": (
        {"pyproject.toml": PROJECT, ".pre-commit-config.yaml": PRECOMMIT + RUFF},
        {"pyproject.toml": PROJECT, ".pre-commit-config.yaml": PRECOMMIT},
    ),
    "DP304": (
        {".pre-commit-config.yaml": PRECOMMIT + TEMPLATE_HOOKS},
        {".pre-commit-config.yaml": PRECOMMIT},
    ),
    "DP305": (
        {".pre-commit-config.yaml": PRECOMMIT + CI_BLOCK},
        {".pre-commit-config.yaml": PRECOMMIT},
    ),
    "DP401": (
        {"pyproject.toml": PYTHONS, ".github/workflows/tests.yml": TESTS},
        {
            "pyproject.toml": PYTHONS,
            ".github/workflows/tests.yml": TESTS.replace(', "3.13"', ""),
        },
    ),
    "DP402": (
        {".github/workflows/release.yml": PUBLISH},
        {".github/workflows/release.yml": workflow("      - run: twine upload\n")},
    ),
    "DP403": (
        {".github/workflows/release.yml": PUBLISH},
        {".github/workflows/release.yml": TOKEN_PUBLISH},
    ),
    "DP404": (
        {".github/workflows/tests.yml": TESTS},
        {".github/workflows/tests.yml": TESTS.replace("permissions: {}\n", "")},
    ),
    "DP405": (
        {
            ".github/dependabot.yml": "version: 2\nupdates:\n"
            "  - package-ecosystem: github-actions\n    directory: /\n"
            "    schedule:\n      interval: weekly\n"
        },
        {".github/dependabot.yml": "version: 2\nupdates: []\n"},
    ),
    "DP501": ({"docs/conf.py": CONF}, {"mkdocs.yml": "site_name: x\n"}),
    "DP502": (
        {"docs/conf.py": CONF},
        {"docs/conf.py": 'project = "x"\nextensions = []\n'},
    ),
    "DP503": (
        {"docs/conf.py": CONF, ".readthedocs.yaml": RTD},
        {"docs/conf.py": CONF, ".readthedocs.yaml": RTD.replace("2", "1")},
    ),
    "DP601": ({"CONTRIBUTING.md": "# Contributing\n"}, {"README.md": "# x\n"}),
    "DP602": ({".github/CODE_OF_CONDUCT.md": "# Be kind\n"}, {"README.md": "# x\n"}),
    "DP603": ({"docs/SECURITY.md": "# Security\n"}, {"README.md": "# x\n"}),
    "DP604": (
        {".github/ISSUE_TEMPLATE/bug_report.yml": ISSUE_FORM},
        {".github/ISSUE_TEMPLATE/bug_report.md": "---\nname: Bug\n---\n"},
    ),
    "DP605": (
        {"CITATION.cff": CITATION},
        {"CITATION.cff": CITATION.replace("title: x\n", "")},
    ),
    "DP606": ({"README.md": STAMP}, {"README.md": "# X\n\nA package.\n"}),
    "DP701": (
        {".copier-answers.yml": ANSWERS},
        {".copier-answers.yml": "_src_path: gh:deepmodeling/deepmodeling-template\n"},
    ),
    "DP702": (
        {
            ".copier-answers.yml": ANSWERS,
            ".pre-commit-config.yaml": PRECOMMIT + TEMPLATE_HOOKS,
        },
        {
            ".copier-answers.yml": ANSWERS.replace("v1.0.0", "v0.9.0"),
            ".pre-commit-config.yaml": PRECOMMIT + TEMPLATE_HOOKS,
        },
    ),
    "DP703": (
        {
            ".copier-answers.yml": ANSWERS,
            ".pre-commit-config.yaml": PRECOMMIT + TEMPLATE_HOOKS,
        },
        {".copier-answers.yml": ANSWERS, ".pre-commit-config.yaml": PRECOMMIT},
    ),
    "DP801": (
        {"CMakeLists.txt": CMAKE, "CMakePresets.json": PRESETS},
        {"CMakeLists.txt": CMAKE, "CMakePresets.json": '{"version": 6}\n'},
    ),
    "DP802": (
        {
            "CMakeLists.txt": CMAKE,
            ".github/workflows/tests.yml": workflow(
                "      - run: ctest --preset dev\n"
            ),
        },
        {
            "CMakeLists.txt": CMAKE,
            ".github/workflows/tests.yml": workflow("      - run: cmake --build b\n"),
        },
    ),
    "DP803": (
        {
            "CMakeLists.txt": CMAKE,
            ".clang-format": "BasedOnStyle: Google\n",
            ".pre-commit-config.yaml": PRECOMMIT + CLANG_FORMAT,
        },
        {
            "CMakeLists.txt": CMAKE,
            ".clang-format": "BasedOnStyle: Google\n",
            ".pre-commit-config.yaml": PRECOMMIT,
        },
    ),
    "DP804": (
        {"CMakeLists.txt": CMAKE, "CMakePresets.json": PRESETS},
        {
            "CMakeLists.txt": CMAKE,
            "CMakePresets.json": PRESETS.replace("address,", ""),
        },
    ),
}


def check(name: str, root: Path, files: dict[str, str]) -> tuple[bool | None, str]:
    """Run one rule on ``files`` through ``compute_check``: (result, message)."""
    write(root, files)
    fixtures = {key: fixture(root) for key, fixture in cli.FIXTURES.items()}
    result = compute_check(name, root=root, package=root, **fixtures)
    return result.result, result.err_msg


# The installed checker is a development version: releases come from the pinned rev.
pytestmark = pytest.mark.usefixtures("newest_release_from_pinned_rev")


def test_every_rule_has_a_case():
    assert sorted(CASES) == sorted(rule.__name__ for rule in standard.RULES)


@pytest.mark.parametrize("name", list(CASES))
def test_passes(tmp_path, name):
    assert check(name, tmp_path, CASES[name][0]) == (True, "")


@pytest.mark.parametrize("name", list(CASES))
def test_fails_with_a_message(tmp_path, name):
    result, message = check(name, tmp_path, CASES[name][1])
    assert result is False
    assert message.strip()
    assert "This is a bug in the checker" not in message
