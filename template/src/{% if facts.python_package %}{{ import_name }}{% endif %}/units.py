"""Energy unit conversion.

A small, real function to show the package layout, tests and API docs at work.
Replace it with your own code.
"""

from __future__ import annotations

# Joules per unit, from the exact SI constants and CODATA 2018.
_AVOGADRO = 6.02214076e23
_JOULES_PER_UNIT: dict[str, float] = {
    "eV": 1.602176634e-19,
    "Hartree": 4.3597447222071e-18,
    "kJ/mol": 1e3 / _AVOGADRO,
    "kcal/mol": 4.184e3 / _AVOGADRO,
}

ENERGY_UNITS: tuple[str, ...] = tuple(_JOULES_PER_UNIT)
"""The units that :func:`convert_energy` knows."""


def convert_energy(value: float, from_unit: str, to_unit: str) -> float:
    """Convert an energy from one unit to another.

    Parameters
    ----------
    value : float
        The energy, in `from_unit`.
    from_unit : str
        The unit of `value`: one of :data:`ENERGY_UNITS`.
    to_unit : str
        The unit to convert to: one of :data:`ENERGY_UNITS`.

    Returns
    -------
    float
        The energy in `to_unit`.

    Raises
    ------
    ValueError
        If either unit is not one of :data:`ENERGY_UNITS`.

    Examples
    --------
    >>> round(convert_energy(1.0, "eV", "kJ/mol"), 3)
    96.485
    >>> round(convert_energy(1.0, "Hartree", "eV"), 4)
    27.2114
    """
    for unit in (from_unit, to_unit):
        if unit not in _JOULES_PER_UNIT:
            known = ", ".join(ENERGY_UNITS)
            msg = f"unknown energy unit {unit!r}; use one of {known}"
            raise ValueError(msg)
    return value * _JOULES_PER_UNIT[from_unit] / _JOULES_PER_UNIT[to_unit]
