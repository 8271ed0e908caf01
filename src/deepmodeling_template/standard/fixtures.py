"""repo-review fixtures: each configuration file, parsed once per run.

Every fixture returns a `Document` (or a tuple of them) instead of raising, so
a broken file becomes a failed rule with a message, never a traceback.  The
names start with ``dp_`` because fixtures share one namespace with every other
repo-review plugin (sp-repo-review already has ``workflows``, ``precommit``...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._core import (
    Document,
    list_dir,
    load_first_yaml,
    load_json,
    load_toml,
    load_yaml,
)

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

WORKFLOWS = ".github/workflows"


def pyproject(package: Traversable) -> dict[str, Any]:
    """Read ``pyproject.toml`` like repo-review's own fixture, without raising.

    repo-review's ``pyproject`` fixture (registered by repo-review itself) raises
    on a file that is not valid TOML, which aborts the whole ``repo-review``
    report with a traceback before any plugin runs.  ``dp-standard`` computes
    its fixtures itself and uses this one, so it reports DP201 instead.  It is
    deliberately not registered as an entry point: repo-review registers the
    same name, and which of two entry points wins is not defined.

    Parameters
    ----------
    package : Traversable
        The package directory (the repository root unless ``--package-dir``).

    Returns
    -------
    dict
        The parsed ``pyproject.toml``, or an empty dict when it is missing or
        broken.
    """
    document = load_toml(package, "pyproject.toml")
    if not (document.ok and isinstance(document.data, dict)):
        return {}
    data = dict(document.data)
    tool = data.get("tool")
    if not isinstance(tool, dict):
        data.pop("tool", None)  # `tool = "x"`: no tables to read settings from
    elif not isinstance(tool.get("repo-review", {}), dict):
        data["tool"] = {
            key: value for key, value in tool.items() if key != "repo-review"
        }
    return data


def dp_pyproject(package: Traversable) -> Document:
    """Parse ``pyproject.toml`` of the package."""
    return load_toml(package, "pyproject.toml")


def dp_precommit(root: Traversable) -> Document:
    """Parse ``.pre-commit-config.yaml``."""
    return load_yaml(root, ".pre-commit-config.yaml")


def dp_workflows(root: Traversable) -> tuple[Document, ...]:
    """Parse every GitHub Actions workflow, sorted by file name."""
    return tuple(
        load_yaml(root, f"{WORKFLOWS}/{item.name}")
        for item in list_dir(root, WORKFLOWS)
        if item.name.endswith((".yml", ".yaml"))
    )


def dp_dependabot(root: Traversable) -> Document:
    """Parse the Dependabot configuration."""
    return load_first_yaml(root, ".github/dependabot.yml", ".github/dependabot.yaml")


def dp_readthedocs(root: Traversable) -> Document:
    """Parse the Read the Docs configuration."""
    return load_first_yaml(root, ".readthedocs.yaml", ".readthedocs.yml")


def dp_citation(root: Traversable) -> Document:
    """Parse ``CITATION.cff``."""
    return load_yaml(root, "CITATION.cff")


def dp_cmake_presets(root: Traversable) -> Document:
    """Parse ``CMakePresets.json``."""
    return load_json(root, "CMakePresets.json")
