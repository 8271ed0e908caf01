"""Sphinx configuration for the deepmodeling-template documentation."""

from __future__ import annotations

import sys
import time
from importlib.metadata import version as installed_version
from pathlib import Path

# The extension that writes the standard's pages (docs/_ext/dp_standard_pages.py).
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "deepmodeling-template"
author = "DeepModeling"
first_year, this_year = 2026, time.gmtime().tm_year
years = f"{first_year}-{this_year}" if this_year > first_year else f"{first_year}"
copyright = f"{years}, DeepModeling"
release = installed_version("deepmodeling-template")
version = ".".join(release.split(".")[:2])

extensions = [
    "deepmodeling_sphinx",
    "myst_parser",
    "dp_standard_pages",
]

# Clusters and CI sandboxes often have no network: `sphinx-build -t offline`
# skips the inventories intersphinx would download.
if not tags.has("offline"):  # noqa: F821
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {"python": ("https://docs.python.org/3", None)}

# The DeepModeling banner and footer (deepmodeling_sphinx): this is the org's project.
enable_deepmodeling = True

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_ext"]

html_theme = "sphinx_book_theme"
html_title = project
html_theme_options = {
    "repository_url": "https://github.com/deepmodeling/deepmodeling-template",
    "path_to_docs": "docs",
    "use_repository_button": True,
    "use_issues_button": True,
    "use_edit_page_button": True,
}
