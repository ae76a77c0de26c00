import subprocess
import sys

import numpy as np
import pytest
from zarr.storage import LocalStore

from cad_assets.explore import Explorer, FieldRef
from cad_assets_tests.explore.sample_dataset import EDGES, FACES, area_of
from cad_assets_tests.storage.synthetic import synthetic_groups


class ReadRecorder:
    """Records the key of every object zarr reads from a local store (every shard is one)."""

    def __init__(self):
        self.keys = []

    def chunks_read(self):
        """``{array path: {first chunk index}}`` of the chunks read."""
        read = {}
        for key in self.keys:
            if "/c/" in key:
                array, index = key.split("/c/")
                read.setdefault(array, set()).add(int(index.split("/")[0]))
        return read


@pytest.fixture
def recorded(output, monkeypatch):
    recorder, get = ReadRecorder(), LocalStore.get

    async def recording_get(self, key, prototype=None, byte_range=None):
        recorder.keys.append(key)
        return await get(self, key, prototype, byte_range)

    monkeypatch.setattr(LocalStore, "get", recording_get)
    return Explorer.open(output, max_rows=3), recorder


def test_all_rows_of_one_file_in_a_group(explorer):
    faces = explorer.file_rows("src/d.brep", "faces")
    np.testing.assert_array_equal(faces["surface_type"], FACES[4][0])
    np.testing.assert_array_equal(faces["label"], FACES[4][1])
    np.testing.assert_array_equal(faces["area"][[0, 2]], area_of(4, 6)[[0, 2]])
    assert np.isnan(faces["area"][1]) and "file_id" not in faces
    expected = synthetic_groups(6, EDGES[4], seed=4)["faces"]["uv_grid"]
    np.testing.assert_array_equal(faces["uv_grid"], expected)

    edges = explorer.file_rows(1, "edges")  # file 1 has no edges
    assert edges["length"].shape == (0,) and edges["convexity"].dtype == np.int8
    everything = explorer.file(2)
    assert sorted(everything) == ["edges", "faces", "file", "graph"]
    assert everything["graph"]["src"].shape == (2 * EDGES[2],)
    expected_bbox = synthetic_groups(2, 3, seed=2)["file"]["bbox"]
    np.testing.assert_array_equal(everything["file"]["bbox"], expected_bbox)


def test_unknown_group_or_file(explorer):
    with pytest.raises(KeyError, match="no group 'vertices'"):
        explorer.file_rows(0, "vertices")
    with pytest.raises(KeyError, match="no file"):
        explorer.file_rows(3, "faces")


def test_opening_reads_metadata_only_and_one_file_reads_its_chunks_only(recorded):
    explorer, store = recorded
    explorer.toc()
    assert store.chunks_read() == {}
    explorer.row_index("faces")  # reads faces/file_id once
    assert store.chunks_read() == {"faces/file_id": {0, 1, 2, 3}}
    store.keys.clear()
    explorer.file_rows(4, "faces")  # rows 10:16 are in chunks 2 and 3 (4 rows a chunk)
    read = store.chunks_read()
    assert set(read) == {f"faces/{name}" for name in
                         ("area", "label", "rational", "surface_type", "uv_grid")}
    assert all(chunks == {2, 3} for chunks in read.values())
    store.keys.clear()
    explorer.file_rows(0, "faces")  # the row index is kept: file_id is not read again
    assert "faces/file_id" not in store.chunks_read()


def test_scans_read_a_bounded_number_of_rows_at_a_time(explorer):
    pieces = list(explorer.pieces(FieldRef.parse("faces/uv_grid")))
    assert [len(values) for values, _ in pieces] == [3, 3, 3, 3, 3, 1]
    np.testing.assert_array_equal(np.concatenate([ids for _, ids in pieces]),
                                  np.repeat([0, 1, 2, 4], [3, 5, 2, 6]))


def test_an_output_folder_without_a_dataset(tmp_path):
    with pytest.raises(FileNotFoundError, match="no dataset at"):
        Explorer.open(tmp_path)


def test_a_dataset_path_finds_its_tables_and_missing_tables_are_none(output, tmp_path):
    explorer = Explorer.open(output / "cad_dataset.zarr")
    assert len(explorer.infoset) == 4 and explorer.attribset is not None
    bare = Explorer(explorer.dataset, tmp_path / "missing.parquet")
    assert bare.infoset is None
    assert bare.file_rows(2, "faces")["surface_type"].tolist() == FACES[2][0]


def test_the_explorer_and_the_cli_import_neither_opencascade_nor_dagster():
    code = ("import sys, cad_assets.explore, cad_assets.explore.render, cad_assets.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('OCP', 'dagster') "
            "or m.startswith('cad_assets.geometry') or m.startswith('cad_assets.defs')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
