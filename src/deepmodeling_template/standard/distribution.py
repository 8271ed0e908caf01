"""DP2xx: standard packaging metadata, with the version taken from git tags."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import PurePath
from typing import TYPE_CHECKING

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
from packaging.version import Version

from . import _licenses as lic
from ._core import NoPythonPackage, Rule, Skip, listing, read_text, sequence, table
from ._pyproject import (
    BuildRequirement,
    build_requirements,
    legacy_files,
    oldest_python,
    packages_below,
    project,
)

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from ._core import Document, Verdict

SCM = "setuptools-scm"
SKBUILD = "scikit-build-core"
SKBUILD_SCM_PROVIDER = "scikit_build_core.metadata.setuptools_scm"
# The first scikit-build-core that reads `[[tool.dynamic-metadata]]`.
DYNAMIC_METADATA = Version("1.0")

# Build backend -> the distribution that provides it.
BACKENDS = {
    "setuptools.build_meta": "setuptools",
    "scikit_build_core.build": "scikit-build-core",
    "hatchling.build": "hatchling",
    "flit_core.buildapi": "flit-core",
    "pdm.backend": "pdm-backend",
    "mesonpy": "meson-python",
}
# The first release of each backend that accepts PEP 639 license metadata.
PEP639_MINIMUM: dict[str, Version] = {
    name: Version(first)
    for name, first in {
        "setuptools": "77.0.3",
        "scikit-build-core": "0.11",
        "hatchling": "1.27",
        "flit-core": "3.11",
        "pdm-backend": "2.4",
        "meson-python": "0.18",
    }.items()
}
# Deprecated or free-text spellings people write instead of an SPDX identifier.
NOT_SPDX = {
    "lgpl": "LGPL-3.0-or-later",
    "lgplv3": "LGPL-3.0-or-later",
    "lgplv3+": "LGPL-3.0-or-later",
    "lgpl-3": "LGPL-3.0-or-later",
    "lgpl3": "LGPL-3.0-or-later",
    "gpl": "GPL-3.0-or-later",
    "gplv3": "GPL-3.0-or-later",
    "gplv3+": "GPL-3.0-or-later",
    "bsd": "BSD-3-Clause",
    "apache": "Apache-2.0",
    "apache2": "Apache-2.0",
    "apache-2": "Apache-2.0",
}
# The community's oldest Python 3 minor version (copier.yml's `python_min` choices).
PYTHON_FLOOR = 10
BUILD_SYSTEM_EXAMPLE = (
    "```toml\n[build-system]\n"
    'requires = ["setuptools>=77.0.3", "setuptools-scm>=8"]\n'
    'build-backend = "setuptools.build_meta"\n```'
)


class DP201(Rule):
    """Package metadata lives in the [project] table of pyproject.toml (PEP 621)."""

    @classmethod
    def check(
        cls, root: Traversable, package: Traversable, dp_pyproject: Document
    ) -> Verdict:
        """Find a PEP 621 ``[project]`` table with a ``name``."""
        legacy = legacy_files(package)
        if not dp_pyproject.found:
            if not legacy:
                return _no_package(root, package, tools_only=False)
            return (
                f"This project is configured by {listing(legacy)} only; there is no "
                "`pyproject.toml`. Move the metadata (name, description, "
                "dependencies, entry points...) into a PEP 621 `[project]` table of "
                "a new `pyproject.toml`, next to a build system:\n\n"
                f"{BUILD_SYSTEM_EXAMPLE}\n\n"
                "then delete what `setup.py` no longer needs. The template's "
                "`pyproject.toml` is a worked example. The other packaging rules "
                "are skipped until this passes."
            )
        if dp_pyproject.error:
            return (
                f"{dp_pyproject.error} The packaging and license rules that read "
                "it are skipped until it parses."
            )
        data = table(dp_pyproject.data)
        if not isinstance(data.get("project"), dict):
            if "build-system" not in data and not legacy:
                return _no_package(root, package, tools_only=True)
            where = f" (the metadata is in {listing(legacy)})" if legacy else ""
            return (
                f"`pyproject.toml` has no `[project]` table{where}. Declare the "
                "metadata there, as PEP 621 standardises it: `name`, "
                "`description`, `readme`, `license`, `requires-python`, "
                '`dependencies`, and `dynamic = ["version"]`.'
            )
        name = project(dp_pyproject).get("name")
        if not isinstance(name, str) or not name.strip():
            return '`[project]` has no `name`: add the distribution name, `name = "my-package"`.'
        return True


def _no_package(
    root: Traversable, package: Traversable, *, tools_only: bool
) -> NoPythonPackage:
    """Skip the packaging rules where there is no Python package, naming those below."""
    where = _relative(package, root) if package != root else None
    here = f"in `{where}`" if where else "at the top of the repository"
    found = (
        f"The `pyproject.toml` {here} only configures tools (it has no `[project]` "
        "or `[build-system]` table), and there is"
        if tools_only
        else f"There is no `pyproject.toml` {here}, and"
    )
    start = (
        f"{found} no `setup.py` or `setup.cfg`: there is no Python package here, so "
        "the Python packaging rules do not apply."
    )
    below = packages_below(package)
    if not below:
        return NoPythonPackage(
            f"{start} If the Python package is in a folder, check it with "
            "`dp-standard -p FOLDER` (`repo-review --package-dir FOLDER`)."
        )
    places = [(f"{where}/{path}" if where else path, name) for path, name in below]
    named = " and ".join(f"`{folder}` (its `{name}`)" for folder, name in places)
    which = "The Python package is" if len(places) == 1 else "There are Python packages"
    first = places[0][0]
    return NoPythonPackage(
        f"{start} {which} in {named}: check {'it' if len(places) == 1 else 'one'} "
        f"with `dp-standard -p {first}` (`repo-review --package-dir {first}`).",
        notice=True,
    )


class DP202(Rule):
    """The license is an SPDX license expression string (PEP 639)."""

    requires = frozenset({"DP201"})

    @classmethod
    def check(cls, dp_pyproject: Document) -> Verdict:
        """Require ``license = "<SPDX expression>"``."""
        meta = project(dp_pyproject)
        value = meta.get("license")
        if value is None:
            if "license" in sequence(meta.get("dynamic")):
                return Skip(
                    "`license` is listed in `dynamic = [...]`: the build backend "
                    "fills it in, so `pyproject.toml` has no license to read."
                )
            return (
                "`[project]` declares no `license`. Add the SPDX expression of the "
                'license, e.g. `license = "LGPL-3.0-or-later"`, and '
                '`license-files = ["LICENSE"]`.'
            )
        if isinstance(value, dict):
            form = "file" if "file" in value else "text"
            return (
                f"`license = {{{form} = ...}}` is the legacy table form, which PEP "
                "639 deprecates: tools cannot read a license from it. Write the SPDX "
                'expression instead, e.g. `license = "LGPL-3.0-or-later"`, list the '
                'file in `license-files = ["LICENSE"]`, delete any `License ::` '
                "classifiers, and require `setuptools>=77.0.3` to build."
            )
        if not isinstance(value, str) or not value.strip():
            return (
                '`license` must be an SPDX expression string, e.g. `license = "MIT"`.'
            )
        for spdx in lic.spdx_ids(value):
            if spdx.lower() in NOT_SPDX:
                return (
                    f'`license = "{value}"`: `{spdx}` is not an SPDX identifier. '
                    f"Write e.g. `{NOT_SPDX[spdx.lower()]}` (see https://spdx.org/licenses/)."
                )
            if lic.is_deprecated(spdx):
                return (
                    f'`license = "{value}"`: `{spdx}` is a deprecated SPDX identifier. '
                    f"Write `{lic.canonical_id(spdx)}`, or the `-only`/`-or-later` "
                    "form you mean."
                )
        try:
            canonicalize_license_expression(value)
        except InvalidLicenseExpression:
            return (
                f'`license = "{value}"` is not an SPDX license expression, so '
                "setuptools (77 and later) refuses to build the package. Write the "
                'SPDX identifier, e.g. `license = "LGPL-3.0-or-later"` or '
                '`"MIT OR Apache-2.0"` (see https://spdx.org/licenses/).'
            )
        return True


class DP203(Rule):
    """license-files lists the license files, so they ship in the sdist and wheel (PEP 639)."""

    # PEP 639: `license-files` next to a legacy `license = {file = ...}` table
    # is a build error, so DP202's fix comes first.
    requires = frozenset({"DP101", "DP202"})

    @classmethod
    def check(cls, package: Traversable, dp_pyproject: Document) -> bool | str:
        """Check that ``license-files`` covers every top-level license file."""
        value = project(dp_pyproject).get("license-files")
        names = lic.license_files(package)
        if value is None:
            quoted = ", ".join(f'"{name}"' for name in names)
            return (
                "`[project]` has no `license-files`, so whether the license text "
                "ships in the sdist and wheel depends on the build backend's "
                f"defaults. Add `license-files = [{quoted}]`."
            )
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return (
                "`license-files` must be a list of glob patterns (PEP 639), e.g. "
                '`license-files = ["LICENSE"]`; the `{paths = ...}` and '
                "`{globs = ...}` tables of the PEP 639 drafts are not accepted."
            )
        uncovered = [
            name
            for name in names
            if not any(fnmatch.fnmatchcase(name, p) for p in value)
        ]
        if uncovered:
            return (
                f"`license-files = {json.dumps(value)}` does not match "
                f"{listing(uncovered)}, so that text is left out of the sdist and "
                "wheel. Add it to the list."
            )
        return True


class DP204(Rule):
    """The build backend understands PEP 639 license metadata."""

    requires = frozenset({"DP202"})

    @classmethod
    def check(cls, dp_pyproject: Document) -> Verdict:
        """Compare the backend's lower bound with its first PEP 639 release."""
        build_system = table(dp_pyproject.data, "build-system")
        if not build_system:
            return (
                "`pyproject.toml` has no `[build-system]` table, so pip falls back "
                'to an old setuptools that rejects `license = "..."`. Add:\n\n'
                f"{BUILD_SYSTEM_EXAMPLE}"
            )
        requirements = build_requirements(dp_pyproject)
        backend = build_system.get("build-backend")
        provider = BACKENDS.get(backend) if isinstance(backend, str) else None
        problems = []
        if provider and provider not in requirements:
            problems.append(
                f'`build-backend = "{backend}"` but `requires` does not list '
                f"`{provider}>={PEP639_MINIMUM[provider]}`"
            )
        for name, minimum in PEP639_MINIMUM.items():
            if name not in requirements:
                continue
            lower = requirements[name].lower
            if lower is None or lower < minimum:
                have = f"`>={lower}`" if lower else "no lower bound"
                problems.append(
                    f"`{name}` has {have}, but only {name} {minimum} and "
                    'later accept `license = "..."` and `license-files`: require '
                    f"`{name}>={minimum}`"
                )
        if problems:
            return "In `[build-system] requires`: " + "; ".join(problems) + "."
        if not provider and not requirements.keys() & PEP639_MINIMUM.keys():
            named = (
                f'`build-backend = "{backend}"`' if backend else "no `build-backend`"
            )
            return Skip(
                f"`[build-system]` has {named} and requires none of the backends "
                f"whose first PEP 639 release this checker knows "
                f"({listing(PEP639_MINIMUM)})."
            )
        return True


