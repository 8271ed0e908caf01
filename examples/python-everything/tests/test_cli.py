from __future__ import annotations

import subprocess
import sys

import pytest

from dp_everything.cli import main


def test_converts(capsys):
    assert main(["1", "Hartree", "eV"]) == 0
    assert capsys.readouterr().out == "27.21138625 eV\n"


def test_rejects_unknown_unit(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["1", "meV", "eV"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'meV'" in capsys.readouterr().err


def test_runs_as_module():
    result = subprocess.run(
        [sys.executable, "-m", "dp_everything", "1", "eV", "kJ/mol"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("96.48533")
