"""How each file's outcome is recorded on its ``cad_encodings`` partition: materialized with its
metadata and preview, or observed as failed or skipped, with a record beside its stores."""

import time
from pathlib import Path

import dagster as dg
import pandas as pd

from cad_assets.builtin.preview import PREVIEW_FILE
from cad_assets.defs.metadata import png_metadata
from cad_assets.encoding import EncodedFile, EncodeRequest
from cad_assets.storage import EncodingsLayout, open_file_store

ENCODINGS = dg.AssetKey("cad_encodings")


def record_unencoded(context, layout: EncodingsLayout, request: EncodeRequest, status: str,
                      outcome: dict):
    """The partition stays unmaterialized; an observation and a record say why (a failure, or
    an encoder that skipped the file)."""
    record = {**outcome, "status": status, "partition_key": request.partition_key,
              "path": request.path, "sha256": request.sha256, "failed_at": time.time()}
    layout.write_failure(request.partition_key, request.sha256, request.version, record)
    shown = ("error_type", "task", "message", "worker_pid")
    context.log_event(
        dg.AssetObservation(
            ENCODINGS,
            partition=request.partition_key,
            metadata={"status": status, **{k: outcome[k] for k in shown if outcome.get(k)}},
        )
    )


def record_success(context, layout: EncodingsLayout, request: EncodeRequest, stored: EncodedFile):
    """Materialize the partition with the file's own metadata; drop its older artifacts."""
    layout.keep_only(request.partition_key, keep=Path(request.store_path))
    context.log_event(_materialization(request.partition_key, request.store_path, stored.metadata,
                                       stored.files.get(PREVIEW_FILE)))


def materialize_unrecorded(
    context, layout: EncodingsLayout, files: pd.DataFrame, keys: list[str], version: str
):
    """Record stores that exist but were never recorded in this Dagster instance: a run killed
    between writing a store and logging it, or outputs kept while the instance was replaced."""
    recorded = context.instance.get_materialized_partitions(ENCODINGS)
    sha_of = dict(zip(files["partition_key"], files["sha256"]))
    for key in sorted(set(keys) - recorded):
        store = layout.store_path(key, sha_of[key], version)
        with open_file_store(store) as stored:
            preview = stored.read_file(PREVIEW_FILE)
            context.log_event(_materialization(key, str(store), stored.metadata, preview))


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
