"""Sphinx configuration for the lj_energy documentation (library and program).

The C++ API pages come from the headers' comments: Doxygen reads them
(Doxyfile) into XML, which Breathe turns into Sphinx pages.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

DOCS = Path(__file__).resolve().parent

project = "LJ Energy"
author = "Ada Lovelace"
copyright_holder = "DeepModeling"
first_year, this_year = 2026, time.gmtime().tm_year
years = f"{first_year}-{this_year}" if this_year > first_year else f"{first_year}"
copyright = f"{years}, {copyright_holder}"
# The version of project() in CMakeLists.txt, the one source of the version.
cmake = (DOCS.parent / "CMakeLists.txt").read_text(encoding="utf-8")
release = re.search(r"^\s+VERSION\s+(\S+)", cmake, re.MULTILINE)[1]
version = ".".join(release.split(".")[:2])

extensions = [
    "breathe",
    "deepmodeling_sphinx",
    "myst_parser",
]

# The DeepModeling banner and footer (deepmodeling_sphinx) belong to the org's projects.
enable_deepmodeling = True

# Doxygen runs on every build (Read the Docs too: .readthedocs.yaml installs
# it); its warnings, an undocumented function among them, fail the build.
# Doxygen 1.9 creates no parent folders for its output.
DOXYGEN = DOCS / "_build" / "doxygen"  # OUTPUT_DIRECTORY in Doxyfile
DOXYGEN.mkdir(parents=True, exist_ok=True)
subprocess.run(["doxygen", "Doxyfile"], cwd=DOCS, check=True)
breathe_projects = {"lj_energy": str(DOXYGEN / "xml")}
breathe_default_project = "lj_energy"
breathe_default_members = ("members",)

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

html_theme = "sphinx_book_theme"
html_title = project
html_theme_options = {
    "repository_url": "https://github.com/deepmodeling/lj-energy",
    "path_to_docs": "docs",
    "use_repository_button": True,
    "use_issues_button": True,
    "use_edit_page_button": True,
}
