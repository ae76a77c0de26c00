"""Run ``build_dataset`` with a merge that stops half-way and waits to be killed.

Used by ``test_crash_recovery.py`` as a child process (``python -m``), so that SIGKILL lands
at a known point of the merge: the first shard's arrays are created and its first batch of
stores is read, no rows are written yet. :func:`pause_after_first_batch` alone serves the
storage tests, which kill a bare :func:`cad_assets.storage.merge_dataset` the same way.
"""

import sys
import time
from pathlib import Path

from cad_assets.storage import shard_writer


def pause_after_first_batch(marker: Path) -> None:
    """Make every later merge in this process touch ``marker`` and sleep once it has read its
    first batch of stores."""
    read_batch = shard_writer._read_batch

    def paused(*args, **kwargs):
        blocks = read_batch(*args, **kwargs)
        marker.touch()
        time.sleep(600)
        return blocks

    shard_writer._read_batch = paused


def main(marker: str) -> None:
    # Imported here: the storage tests use pause_after_first_batch without Dagster.
    import dagster as dg

    from cad_assets.defs.definitions import build_definitions

    pause_after_first_batch(Path(marker))
    job = build_definitions().resolve_job_def("build_dataset")
    job.execute_in_process(instance=dg.DagsterInstance.get())


if __name__ == "__main__":
    main(sys.argv[1])
