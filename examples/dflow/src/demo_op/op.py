"""A dflow OP: energies in a file, converted to another unit.

A small, real OP to show the parts of one: typed input and output signatures
with an artifact (a file in, a file out) and parameters, checked by dflow
before and after `execute`. Replace it with your own OPs.
"""

from __future__ import annotations

from pathlib import Path

from dflow.python import OP, OPIO, Artifact, OPIOSign

from .units import convert_energy


class ConvertEnergies(OP):
    """Convert a file of energies, one per line, from one unit to another.

    Inputs: the artifact ``energies`` (the file) and the parameters
    ``from_unit`` and ``to_unit`` (each one of
    :data:`~.units.ENERGY_UNITS`).
    Outputs: the artifact ``converted`` (the energies in ``to_unit``, one per
    line) and the parameter ``count`` (how many there are).
    """

    @classmethod
    def get_input_sign(cls) -> OPIOSign:
        """Return the names and types of the inputs.

        Returns
        -------
        OPIOSign
            The input artifact ``energies`` and parameters ``from_unit`` and ``to_unit``.
        """
        return OPIOSign(
            {
                "energies": Artifact(Path),
                "from_unit": str,
                "to_unit": str,
            }
        )

    @classmethod
    def get_output_sign(cls) -> OPIOSign:
        """Return the names and types of the outputs.

        Returns
        -------
        OPIOSign
            The output artifact ``converted`` and parameter ``count``.
        """
        return OPIOSign({"converted": Artifact(Path), "count": int})

    @OP.exec_sign_check
    def execute(self, op_in: OPIO) -> OPIO:
        """Convert the energies; write them to ``converted.txt`` in the working directory.

        Parameters
        ----------
        op_in : OPIO
            The inputs, as :meth:`get_input_sign` declares them.

        Returns
        -------
        OPIO
            The outputs, as :meth:`get_output_sign` declares them.

        Raises
        ------
        ValueError
            If a unit is unknown, or an energy is not a number.
        """
        values = Path(op_in["energies"]).read_text(encoding="utf-8").split()
        converted = [
            convert_energy(float(value), op_in["from_unit"], op_in["to_unit"])
            for value in values
        ]
        # A relative path: dflow collects the output from the step's working
        # directory (a container's on Argo, a folder of its own in debug mode).
        out = Path("converted.txt")
        out.write_text("".join(f"{value}\n" for value in converted), encoding="utf-8")
        return OPIO({"converted": out, "count": len(converted)})
