"""Run ``build_dataset`` with a merge that stops half-way and waits to be killed.

Used by ``test_crash_recovery.py`` as a child process (``python -m``), so that SIGKILL lands
at a known point of the merge: the new version's arrays are created, no rows are written yet.
"""

import sys
import time
from pathlib import Path

import dagster as dg

from cad_assets.defs.definitions import build_definitions
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.storage import merge


def _pause_after_reading(marker: Path):
    read_batch = merge._read_batch

    def paused(*args, **kwargs):
        blocks = read_batch(*args, **kwargs)
        marker.touch()
        time.sleep(600)
        return blocks

    return paused


def main(marker: str) -> None:
    merge._read_batch = _pause_after_reading(Path(marker))
    job = build_definitions().resolve_job_def("build_dataset")
    job.execute_in_process(instance=dg.DagsterInstance.get())


if __name__ == "__main__":
    main(sys.argv[1])
