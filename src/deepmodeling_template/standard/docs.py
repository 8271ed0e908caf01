"""DP5xx: Sphinx documentation in the DeepModeling style, built by Read the Docs."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ._core import Rule, first_file, is_file, listing, read_text, table

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from ._core import Document

SPHINX_CONFS = (
    "docs/conf.py",
    "doc/conf.py",
    "docs/source/conf.py",
    "doc/source/conf.py",
)
EXTENSION = "deepmodeling_sphinx"


def rtd_configuration(dp_readthedocs: Document) -> str | None:
    """Read the ``sphinx.configuration`` path from the Read the Docs config."""
    value = table(dp_readthedocs.data, "sphinx").get("configuration")
    return (
        value.strip().removeprefix("./")
        if isinstance(value, str) and value.strip()
        else None
    )


def sphinx_conf(root: Traversable, dp_readthedocs: Document) -> str | None:
    """Find the Sphinx ``conf.py``: where Read the Docs points, else the usual places."""
    configured = rtd_configuration(dp_readthedocs)
    if configured and configured.endswith("conf.py") and is_file(root, configured):
        return configured
    return first_file(root, *SPHINX_CONFS)


class DP501(Rule):
    """The documentation is built by Sphinx from a conf.py."""

    @classmethod
    def check(cls, root: Traversable, dp_readthedocs: Document) -> bool | str:
        """Find ``conf.py`` in ``docs/`` or ``doc/`` (or where Read the Docs points)."""
        if sphinx_conf(root, dp_readthedocs):
            return True
        other = first_file(root, "mkdocs.yml", "mkdocs.yaml")
        configured = rtd_configuration(dp_readthedocs)
        tool = f" The docs use MkDocs (`{other}`)." if other else ""
        if configured:
            tool += f" `{dp_readthedocs.path}` points at `{configured}`, which does not exist."
        return (
            f"No Sphinx configuration found in {listing(SPHINX_CONFS)}.{tool} "
            "DeepModeling documentation is built by Sphinx, with the "
            "`deepmodeling_sphinx` extension that adds the community banner, and "
            "published under docs.deepmodeling.com. Start from the template's "
            "`docs/conf.py` (MyST Markdown pages, numpydoc API pages)."
        )


class DP502(Rule):
    """The Sphinx configuration loads the deepmodeling_sphinx extension."""

    requires = frozenset({"DP501"})

    @classmethod
    def check(cls, root: Traversable, dp_readthedocs: Document) -> bool | str:
        """Look for ``"deepmodeling_sphinx"`` in the code of ``conf.py``."""
        path = sphinx_conf(root, dp_readthedocs) or SPHINX_CONFS[0]
        try:
            tree = ast.parse(read_text(root, path), filename=path)
        except ValueError as error:  # unreadable, or not UTF-8
            return str(error)
        except SyntaxError as error:
            return (
                f"`{path}` is not valid Python ({error.msg}, line {error.lineno}): "
                "fix it; Sphinx cannot build the docs either."
            )
        if any(
            isinstance(node, ast.Constant) and node.value == EXTENSION
            for node in ast.walk(tree)
        ):
            return True
        return (
            f"`{path}` does not load `{EXTENSION}`, which every DeepModeling "
            "Sphinx project uses for the shared banner, footer and "
            '`git-shortlog-authors` credits. Add `"deepmodeling_sphinx"` to '
            "`extensions` and `deepmodeling-sphinx` to the docs requirements; outside "
            "the deepmodeling organization, also set `enable_deepmodeling = False`."
        )


class DP503(Rule):
    """Read the Docs builds the documentation from that conf.py."""

    requires = frozenset({"DP501"})

    @classmethod
    def check(cls, root: Traversable, dp_readthedocs: Document) -> bool | str:
        """Check ``.readthedocs.yaml``: version 2, pointing at the Sphinx ``conf.py``."""
        conf = sphinx_conf(root, dp_readthedocs) or SPHINX_CONFS[0]
        if not dp_readthedocs.found:
            return (
                "There is no `.readthedocs.yaml`, so Read the Docs (which hosts "
                "docs.deepmodeling.com) cannot build the docs. Add one with "
                f"`version: 2`, a `build.os`, and `sphinx: configuration: {conf}` "
                "(the template's `.readthedocs.yaml`)."
            )
        if dp_readthedocs.error:
            return dp_readthedocs.error
        data = table(dp_readthedocs.data)
        if data.get("version") != 2:
            return (
                f"`{dp_readthedocs.path}` has `version: {data.get('version')}`; Read "
                "the Docs only supports configuration `version: 2`."
            )
        configured = rtd_configuration(dp_readthedocs)
        if configured is None:
            return (
                f"`{dp_readthedocs.path}` does not say which Sphinx configuration to "
                "build, which Read the Docs requires since January 2025. Add "
                f"`sphinx:` / `configuration: {conf}`."
            )
        if configured != conf:
            what = (
                "is not the Sphinx configuration"
                if is_file(root, configured)
                else "does not exist; the Sphinx configuration is"
            )
            return (
                f"`{dp_readthedocs.path}` points at `sphinx.configuration: "
                f"{configured}`, which {what} `{conf}`. Set it to `{conf}`."
            )
        return True
