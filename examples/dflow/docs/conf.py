"""Sphinx configuration for the demo_op documentation."""

from __future__ import annotations

import time
from importlib.metadata import version as installed_version

project = "Demo OP"
author = "Ada Lovelace"
copyright_holder = "DeepModeling"
first_year, this_year = 2026, time.gmtime().tm_year
years = f"{first_year}-{this_year}" if this_year > first_year else f"{first_year}"
copyright = f"{years}, {copyright_holder}"
release = installed_version("demo-op")
version = ".".join(release.split(".")[:2])

extensions = [
    "deepmodeling_sphinx",
    "myst_parser",
    "numpydoc",
    "sphinx.ext.apidoc",
    "sphinx.ext.viewcode",
]

# Clusters and CI sandboxes often have no network: `sphinx-build -t offline`
# skips the inventories intersphinx would download.
if not tags.has("offline"):  # noqa: F821
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {"python": ("https://docs.python.org/3", None)}

# The DeepModeling banner and footer (deepmodeling_sphinx) belong to the org's projects.
enable_deepmodeling = True

# API pages, regenerated from the package on every build (into docs/api/).
apidoc_modules = [
    {"path": "../src/demo_op", "destination": "api", "separate_modules": True},
]
numpydoc_show_class_members = False

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

html_theme = "sphinx_book_theme"
html_title = project
html_theme_options = {
    "repository_url": "https://github.com/deepmodeling/demo-op",
    "path_to_docs": "docs",
    "use_repository_button": True,
    "use_issues_button": True,
    "use_edit_page_button": True,
}