class DP205(Rule):
    """The version comes from git tags, through setuptools-scm."""

    requires = frozenset({"DP201"})

    @classmethod
    def check(cls, dp_pyproject: Document) -> bool | str:
        """Look for a dynamic version that setuptools-scm (or its skbuild plugin) fills."""
        meta = project(dp_pyproject)
        requirements = build_requirements(dp_pyproject)
        how = (
            "Let the git tag name the release instead: delete `version`, add "
            '`dynamic = ["version"]`, add `setuptools-scm>=8` to `[build-system] '
            "requires` and an `[tool.setuptools_scm]` table (with scikit-build-core, "
            f'set `[tool.scikit-build] metadata.version.provider = "{SKBUILD_SCM_PROVIDER}"`).'
        )
        if "version" in meta:
            return (
                f'`[project]` has a static `version = "{meta["version"]}"`, which '
                f"must be bumped by hand and drifts from the release tags. {how}"
            )
        if "version" not in sequence(meta.get("dynamic")):
            return f'`[project]` has neither a `version` nor `dynamic = ["version"]`. {how}'
        tools = table(dp_pyproject.data, "tool")
        scm = requirements.get(SCM)
        plugin = _skbuild_scm_plugin(dp_pyproject)
        if plugin:
            return _skbuild_scm_verdict(plugin, requirements.get(SKBUILD))
        if "setuptools_scm" in tools:
            if scm is None:
                return (
                    "setuptools-scm is configured but not in `[build-system] requires`, "
                    "so the build cannot import it: add `setuptools-scm>=8`."
                )
            return True
        if scm is not None and "simple" in scm.extras:
            return True  # setuptools-scm[simple] needs no [tool.setuptools_scm]
        if scm is not None:
            return (
                "`setuptools-scm` is a build requirement, but nothing switches it "
                "on: add an (even empty) `[tool.setuptools_scm]` table to "
                "`pyproject.toml`."
            )
        other = sorted(
            requirements.keys() & {"hatch-vcs", "versioningit", "pdm-backend"}
        )
        used = f" (this project uses {listing(other)})" if other else ""
        return f"`version` is dynamic, but not computed by setuptools-scm{used}. {how}"


