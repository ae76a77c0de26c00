"""``cad_infoset`` (one row per file in the dataset) and ``cad_dataset`` (the merged Zarr store)."""

import hashlib
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd

import cad_assets.charts
import cad_assets.defs.metadata
from cad_assets.charts import (
    dataset_charts,
    error_counts,
    face_label_counts,
    faces_per_file,
    file_label_counts,
    surface_type_counts,
)
from cad_assets.defs.metadata import counts_table, png_metadata
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.flow import Pipeline
from cad_assets.labels import UNLABELLED, LabelVocabulary, file_class_names
from cad_assets.storage import MergeEntry, merge_dataset, open_dataset


@dg.asset(
    io_manager_key="table_io_manager",
    group_name="cad",
    # cad_errors is produced by the encoding step: depending on it orders this after that step
    # in runs that encode, and it is where the files missing from this table are explained.
    deps=["cad_errors", "cad_encodings"],
)
def cad_infoset(
    settings: CadPipelineSettings, cad_pipeline: dg.ResourceParam[Pipeline], cad_files: pd.DataFrame
) -> pd.DataFrame:
    """File-level metadata of the dataset: ``file_id`` (the id used by every group's ``file_id``
    array; a file keeps it for as long as its partition exists), path, sha256, format, size,
    and every metadata field of the schema (counts, bounding box, encode seconds, ...), for
    every current file encoded with its current content and encoder version, as the catalogue
    recorded them. Ordered by partition key. With ``settings.file_labels``, also each file's
    class: ``label_name`` and ``label`` (codes numbering the sorted names; -1 = not labelled)."""
    encoded = _encoded(settings, cad_pipeline, cad_files, ["metadata", "store_path"])
    metadata_columns = [m.name for m in cad_pipeline.schema.metadata]
    fields = pd.DataFrame([{c: m.get(c) for c in metadata_columns} for m in encoded["metadata"]],
                          columns=metadata_columns)
    infoset = pd.concat([
        encoded[["file_id", "partition_key"]].merge(cad_files, on="partition_key", how="left"),
        fields,
        encoded[["store_path"]],
    ], axis=1)
    if settings.file_labels:
        infoset = _with_class_labels(infoset, settings.file_labels)
    return infoset


@dg.asset(io_manager_key="dataset_io_manager", group_name="cad", deps=["cad_encodings"])
def cad_dataset(
    context: dg.AssetExecutionContext,
    settings: CadPipelineSettings,
    cad_pipeline: dg.ResourceParam[Pipeline],
    cad_infoset: pd.DataFrame,
    cad_attribset: pd.DataFrame,
    cad_errors: pd.DataFrame,
) -> dg.MaterializeResult:
    """The merged dataset: one Zarr group per entity (faces, edges, graph, ...) with the rows of
    every file in ``cad_infoset``, in file id order, and a ``file_id`` array per group. Only
    the shards holding files that were added, changed or removed are rewritten; the new
    version is published atomically. Shows the dataset's charts (faces per file, surface
    types, labels, errors), drawn again only when what they show may have changed."""
    encoded = _encoded(settings, cad_pipeline, cad_infoset, ["store_path", "rows"])
    entries = [MergeEntry(row.file_id, Path(row.store_path), row.store_path, row.rows)
               for row in encoded.itertuples()]
    report = merge_dataset(entries, settings.layout.dataset, lock_database=settings.catalogue_url)
    key = charts_key(report.version_path, cad_infoset, cad_attribset, cad_errors)
    charts = _previous_charts(context, key)
    if charts is None:
        dataset = open_dataset(report.path)
        drawn = dataset_charts(dataset, cad_infoset, cad_attribset, cad_errors)
        tables = chart_tables(dataset, cad_infoset, cad_attribset, cad_errors)
        charts = {}
        for name, png in drawn.items():
            if name in tables:  # the numbers, shown inline; the drawn chart opens on a click
                charts[f"chart/{name}/counts"] = tables[name]
            charts[f"chart/{name}"] = png_metadata(png, name)
    return dg.MaterializeResult(
        metadata={
            # First, so that the UI shows them at the top of the asset's metadata.
            **charts,
            "path": dg.MetadataValue.path(str(report.path)),
            "files": report.n_files,
            "files_rewritten": report.files_rewritten,
            "shards_written": report.shards_written,
            "shards_kept": report.shards_kept,
            "merge_seconds": round(report.seconds, 3),
            "bytes_on_disk": report.bytes_on_disk,
            **{f"rows/{group}": rows for group, rows in report.rows.items()},
            CHARTS_KEY: key,
        }
    )


