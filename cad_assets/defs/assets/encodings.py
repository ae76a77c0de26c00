"""``cad_encodings`` (one partition per file) and ``cad_errors``, made by one step.

The step encodes a batch of files in the crash-isolated worker pool and records each file's
outcome on its own partition: a good file is materialized with its metadata, a bad one is left
unmaterialized with an observation saying why, and joins the error table. One bad file never
fails the step; a batch whose failure rate exceeds the error budget does, after recording all.

Why a multi-asset: a step that materializes a *subset* of its partitions yields no output for the
partitioned asset, and Dagster skips whatever depends on a missing output in the same run. The
unpartitioned ``cad_errors`` is always produced, so the merge downstream of it runs in the same
run. Runs without partitions (cron, sensor batches) select ``cad_errors`` only and choose their
files from the plan; backfills of ``cad_encodings`` encode exactly their partitions.
"""

import itertools
import os
from pathlib import Path

import dagster as dg
import pandas as pd
from pydantic import Field

from cad_assets.catalogue import Catalogue
from cad_assets.defs.assets.encoding_records import (
    ENCODINGS,
    mark_unrecorded_failures,
    materialize_unrecorded,
    record_success,
    record_unencoded,
)
from cad_assets.defs.failed_partitions import record_failed_partitions
from cad_assets.defs.jobs import retry_failed_files
from cad_assets.defs.partitions import cad_file_partitions
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.encoding import ENCODE_TASK, EncodeRequest, SkippedFile, report
from cad_assets.flow import Pipeline
from cad_assets.workers import TaskFailure, run_isolated

ERRORS = dg.AssetKey("cad_errors")


class EncodeConfig(dg.Config):
    partition_keys: list[str] = Field(
        default=[], description="Encode exactly these files (default: every file that needs it)"
    )
    retry_failed: bool = Field(
        default=False, description="Also retry files that failed or were skipped before"
    )


