"""The demo_op package."""

from __future__ import annotations

from ._version import __version__
from .units import ENERGY_UNITS, convert_energy

__all__ = ["ENERGY_UNITS", "__version__", "convert_energy"]
