"""Command-line interface: ``dp-everything 1.0 eV kJ/mol``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from . import __version__
from .units import ENERGY_UNITS, convert_energy

if TYPE_CHECKING:
    from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser.

    Returns
    -------
    argparse.ArgumentParser
        The parser of the ``dp-everything`` command.
    """
    parser = argparse.ArgumentParser(
        prog="dp-everything",
        description="Convert an energy between units.",
    )
    parser.add_argument("value", type=float, help="the energy to convert")
    parser.add_argument("from_unit", choices=ENERGY_UNITS, help="its unit")
    parser.add_argument("to_unit", choices=ENERGY_UNITS, help="the unit to convert to")
    parser.add_argument("--version", action="version", version=__version__)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : Sequence[str], optional
        The arguments; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        The exit status.
    """
    args = build_parser().parse_args(argv)
    energy = convert_energy(args.value, args.from_unit, args.to_unit)
    print(f"{energy:.10g} {args.to_unit}")
    return 0
