import numpy as np
import pytest
import zarr

from cad_assets.ml import FeatureSet, Normaliser, compute_statistics, make_split
from cad_assets.storage import open_dataset
from cad_assets_tests.ml.conftest import face_class_sets
from cad_assets_tests.ml.synthetic_dataset import write_output


@pytest.fixture(scope="module")
def split(output):
    return make_split(output, "stats", "faces/label", (0.6, 0.2, 0.2), seed=0)


def _train_rows(dataset, group, name, split):
    rows = np.isin(dataset[f"{group}/file_id"][...], split.file_ids("train"))
    return dataset[f"{group}/{name}"][...][rows]


@pytest.mark.parametrize("key", FeatureSet().standardised())
def test_statistics_are_those_of_the_training_files_rows(output, split, key):
    dataset = open_dataset(output / "cad_dataset.zarr")
    group, name = key.split("/")
    values = _train_rows(dataset, group, name, split).astype(np.float64)
    if key == "faces/uv_grid":  # xyz and normals of the samples inside the trim
        samples = values.reshape(-1, 7)
        values = samples[samples[:, 6] > 0.5][:, :6]
    elif values.ndim == 3:  # edges/u_grid: every sample of every edge
        values = values.reshape(-1, values.shape[-1])
    else:
        values = values.reshape(len(values), -1)
    stats = split.statistics[key]
    np.testing.assert_allclose(stats.mean, values.mean(axis=0), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(stats.std, values.std(axis=0), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(stats.count, np.full(values.shape[1], len(values)))


def test_statistics_differ_from_those_of_all_files(output, split):
    dataset = open_dataset(output / "cad_dataset.zarr")
    everything = compute_statistics(dataset, np.arange(80))
    assert split.statistics["faces/uv_grid"].count[0] < everything["faces/uv_grid"].count[0]
    assert not np.allclose(split.statistics["faces/area"].mean, everything["faces/area"].mean)


def test_nan_values_are_left_out_of_the_statistics(tmp_path):
    write_output(tmp_path, [0, 1, 0, 1], face_class_sets(4))
    (shard,) = zarr.open_group(tmp_path / "cad_dataset.zarr", mode="r")["shards"].group_keys()
    stored = zarr.open_group(tmp_path / "cad_dataset.zarr" / "shards" / shard, mode="r+")
    values = stored["faces/area"][...]
    values[[0, 3]] = np.nan  # faces without a surface
    stored["faces/area"][...] = values
    stats = compute_statistics(open_dataset(tmp_path / "cad_dataset.zarr"), [0, 1, 2, 3])["faces/area"]
    kept = values[~np.isnan(values)]
    assert stats.count.tolist() == [len(kept)] == [len(values) - 2]
    np.testing.assert_allclose(stats.mean, [kept.mean()], rtol=1e-12)
    np.testing.assert_allclose(stats.std, [kept.std()], rtol=1e-12)


def test_the_normaliser_standardises_and_encodes_one_hot(split):
    normaliser = Normaliser(split.statistics)
    area = split.statistics["faces/area"]
    faces = {"area": np.array([area.mean[0], area.mean[0] + 2 * area.std[0], np.nan]),
             "centroid": np.zeros((3, 3)), "normal": np.zeros((3, 3)), "bbox": np.zeros((3, 6)),
             "n_loops": np.ones(3, np.int32), "n_neighbours": np.ones(3, np.int32),
             "surface_type": np.array([0, 11, 99], np.int32), "rational": np.array([1, 0, 0], bool),
             "uv_grid": np.zeros((3, 10, 10, 7), np.float32)}
    table = normaliser.faces(faces)
    assert table.shape == (3, normaliser.face_dim()) == (3, 28) and table.dtype == np.float32
    np.testing.assert_allclose(table[:, 0], [0.0, 2.0, 0.0], atol=1e-6)  # NaN -> 0
    one_hot = table[:, 15:27]
    assert one_hot[0].argmax() == 0 and one_hot[1].argmax() == 11 and not one_hot[2].any()
    np.testing.assert_array_equal(table[:, 27], [1, 0, 0])
    edges = {"length": np.ones(2), "dihedral_angle": np.zeros(2),
             "curve_type": np.array([0, 9], np.int32), "convexity": np.array([-1, 5], np.int8),
             "closed": np.array([0, 1], bool), "u_grid": np.zeros((2, 10, 12), np.float32)}
    edge_table = normaliser.edges(edges)
    assert edge_table.shape == (2, 20)
    assert edge_table[0, 12] == 1 and edge_table[1, 18] == 1  # convexity -1 and 5
    grid = np.ones((1, 10, 10, 7), np.float32)
    standardised = normaliser.face_grid(grid)
    uv = split.statistics["faces/uv_grid"]
    np.testing.assert_allclose(standardised[0, 0, 0, :6], (1 - uv.mean) / uv.std, rtol=1e-5)
    np.testing.assert_array_equal(standardised[..., 6], 1.0)  # the mask is kept
