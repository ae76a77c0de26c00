"""``cad_run_summary``: the run summary (HOOPS AI's ``.flow`` file) at ``<output>/summary.json``."""

import json
import time
from collections import Counter

import dagster as dg
import pandas as pd

from cad_assets.defs.assets.encodings import ENCODINGS, ENCODING_VERSION
from cad_assets.defs.io_managers import table_path
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.storage import atomic_write_path


@dg.asset(group_name="cad", deps=["cad_dataset", "cad_attribset"])
def cad_run_summary(
    context: dg.AssetExecutionContext,
    settings: CadPipelineSettings,
    cad_files: pd.DataFrame,
    cad_infoset: pd.DataFrame,
    cad_errors: pd.DataFrame,
) -> dg.MaterializeResult:
    """Paths of the dataset and its tables, seconds per stage of this run, file counts, the
    error distribution by type and the settings used; also shown here as metadata."""
    encoded, failed = _encoding_outcomes_of_run(context)
    summary = {
        "run_id": context.run.run_id,
        "dataset": str(settings.dataset_path),
        "infoset": str(table_path(settings, dg.AssetKey("cad_infoset"))),
        "attribset": str(table_path(settings, dg.AssetKey("cad_attribset"))),
        "errors": str(table_path(settings, dg.AssetKey("cad_errors"))),
        "files": str(table_path(settings, dg.AssetKey("cad_files"))),
        "duration_seconds": _stage_seconds(context),
        "file_count": {
            "discovered": len(cad_files),
            "in_dataset": len(cad_infoset),
            "failed": len(cad_errors),
            "encoded_this_run": encoded,
            "failed_this_run": failed,
        },
        "error_distribution": dict(Counter(cad_errors["error_type"])),
        "settings": {**settings.model_dump(), "encoding_version": ENCODING_VERSION},
    }
    with atomic_write_path(settings.summary_path) as temp:
        temp.write_text(json.dumps(summary, indent=2))
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(settings.summary_path)),
            "summary": dg.MetadataValue.json(summary),
            "files_in_dataset": len(cad_infoset),
            "files_failed": len(cad_errors),
        }
    )


def _stage_seconds(context: dg.AssetExecutionContext) -> dict[str, float]:
    """Seconds per finished step of this run, and the total so far."""
    stages = {
        stats.step_key: round(stats.end_time - stats.start_time, 3)
        for stats in context.instance.get_run_step_stats(context.run.run_id)
        if stats.start_time and stats.end_time
    }
    run = context.instance.get_run_record_by_id(context.run.run_id)
    started = run.start_time if run and run.start_time else time.time()
    return {**stages, "total": round(time.time() - started, 3)}


def _encoding_outcomes_of_run(context: dg.AssetExecutionContext) -> tuple[int, int]:
    """(files encoded, files failed) in this run, read back from its per-partition events."""
    records = context.instance.get_records_for_run(
        context.run.run_id,
        of_type={dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_OBSERVATION},
    ).records
    kinds = Counter(
        record.event_log_entry.dagster_event.event_type
        for record in records
        if record.event_log_entry.dagster_event.asset_key == ENCODINGS
    )
    return (
        kinds[dg.DagsterEventType.ASSET_MATERIALIZATION],
        kinds[dg.DagsterEventType.ASSET_OBSERVATION],
    )
