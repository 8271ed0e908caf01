from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from dflow.python import OPIO

from demo_op.op import ConvertEnergies
from demo_op.units import convert_energy

if TYPE_CHECKING:
    from pathlib import Path


# The OP called directly, as dflow calls it in a step: no workflow, no dflow
# server. It writes its output in the working directory, hence the chdir.
def test_execute_converts_every_energy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    energies = tmp_path / "energies.txt"
    energies.write_text("1.0\n-2.5\n", encoding="utf-8")

    out = ConvertEnergies().execute(
        OPIO({"energies": energies, "from_unit": "eV", "to_unit": "kJ/mol"})
    )

    assert out["count"] == 2
    values = [float(v) for v in out["converted"].read_text(encoding="utf-8").split()]
    assert values == pytest.approx([96.485332, -241.21333], rel=1e-6)
    assert values[1] == convert_energy(-2.5, "eV", "kJ/mol")


def test_unknown_unit_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    energies = tmp_path / "energies.txt"
    energies.write_text("1.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown energy unit 'meV'"):
        ConvertEnergies().execute(
            OPIO({"energies": energies, "from_unit": "meV", "to_unit": "eV"})
        )


def test_inputs_are_type_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """dflow checks the inputs against get_input_sign before execute runs."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TypeError):
        ConvertEnergies().execute(
            OPIO(
                {"energies": tmp_path / "energies.txt", "from_unit": 1, "to_unit": "eV"}
            )
        )
