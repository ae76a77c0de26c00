"""Tables (one row per file, per failure, ...) as Parquet files, written atomically."""

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cad_assets.storage.atomic import atomic_write_path


def write_table(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` to ``path`` as zstd-compressed Parquet; readers see the old or new file.

    The index is kept (a default ``RangeIndex`` costs nothing: it is stored as metadata).
    """
    table = pa.Table.from_pandas(df, preserve_index=None)
    with atomic_write_path(path) as temp:
        pq.write_table(table, temp, compression="zstd")


def read_table(path: Path) -> pd.DataFrame:
    """Read a table written by :func:`write_table`, index and dtypes included."""
    return pq.read_table(path).to_pandas()