def _skbuild_scm_plugin(dp_pyproject: Document) -> str | None:
    """Say where scikit-build-core's setuptools-scm plugin computes the version, if it does."""
    provider = table(
        dp_pyproject.data, "tool", "scikit-build", "metadata", "version"
    ).get("provider")
    if provider == SKBUILD_SCM_PROVIDER:
        return "`[tool.scikit-build] metadata.version.provider`"
    entries = sequence(table(dp_pyproject.data, "tool").get("dynamic-metadata"))
    if any(
        table(entry).get("provider") == SKBUILD_SCM_PROVIDER
        and table(entry).get("field", "version") == "version"
        for entry in entries
    ):
        return "`[[tool.dynamic-metadata]]`"
    return None


def _skbuild_scm_verdict(plugin: str, skbuild: BuildRequirement | None) -> bool | str:
    """Judge the plugin: scikit-build-core runs it and installs setuptools-scm for it."""
    if skbuild is None:
        return (
            f"{plugin} names scikit-build-core's setuptools-scm plugin, but "
            "scikit-build-core is not in `[build-system] requires`, so nothing runs "
            "the plugin. Build with scikit-build-core (`requires = "
            '["scikit-build-core>=0.11"]`, `build-backend = "scikit_build_core.build"`), '
            "or with setuptools: `setuptools-scm>=8` in `requires` and a "
            "`[tool.setuptools_scm]` table."
        )
    if plugin.startswith("`[[") and (
        skbuild.lower is None or skbuild.lower < DYNAMIC_METADATA
    ):
        return (
            "scikit-build-core reads `[[tool.dynamic-metadata]]` since version 1.0, "
            "but `[build-system] requires` lets an older one build the package, "
            "which then has no version: require `scikit-build-core>=1`."
        )
    return True  # scikit-build-core requires setuptools-scm itself for the plugin


