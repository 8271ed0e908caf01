"""Submit a workflow of ConvertEnergies to an Argo server, or run it locally.

On Argo, dflow reads the server from its own environment variables:
``DFLOW_HOST`` (the Argo server, e.g. ``https://127.0.0.1:2746``),
``DFLOW_TOKEN`` and ``DFLOW_NAMESPACE`` if your server needs them, and
``DFLOW_S3_ENDPOINT`` (and the other ``DFLOW_S3_*``) for the artifact storage.
The step runs in the image ``OP_IMAGE`` names, by default the one the image
workflow pushes on release tags::

    DFLOW_HOST=https://argo.example.org:2746 python examples/workflow.py energies.txt --to kJ/mol

With ``--debug``, dflow's debug mode runs the step here, in a folder of its own
in the current directory: no Argo, no Kubernetes, no image::

    python examples/workflow.py energies.txt --to kJ/mol --debug
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dflow import Step, Workflow, config, download_artifact, upload_artifact
from dflow.python import PythonOPTemplate

from demo_op.op import ConvertEnergies

# The image .github/workflows/image.yml builds and pushes for each release.
DEFAULT_IMAGE = "ghcr.io/deepmodeling/demo-op:latest"


def main(argv: list[str] | None = None) -> int:
    """Run the workflow; return the exit status."""
    parser = argparse.ArgumentParser(
        description="Convert energies with a dflow workflow."
    )
    parser.add_argument("energies", help="a text file of energies, one per line")
    parser.add_argument("--from", dest="from_unit", default="eV", help="their unit")
    parser.add_argument(
        "--to", dest="to_unit", required=True, help="the unit to convert to"
    )
    parser.add_argument(
        "--debug", action="store_true", help="run locally in dflow's debug mode"
    )
    args = parser.parse_args(argv)

    if args.debug:
        config["mode"] = "debug"
    template = PythonOPTemplate(
        ConvertEnergies,
        image=os.environ.get("OP_IMAGE", DEFAULT_IMAGE),
        # Debug mode runs the step with this interpreter, which has the package;
        # on Argo, the image's python3.
        command=[sys.executable] if args.debug else None,
    )
    step = Step(
        name="convert",
        template=template,
        parameters={"from_unit": args.from_unit, "to_unit": args.to_unit},
        artifacts={"energies": upload_artifact(Path(args.energies))},
    )
    workflow = Workflow(name="convert-energies")
    workflow.add(step)
    workflow.submit()
    workflow.wait()

    if workflow.query_status() != "Succeeded":
        print(f"workflow {workflow.id} failed", file=sys.stderr)
        return 1
    (done,) = workflow.query_step(name="convert")
    (converted,) = download_artifact(done.outputs.artifacts["converted"])
    print(
        f"converted {done.outputs.parameters['count'].value} energies into {converted}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
