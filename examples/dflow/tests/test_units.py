from __future__ import annotations

import doctest

import pytest

import demo_op
from demo_op import units
from demo_op.units import ENERGY_UNITS, convert_energy


def test_version_is_set():
    assert demo_op.__version__


def test_known_value():
    assert convert_energy(1.0, "eV", "kJ/mol") == pytest.approx(96.485332, rel=1e-6)


@pytest.mark.parametrize("unit", ENERGY_UNITS)
def test_round_trip(unit):
    there = convert_energy(2.5, "eV", unit)
    assert convert_energy(there, unit, "eV") == pytest.approx(2.5)


def test_unknown_unit_is_rejected():
    with pytest.raises(ValueError, match="unknown energy unit 'meV'"):
        convert_energy(1.0, "meV", "eV")


def test_docstring_examples():
    assert doctest.testmod(units).failed == 0
