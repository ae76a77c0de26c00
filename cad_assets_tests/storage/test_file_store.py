import os
import time
from pathlib import Path

import numpy as np
import pytest
import zarr
from zarr.codecs import BloscCodec, BytesCodec

from cad_assets.storage import ArraySpec, open_file_store, write_file_store
from cad_assets.storage import file_store, zip_arrays
from cad_assets_tests.storage.synthetic import synthetic_groups


def test_a_store_round_trips_arrays_and_metadata(tmp_path):
    groups = synthetic_groups(faces=7, edges=0, seed=1)  # an empty group too
    groups["faces"]["normal"] = np.arange(21, dtype=">f8").reshape(7, 3)  # big-endian input
    path = tmp_path / "part.zarr.zip"
    metadata = {"n_faces": np.int64(7), "volume": np.float32(2.5), "axes": np.eye(2),
                "source": Path("/cad/part.step"), "name": "part", "nested": {"ok": True}}

    write_file_store(path, groups, metadata)

    with open_file_store(path) as store:
        assert store.metadata == {
            "n_faces": 7, "volume": 2.5, "axes": [[1.0, 0.0], [0.0, 1.0]],
            "source": "/cad/part.step", "name": "part", "nested": {"ok": True},
        }
        assert store.groups == {group: list(arrays) for group, arrays in groups.items()}
        assert store.row_counts == {"faces": 7, "edges": 0, "graph": 0, "file": 1}
        assert store.schema["faces"]["uv_grid"] == ArraySpec(np.dtype(np.float32), (10, 10, 7))
        assert store.schema["edges"]["convexity"] == ArraySpec(np.dtype(np.int8), ())
        for group, arrays in groups.items():
            for name, expected in arrays.items():
                array = store.read(group, name)
                assert array.dtype == expected.dtype.newbyteorder("<")
                assert array.shape == expected.shape
                np.testing.assert_array_equal(array, expected)
                assert array.flags.writeable
        with pytest.raises(KeyError, match="faces/missing"):
            store.read("faces", "missing")


def test_a_store_is_plain_zarr(tmp_path):
    groups = synthetic_groups(faces=4, edges=3)
    write_file_store(tmp_path / "part.zarr.zip", groups, {"name": "part"})
    with zarr.storage.ZipStore(tmp_path / "part.zarr.zip", mode="r") as store:
        root = zarr.open_group(store, mode="r")
        np.testing.assert_array_equal(root["faces/uv_grid"][...], groups["faces"]["uv_grid"])
        assert root.attrs["metadata"] == {"name": "part"}


def test_arrays_of_a_group_must_share_their_rows(tmp_path):
    groups = synthetic_groups(faces=5, edges=4)
    groups["faces"]["area"] = np.zeros(6)
    with pytest.raises(ValueError, match=r"'faces'.*area has 6.*surface_type has 5"):
        write_file_store(tmp_path / "part.zarr.zip", groups, {})
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("bad", [np.float64(1.0), np.array([object()], dtype=object)])
def test_arrays_need_a_row_axis_and_a_fixed_size_dtype(tmp_path, bad):
    with pytest.raises(ValueError, match="faces/bad"):
        write_file_store(tmp_path / "part.zarr.zip", {"faces": {"bad": bad}}, {})


def test_metadata_must_have_a_json_form(tmp_path):
    with pytest.raises(TypeError, match="no JSON form"):
        write_file_store(tmp_path / "part.zarr.zip", synthetic_groups(2, 2), {"bad": object()})
    assert os.listdir(tmp_path) == []


def test_a_failed_write_keeps_the_previous_store(tmp_path, monkeypatch):
    path = tmp_path / "part.zarr.zip"
    write_file_store(path, synthetic_groups(3, 2), {"version": "old"})

    def crash(*args):
        raise MemoryError("killed mid-write")

    monkeypatch.setattr(file_store, "write_zip_arrays", crash)
    with pytest.raises(MemoryError):
        write_file_store(path, synthetic_groups(9, 9), {"version": "new"})
    assert os.listdir(tmp_path) == ["part.zarr.zip"]
    with open_file_store(path) as store:
        assert store.metadata == {"version": "old"} and store.row_counts["faces"] == 3


def test_arrays_in_another_layout_are_read_through_zarr(tmp_path, monkeypatch):
    monkeypatch.setattr(zip_arrays, "ZIP_CHUNK_CODECS", (BytesCodec(), BloscCodec()))
    groups = synthetic_groups(faces=4, edges=3)
    write_file_store(tmp_path / "part.zarr.zip", groups, {})
    with open_file_store(tmp_path / "part.zarr.zip") as store:
        np.testing.assert_array_equal(store.read("faces", "uv_grid"), groups["faces"]["uv_grid"])


def test_reading_many_stores_is_cheap(tmp_path):
    paths = [tmp_path / f"{index}.zarr.zip" for index in range(100)]
    for index, path in enumerate(paths):
        write_file_store(path, synthetic_groups(30, 60, seed=index), {})
    started = time.perf_counter()
    for path in paths:
        with open_file_store(path) as store:
            for group in store.groups:
                store.read_group(group)
    # About 0.1 s here; reading through zarr takes about 1.5 s.
    assert time.perf_counter() - started < 0.75
