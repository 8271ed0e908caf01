"""What the standard's rules and the pre-commit hooks both read.

One YAML reader and one reader of a pre-commit configuration's hook list,
and the accessors every caller walks parsed data with: `table` and
`sequence` never raise on a value of the wrong type, they give an empty one.
Files are read through ``read_text``, which both a `pathlib.Path` and the
`Traversable` repo-review hands the rules provide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable
    from pathlib import Path


class ReadError(Exception):
    """A file that could not be read or parsed.

    Attributes
    ----------
    error : Exception
        What stopped the reading: an `OSError`, a `UnicodeDecodeError`, a
        `yaml.YAMLError`, or a `RecursionError` for a document nested too deeply.
    """

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def read_yaml(file: Path | Traversable) -> Any:
    """Read a UTF-8 YAML file with the safe loader.

    Parameters
    ----------
    file : Path or Traversable
        The file.

    Returns
    -------
    Any
        The parsed document (``None`` for an empty file).

    Raises
    ------
    ReadError
        When the file cannot be read, is not UTF-8, is not valid YAML or is
        nested too deeply to parse.
    """
    try:
        return yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as error:
        raise ReadError(error) from error


def table(data: Any, *keys: str) -> dict[str, Any]:
    """Walk nested mappings: ``table(doc, "tool", "ruff")``; empty where one is not a mapping."""
    node = data if isinstance(data, dict) else {}
    for key in keys:
        value = node.get(key)
        node = value if isinstance(value, dict) else {}
    return node


def sequence(value: Any) -> list[Any]:
    """Return ``value`` if it is a list, else an empty one."""
    return value if isinstance(value, list) else []


class Hook(NamedTuple):
    """One hook of a pre-commit configuration, with the repository entry listing it.

    Attributes
    ----------
    repo : str
        The entry's ``repo`` (a URL, ``local`` or ``meta``); empty when it is not
        a string.
    rev : Any
        The entry's ``rev`` as parsed (``None`` when missing).
    hook : dict
        The hook's mapping (``id``, ``args``...).
    """

    repo: str
    rev: Any
    hook: dict[str, Any]

    @property
    def id(self) -> str:
        """The hook's ``id``, as a string."""
        return str(self.hook.get("id"))


def precommit_hooks(config: Any) -> list[Hook]:
    """List every hook of a parsed ``.pre-commit-config.yaml``, in order.

    Entries and hooks that are not mappings are passed over.
    """
    found = []
    for entry in sequence(table(config).get("repos")):
        repo = table(entry)
        url = repo.get("repo")
        found += [
            Hook(url if isinstance(url, str) else "", repo.get("rev"), hook)
            for hook in sequence(repo.get("hooks"))
            if isinstance(hook, dict)
        ]
    return found
