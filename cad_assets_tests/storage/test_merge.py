import os
import re

import numpy as np
import pytest

from cad_assets.storage import (
    SchemaMismatchError,
    merge_file_stores,
    open_dataset,
    resolve_published,
    write_file_store,
)
from cad_assets.storage import merge
from cad_assets.storage.chunk_writer import ChunkAlignedWriter
from cad_assets_tests.storage.synthetic import synthetic_groups

#: (faces, edges) of each file; file 20 has no edges (nor coedges).
SIZES = {3: (4, 6), 7: (1, 2), 8: (9, 0), 20: (5, 11), 21: (2, 3)}


@pytest.fixture
def stores(tmp_path):
    """Five per-file stores: ``{file_id: (path, groups)}``."""
    written = {}
    for file_id, (faces, edges) in SIZES.items():
        groups = synthetic_groups(faces, edges, seed=file_id)
        path = tmp_path / "encodings" / f"{file_id}.zarr.zip"
        write_file_store(path, groups, {"file_id": file_id})
        written[file_id] = (path, groups)
    return written


def _sources(stores):
    return [(file_id, path) for file_id, (path, _) in stores.items()]


def _versions(out):
    return sorted(path.name for path in (out.parent / ".versions").iterdir()
                  if not path.name.startswith("."))


def test_merge_concatenates_every_array_and_tags_rows_with_their_file(tmp_path, stores):
    out = tmp_path / "dataset.zarr"
    # Tiny chunks and batches, so rows cross chunk and batch boundaries.
    report = merge_file_stores(_sources(stores), out, rows_per_chunk=4, files_per_batch=2)

    dataset = open_dataset(out)
    for group in ("faces", "edges", "graph", "file"):
        for name in stores[3][1][group]:
            expected = np.concatenate([groups[group][name] for _, groups in stores.values()])
            merged = dataset[group][name]
            assert merged.dtype == expected.dtype
            np.testing.assert_array_equal(merged[...], expected)
        rows = [len(next(iter(groups[group].values()))) for _, groups in stores.values()]
        np.testing.assert_array_equal(dataset[group]["file_id"][...], np.repeat(list(SIZES), rows))
        assert dataset[group]["file_id"].dtype == np.int32
    # local indices are not offset: the face ids of file 21 still start from 0
    graph = dataset["graph"]
    file_21 = graph["file_id"][...] == 21
    np.testing.assert_array_equal(graph["src"][...][file_21], stores[21][1]["graph"]["src"])

    assert report.n_files == 5 and report.path == out
    assert report.rows == {"faces": 21, "edges": 22, "graph": 44, "file": 5}
    assert report.bytes_on_disk > 0 and report.seconds > 0
    assert dataset.attrs["n_files"] == 5 and dataset.attrs["format_version"] == 1
    assert dataset.attrs["groups"]["faces"]["rows"] == 21
    assert dataset.attrs["groups"]["faces"]["arrays"]["uv_grid"] == {
        "dtype": "float32", "trailing_shape": [10, 10, 7]}
    assert dataset["faces"]["area"].chunks == (4,)


def test_wide_rows_get_fewer_rows_a_chunk(tmp_path, stores, monkeypatch):
    monkeypatch.setattr(merge, "MAX_CHUNK_BYTES", 3 * 2800)  # three rows of uv grid
    dataset = open_dataset(merge_file_stores(_sources(stores), tmp_path / "dataset.zarr").path)
    assert dataset["faces"]["uv_grid"].chunks == (3, 10, 10, 7)
    assert dataset["faces"]["area"].chunks == (21,)  # never larger than the array


def test_a_new_merge_is_published_and_old_versions_are_removed(tmp_path, stores):
    out = tmp_path / "dataset.zarr"
    first = merge_file_stores(_sources(stores), out)
    leftover = out.parent / ".versions" / f"{out.name}-{'0' * 32}"  # from a killed merge
    leftover.mkdir()
    other_output = out.parent / ".versions" / f"{out.name}-big-{'0' * 32}"
    other_output.mkdir()

    second = merge_file_stores(_sources(stores)[:2], out)

    assert resolve_published(out) == second.version_path.resolve()
    assert open_dataset(out).attrs["n_files"] == 2
    assert _versions(out) == sorted([second.version_path.name, other_output.name])
    assert not first.version_path.exists()