class DP206(Rule):
    """git archive tarballs carry the version: .git_archival.txt with export-subst."""

    requires = frozenset({"DP205"})

    @classmethod
    def check(cls, root: Traversable, package: Traversable) -> bool | str:
        """Check ``.git_archival.txt`` and its ``export-subst`` attribute.

        Both are looked for in the package directory, then at the top of the
        repository, where setuptools-scm finds them when its ``root`` points up.
        """
        places = [package] if package == root else [package, root]
        archival_fix = (
            "Create `.git_archival.txt` with:\n\n```text\n"
            "node: $Format:%H$\nnode-date: $Format:%cI$\n"
            "describe-name: $Format:%(describe:tags=true,match=*[0-9]*)$\n```"
        )
        found = next(
            (
                (place, text)
                for place in places
                if (text := _read_or_none(place, ".git_archival.txt")) is not None
            ),
            None,
        )
        if found is None:
            return (
                "There is no readable `.git_archival.txt`, so a tarball from `git "
                'archive` (GitHub\'s "Download ZIP", Zenodo, conda-forge recipes) '
                f"cannot tell setuptools-scm its version. {archival_fix}\n\n"
                "and mark it in `.gitattributes`: `.git_archival.txt  export-subst`."
            )
        home, archival = found
        if "$Format:%H$" not in archival or not re.search(
            r"^(describe-name|ref-names):\s*\$Format:", archival, re.MULTILINE
        ):
            return (
                "`.git_archival.txt` lacks the `node` and `describe-name` "
                f"placeholders setuptools-scm reads. {archival_fix}"
            )
        # The archival file, as each .gitattributes that can mark it sees it.
        targets = [(home, ".git_archival.txt")]
        below = _relative(package, root) if home == package != root else None
        if below:
            targets.append((root, f"{below}/.git_archival.txt"))
        for place, target in targets:
            attributes = _read_or_none(place, ".gitattributes") or ""
            if _marks_export_subst(attributes, target):
                return True
        return (
            "`.gitattributes` does not mark `.git_archival.txt` for substitution, "
            "so `git archive` leaves its `$Format:...$` placeholders unexpanded. "
            "Add the line `.git_archival.txt  export-subst` to `.gitattributes`."
        )


