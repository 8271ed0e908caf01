"""Recognise license texts, SPDX identifiers and license classifiers.

Only the licenses the template offers and their close relatives are known;
anything else is "unknown", and the rules then say nothing rather than guess.
A license text cannot tell ``-only`` from ``-or-later`` (that is a choice made
in the metadata), so texts are compared by *family*: ``LGPL-3.0``, ``MIT``...
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

from ._core import list_dir

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

LICENSE_PREFIXES = ("LICENSE", "LICENCE", "COPYING")

# family -> phrases that must all occur (after collapsing whitespace).  The GNU
# titles are matched in capitals: the LGPL text mentions the "GNU General
# Public License" in its body, never in capitals.
_FINGERPRINTS: dict[str, tuple[str, ...]] = {
    "LGPL-3.0": ("GNU LESSER GENERAL PUBLIC LICENSE", "Version 3,"),
    "LGPL-2.1": ("GNU LESSER GENERAL PUBLIC LICENSE", "Version 2.1,"),
    "GPL-3.0": ("GNU GENERAL PUBLIC LICENSE", "Version 3,"),
    "GPL-2.0": ("GNU GENERAL PUBLIC LICENSE", "Version 2,"),
    "AGPL-3.0": ("GNU AFFERO GENERAL PUBLIC LICENSE", "Version 3,"),
    "Apache-2.0": ("Apache License", "Version 2.0"),
    "MPL-2.0": ("Mozilla Public License", "2.0"),
    "MIT": (
        "permission is hereby granted, free of charge, to any person obtaining a copy",
    ),
    "ISC": (
        "permission to use, copy, modify, and/or distribute this software for any "
        "purpose with or without fee is hereby granted",
    ),
}
# For messages: the texts `identify` knows.
KNOWN_TEXTS = "GPL, LGPL, AGPL, MIT, BSD, ISC, Apache-2.0 and MPL-2.0"
_CASE_SENSITIVE = {"LGPL-3.0", "LGPL-2.1", "GPL-3.0", "GPL-2.0", "AGPL-3.0"}
_BSD = "redistribution and use in source and binary forms"
_BSD_3 = "neither the name"

# The GNU identifiers SPDX deprecated (``GPL-3.0``, ``GPL-3.0+``) for their
# ``-only`` and ``-or-later`` forms, and the other licenses whose texts are known.
_GNU = ("GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0", "AGPL-3.0")
_OTHERS = frozenset(
    {"MIT", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "MPL-2.0", "ISC"}
)

# Trove license classifier (after "License :: " and "OSI Approved :: ") ->
# the families it can describe.
CLASSIFIER_FAMILIES: dict[str, frozenset[str]] = {
    "GNU Lesser General Public License v3 (LGPLv3)": frozenset({"LGPL-3.0"}),
    "GNU Lesser General Public License v3 or later (LGPLv3+)": frozenset({"LGPL-3.0"}),
    "GNU Lesser General Public License v2 (LGPLv2)": frozenset({"LGPL-2.1"}),
    "GNU Lesser General Public License v2 or later (LGPLv2+)": frozenset(
        {"LGPL-2.1", "LGPL-3.0"}
    ),
    "GNU General Public License v3 (GPLv3)": frozenset({"GPL-3.0"}),
    "GNU General Public License v3 or later (GPLv3+)": frozenset({"GPL-3.0"}),
    "GNU General Public License v2 (GPLv2)": frozenset({"GPL-2.0"}),
    "GNU General Public License v2 or later (GPLv2+)": frozenset(
        {"GPL-2.0", "GPL-3.0"}
    ),
    "GNU Affero General Public License v3": frozenset({"AGPL-3.0"}),
    "GNU Affero General Public License v3 or later (AGPLv3+)": frozenset({"AGPL-3.0"}),
    "MIT License": frozenset({"MIT"}),
    "BSD License": frozenset({"BSD-2-Clause", "BSD-3-Clause"}),
    "Apache Software License": frozenset({"Apache-2.0"}),
    "Mozilla Public License 2.0 (MPL 2.0)": frozenset({"MPL-2.0"}),
    "ISC License (ISCL)": frozenset({"ISC"}),
}


def license_files(package: Traversable) -> list[str]:
    """Name the license files (``LICENSE*``, ``LICENCE*``, ``COPYING*``) at the top."""
    return [
        item.name
        for item in list_dir(package)
        if item.name.upper().startswith(LICENSE_PREFIXES) and item.is_file()
    ]


def identify(text: str) -> set[str]:
    """Recognise the license families whose text occurs in ``text``."""
    flat = " ".join(text.split())
    lower = flat.lower()
    found = {
        family
        for family, phrases in _FINGERPRINTS.items()
        if all(
            phrase in flat if family in _CASE_SENSITIVE else phrase.lower() in lower
            for phrase in phrases
        )
    }
    if _BSD in lower:
        found.add("BSD-3-Clause" if _BSD_3 in lower else "BSD-2-Clause")
    return found


def spdx_ids(expression: str) -> list[str]:
    """List the license identifiers of an SPDX expression (not the exceptions).

    It also reads an expression that is not valid (DP202 names its wrong
    identifiers); `packaging` validates and spells them (`canonical_id`).
    """
    tokens = re.findall(r"[A-Za-z0-9.+\-:]+", expression)
    ids: list[str] = []
    after_with = False
    for token in tokens:
        if token.upper() in {"AND", "OR"}:
            after_with = False
        elif token.upper() == "WITH":
            after_with = True
        elif not after_with:
            ids.append(token)
    return ids


def _spelled(spdx_id: str) -> str:
    """Spell an SPDX identifier in its registered case (``mit`` -> ``MIT``), as packaging does."""
    try:
        return str(canonicalize_license_expression(spdx_id))
    except InvalidLicenseExpression:
        return spdx_id


def canonical_id(spdx_id: str) -> str:
    """Spell an SPDX identifier canonically (``LGPL-3.0+`` -> ``LGPL-3.0-or-later``)."""
    spelled = _spelled(spdx_id)
    gnu = spelled.removesuffix("+")
    if gnu in _GNU:
        return f"{gnu}-or-later" if spelled.endswith("+") else f"{gnu}-only"
    return spelled


def is_deprecated(spdx_id: str) -> bool:
    """Tell whether a GNU identifier is a deprecated one (``GPL-3.0``, ``LGPL-3.0+``)."""
    return _spelled(spdx_id).removesuffix("+") in _GNU


def family(spdx_id: str) -> str | None:
    """Give the text family of an SPDX identifier, or ``None`` when unknown."""
    canonical = canonical_id(spdx_id)
    for gnu in _GNU:
        if canonical in {f"{gnu}-only", f"{gnu}-or-later"}:
            return gnu
    return canonical if canonical in _OTHERS else None


def classifier_license(classifier: str) -> str | None:
    """Strip ``License :: [OSI Approved ::]`` from a license classifier."""
    if not classifier.startswith("License ::"):
        return None
    name = classifier.removeprefix("License ::").strip()
    return name.removeprefix("OSI Approved ::").strip()