def test_a_merge_failing_midway_leaves_the_published_dataset_untouched(
    tmp_path, stores, monkeypatch
):
    out = tmp_path / "dataset.zarr"
    first = merge_file_stores(_sources(stores), out)
    before = open_dataset(out)["faces"]["area"][...]
    read_batch = merge._read_batch
    batches = []

    def killed_at_second_batch(plan, positions):
        batches.append(positions)
        if len(batches) == 2:
            raise KeyboardInterrupt  # like a Ctrl-C or a cancelled run
        return read_batch(plan, positions)

    monkeypatch.setattr(merge, "_read_batch", killed_at_second_batch)
    with pytest.raises(KeyboardInterrupt):
        merge_file_stores(_sources(stores)[:4], out, files_per_batch=2, rows_per_chunk=2)

    assert resolve_published(out) == first.version_path.resolve()
    np.testing.assert_array_equal(open_dataset(out)["faces"]["area"][...], before)
    assert _versions(out) == [first.version_path.name]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda g: g["edges"].pop("convexity"),
         "file 20 has no array edges/convexity; expected int8 with rows of shape ()"),
        (lambda g: g["faces"].update(area=np.zeros(5, np.float32)),
         "file 20: faces/area is float32 with rows of shape (); expected float64"),
        (lambda g: g["faces"].update(uv_grid=np.zeros((5, 8, 8, 7), np.float32)),
         "faces/uv_grid is float32 with rows of shape (8, 8, 7); expected float32 with rows "
         "of shape (10, 10, 7) (as in file 3)"),
        (lambda g: g.pop("file"), "file 20 has no array file/bbox"),
        (lambda g: g["faces"].update(extra=np.zeros(5)), "file 20 has an array faces/extra"),
        (lambda g: g["faces"].update(file_id=np.zeros(5)), "faces/file_id is reserved"),
    ],
)
def test_stores_that_disagree_are_not_merged(tmp_path, stores, change, message):
    path, groups = stores[20]
    change(groups)
    write_file_store(path, groups, {})
    out = tmp_path / "dataset.zarr"
    with pytest.raises(SchemaMismatchError, match=re.escape(message)):
        merge_file_stores(_sources(stores), out)
    assert not os.path.lexists(out)


def test_sources_must_come_in_file_id_order(tmp_path, stores):
    with pytest.raises(ValueError, match="increasing file_id"):
        merge_file_stores(_sources(stores)[::-1], tmp_path / "dataset.zarr")


def test_merging_nothing_publishes_an_empty_dataset(tmp_path):
    report = merge_file_stores([], tmp_path / "dataset.zarr")
    assert report.n_files == 0 and report.rows == {}
    assert open_dataset(tmp_path / "dataset.zarr").attrs["n_files"] == 0


class _RecordingArray:
    """Stands in for a zarr array: records which rows each write covers."""

    def __init__(self, rows, chunk_rows):
        self.shape, self.chunks, self.path = (rows,), (chunk_rows,), "faces/area"
        self.data, self.writes = np.full(rows, -1), []

    def __setitem__(self, rows, values):
        self.writes.append((rows.start, rows.stop))
        self.data[rows] = values


def test_the_writer_writes_whole_chunks_only():
    array = _RecordingArray(rows=23, chunk_rows=5)
    writer = ChunkAlignedWriter(array)
    writer.append([np.arange(0, 3), np.arange(3, 4)])  # less than a chunk: nothing written
    writer.append([np.arange(4, 16)])
    writer.append([np.arange(16, 16), np.arange(16, 23)])
    writer.close()
    assert array.writes == [(0, 15), (15, 20), (20, 23)]
    np.testing.assert_array_equal(array.data, np.arange(23))


def test_the_writer_refuses_a_wrong_number_of_rows():
    short = ChunkAlignedWriter(_RecordingArray(rows=4, chunk_rows=2))
    short.append([np.arange(3)])
    with pytest.raises(RuntimeError, match="wrote 3 of 4 rows"):
        short.close()
    long = ChunkAlignedWriter(_RecordingArray(rows=4, chunk_rows=2))
    with pytest.raises(RuntimeError, match="more rows"):
        long.append([np.arange(6)])
