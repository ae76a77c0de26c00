"""How each file's outcome is recorded: in the catalogue, and on its own ``cad_encodings``
partition (materialized with its metadata and preview, or observed as failed or skipped; a
failed file's partition is also marked failed, see :mod:`cad_assets.defs.failed_partitions`).

One Dagster event per good file, two per failed one: the event log is the run process's
largest per-file cost.
"""

import dagster as dg
import pandas as pd

from cad_assets.builtin.preview import PREVIEW_FILE, THUMBNAIL_FILE, thumbnail
from cad_assets.catalogue import Catalogue
from cad_assets.defs.failed_partitions import record_failed_partitions
from cad_assets.defs.metadata import inline_png_metadata, png_metadata
from cad_assets.encoding import EncodedFile, EncodeRequest, report
from cad_assets.storage import open_file_store

ENCODINGS = dg.AssetKey("cad_encodings")


def record_unencoded(context, catalogue: Catalogue, request: EncodeRequest, status: str,
                     outcome: dict):
    """The partition stays unmaterialized; the catalogue and an observation say why (a
    failure, or an encoder that skipped the file). A failed file's partition is marked failed
    once the step has encoded them all (:func:`record_failed_partitions`)."""
    catalogue.record_unencoded(request, status, outcome, context.run.run_id)
    context.log_event(_observation(request.partition_key, status, outcome))


def _observation(key: str, status: str, outcome: dict) -> dg.AssetObservation:
    shown = ("error_type", "task", "message", "worker_pid")
    return dg.AssetObservation(
        ENCODINGS,
        partition=key,
        metadata={"status": status, **{k: outcome[k] for k in shown if outcome.get(k)}},
    )


def mark_unrecorded_failures(context, catalogue: Catalogue, files: pd.DataFrame,
                             keys: list[str]):
    """Show as failed the files of ``keys`` (failed or skipped before, left alone) that failed
    and whose partitions this Dagster instance does not show as failed or pending: outputs
    kept while the instance was replaced, a run killed before it recorded its failures, or
    failures from before partitions were marked failed. Their observations are logged again
    too. One query of the event log when every one is marked already."""
    attempted = context.instance.event_log_storage \
        .get_latest_asset_partition_materialization_attempts_without_materializations(ENCODINGS)
    unmarked = set(keys) - set(attempted)
    if not unmarked:
        return
    current = catalogue.current(files[files["partition_key"].isin(unmarked)],
                                ["status", "error_type", "task", "message", "worker_pid"])
    failed = current[current["status"] == "failed"]
    failures = []
    for row in failed.itertuples():
        outcome = {"error_type": row.error_type, "task": row.task, "message": row.message,
                   "worker_pid": row.worker_pid}
        context.log_event(_observation(row.partition_key, "failed", outcome))
        failures.append(report.Failure(row.partition_key, row.error_type or "Failed",
                                       row.task or "", row.message or ""))
    record_failed_partitions(context, failures)


def record_success(context, catalogue: Catalogue, request: EncodeRequest, stored: EncodedFile):
    """Commit the store to the catalogue, then materialize the partition with its metadata."""
    catalogue.record_encoded(request, stored, context.run.run_id)
    context.log_event(_materialization(request.partition_key, request.store_path, stored.metadata,
                                       stored.files.get(PREVIEW_FILE),
                                       stored.files.get(THUMBNAIL_FILE)))


def materialize_unrecorded(context, catalogue: Catalogue, files: pd.DataFrame, keys: list[str]):
    """Materialize up-to-date files this Dagster instance has no materialization of: a run
    killed between committing a file and logging it, or outputs kept while the instance was
    replaced. The preview is read back from the store only here, on this recovery path."""
    missing = set(keys) - context.instance.get_materialized_partitions(ENCODINGS)
    if not missing:
        return
    current = catalogue.current(files[files["partition_key"].isin(missing)], ["store_path", "metadata"])
    for row in current.itertuples():
        with open_file_store(row.store_path) as stored:
            preview, small = stored.read_file(PREVIEW_FILE), stored.read_file(THUMBNAIL_FILE)
        context.log_event(_materialization(row.partition_key, row.store_path, row.metadata,
                                           preview, small))


def _materialization(
    key: str, store_path: str, stored: dict, preview: bytes | None, small: bytes | None
) -> dg.AssetMaterialization:
    metadata = {
        "faces": stored.get("n_faces"),
        "edges": stored.get("n_edges"),
        "seconds": round(stored["encode_seconds"], 4),
        "worker_pid": stored["worker_pid"],
        "store": dg.MetadataValue.path(store_path),
    }
    if preview:
        # A thumbnail the UI shows in the partition's metadata table, and the picture itself.
        # The worker made the thumbnail; stores written before it did have none.
        small = small or thumbnail(preview)
        inline = inline_png_metadata(small, "preview") if small else None
        if inline is not None:
            metadata["preview"] = inline
        if inline is None or small != preview:
            metadata["preview/full"] = png_metadata(preview, key)
    return dg.AssetMaterialization(ENCODINGS, partition=key, metadata=metadata)
