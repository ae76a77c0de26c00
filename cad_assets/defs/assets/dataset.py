"""``cad_infoset`` (one row per file in the dataset) and ``cad_dataset`` (the merged Zarr store)."""

from pathlib import Path

import dagster as dg
import pandas as pd

from cad_assets.defs.io_managers import DatasetContents
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.flow import Pipeline
from cad_assets.labels import UNLABELLED, LabelVocabulary, file_class_names
from cad_assets.storage import EncodingArtifact, open_file_store


@dg.asset(
    io_manager_key="table_io_manager",
    group_name="cad",
    # cad_errors is produced by the encoding step: depending on it orders this after that step
    # in runs that encode, and it is where the files missing from this table are explained.
    deps=["cad_errors"],
)
def cad_infoset(
    settings: CadPipelineSettings,
    cad_pipeline: dg.ResourceParam[Pipeline],
    cad_files: pd.DataFrame,
    cad_encodings: dict[str, list[EncodingArtifact]],
) -> pd.DataFrame:
    """File-level metadata of the dataset: ``file_id`` (the id used by every group's ``file_id``
    array), path, sha256, format, size, and every metadata field of the schema (counts, bounding
    box, encode seconds, ...), for every current file with a store of its current content and
    encoder version. Ordered by partition key. With ``settings.file_labels``, also each file's
    class: ``label_name`` and ``label`` (codes numbering the sorted names; -1 = not labelled)."""
    # Per-file metadata copied from each store: every field the schema declares.
    metadata_columns = [m.name for m in cad_pipeline.schema.metadata]
    rows = []
    for file in cad_files.itertuples(index=False):
        artifacts = cad_encodings.get(file.partition_key, [])
        store = _current_store(artifacts, file.sha256, cad_pipeline.version)
        if store is None:
            continue
        with open_file_store(store.path) as stored:
            metadata = stored.metadata
        rows.append(
            {
                "file_id": len(rows),
                **file._asdict(),
                **{column: metadata.get(column) for column in metadata_columns},
                "store_path": str(store.path),
            }
        )
    infoset = pd.DataFrame(
        rows, columns=["file_id", *cad_files.columns, *metadata_columns, "store_path"]
    )
    if settings.file_labels:
        infoset = _with_class_labels(infoset, settings.file_labels)
    return infoset


@dg.asset(io_manager_key="dataset_io_manager", group_name="cad", deps=["cad_encodings"])
def cad_dataset(
    cad_infoset: pd.DataFrame, cad_attribset: pd.DataFrame, cad_errors: pd.DataFrame
) -> DatasetContents:
    """The merged dataset: one Zarr group per entity (faces, edges, graph, ...) with the rows of
    every file in ``cad_infoset`` concatenated and a ``file_id`` array per group. Returns the
    stores to merge and what its charts need; the IO manager merges and publishes them
    atomically, then draws the charts (faces per file, surface types, labels, errors)."""
    return DatasetContents(
        stores=[(row.file_id, Path(row.store_path)) for row in cad_infoset.itertuples()],
        infoset=cad_infoset,
        attribset=cad_attribset,
        errors=cad_errors,
    )


def _with_class_labels(infoset: pd.DataFrame, source: str) -> pd.DataFrame:
    names = file_class_names(infoset, source)
    vocabulary = LabelVocabulary.from_labels(name for name in names if name)
    codes = [vocabulary.code(name) if name else UNLABELLED for name in names]
    return infoset.assign(label_name=names, label=pd.Series(codes, dtype="int32"))


def _current_store(
    stores: list[EncodingArtifact], sha256: str | None, version: str
) -> EncodingArtifact | None:
    return next((s for s in stores if s.sha256 == sha256 and s.version == version), None)
