"""MFCAD ``.face_truth`` labels land on the right faces of real files.

Check by geometry: MFCAD parts are a block with machining features cut into it, so the planar
faces lying on the part's bounding box are what is left of the block's sides: stock (class 15).
In MFCAD the converse holds too: every stock face lies on the bounding box (no feature leaves
a face there). Labels taken in traversal order instead of by STEP face name fail this check.
"""

import numpy as np
import pytest

from cad_assets.geometry import EncodeOptions, SurfaceType, encode_file, muted_stdout
from cad_assets.labels import MFCAD_CLASSES, face_labels_for, read_face_truth

STOCK = MFCAD_CLASSES.index("stock")
# Only what the check needs: face centroids, normals and boxes.
OPTIONS = EncodeOptions(face_grid=False, edge_grid=False, edge_attributes=False, coedges=False)


@pytest.fixture(scope="module")
def mfcad_files(shared_cad):
    """Every 20th MFCAD file: 20 of the 398, features of every kind."""
    return sorted((shared_cad / "mfcad").glob("*.step"))[::20]


def _encode(path):
    with muted_stdout():
        encoding = encode_file(path, OPTIONS)
        labels, _ = face_labels_for(path, encoding.metadata["n_faces"])
    encoding.groups["faces"]["label"] = labels
    return encoding


def _on_bounding_box(faces: dict) -> np.ndarray:
    """Planar faces with an axis-aligned normal whose centroid lies on the part's bounding
    box along that axis, ``(n_faces,) bool``."""
    low, high = faces["bbox"][:, :3].min(axis=0), faces["bbox"][:, 3:].max(axis=0)
    tolerance = 1e-6 * (high - low).max()
    on_box = np.zeros(len(faces["area"]), dtype=bool)
    for axis in range(3):
        aligned = np.isclose(np.abs(faces["normal"][:, axis]), 1.0)
        centre = faces["centroid"][:, axis]
        on_side = (np.abs(centre - low[axis]) < tolerance) | (np.abs(centre - high[axis]) < tolerance)
        on_box |= aligned & on_side
    return on_box & (faces["surface_type"] == SurfaceType.PLANE)


def test_every_face_gets_one_label_of_the_file(mfcad_files):
    for path in mfcad_files:
        labels = _encode(path).groups["faces"]["label"]
        truth = read_face_truth(path.with_suffix(".face_truth"))
        assert labels.dtype == np.int32
        assert sorted(labels.tolist()) == sorted(truth), path.name  # same labels, face order
        assert ((labels >= 0) & (labels < len(MFCAD_CLASSES))).all()


def test_stock_faces_are_the_faces_on_the_bounding_box(mfcad_files):
    traversal_order_fails = 0
    for path in mfcad_files:
        faces = _encode(path).groups["faces"]
        on_box = _on_bounding_box(faces)
        assert on_box.sum() >= 6, path.name  # a block keeps at least part of its six sides
        np.testing.assert_array_equal(faces["label"] == STOCK, on_box, err_msg=path.name)
        truth = np.array(read_face_truth(path.with_suffix(".face_truth")))
        traversal_order_fails += not np.array_equal(truth == STOCK, on_box)
    assert traversal_order_fails >= len(mfcad_files) - 2  # the check can tell the orders apart
