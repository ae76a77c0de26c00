"""The extended face-pair features (off by default)."""

import numpy as np
import pytest

from cad_assets.geometry import EncodeOptions, encode_shape

BINS = 16


@pytest.fixture(scope="module")
def box_pairs(box):
    options = EncodeOptions(extended_graph=True, histogram_bins=BINS, histogram_grid=4)
    return encode_shape(box, options).groups["face_pairs"]


def test_extended_graph_is_off_by_default(box):
    assert "face_pairs" not in encode_shape(box).groups


def test_pairs_cover_every_ordered_pair_row_major(box_pairs):
    assert box_pairs["src"].tolist() == np.repeat(np.arange(6), 6).tolist()
    assert box_pairs["dst"].tolist() == np.tile(np.arange(6), 6).tolist()


def test_shortest_paths_on_a_box(box_pairs):
    paths = box_pairs["shortest_path"].reshape(6, 6)

    assert (np.diag(paths) == 0).all()
    assert sorted(paths[0].tolist()) == [0, 1, 1, 1, 1, 2]  # four sides, one opposite face
    assert (paths == paths.T).all()


def test_histograms_are_distributions(box_pairs):
    for name in ("d2_histogram", "a3_histogram"):
        histograms = box_pairs[name]
        assert histograms.shape == (36, BINS) and histograms.dtype == np.float32
        np.testing.assert_allclose(histograms.sum(axis=1), 1.0, rtol=1e-5)


def test_a3_puts_parallel_faces_at_the_ends(box_pairs):
    a3 = box_pairs["a3_histogram"].reshape(6, 6, BINS)
    opposite = box_pairs["shortest_path"].reshape(6, 6) == 2

    assert (a3[np.eye(6, dtype=bool)][:, 0] == 1).all()  # a plane with itself: angle 0
    assert (a3[opposite][:, -1] == 1).all()  # opposite sides: angle pi
