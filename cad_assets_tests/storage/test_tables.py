import os

import numpy as np
import pandas as pd
import pytest

from cad_assets.storage import read_table, tables, write_table


def _files_table():
    return pd.DataFrame({
        "file_id": np.arange(3, dtype=np.int32),
        "path": ["a.step", "b.iges", None],
        "size_mb": [1.5, np.nan, 0.25],
        "format": pd.Categorical(["step", "iges", "step"]),
        "modified": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
    })


def test_a_table_round_trips_values_dtypes_and_index(tmp_path):
    table = _files_table().set_index("path")
    write_table(table, tmp_path / "tables" / "cad_files.parquet")
    pd.testing.assert_frame_equal(read_table(tmp_path / "tables" / "cad_files.parquet"), table)


def test_a_table_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    path = tmp_path / "cad_files.parquet"
    write_table(_files_table(), path)
    write_table(_files_table().head(1), path)
    assert len(read_table(path)) == 1

    def killed_while_writing(table, where, **options):
        where.write_bytes(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(tables.pq, "write_table", killed_while_writing)
    with pytest.raises(OSError, match="disk full"):
        write_table(_files_table(), path)
    monkeypatch.undo()
    assert len(read_table(path)) == 1
    assert os.listdir(tmp_path) == ["cad_files.parquet"]
