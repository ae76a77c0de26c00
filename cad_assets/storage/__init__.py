"""Storage: per-file Zarr stores, the merged Zarr dataset and Parquet tables.

Deals only in numpy arrays, paths and DataFrames; it knows nothing of CAD or Dagster.
"""

from cad_assets.storage.atomic import atomic_write_path, publish_version, resolve_published
from cad_assets.storage.encodings_layout import EncodingArtifact, EncodingsLayout, read_failure
from cad_assets.storage.file_store import FileStore, open_file_store, write_file_store
from cad_assets.storage.merge import MergeReport, merge_file_stores, open_dataset
from cad_assets.storage.schema import ArraySpec, SchemaMismatchError
from cad_assets.storage.tables import read_table, write_table

__all__ = [
    "ArraySpec",
    "EncodingArtifact",
    "EncodingsLayout",
    "FileStore",
    "MergeReport",
    "SchemaMismatchError",
    "atomic_write_path",
    "merge_file_stores",
    "open_dataset",
    "open_file_store",
    "publish_version",
    "read_failure",
    "read_table",
    "resolve_published",
    "write_file_store",
    "write_table",
]
