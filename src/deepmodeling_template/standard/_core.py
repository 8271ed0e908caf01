"""What every rule shares: the base class, parsed documents and file helpers.

Rules read the repository through the `Traversable` that repo-review hands
them (a local directory, or a GitHub tree for ``repo-review gh:org/repo``), so
they only use ``joinpath``, ``is_file``, ``is_dir``, ``iterdir``, ``name`` and
``read_text``.  Parsed data is walked with `table` and `sequence` (from
`..common`, re-exported here), which give an empty value for a wrong type.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import yaml

from ..common import ReadError, read_yaml, sequence, table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

FAMILY = "deepmodeling"
STANDARD_URL = (
    "https://github.com/deepmodeling/deepmodeling-template/blob/main/STANDARD.md"
)
TEMPLATE_URL = "https://github.com/deepmodeling/deepmodeling-template"


@dataclasses.dataclass(frozen=True)
class Skip:
    """What a rule's ``check`` returns when the rule does not apply, and why.

    Attributes
    ----------
    reason : str
        What the rule needs and what this repository lacks (Markdown).
    notice : bool
        Say it even in a report that lists only the failures: the reason is
        advice the user is likely to act on (check the package below the top).
    """

    reason: str
    notice: bool = False


@dataclasses.dataclass(frozen=True)
class NoPythonPackage(Skip):
    """A skip because the repository has no Python package to judge.

    The rules that build on a rule skipped this way are skipped for the same
    reason (`._review.Review.no_python_package`), so every Python-only rule of
    a C++ repository says "no Python package" instead of naming a rule.
    """


Verdict: TypeAlias = bool | str | Skip


class Rule:
    """Base of the rules of the DeepModeling standard.

    A subclass is named after its rule ID (``DP101``); its docstring is the
    one-line statement of the rule, and its ``check`` classmethod returns
    ``True`` (pass), a Markdown failure message, or a `Skip` (does not apply).
    repo-review sees the rules through `._review.Review`, which turns a `Skip`
    into the ``None`` repo-review expects.
    """

    family: ClassVar[str] = FAMILY
    requires: ClassVar[frozenset[str]] = frozenset()
    url: ClassVar[str] = STANDARD_URL

    @classmethod
    def statement(cls) -> str:
        """Give the one-line statement of the rule (its docstring)."""
        return (cls.__doc__ or "").strip()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Give each rule its anchor in STANDARD.md and a crash guard."""
        super().__init_subclass__(**kwargs)
        cls.url = f"{STANDARD_URL}#{cls.__name__.lower()}"
        method = cls.__dict__.get("check")
        if isinstance(method, classmethod):
            cls.check = classmethod(_guarded(cls.__name__, method.__func__))  # type: ignore[assignment]


def _guarded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Turn an unexpected exception in a rule into a failure message.

    repo-review stops the whole report at the first exception, so a rule that
    meets a shape of file it did not foresee must fail alone instead.
    ``functools.wraps`` keeps the signature that repo-review reads to pass
    fixtures.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Verdict:
        try:
            return function(*args, **kwargs)  # type: ignore[no-any-return]
        except Exception as error:
            return (
                f"{name} could not check this repository ({type(error).__name__}: "
                f"{error}). This is a bug in the checker: please report it at "
                f"{TEMPLATE_URL}/issues with the file it stumbled on."
            )

    return wrapper


@dataclasses.dataclass(frozen=True)
class Document:
    """A configuration file, parsed once for every rule that reads it.

    Attributes
    ----------
    path : str
        Path from the repository root, as the messages show it.
    found : bool
        Whether the file exists.
    data : Any
        The parsed content (``None`` when missing or broken).
    error : str
        Why the file could not be parsed; empty when it could.
    """

    path: str
    found: bool = False
    data: Any = None
    error: str = ""

    @property
    def ok(self) -> bool:
        """Whether the file exists and parsed."""
        return self.found and not self.error

    def problem(self) -> str:
        """Explain why the file cannot be used (missing or broken)."""
        if not self.found:
            return f"`{self.path}` is missing."
        return self.error


def child(root: Traversable, path: str) -> Traversable:
    """Join a ``/``-separated relative path onto a Traversable."""
    node = root
    for part in path.split("/"):
        node = node.joinpath(part)
    return node


def is_file(root: Traversable, path: str) -> bool:
    """Tell whether ``path`` is a file under ``root``."""
    try:
        return child(root, path).is_file()
    except OSError:
        return False


def is_dir(root: Traversable, path: str) -> bool:
    """Tell whether ``path`` is a directory under ``root``."""
    try:
        return child(root, path).is_dir()
    except OSError:
        return False


