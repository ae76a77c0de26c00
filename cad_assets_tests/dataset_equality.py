"""Compare two pipeline outputs file by file: file ids may differ between an incremental and a
clean build, the rows of each file (named by partition key) may not."""

from pathlib import Path

import numpy as np
import pandas as pd

from cad_assets.storage import OutputLayout

# Columns that legitimately differ between two builds of the same files (file ids differ too
# when the two were built in different orders: compare them with file_ids()).
RUN_SPECIFIC = ["file_id", "encode_seconds", "worker_pid", "store_path"]


def file_ids(output: Path) -> dict[str, int]:
    """``{partition key: file id}`` of an output's infoset."""
    infoset = OutputLayout.of(output).read_infoset()
    return dict(zip(infoset["partition_key"], infoset["file_id"]))


def rows_by_file(output: Path) -> dict[str, dict[str, np.ndarray]]:
    """``{partition key: {"group/array": rows of that file}}``, ``file_id`` arrays left out."""
    layout = OutputLayout.of(output)
    dataset, infoset = layout.open_dataset(), layout.read_infoset()
    key_of = dict(zip(infoset["file_id"], infoset["partition_key"]))
    rows: dict[str, dict[str, np.ndarray]] = {key: {} for key in key_of.values()}
    for group_name, group in dataset.groups():
        file_id = group["file_id"][:]
        assert np.all(np.diff(file_id) >= 0), f"{group_name}: rows not in file id order"
        for name, array in group.arrays():
            if name == "file_id":
                continue
            values = array[:]
            for fid, key in key_of.items():
                rows[key][f"{group_name}/{name}"] = values[file_id == fid]
    return rows


def assert_same_outputs(built: Path, reference: Path) -> None:
    """Same files, same infoset facts and the same rows for every file."""
    built_rows, reference_rows = rows_by_file(built), rows_by_file(reference)
    assert sorted(built_rows) == sorted(reference_rows)
    for key, arrays in reference_rows.items():
        assert sorted(built_rows[key]) == sorted(arrays), key
        for name, values in arrays.items():
            np.testing.assert_array_equal(built_rows[key][name], values, err_msg=f"{key} {name}")
    tables = [OutputLayout.of(out).read_infoset().set_index("partition_key").sort_index()
              .drop(columns=RUN_SPECIFIC, errors="ignore") for out in (built, reference)]
    pd.testing.assert_frame_equal(*tables)
