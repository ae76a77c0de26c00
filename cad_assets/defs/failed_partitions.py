"""Failed files as *failed* partitions of ``cad_encodings`` in the UI, not just missing ones.

Dagster (open source, 1.13) shows a partition as failed when the latest run that planned to
materialize it failed without doing so; its per-partition failure events
(``ASSET_FAILED_TO_MATERIALIZE``) are stored only by Dagster+. A failed file must not fail the
run that encodes it, though (only the error budget does), so the encoding step records the
files that failed in a run of their own: a run of the same job and plan, tagged
``cad_assets/failed_files_of=<encoding run id>``, that plans each failed file's partition
(one event per file, whose message is the file's error type and first message line) and is
marked failed with the list of those files and their errors. Its
partitions then show as failed until a later run materializes them (a retry that succeeds).
Each file's error type and message stay on its partition as the observation the encoding
step logs (see :mod:`cad_assets.defs.assets.encoding_records`).

No run is launched: nothing executes, the run queue and run monitoring never see it.
"""

import logging

import dagster as dg
from dagster._core.events import AssetMaterializationPlannedData, DagsterEvent, DagsterEventType
from dagster._core.storage.dagster_run import DagsterRunStatus, make_new_run_id
from dagster_shared.record import copy

from cad_assets.encoding import report

ENCODINGS = dg.AssetKey("cad_encodings")
#: Tag of the run that records an encoding run's failed files: the encoding run's id.
FAILED_FILES_OF_TAG = "cad_assets/failed_files_of"


def record_failed_partitions(context, failures: list[report.Failure]) -> str | None:
    """Record ``failures`` (files of this step's run that failed) as failed partitions of
    ``cad_encodings``; return the id of the run holding them (``None`` when there are none)."""
    if not failures:
        return None
    instance: dg.DagsterInstance = context.instance
    # The encoding run's job and plan (already stored: nothing is planned anew), none of its
    # tags (a backfill's would count this run in the backfill), and no execution ever.
    run = instance.add_run(copy(
        context.run,
        run_id=make_new_run_id(),
        status=DagsterRunStatus.NOT_STARTED,
        tags={FAILED_FILES_OF_TAG: context.run.run_id},
        root_run_id=None,
        parent_run_id=None,
        partitions_subset=None,
    ))
    step_key = context.op_execution_context.op.name  # the step key of a top-level op
    for failure in sorted(failures, key=lambda f: f.partition_key):
        # Its message (the run's log, "View logs" on the partition page) says why it failed.
        instance.report_dagster_event(
            DagsterEvent(
                event_type_value=DagsterEventType.ASSET_MATERIALIZATION_PLANNED.value,
                job_name=run.job_name,
                message=f"Failed: {failure.describe()}",
                event_specific_data=AssetMaterializationPlannedData(
                    ENCODINGS, partition=failure.partition_key),
                step_key=step_key,
            ),
            run_id=run.run_id,
            log_level=logging.ERROR,
        )
    instance.report_run_failed(run, message=failure_message(context.run.run_id, failures))
    return run.run_id


def failure_message(run_id: str, failures: list[report.Failure]) -> str:
    """Each failed file with its error type and first message line (the first 30, then the
    count by type), and what this run is."""
    return (f"{report.failure_list(failures)}\n"
            f"This run only records the files that failed in run {run_id}: their partitions "
            "of cad_encodings show as failed, each with its error type and message on its "
            "partition (an observation) and in cad_errors (`cad-assets errors`). The encoding "
            "run itself did not fail for them; retrying a file that succeeds clears its "
            "failure.")
