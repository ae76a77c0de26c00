"""Finding a CAD file's label file and putting its labels in face order (no CAD kernel)."""

import pickle

import numpy as np
import pytest

from cad_assets.labels import LabelError, face_labels_for, find_face_label_file, read_face_labels


def _face_truth(path, labels):
    path.write_bytes(pickle.dumps(labels))
    return path


def _no_names():
    raise AssertionError("face names are needed only for .face_truth files")


def test_the_label_file_has_the_cad_files_stem(tmp_path):
    cad = tmp_path / "part.v2.step"
    assert find_face_label_file(cad) is None
    (tmp_path / "part.v2.seg").write_text("1\n")
    assert find_face_label_file(cad) == tmp_path / "part.v2.seg"
    _face_truth(tmp_path / "part.v2.face_truth", [1])
    with pytest.raises(LabelError, match="part.v2.step has several label files"):
        find_face_label_file(cad)


def test_seg_labels_are_already_in_face_order(tmp_path):
    (tmp_path / "part.seg").write_text("4\n5\n6\n")
    np.testing.assert_array_equal(read_face_labels(tmp_path / "part.seg", 3, _no_names), [4, 5, 6])


def test_face_truth_labels_are_taken_by_step_face_name(tmp_path):
    path = _face_truth(tmp_path / "part.face_truth", [10, 11, 12])
    labels = read_face_labels(path, 3, lambda: ["2", "0", "1"])
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(labels, [12, 10, 11])


@pytest.mark.parametrize("suffix", [".seg", ".face_truth"])
def test_a_label_count_that_differs_from_the_face_count_is_an_error(tmp_path, suffix):
    path = tmp_path / f"part{suffix}"
    if suffix == ".seg":
        path.write_text("1\n2\n")
    else:
        _face_truth(path, [1, 2])
    with pytest.raises(LabelError, match=f"part{suffix} holds 2 face labels but its CAD file has 3 faces"):
        read_face_labels(path, 3, lambda: ["0", "1", "2"])


@pytest.mark.parametrize(
    "names, message",
    [(["0", "", "2"], "face 1 of 3 is named ''"),
     (["0", "1", "3"], "face 2 of 3 is named '3'"),
     (["0", "x", "2"], "face 1 of 3 is named 'x'"),
     (["0", "1", "1"], "1 STEP face names are used by several faces"),
     (["0", "1"], "2 STEP face names for 3 faces")],
)
def test_face_names_that_are_not_distinct_indices_are_errors(tmp_path, names, message):
    path = _face_truth(tmp_path / "part.face_truth", [1, 2, 3])
    with pytest.raises(LabelError, match=f"part.face_truth: {message}"):
        read_face_labels(path, 3, lambda: names)


def test_files_without_a_label_file_get_unlabelled_faces_by_default(tmp_path):
    labels, label_file = face_labels_for(tmp_path / "part.step", 3)
    np.testing.assert_array_equal(labels, [-1, -1, -1])
    assert labels.dtype == np.int32 and label_file == ""


def test_a_label_file_labels_the_faces(tmp_path):
    (tmp_path / "part.seg").write_text("0\n15\n15\n")
    labels, label_file = face_labels_for(tmp_path / "part.step", 3, "auto")
    np.testing.assert_array_equal(labels, [0, 15, 15])
    assert label_file == "part.seg"


def test_the_mode_switches_labels_off_or_requires_them(tmp_path):
    cad = tmp_path / "part.step"
    assert face_labels_for(cad, 3, "none") == (None, "")
    with pytest.raises(LabelError, match="part.step has no label file"):
        face_labels_for(cad, 3, "required")
    with pytest.raises(ValueError, match="face_labels must be one of"):
        face_labels_for(cad, 3, "yes")


def test_a_face_truth_beside_a_non_step_file_is_an_error(tmp_path):
    _face_truth(tmp_path / "part.face_truth", [1, 2, 3])
    with pytest.raises(LabelError, match="part.brep: .face_truth labels are indexed by STEP face names"):
        face_labels_for(tmp_path / "part.brep", 3)
