"""Read the parts of ``pyproject.toml`` that several rules need."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from ._core import first_file, is_file, list_dir, sequence, table

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from ._core import Document

LEGACY_FILES = ("setup.py", "setup.cfg")
PACKAGE_FILES = ("pyproject.toml", *LEGACY_FILES)
# Operators that put a lower bound on the versions a specifier allows.
_LOWER_BOUNDS = {">=", ">", "==", "===", "~="}
# Python 3 minor versions, past any that exists, for reading ``requires-python``.
_MINORS = range(100)
_PYTHON_CLASSIFIER = re.compile(r"^Programming Language :: Python :: 3\.(\d+)$")


def project(document: Document) -> dict[str, Any]:
    """Return the ``[project]`` table, or an empty one."""
    return table(document.data, "project")


def spdx_license(document: Document) -> str | None:
    """Return the PEP 639 ``license`` expression, when ``license`` is a string."""
    value = project(document).get("license")
    return value.strip() if isinstance(value, str) and value.strip() else None


def legacy_files(package: Traversable) -> list[str]:
    """List the setuptools configuration files that exist (``setup.py``, ``setup.cfg``)."""
    return [name for name in LEGACY_FILES if is_file(package, name)]


def python_package(package: Traversable, document: Document) -> bool:
    """Tell whether ``package`` holds a Python package, as DP201 judges it.

    A package is a ``pyproject.toml`` with a ``[project]`` or ``[build-system]``
    table (one that does not parse counts: DP201 reports it), or a ``setup.py``
    or ``setup.cfg``. A ``pyproject.toml`` that only configures tools
    (``[tool.codespell]`` in a C++ repository) is none.
    """
    if legacy_files(package):
        return True
    if not document.found:
        return False
    data = table(document.data)
    return bool(document.error) or (
        isinstance(data.get("project"), dict) or "build-system" in data
    )


def packages_below(root: Traversable, depth: int = 2) -> list[tuple[str, str]]:
    """Find the Python packages in the folders below ``root``.

    Looks ``depth`` folders down, past hidden folders and into no package.

    Returns
    -------
    list of (str, str)
        Each package's folder, relative to ``root``, and the file that makes it
        one (``pyproject.toml``, ``setup.py`` or ``setup.cfg``).
    """
    found: list[tuple[str, str]] = []
    folders = [""]
    for _ in range(depth):
        below = []
        for folder in folders:
            for item in list_dir(root, folder):
                if item.name.startswith(".") or not item.is_dir():
                    continue
                path = f"{folder}/{item.name}".lstrip("/")
                name = first_file(root, *(f"{path}/{name}" for name in PACKAGE_FILES))
                if name:
                    found.append((path, name.rpartition("/")[2]))
                else:
                    below.append(path)
        folders = below
    return found


class BuildRequirement(NamedTuple):
    """A build requirement: its normalized name, extras and lower bound."""

    name: NormalizedName
    extras: frozenset[NormalizedName]
    lower: Version | None


def lower_bound(specifier: SpecifierSet) -> Version | None:
    """Give the highest lower bound that ``specifier`` sets, if it sets one."""
    bounds = []
    for clause in specifier:
        if clause.operator not in _LOWER_BOUNDS:
            continue
        try:
            bounds.append(Version(clause.version.removesuffix(".*")))
        except InvalidVersion:  # `===` takes any string
            continue
    return max(bounds, default=None)


def requirement(text: str) -> BuildRequirement | None:
    """Parse ``setuptools-scm[toml]>=8`` into its name, extras and lower bound."""
    try:
        parsed = Requirement(text)
    except InvalidRequirement:
        return None
    return BuildRequirement(
        canonicalize_name(parsed.name),
        frozenset(canonicalize_name(extra) for extra in parsed.extras),
        lower_bound(parsed.specifier),
    )


def build_requirements(document: Document) -> dict[str, BuildRequirement]:
    """Parse the ``[build-system] requires`` entries, by normalized name."""
    requires = sequence(table(document.data, "build-system").get("requires"))
    parsed = (requirement(item) for item in requires if isinstance(item, str))
    return {item.name: item for item in parsed if item is not None}


def oldest_python(requires_python: str) -> int | None:
    """Find the oldest Python 3 minor version that ``requires-python`` allows.

    Returns ``None`` when the specifier is not valid or sets no lower bound on
    Python 3 (it allows 3.0, or no Python 3 at all).
    """
    try:
        specifier = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return None
    # The newest patch release stands for its minor version: `>=3.10.2` allows 3.10.
    allowed = (minor for minor in _MINORS if specifier.contains(f"3.{minor}.99"))
    oldest = next(allowed, None)
    return None if oldest in {None, 0} else oldest


def python_classifiers(document: Document) -> list[int]:
    """List the Python 3 minor versions named in ``Programming Language`` classifiers."""
    classifiers = sequence(project(document).get("classifiers"))
    return sorted(
        int(match[1])
        for item in classifiers
        if isinstance(item, str) and (match := _PYTHON_CLASSIFIER.match(item.strip()))
    )