#: Metadata entry of ``cad_dataset``: what its charts were drawn from (see :func:`charts_key`).
CHARTS_KEY = "charts_key"
#: The infoset columns the charts read (faces per file, per-file classes).
_CHART_INFOSET_COLUMNS = ("file_id", "n_faces", "label", "label_name")


def charts_key(version_path: Path, infoset: pd.DataFrame, attribset: pd.DataFrame,
               errors: pd.DataFrame) -> str:
    """A digest of everything the dataset's charts show: the published dataset version (a
    new name whenever a shard changes), the infoset's face counts and classes, the category
    names, the error types, and the charts' own code. Equal keys draw equal charts."""
    digest = hashlib.sha256(Path(version_path).name.encode())
    tables = (infoset[[c for c in _CHART_INFOSET_COLUMNS if c in infoset.columns]], attribset,
              errors[["error_type"]] if "error_type" in errors.columns else errors)
    for table in tables:
        digest.update(repr([(str(c), str(t)) for c, t in table.dtypes.items()]).encode())
        digest.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
    for source in sorted(Path(cad_assets.charts.__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    digest.update(Path(cad_assets.defs.metadata.__file__).read_bytes())  # the counts tables
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:32]


def chart_tables(dataset, infoset: pd.DataFrame, attribset: pd.DataFrame,
                 errors: pd.DataFrame) -> dict[str, dg.MetadataValue]:
    """The numbers of each chart as a table with a bar per row, which the UI shows inline:
    files per range of face counts, faces per surface type and per face class, files per
    file class and per error type."""
    tables = {}
    faces = faces_per_file(infoset, dataset)
    if faces.size:
        tables["faces_per_file"] = counts_table(_face_ranges(faces), "faces", "files")
    for name, counts, label, unit in (
        ("surface_types", surface_type_counts(dataset, attribset), "surface type", "faces"),
        ("face_labels", face_label_counts(dataset, attribset), "face label", "faces"),
        ("file_labels", file_label_counts(infoset, attribset), "file label", "files"),
        ("errors", error_counts(errors), "error type", "files"),
    ):
        if counts:
            tables[name] = counts_table(counts, label, unit)
    return tables


def _face_ranges(faces: np.ndarray, bins: int = 12) -> dict[str, int]:
    """Files per range of face counts: ``bins`` ranges of whole numbers from the least to the
    most faces (one per count when there are few)."""
    low, high = int(faces.min()), int(faces.max())
    width = max(1, int(np.ceil((high - low + 1) / bins)))
    edges = np.arange(low, high + width + 1, width)
    counts, _ = np.histogram(faces, bins=edges)
    return {(f"{a}" if width == 1 else f"{a}-{a + width - 1}"): int(n)
            for a, n in zip(edges[:-1], counts)}


def _previous_charts(context: dg.AssetExecutionContext, key: str) -> dict | None:
    """The chart metadata of the latest materialization of this asset, if it was drawn from
    the same inputs (``key``): a run that changed nothing shows the same charts without
    reading the dataset or drawing them again."""
    event = context.instance.get_latest_materialization_event(context.asset_key)
    if event is None or event.asset_materialization is None:
        return None
    metadata = event.asset_materialization.metadata
    previous = metadata.get(CHARTS_KEY)
    if getattr(previous, "value", previous) != key:
        return None
    return {name: value for name, value in metadata.items() if name.startswith("chart/")}


def _encoded(settings: CadPipelineSettings, pipeline: Pipeline, files: pd.DataFrame,
             columns: list[str]) -> pd.DataFrame:
    """``file_id``, ``partition_key`` and ``columns`` of the catalogue's rows of ``files``
    that are encoded, by partition key."""
    current = settings.catalogue(pipeline.version).current(files, ["status", *columns])
    return current[current["status"] == "encoded"].reset_index(drop=True)


def _with_class_labels(infoset: pd.DataFrame, source: str) -> pd.DataFrame:
    names = file_class_names(infoset, source)
    vocabulary = LabelVocabulary.from_labels(name for name in names if name)
    codes = [vocabulary.code(name) if name else UNLABELLED for name in names]
    return infoset.assign(label_name=names, label=pd.Series(codes, dtype="int32"))