def list_dir(root: Traversable, path: str = "") -> list[Traversable]:
    """List a directory, sorted by name; empty when it does not exist."""
    node = child(root, path) if path else root
    try:
        if not node.is_dir():
            return []
        return sorted(node.iterdir(), key=lambda item: item.name)
    except OSError:
        return []


def first_file(root: Traversable, *paths: str) -> str | None:
    """Return the first of ``paths`` that is a file under ``root``."""
    return next((path for path in paths if is_file(root, path)), None)


def read_text(root: Traversable, path: str) -> str:
    """Read a UTF-8 text file, raising `ValueError` with a message for users."""
    try:
        return child(root, path).read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as error:
        raise ValueError(text_error(path, error)) from error


def text_error(path: str, error: Exception) -> str:
    """Describe a file that is not UTF-8 text, or cannot be read."""
    if isinstance(error, UnicodeDecodeError):
        return (
            f"`{path}` is not UTF-8 text ({error.reason} at byte {error.start}): "
            "save it as UTF-8."
        )
    return f"`{path}` cannot be read: {error}."


def load_toml(root: Traversable, path: str) -> Document:
    """Parse a TOML file into a `Document`; never raises."""
    if not is_file(root, path):
        return Document(path)
    try:
        return Document(path, True, tomllib.loads(read_text(root, path)))
    except RecursionError:
        return Document(path, True, error=too_deep(path))
    except ValueError as error:  # TOMLDecodeError is a ValueError
        if isinstance(error, tomllib.TOMLDecodeError):
            return Document(
                path,
                True,
                error=f"`{path}` is not valid TOML ({error}): fix the syntax, "
                "for example with `pre-commit run check-toml --all-files`.",
            )
        return Document(path, True, error=str(error))


def load_yaml(root: Traversable, path: str) -> Document:
    """Parse a YAML file into a `Document`; never raises."""
    if not is_file(root, path):
        return Document(path)
    try:
        data = read_yaml(child(root, path))
        # Rules walk the data: no cycles, no abyss (keys may be dates: skipped).
        json.dumps(data, default=str, skipkeys=True)
    except ReadError as problem:
        return Document(path, True, error=unreadable(path, problem.error))
    except RecursionError:
        return Document(path, True, error=too_deep(path))
    except ValueError:  # json: "Circular reference detected"
        return Document(
            path,
            True,
            error=f"`{path}` has a YAML alias that contains itself: "
            "replace the alias with the values it stands for.",
        )
    return Document(path, True, data)


def unreadable(path: str, error: Exception) -> str:
    """Say why a YAML file could not be read (the `ReadError` behind it)."""
    if isinstance(error, yaml.YAMLError):
        return yaml_error(path, error)
    if isinstance(error, RecursionError):
        return too_deep(path)
    return text_error(path, error)


def too_deep(path: str) -> str:
    """Describe a file nested too deeply to parse."""
    return f"`{path}` is nested too deeply to read; check that it is the file you meant"


def yaml_error(path: str, error: yaml.YAMLError) -> str:
    """Describe a YAML syntax error with its line and column."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return (
        f"`{path}` is not valid YAML ({problem}{where}): fix the syntax, for "
        "example with `pre-commit run check-yaml --all-files`."
    )


def load_json(root: Traversable, path: str) -> Document:
    """Parse a JSON file into a `Document`; never raises."""
    if not is_file(root, path):
        return Document(path)
    try:
        return Document(path, True, json.loads(read_text(root, path)))
    except RecursionError:
        return Document(path, True, error=too_deep(path))
    except json.JSONDecodeError as error:
        return Document(
            path,
            True,
            error=f"`{path}` is not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno}): fix the syntax, for example with `pre-commit "
            "run check-json --all-files`.",
        )
    except ValueError as error:  # not UTF-8, or unreadable
        return Document(path, True, error=str(error))


def load_first_yaml(root: Traversable, *paths: str) -> Document:
    """Parse the first of ``paths`` that exists (``.yml`` or ``.yaml``)."""
    found = first_file(root, *paths)
    return load_yaml(root, found) if found else Document(" or ".join(paths))


def listing(items: Iterable[str]) -> str:
    """Spell out items as a Markdown list of code spans."""
    return ", ".join(f"`{item}`" for item in items)


__all__ = [
    "FAMILY",
    "STANDARD_URL",
    "TEMPLATE_URL",
    "Document",
    "NoPythonPackage",
    "Rule",
    "Skip",
    "Verdict",
    "child",
    "first_file",
    "is_dir",
    "is_file",
    "list_dir",
    "listing",
    "load_first_yaml",
    "load_json",
    "load_toml",
    "load_yaml",
    "read_text",
    "sequence",
    "table",
]
