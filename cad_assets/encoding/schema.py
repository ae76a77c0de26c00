"""The schema of a dataset built with given encode options: the encoder's arrays, the per-face
labels, and the file metadata the pipeline adds. Plain Python: built in the Dagster process
(to version encodings and route metadata) and in the workers (to check every file)."""

import dataclasses
from functools import lru_cache

from cad_assets.geometry import EncodeOptions
from cad_assets.geometry.default_schema import default_schema
from cad_assets.labels import geometry_options, mfcad_face_label_rows
from cad_assets.schema import ArraySpec, MetadataSpec, Schema

#: Per-file facts the worker adds to what the encoder reports, routed to the infoset.
PIPELINE_METADATA = (
    MetadataSpec("encode_seconds", "float", "seconds to read and encode the file"),
    MetadataSpec("worker_pid", "int", "process that encoded the file"),
    MetadataSpec("encoding_version", "str", "encoder version and options of the store"),
)


def dataset_schema(options: dict) -> Schema:
    """The schema for ``options`` (an ``EncodeRequest.options`` dict)."""
    return _cached(tuple(sorted(options.items())))


@lru_cache(maxsize=8)
def _cached(options: tuple) -> Schema:
    options = dict(options)
    schema = default_schema(EncodeOptions(**geometry_options(options)))
    metadata = schema.metadata + PIPELINE_METADATA
    if options.get("face_labels", "auto") == "none":
        return dataclasses.replace(schema, metadata=metadata)
    label = ArraySpec(
        "label", ("face",), "int32", "per-face class from the label file beside the CAD file",
        tuple((row["code"], row["name"], row["description"]) for row in mfcad_face_label_rows()),
    )
    groups = tuple(
        dataclasses.replace(group, arrays=group.arrays + (label,)) if group.name == "faces" else group
        for group in schema.groups
    )
    metadata += (MetadataSpec("face_label_file", "str", "label file used, '' if none"),)
    return dataclasses.replace(schema, groups=groups, metadata=metadata)
