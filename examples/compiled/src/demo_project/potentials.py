"""Pair potentials, computed in C++.

The functions are compiled from ``src/cpp/`` into the extension module
``_core``; this module is their public home. Their types for type checkers and
editors are in ``_core.pyi``.
"""

from __future__ import annotations

from ._core import lennard_jones

__all__ = ["lennard_jones"]
