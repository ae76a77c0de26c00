"""Runs inside a worker process: read one CAD file, encode it, write its store."""

import os
import time
from pathlib import Path

from cad_assets.encoding.request import EncodeRequest, encoding_version
from cad_assets.encoding.schema import dataset_schema
from cad_assets.geometry import EncodeOptions, encode_file
from cad_assets.labels import geometry_options, with_face_labels
from cad_assets.schema import validate_groups
from cad_assets.storage import write_file_store


def encode_to_store(request: EncodeRequest) -> dict:
    """Encode ``request.path`` and write its store; return the file-level metadata stored.

    Raises whatever reading or encoding raises (a :class:`cad_assets.geometry.CadReadError`
    for files that are not usable CAD, a :class:`cad_assets.labels.LabelError` for a label
    file that does not fit); the pool reports it for this file only.
    """
    started = time.perf_counter()
    encoding = encode_file(request.path, EncodeOptions(**geometry_options(request.options)))
    encoding = with_face_labels(encoding, request.path, request.options)
    validate_groups(dataset_schema(request.options), encoding.groups)
    metadata = {
        **encoding.metadata,
        "partition_key": request.partition_key,
        "source_path": request.path,
        "sha256": request.sha256,
        "encoding_version": encoding_version(request.options),
        "encode_seconds": time.perf_counter() - started,
        "worker_pid": os.getpid(),
    }
    write_file_store(Path(request.store_path), encoding.groups, metadata)
    return metadata
