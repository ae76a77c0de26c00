"""The dataset view reads like numpy on the concatenated arrays, touching only the shards a
selection overlaps."""

import pickle
import shutil

import numpy as np
import pytest

from cad_assets.storage import merge_dataset, open_dataset
from cad_assets.storage.dataset_layout import DatasetLayout
from cad_assets_tests.storage.synthetic import write_entry

#: (faces, edges) of each file: files without edges make shards with no edges rows.
SIZES = {1: (3, 0), 2: (1, 0), 4: (5, 2), 5: (2, 0), 6: (4, 3), 9: (1, 1), 10: (6, 0),
         11: (2, 4), 12: (3, 2), 15: (2, 1), 16: (1, 0)}
ARRAYS = ("faces/area", "faces/uv_grid", "edges/length", "graph/src", "file/bbox",
          "faces/file_id")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """``(dataset, {"group/name": expected numpy array})``; shards of 3 files, chunks of 2 rows."""
    folder = tmp_path_factory.mktemp("view")
    files = {file_id: write_entry(folder, file_id, *size) for file_id, size in SIZES.items()}
    merge_dataset([entry for entry, _ in files.values()], folder / "dataset.zarr",
                  files_per_shard=3, rows_per_chunk=2)
    expected = {}
    for key in ARRAYS:
        group, name = key.split("/")
        if name == "file_id":
            rows = [entry.rows[group] for entry, _ in files.values()]
            expected[key] = np.repeat(list(files), rows).astype(np.int32)
        else:
            expected[key] = np.concatenate([groups[group][name] for _, groups in files.values()])
    return open_dataset(folder / "dataset.zarr"), expected


def _selections(rows: int, rng: np.random.Generator) -> list:
    mask = rng.random(rows) < 0.3
    return [
        0, -1, rows // 2, np.int64(3), ..., slice(None), slice(2, 9), slice(5, 5), slice(9, 2),
        slice(1, None, 3), slice(None, None, -1), slice(-2, 1, -2), slice(-100, 100),
        np.array([0, rows - 1, 3, 3, -2]), rng.integers(0, rows, 12), np.array([], dtype=np.int64),
        np.array([8, 0, 8]),  # far apart in the first shard of faces: read row by row
        [4, 1], mask, np.zeros(rows, dtype=bool), np.ones(rows, dtype=bool),
        (slice(2, 11), 0), (slice(None), ...), (..., 0), (3, 1), (mask, 2), (), (np.array([1, 0]),),
    ]


@pytest.mark.parametrize("key", ARRAYS)
def test_reads_equal_numpy_on_the_concatenated_arrays(dataset, key):
    view, expected = dataset
    array, values = view[key], expected[key]
    for selection in _selections(len(values), np.random.default_rng(len(key))):
        if isinstance(selection, tuple) and len(selection) > 1 and values.ndim == 1 \
                and selection[1] is not Ellipsis:
            continue  # a second index needs a second axis
        got, want = array[selection], values[selection]
        assert np.shape(got) == np.shape(want) and np.asarray(got).dtype == want.dtype, selection
        np.testing.assert_array_equal(got, want, err_msg=repr(selection))


def test_arrays_describe_themselves_like_zarr_arrays(dataset):
    view, expected = dataset
    uv_grid = view["faces"]["uv_grid"]
    assert uv_grid.shape == expected["faces/uv_grid"].shape and len(uv_grid) == 30
    assert uv_grid.dtype == np.float32 and uv_grid.ndim == 4
    assert uv_grid.nbytes == expected["faces/uv_grid"].nbytes
    assert uv_grid.chunks == (2, 10, 10, 7) and view["file/bbox"].chunks == (2, 6)
    shards = DatasetLayout(view.path.parent.parent.parent / "dataset.zarr").shards
    on_disk = sum(path.stat().st_size for path in shards.glob("*/faces/uv_grid/**/*")
                  if path.is_file())
    assert uv_grid.nbytes_stored() == on_disk > 0
    assert view["edges/length"].shape == (13,)


def test_the_dataset_and_its_groups_look_up_like_zarr_groups(dataset):
    view, _ = dataset
    assert [name for name, _ in view.groups()] == ["faces", "edges", "graph", "file"]
    faces = view["faces"]
    assert faces.name == "/faces"
    assert sorted(name for name, _ in faces.arrays()) == [
        "area", "file_id", "surface_type", "uv_grid"]
    assert "label" not in faces and "area" in faces
    assert "faces" in view and "faces/area" in view and "/faces/area" in view
    assert "faces/label" not in view and "labels" not in view and "faces/area/x" not in view
    for missing in ("labels", "faces/label"):
        with pytest.raises(KeyError):
            view[missing]
    assert view["faces/area"] is faces["area"]
    assert view.attrs["n_files"] == 11 and view.attrs["format_version"] == 2
    assert [shard.n_files for shard in view.shards] == [3, 3, 3, 2]


def test_bad_selections_raise_index_errors(dataset):
    view, _ = dataset
    area = view["faces/area"]
    for selection in (30, -31, np.array([0, 30]), np.zeros(29, dtype=bool), 1.5,
                      np.zeros((2, 2), dtype=np.int64)):
        with pytest.raises(IndexError):
            area[selection]


def test_a_read_opens_only_the_shards_it_overlaps(tmp_path):
    files = {file_id: write_entry(tmp_path, file_id, 2, 1) for file_id in range(6)}
    out = tmp_path / "dataset.zarr"
    merge_dataset([entry for entry, _ in files.values()], out, files_per_shard=2)
    view = open_dataset(out)
    area = view["faces/area"]
    area.chunks  # metadata of every shard is fine
    for shard in view.shards[1:]:  # rows 0-3 live in the first shard only
        shutil.rmtree(DatasetLayout(out).shard(shard.name))
    first_rows = np.concatenate([files[0][1]["faces"]["area"], files[1][1]["faces"]["area"]])
    np.testing.assert_array_equal(area[1:4], first_rows[1:4])
    np.testing.assert_array_equal(area[np.array([3, 0])], area[[3, 0]])
    with pytest.raises(FileNotFoundError):
        area[4]


def test_a_dataset_survives_pickling(dataset):
    view, expected = dataset
    view["faces/area"][:]  # opens the shards' arrays
    copy = pickle.loads(pickle.dumps(view))
    np.testing.assert_array_equal(copy["faces/area"][5:20], expected["faces/area"][5:20])


def test_an_empty_dataset_and_an_empty_group(tmp_path):
    empty = open_dataset(merge_dataset([], tmp_path / "empty.zarr").path)
    assert list(empty.groups()) == [] and empty.shards == [] and "faces" not in empty

    files = [write_entry(tmp_path, file_id, 2, 0)[0] for file_id in range(3)]
    view = open_dataset(merge_dataset(files, tmp_path / "dataset.zarr", files_per_shard=2).path)
    length = view["edges/length"]
    assert length.shape == (0,) and len(length) == 0 and length.chunks == (1,)
    for selection in (slice(None), ..., np.zeros(0, dtype=bool), np.array([], dtype=np.int64)):
        assert view["edges/length"][selection].shape == (0,)
    assert view["faces/area"].shape == (6,)
    with pytest.raises(IndexError):
        length[0]