class DP207(Rule):
    """requires-python states the oldest supported Python."""

    requires = frozenset({"DP201"})

    @classmethod
    def check(cls, dp_pyproject: Document) -> bool | str:
        """Read a lower bound on Python 3 from ``requires-python``, at least the floor."""
        value = project(dp_pyproject).get("requires-python")
        floor = f'`">=3.{PYTHON_FLOOR}"`'
        if not isinstance(value, str) or not value.strip():
            return (
                "`[project]` has no `requires-python`, so pip installs the package "
                "on Pythons it was never tested on. Add the oldest supported "
                f"version, e.g. `requires-python = {floor[1:-1]}`."
            )
        oldest = oldest_python(value)
        if oldest is None:
            return (
                f'`requires-python = "{value}"` sets no lower bound on Python 3 '
                f"that tools can read. Write it as {floor} (or your oldest version)."
            )
        if oldest < PYTHON_FLOOR:
            return (
                f'`requires-python = "{value}"` allows Python 3.{oldest}, below the '
                f"community's floor, Python 3.{PYTHON_FLOOR}: Python 3.9 and older no "
                "longer get security fixes. Raise it to "
                f"{floor}, drop the older `Programming Language :: Python` "
                f"classifiers, and test 3.{PYTHON_FLOOR} in CI instead (DP401)."
            )
        return True


def _read_or_none(place: Traversable, name: str) -> str | None:
    """Return the text of ``name`` in ``place``, or ``None`` when it cannot be read."""
    try:
        return read_text(place, name)
    except ValueError:
        return None


def _relative(package: Traversable, root: Traversable) -> str | None:
    """Give ``package``'s path below ``root`` (POSIX form), if it is a path below it."""
    try:
        return PurePath(str(package)).relative_to(PurePath(str(root))).as_posix()
    except ValueError:
        return None


def _marks_export_subst(attributes: str, target: str) -> bool:
    """Tell whether a ``.gitattributes`` text gives ``target`` the ``export-subst`` attribute.

    ``target`` is relative to the directory of the ``.gitattributes`` file. As
    in git, a pattern without a slash matches the file name in any directory;
    one with a slash matches the path from that directory.
    """
    name = target.rsplit("/", 1)[-1]
    for line in attributes.splitlines():
        fields = line.split()
        if len(fields) < 2 or "export-subst" not in fields[1:]:
            continue
        pattern = fields[0]
        if "/" not in pattern:
            matched = fnmatch.fnmatchcase(name, pattern)
        else:
            anchored = pattern.removeprefix("/")
            matched = fnmatch.fnmatchcase(target, anchored) or (
                anchored.startswith("**/")
                and fnmatch.fnmatchcase(target, anchored.removeprefix("**/"))
            )
        if matched:
            return True
    return False
