"""A whole workflow of the OP, run by dflow's debug mode.

Debug mode runs each step as a local Python process, in a folder of its own
under the working directory: no Argo server, no Kubernetes, no network.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from dflow import Step, Workflow, config, download_artifact, upload_artifact
from dflow.python import PythonOPTemplate

from demo_op.op import ConvertEnergies

EXAMPLE = Path(__file__).parents[1] / "examples" / "workflow.py"


@pytest.fixture
def debug_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Debug mode, with the workflow's folders in a temporary directory."""
    monkeypatch.setitem(config, "mode", "debug")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_workflow_runs_in_debug_mode(debug_mode: Path):
    (debug_mode / "energies.txt").write_text("1.0\n2.0\n", encoding="utf-8")
    step = Step(
        name="convert",
        # A step runs `python3` by default: here, the interpreter that has the
        # package installed. The image is not used in debug mode.
        template=PythonOPTemplate(
            ConvertEnergies, image="unused-in-debug-mode", command=[sys.executable]
        ),
        parameters={"from_unit": "Hartree", "to_unit": "eV"},
        artifacts={"energies": upload_artifact(Path("energies.txt"))},
    )
    workflow = Workflow(name="convert-energies")
    workflow.add(step)
    workflow.submit()

    assert workflow.query_status() == "Succeeded"
    (done,) = workflow.query_step(name="convert")
    assert done.outputs.parameters["count"].value == 2
    (converted,) = download_artifact(
        done.outputs.artifacts["converted"], path=Path("out")
    )
    values = [float(v) for v in Path(converted).read_text(encoding="utf-8").split()]
    assert values == pytest.approx([27.211386, 54.422772], rel=1e-6)


def test_example_runs_in_debug_mode(tmp_path: Path):
    """examples/workflow.py --debug: the Argo example, run locally."""
    (tmp_path / "energies.txt").write_text("1.0\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, EXAMPLE, "energies.txt", "--to", "kJ/mol", "--debug"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "converted 1 energies" in result.stdout
