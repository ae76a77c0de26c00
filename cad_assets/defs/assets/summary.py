"""``cad_run_summary``: the run summary (HOOPS AI's ``.flow`` file) at ``<output>/summary.json``."""

import json
import time
from collections import Counter

import dagster as dg
import pandas as pd

from cad_assets.defs.assets.encoding_records import ENCODINGS
from cad_assets.defs.io_managers import EncodingsIOManager, table_path
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.encoding.plan import current_skips
from cad_assets.flow import Pipeline
from cad_assets.storage import atomic_write_path


@dg.asset(group_name="cad", deps=["cad_dataset", "cad_attribset"])
def cad_run_summary(
    context: dg.AssetExecutionContext,
    settings: CadPipelineSettings,
    cad_pipeline: dg.ResourceParam[Pipeline],
    encodings_io_manager: dg.ResourceParam[EncodingsIOManager],
    cad_files: pd.DataFrame,
    cad_infoset: pd.DataFrame,
    cad_errors: pd.DataFrame,
) -> dg.MaterializeResult:
    """Paths of the dataset and its tables, seconds per stage of this run, file counts, the
    error distribution by type, the files encoders skipped, the tasks and the settings used;
    also shown here as metadata."""
    encoded, failed = _encoding_outcomes_of_run(context)
    skipped = current_skips(cad_files, encodings_io_manager.layout, cad_pipeline.version)
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
            "skipped": len(skipped),
            "encoded_this_run": encoded,
            "failed_this_run": failed,
        },
        "error_distribution": dict(Counter(cad_errors["error_type"])),
        "skipped": skipped,
        "tasks": {
            "gather": cad_pipeline.gather.name,
            "encoders": {t.name: {"version": t.version, "options": t.options}
                         for t in cad_pipeline.encoders},
            "dataset_tasks": [t.name for t in cad_pipeline.dataset_tasks],
        },
        "settings": {**settings.model_dump(), "encoding_version": cad_pipeline.version,
                     "debug": cad_pipeline.debug},
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
    """(files encoded, files failed) in this run, read back from its per-partition events:
    materializations, and observations whose status is ``failed`` (not ``skipped``)."""
    records = context.instance.get_records_for_run(
        context.run.run_id,
        of_type={dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_OBSERVATION},
    ).records
    kinds = Counter()
    for record in records:
        event = record.event_log_entry.dagster_event
        if event.asset_key != ENCODINGS:
            continue
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            kinds["encoded"] += 1
        else:
            status = event.event_specific_data.asset_observation.metadata.get("status")
            kinds[getattr(status, "value", status)] += 1
    return kinds["encoded"], kinds["failed"]
