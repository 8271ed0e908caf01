"""Read the parts of ``pyproject.toml`` that several rules need."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from ._core import is_file, mapping, normalize_name, sequence

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from ._core import Document

LEGACY_FILES = ("setup.py", "setup.cfg")
_REQUIREMENT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[(?P<extras>[^\]]*)\])?\s*(?P<spec>[^;@]*)"
)
_CLAUSE = re.compile(
    r"^\s*(?P<op>===|==|~=|>=|<=|!=|>|<)\s*(?P<version>\d+(?:\.\d+)*)(?:\.\*)?\s*$"
)
_PYTHON_CLASSIFIER = re.compile(r"^Programming Language :: Python :: 3\.(\d+)$")


def project(document: Document) -> dict[str, Any]:
    """Return the ``[project]`` table, or an empty one."""
    return mapping(mapping(document.data).get("project"))


def spdx_license(document: Document) -> str | None:
    """Return the PEP 639 ``license`` expression, when ``license`` is a string."""
    value = project(document).get("license")
    return value.strip() if isinstance(value, str) and value.strip() else None


def legacy_files(package: Traversable) -> list[str]:
    """List the setuptools configuration files that exist (``setup.py``, ``setup.cfg``)."""
    return [name for name in LEGACY_FILES if is_file(package, name)]


def version_tuple(text: str) -> tuple[int, ...]:
    """Turn ``"77.0.3"`` into ``(77, 0, 3)``."""
    return tuple(int(part) for part in text.split("."))


class Requirement(NamedTuple):
    """A build requirement: its normalized name, extras and lower bound."""

    name: str
    extras: frozenset[str]
    lower: tuple[int, ...] | None


def requirement(text: str) -> Requirement | None:
    """Parse ``setuptools-scm[toml]>=8`` into its name and lower bound."""
    match = _REQUIREMENT.match(text)
    if match is None:
        return None
    lower: tuple[int, ...] | None = None
    for clause in match["spec"].split(","):
        found = _CLAUSE.match(clause)
        if found and found["op"] in {">=", ">", "==", "===", "~="}:
            bound = version_tuple(found["version"])
            lower = bound if lower is None else max(lower, bound)
    extras = frozenset(
        normalize_name(extra.strip())
        for extra in (match["extras"] or "").split(",")
        if extra.strip()
    )
    return Requirement(normalize_name(match["name"]), extras, lower)


def build_requirements(document: Document) -> dict[str, Requirement]:
    """Parse the ``[build-system] requires`` entries, by normalized name."""
    requires = sequence(
        mapping(mapping(document.data).get("build-system")).get("requires")
    )
    parsed = (requirement(item) for item in requires if isinstance(item, str))
    return {item.name: item for item in parsed if item is not None}


def oldest_python(requires_python: str) -> int | None:
    """Find the oldest Python 3 minor version that ``requires-python`` allows.

    Returns ``None`` when the specifier sets no lower bound on Python 3 that
    this simple reader understands.
    """
    oldest: int | None = None
    for clause in requires_python.split(","):
        match = _CLAUSE.match(clause)
        if match is None or match["op"] not in {">=", ">", "==", "===", "~="}:
            continue
        parts = version_tuple(match["version"])
        if parts[0] != 3 or len(parts) < 2:
            continue
        oldest = parts[1] if oldest is None else max(oldest, parts[1])
    return oldest


def python_classifiers(document: Document) -> list[int]:
    """List the Python 3 minor versions named in ``Programming Language`` classifiers."""
    classifiers = sequence(project(document).get("classifiers"))
    return sorted(
        int(match[1])
        for item in classifiers
        if isinstance(item, str) and (match := _PYTHON_CLASSIFIER.match(item.strip()))
    )
