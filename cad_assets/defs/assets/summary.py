"""``cad_run_summary``: the run summary (HOOPS AI's ``.flow`` file) at ``<output>/summary.json``."""

import json
import resource
import time
from collections import Counter

import dagster as dg
import pandas as pd

from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.flow import Pipeline
from cad_assets.sources import (
    content_groups,
    describe_conflicts,
    duplicate_counts,
    face_label_digests,
    label_conflicts,
)
from cad_assets.storage import atomic_write_path

#: Conflicting groups listed in ``summary.json`` (all are counted).
CONFLICTS_LISTED = 20


@dg.asset(group_name="cad", deps=["cad_dataset", "cad_attribset"])
def cad_run_summary(
    context: dg.AssetExecutionContext,
    settings: CadPipelineSettings,
    cad_pipeline: dg.ResourceParam[Pipeline],
    cad_files: pd.DataFrame,
    cad_infoset: pd.DataFrame,
    cad_errors: pd.DataFrame,
) -> dg.MaterializeResult:
    """Paths of the dataset and its tables, seconds per stage of this run, file counts, the
    error distribution by type, the files encoders skipped, the CPU seconds of the run process
    and of its workers, the duplicates in the dataset (groups of identical files, and those
    whose copies are labelled differently: also a warning in the run log), the tasks and the
    settings used; also shown here as metadata."""
    catalogue = settings.catalogue(cad_pipeline.version)
    this_run = catalogue.outcomes_of_run(context.run.run_id)
    skipped = catalogue.skips(cad_files)
    layout = settings.layout
    stages = _stage_seconds(context)
    duplicates = duplicate_summary(cad_infoset)
    if duplicates["label_conflicts"]:
        context.log.warning(describe_conflicts(duplicates["conflicts"]))
    summary = {
        "run_id": context.run.run_id,
        "dataset": str(layout.dataset),
        "infoset": str(layout.infoset),
        "attribset": str(layout.attribset),
        "errors": str(layout.errors),
        "files": str(layout.files),
        "duration_seconds": stages,
        "merge_seconds": _merge_seconds(context),
        "cpu_seconds": {
            # The run process: discovery, hashing, bookkeeping, Dagster's event log, the merge.
            "run_process": round(_own_cpu_seconds(), 3),
            "workers": round(this_run["worker_cpu_seconds"], 3),
        },
        "file_count": {
            "discovered": len(cad_files),
            "in_dataset": len(cad_infoset),
            "failed": len(cad_errors),
            "skipped": len(skipped),
            "encoded_this_run": this_run["encoded"],
            "failed_this_run": this_run["failed"],
        },
        "error_distribution": dict(Counter(cad_errors["error_type"])),
        "duplicates": duplicates,
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
    with atomic_write_path(layout.summary) as temp:
        temp.write_text(json.dumps(summary, indent=2))
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(layout.summary)),
            "summary": dg.MetadataValue.json(summary),
            "files_in_dataset": len(cad_infoset),
            "files_failed": len(cad_errors),
            "duplicate_groups": duplicates["groups"],
            "files_in_duplicate_groups": duplicates["files"],
            "duplicate_label_conflicts": duplicates["label_conflicts"],
        }
    )


def duplicate_summary(infoset: pd.DataFrame) -> dict:
    """The files of the dataset with identical content (same sha256): ``groups`` of two or
    more, the ``files`` in them, the ``extra_copies`` (files - groups), how many groups are
    labelled differently (``label_conflicts``: per-file class ``label_name``, from folders or
    a table, or face label files of different content) and the first of those
    (``conflicts``: group, field, value per partition key)."""
    counts = duplicate_counts(infoset)
    fields = ["label_name"]
    if counts["groups"] and "face_label_file" in infoset:
        copies = infoset[content_groups(infoset).duplicated(keep=False)]
        infoset = copies.assign(face_labels=face_label_digests(copies))
        fields.append("face_labels")
    conflicts = label_conflicts(infoset, fields) if counts["groups"] else []
    return {**counts,
            "label_conflicts": len({conflict["duplicate_group"] for conflict in conflicts}),
            "conflicts": conflicts[:CONFLICTS_LISTED]}


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


def _merge_seconds(context: dg.AssetExecutionContext) -> float | None:
    """What the merge of this run took, as ``cad_dataset`` reported it."""
    event = context.instance.get_latest_materialization_event(dg.AssetKey("cad_dataset"))
    if event is None or event.run_id != context.run.run_id:
        return None
    value = event.asset_materialization.metadata.get("merge_seconds")
    return getattr(value, "value", value)


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
