"""Storage: per-file Zarr stores, the sharded Zarr dataset merged from them and Parquet tables.

Deals only in numpy arrays, paths and DataFrames; it knows nothing of CAD or Dagster.
"""

from cad_assets.storage.atomic import atomic_write_path, publish_version, resolve_published
from cad_assets.storage.dataset_view import Dataset, open_dataset
from cad_assets.storage.file_store import FileStore, json_metadata, open_file_store, write_file_store
from cad_assets.storage.merge import MergeEntry, MergeReport, merge_dataset
from cad_assets.storage.output_layout import OutputLayout
from cad_assets.storage.schema import ArraySpec, SchemaMismatchError
from cad_assets.storage.tables import read_table, write_table

__all__ = [
    "ArraySpec",
    "Dataset",
    "FileStore",
    "MergeEntry",
    "MergeReport",
    "OutputLayout",
    "SchemaMismatchError",
    "atomic_write_path",
    "json_metadata",
    "merge_dataset",
    "open_dataset",
    "open_file_store",
    "publish_version",
    "read_table",
    "resolve_published",
    "write_file_store",
    "write_table",
]