def build_encode_assets(pipeline: Pipeline) -> dg.AssetsDefinition:
    """The step that runs ``pipeline``'s encoders; its version is ``cad_encodings``' code
    version, so changing an encoder's declared version marks exactly the encodings stale."""
    encoders = ", ".join(t.name for t in pipeline.encoders)

    @dg.multi_asset(
        name="encode_cad_files",
        specs=[
            dg.AssetSpec(
                ENCODINGS,
                partitions_def=cad_file_partitions,
                skippable=True,
                deps=["cad_files"],
                code_version=pipeline.version,
                description=f"Per-file Zarr store, one partition per CAD file. Encoders: {encoders}.",
                metadata={"encoders": encoders},
                group_name="cad",
            ),
            dg.AssetSpec(
                ERRORS,
                deps=["cad_files", ENCODINGS],
                description="Error table: every current file whose encoding failed, and why.",
                group_name="cad",
            ).with_io_manager_key("table_io_manager"),
        ],
        ins={"cad_files": dg.AssetIn()},
        can_subset=True,
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def encode_cad_files(
        context: dg.AssetExecutionContext,
        config: EncodeConfig,
        settings: CadPipelineSettings,
        cad_files: pd.DataFrame,
    ):
        yield from _encode_step(context, config, settings, pipeline, cad_files)

    return encode_cad_files


def _encode_step(context, config, settings, pipeline: Pipeline, cad_files: pd.DataFrame):
    catalogue = settings.catalogue(pipeline.version)
    catalogue.sync(cad_files)
    # Partitions chosen in the UI or a backfill are re-encoded even when up to date.
    backfill = ENCODINGS in context.selected_asset_keys
    plan = catalogue.plan(
        cad_files,
        pipeline.encoder_references,
        only_keys=context.partition_keys if backfill else config.partition_keys or None,
        force=backfill,
        retry_failed=config.retry_failed,
    )
    retried = f" ({len(plan.retried)} failed or skipped under an earlier version of the " \
              "encoders: retried)" if plan.retried else ""
    context.log.info(
        f"{len(plan.requests)} files to encode{retried}, {len(plan.up_to_date)} up to date, "
        f"{len(plan.known_failures)} failed or skipped before, left alone"
    )
    if plan.known_failures:
        context.log.warning(_left_alone_message(context, catalogue, cad_files, plan))
    materialize_unrecorded(context, catalogue, cad_files, plan.up_to_date)
    if plan.known_failures:
        mark_unrecorded_failures(context, catalogue, cad_files, plan.known_failures)
    progress = _encode_and_record(context, plan.requests, settings, catalogue, pipeline)
    failed, skipped = progress.failed, progress.skipped

    if ERRORS in context.selected_asset_keys:
        errors = catalogue.errors(cad_files)
        yield dg.Output(
            errors,
            output_name=ERRORS.path[-1],
            metadata={
                "encoded_this_run": len(plan.requests) - failed - skipped,
                "failed_this_run": failed,
                "skipped_this_run": skipped,
                "by_error_type": dg.MetadataValue.json(errors["error_type"].value_counts().to_dict()),
            },
        )
    if plan.requests and failed / len(plan.requests) > settings.error_budget:
        raise dg.Failure(report.budget_message(progress.failures, len(plan.requests),
                                               settings.error_budget))


def _left_alone_message(context, catalogue: Catalogue, cad_files: pd.DataFrame, plan) -> str:
    """Which files failed or were skipped before and stay so, why, and how to retry them."""
    known = cad_files[cad_files["partition_key"].isin(plan.known_failures)]
    outcomes = catalogue.current(known, ["error_type", "task", "message"])
    before = [report.Failure(row.partition_key, row.error_type or "Failed", row.task or "",
                             row.message or "") for row in outcomes.itertuples()]
    n = len(plan.known_failures)
    if plan.requests or plan.up_to_date:
        head = (f"{n} file{'s' * (n != 1)} failed or were skipped before with the same content "
                "and encoder versions, and are left alone")
    else:
        head = (f"Nothing to encode: every file ({n}) failed or was skipped before with the "
                "same content and encoder versions, and is left alone; the dataset holds none "
                "of them")
    return (f"{head}: {report.examples_by_type(before)}. Editing an encoder's code (or bumping "
            "its version=) retries them by itself; to retry them as they are, run "
            f"`{_retry_command(context)}` (in the UI: cad_encodings > Materialize > Backfill "
            "only failed and missing partitions). `cad-assets errors` lists them.")


def _retry_command(context) -> str:
    """The shell command that runs ``retry_failed_files`` on this run's code location."""
    target = "-m cad_assets.definitions"
    try:
        pointer = context.run.job_code_origin.repository_origin.code_pointer
    except AttributeError:  # a run in-process, without a code location
        pointer = None
    if getattr(pointer, "module", None):
        target = f"-m {pointer.module}"
    elif getattr(pointer, "python_file", None):
        target = f"-f {pointer.python_file}"
    return f"dagster job execute {target} -j {retry_failed_files.name}"


def _encode_and_record(
    context: dg.AssetExecutionContext,
    requests: list[EncodeRequest],
    settings: CadPipelineSettings,
    catalogue: Catalogue,
    pipeline: Pipeline,
) -> report.Progress:
    """Encode ``requests`` in the worker pool and record each file's outcome as soon as it is
    known (a killed run keeps what it finished); log progress every few seconds and the
    failed files at the end. Returns the counts and failures."""
    size = {r.partition_key: _size(r.path) for r in requests}
    limit = settings.max_file_mb * 1024 * 1024
    outcomes = [
        (r, TaskFailure("FileTooLarge", f"{Path(r.path).name} is {size[r.partition_key] / 2**20:.1f} "
                        f"MB, larger than the {settings.max_file_mb:g} MB file limit; not read"))
        for r in requests
        if size[r.partition_key] > limit
    ]
    # Largest first: a big file started last would leave the other workers idle at the end.
    runnable = sorted(
        (r for r in requests if size[r.partition_key] <= limit), key=lambda r: -size[r.partition_key]
    )
    progress = report.Progress(len(requests), report.PROGRESS_INTERVAL_S)
    if not requests:
        return progress
    pool = settings.pool_settings(in_process=pipeline.debug)
    results = run_isolated(ENCODE_TASK, runnable, pool, preload=pipeline.worker_preload)
    outcomes = itertools.chain(outcomes, ((runnable[index], result) for index, result in results))
    for request, result in outcomes:
        if isinstance(result, TaskFailure):
            record_unencoded(context, catalogue, request, "failed", vars(result))
            line = progress.add("failed", report.Failure(
                request.partition_key, result.error_type, result.task, result.message))
        elif isinstance(result, SkippedFile):
            record_unencoded(context, catalogue, request, "skipped",
                              {"error_type": "Skipped", "task": result.task, "message": result.reason})
            line = progress.add("skipped")
        else:
            record_success(context, catalogue, request, result)
            line = progress.add("encoded")
        if line:
            context.log.info(line)
    context.log.info(progress.summary())
    if progress.failures:
        context.log.warning(report.failure_list(progress.failures))
        # Their partitions show as failed in the UI (a run of their own: this one goes on).
        record_failed_partitions(context, progress.failures)
    return progress


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:  # gone or unreadable: the worker reports why
        return 0
