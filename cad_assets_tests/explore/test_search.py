import numpy as np
import pytest

from cad_assets.explore import Explorer
from cad_assets_tests.explore.sample_dataset import EDGES, FACES
from cad_assets_tests.storage.synthetic import synthetic_groups


def _ids(table):
    return table["file_id"].tolist()


def test_files_with_any_face_of_a_type_by_name(explorer):
    torus = explorer.files_where("faces/surface_type", "==", "torus")
    assert _ids(torus) == [0, 4]
    assert torus["matching_rows"].tolist() == [1, 2] and torus["rows"].tolist() == [3, 6]
    assert torus["partition_key"].tolist() == ["src/a.step", "src/d.brep"]  # infoset rows
    assert torus["n_faces"].tolist() == [3, 6]
    assert _ids(explorer.query("faces/surface_type == 4")) == [0, 4]
    assert _ids(explorer.query("faces/surface_type == torus", min_rows=2)) == [4]


def test_files_whose_faces_all_match(explorer):
    assert _ids(explorer.query("faces/surface_type == cylinder", every=True)) == [1]
    assert _ids(explorer.query("faces/surface_type in plane,sphere", every=True)) == [2]
    # file 1 has no edges: it never has all its edges matching
    assert _ids(explorer.query("edges/length >= 0", every=True)) == [0, 2, 4]


def test_face_labels_and_file_labels(explorer):
    for condition in ("faces/label == 3", "faces/label == triangular_passage"):
        found = explorer.query(condition)
        assert _ids(found) == [0, 4] and found["matching_rows"].tolist() == [2, 1]
    assert _ids(explorer.query("label == 1")) == [1]  # the infoset's per-file class
    assert _ids(explorer.query("label == bracket")) == [1]
    assert _ids(explorer.query("label_name == block")) == [0, 2]
    assert _ids(explorer.query("format in step,brep")) == [0, 1, 4]
    found = explorer.query("n_faces >= 5")
    assert _ids(found) == [1, 4] and found["rows"].tolist() == [1, 1]


def test_conditions_combine(explorer):
    assert _ids(explorer.query("faces/surface_type == torus", "n_faces > 4")) == [4]
    assert _ids(explorer.query("faces/surface_type == torus", "faces/label == 1")) == []


def test_a_function_as_predicate(explorer):
    found = explorer.files_where("faces/area", lambda area: area > 40)
    assert _ids(found) == [4] and found["matching_rows"].tolist() == [5]  # one area is NaN


def test_rows_with_several_values_and_one_column(explorer):
    expected_any, expected_column = [], []
    for file_id in FACES:
        groups = synthetic_groups(len(FACES[file_id][0]), EDGES[file_id], seed=file_id)
        expected_any.append(int((groups["faces"]["uv_grid"] > 0.9999).any(axis=(1, 2, 3)).sum()))
        expected_column.append(int(groups["file"]["bbox"][0, 2] < 0.5))
    found = explorer.files_where("faces/uv_grid", ">", 0.9999)
    assert dict(zip(found["file_id"], found["matching_rows"])) == {
        f: n for f, n in zip(FACES, expected_any) if n}
    expected = [file_id for file_id, n in zip(FACES, expected_column) if n]
    assert _ids(explorer.query("file/bbox[2] < 0.5")) == expected


def test_unknown_fields(explorer):
    with pytest.raises(KeyError, match="no array faces/nope"):
        explorer.query("faces/nope == 1")
    with pytest.raises(KeyError, match="neither group/array nor a column"):
        explorer.query("nope == 1")
    with pytest.raises(IndexError, match="shape"):
        explorer.query("faces/area[0] == 1")
    with pytest.raises(ValueError, match="at least one condition"):
        explorer.query()


def test_without_tables_only_counts_come_back(explorer):
    bare = Explorer(explorer.dataset)
    found = bare.query("faces/surface_type == 4")
    assert list(found.columns) == ["file_id", "matching_rows", "rows"]
    assert found.values.tolist() == [[0, 1, 3], [4, 2, 6]]
    assert found["file_id"].dtype == np.int64
