"""How each file's outcome is recorded: in the catalogue, and on its own ``cad_encodings``
partition (materialized with its metadata and preview, or observed as failed or skipped).

One Dagster event per file: the event log is the run process's largest per-file cost.
"""

import dagster as dg
import pandas as pd

from cad_assets.builtin.preview import PREVIEW_FILE
from cad_assets.catalogue import Catalogue
from cad_assets.defs.metadata import png_metadata
from cad_assets.encoding import EncodedFile, EncodeRequest
from cad_assets.storage import open_file_store

ENCODINGS = dg.AssetKey("cad_encodings")


def record_unencoded(context, catalogue: Catalogue, request: EncodeRequest, status: str,
                     outcome: dict):
    """The partition stays unmaterialized; the catalogue and an observation say why (a
    failure, or an encoder that skipped the file)."""
    catalogue.record_unencoded(request, status, outcome, context.run.run_id)
    shown = ("error_type", "task", "message", "worker_pid")
    context.log_event(
        dg.AssetObservation(
            ENCODINGS,
            partition=request.partition_key,
            metadata={"status": status, **{k: outcome[k] for k in shown if outcome.get(k)}},
        )
    )


def record_success(context, catalogue: Catalogue, request: EncodeRequest, stored: EncodedFile):
    """Commit the store to the catalogue, then materialize the partition with its metadata."""
    catalogue.record_encoded(request, stored, context.run.run_id)
    context.log_event(_materialization(request.partition_key, request.store_path, stored.metadata,
                                       stored.files.get(PREVIEW_FILE)))


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
            preview = stored.read_file(PREVIEW_FILE)
        context.log_event(_materialization(row.partition_key, row.store_path, row.metadata, preview))


def _materialization(
    key: str, store_path: str, stored: dict, preview: bytes | None
) -> dg.AssetMaterialization:
    metadata = {
        "faces": stored.get("n_faces"),
        "edges": stored.get("n_edges"),
        "seconds": round(stored["encode_seconds"], 4),
        "worker_pid": stored["worker_pid"],
        "store": dg.MetadataValue.path(store_path),
    }
    if preview:
        metadata["preview"] = png_metadata(preview, key)
    return dg.AssetMaterialization(ENCODINGS, partition=key, metadata=metadata)
