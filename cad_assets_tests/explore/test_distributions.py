import numpy as np

from cad_assets_tests.explore.sample_dataset import SURFACE_TYPES


def _files(histogram):
    return [ids.tolist() for ids in histogram.files]


def test_histogram_of_a_categorical_array_uses_the_attribset_names(explorer):
    histogram = explorer.histogram("faces/surface_type")
    assert histogram.labels == SURFACE_TYPES
    assert histogram.counts.tolist() == [6, 5, 1, 1, 3, 0]
    assert _files(histogram) == [[0, 2, 4], [1], [4], [2], [0, 4], []]
    labels = explorer.histogram("faces/label")
    assert labels.codes.tolist() == [-1, 0, 1, 3, 15]
    assert labels.labels == ["unlabelled", "slot", "passage", "triangular_passage", "stock"]
    assert labels.counts.tolist() == [5, 5, 1, 3, 2]


def test_histogram_of_a_numeric_array(explorer):
    histogram = explorer.histogram("faces/area", bins=4)
    np.testing.assert_allclose(histogram.edges, [1, 12.25, 23.5, 34.75, 46])
    assert histogram.counts.tolist() == [5, 5, 0, 5] and histogram.n_missing == 1
    assert _files(histogram) == [[0, 1], [1, 2], [], [4]]
    ranged = explorer.histogram("faces/area", bins=2, value_range=(0, 20))
    assert ranged.counts.tolist() == [3, 5] and ranged.n_outside == 7
    grid = explorer.histogram("faces/uv_grid", bins=3, value_range=(0, 1))
    assert grid.counts.sum() == 16 * 10 * 10 * 7 and grid.n_files == 4


def test_histograms_of_booleans_and_infoset_columns(explorer):
    rational = explorer.histogram("faces/rational")
    assert rational.labels == ["False", "True"] and rational.counts.tolist() == [9, 7]
    assert explorer.histogram("format").to_frame()[["label", "count"]].values.tolist() == [
        ["brep", 1], ["igs", 1], ["step", 2]]
    names = explorer.histogram("label_name")
    assert names.labels == ["block", "bracket"] and names.n_missing == 1
    faces = explorer.histogram("n_faces", bins=2)
    assert faces.counts.tolist() == [2, 2] and _files(faces) == [[0, 2], [1, 4]]
    assert explorer.histogram("n_faces", discrete=True).labels == ["2", "3", "5", "6"]


def test_category_counts_join_the_attribset(explorer):
    counts = explorer.category_counts("faces/surface_type")
    assert counts.columns.tolist() == ["code", "name", "description", "count", "n_files"]
    assert counts["name"].tolist() == SURFACE_TYPES
    assert counts["count"].tolist() == [6, 5, 1, 1, 3, 0]
    assert counts["n_files"].tolist() == [3, 1, 1, 1, 2, 0]
    assert explorer.category_counts("edges/convexity").columns.tolist() == [
        "code", "count", "n_files"]
