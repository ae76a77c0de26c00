"""Dataset charts: the counts behind them, and PNGs of the right size for every chart that
applies."""

import io

import numpy as np
import pandas as pd
import pytest
import zarr
from PIL import Image

from cad_assets.charts import (
    CHART_SIZE,
    count_codes,
    dataset_charts,
    error_chart,
    error_counts,
    face_label_counts,
    faces_per_file,
    file_label_counts,
    surface_type_counts,
)
from cad_assets.storage import MergeEntry, merge_dataset, open_dataset, write_file_store

SURFACE_NAMES = ["plane", "cylinder", "cone", "sphere", "torus"]
ALL_CHARTS = ("faces_per_file", "surface_types", "face_labels", "file_labels", "errors")


def decode(png: bytes) -> Image.Image:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.fixture
def attribset() -> pd.DataFrame:
    rows = [("faces/surface_type", code, name) for code, name in enumerate(SURFACE_NAMES)]
    labels = [(-1, "unlabelled"), (0, "slot"), (1, "hole")]
    rows += [("faces/label", code, name) for code, name in labels]
    rows += [("label", 0, "bracket"), ("label", 1, "housing")]
    rows += [("cad_format", 0, "STEP")]
    return pd.DataFrame(
        [{"field": f, "code": c, "name": n, "description": ""} for f, c, n in rows]
    )


@pytest.fixture
def dataset() -> dict[str, np.ndarray]:
    return {
        "faces/surface_type": np.array([0, 0, 0, 1, 1, 4, 0, 1], dtype=np.int32),
        "faces/label": np.array([-1, -1, 0, 0, 0, 1, 1, 0], dtype=np.int32),
        "faces/file_id": np.array([0, 0, 0, 1, 1, 1, 1, 1], dtype=np.int32),
    }


@pytest.fixture
def infoset() -> pd.DataFrame:
    return pd.DataFrame({
        "file_id": [0, 1, 2],
        "n_faces": [3, 5, 0],
        "label": [0, 1, -1],
        "label_name": ["bracket", "housing", None],
    })


@pytest.fixture
def errors() -> pd.DataFrame:
    return pd.DataFrame({
        "path": ["a.step", "b.step", "c.igs"],
        "error_type": ["Timeout", "CadParseError", "CadParseError"],
        "message": ["", "", ""],
    })


def test_count_codes_reads_zarr_in_chunks_and_counts_negative_codes(tmp_path):
    rng = np.random.default_rng(3)
    codes = rng.integers(-1, 12, 1000).astype(np.int32)
    codes[:300] = np.abs(codes[:300])  # no -1 in the first slices: their lowest codes differ
    group = zarr.open_group(tmp_path / "d.zarr", mode="w")
    group.create_array("faces/label", data=codes, chunks=(64,))
    array = zarr.open_group(tmp_path / "d.zarr", mode="r")["faces/label"]
    values, counts = np.unique(codes, return_counts=True)
    expected = dict(zip(values.tolist(), counts.tolist()))
    assert count_codes(array, chunk_rows=100) == expected  # 128-row slices (two chunks)
    assert count_codes(codes, chunk_rows=7) == expected
    assert list(count_codes(codes)) == sorted(expected)
    assert count_codes(np.zeros(0, dtype=np.int32)) == {}


def test_named_counts(dataset, attribset, infoset, errors):
    assert surface_type_counts(dataset, attribset) == {"plane": 4, "cylinder": 3, "torus": 1}
    assert face_label_counts(dataset, attribset) == {"unlabelled": 2, "slot": 4, "hole": 2}
    assert file_label_counts(infoset, attribset) == {"unlabelled": 1, "bracket": 1, "housing": 1}
    assert error_counts(errors) == {"CadParseError": 2, "Timeout": 1}
    assert error_counts(errors.iloc[:0]) == {}
    assert faces_per_file(infoset).tolist() == [3, 5, 0]
    assert faces_per_file(infoset.drop(columns="n_faces"), dataset).tolist() == [3, 5]


def test_codes_without_a_name_show_their_number(dataset):
    assert surface_type_counts(dataset, None) == {"0": 4, "1": 3, "4": 1}
    assert face_label_counts(dataset, None) == {"unlabelled": 2, "0": 4, "1": 2}


def test_absent_arrays_and_columns_count_as_none(infoset):
    assert surface_type_counts({}, None) is None
    assert face_label_counts({}, None) is None
    assert file_label_counts(infoset.drop(columns="label"), None) is None


def test_every_chart_that_applies(dataset, infoset, attribset, errors):
    charts = dataset_charts(dataset, infoset, attribset, errors)
    assert list(charts) == [*ALL_CHARTS]
    for png in charts.values():
        image = decode(png)
        assert image.size == CHART_SIZE
        pixels = np.asarray(image.convert("L"))
        assert pixels.min() < 128 < pixels.max()  # something is drawn on the white


def test_charts_left_out_when_they_do_not_apply(dataset, infoset, attribset):
    without = {"faces/surface_type": dataset["faces/surface_type"]}
    no_labels = infoset.drop(columns="label")
    charts = dataset_charts(without, no_labels, attribset, None, size=(300, 200))
    assert list(charts) == ["faces_per_file", "surface_types"]
    assert all(decode(png).size == (300, 200) for png in charts.values())


def test_no_errors_still_gives_a_chart(errors):
    assert decode(error_chart(errors.iloc[:0], size=(320, 240))).size == (320, 240)


def test_a_dataset_path_is_opened_read_only(tmp_path, dataset, infoset, attribset, errors):
    full, no_labels = tmp_path / "full" / "cad_dataset.zarr", tmp_path / "no_labels" / "cad_dataset.zarr"
    _merge(dataset, full)
    _merge({name: values for name, values in dataset.items() if name != "faces/label"}, no_labels)
    charts = dataset_charts(full, infoset, attribset, errors)
    assert list(charts) == [*ALL_CHARTS]
    assert face_label_counts(open_dataset(full), attribset) == {"unlabelled": 2, "slot": 4, "hole": 2}
    charts = dataset_charts(str(no_labels), infoset, attribset, errors)
    assert "face_labels" not in charts and "surface_types" in charts


def _merge(arrays: dict, out):
    """Publish ``arrays`` (``{"faces/<name>": values}`` with ``faces/file_id``) as a dataset
    of one store per file."""
    file_of_row = arrays["faces/file_id"]
    entries = []
    for file_id in np.unique(file_of_row):
        faces = {name.split("/")[1]: values[file_of_row == file_id]
                 for name, values in arrays.items() if name != "faces/file_id"}
        store = out.parent / f"{file_id}.zarr.zip"
        entries.append(MergeEntry(int(file_id), store, store.name,
                                  write_file_store(store, {"faces": faces}, {})))
    merge_dataset(entries, out)


def test_empty_dataset_still_draws(attribset):
    empty = {"faces/surface_type": np.zeros(0, dtype=np.int32)}
    infoset = pd.DataFrame({"file_id": [], "n_faces": []})
    charts = dataset_charts(empty, infoset, attribset, pd.DataFrame(columns=["error_type"]))
    assert list(charts) == ["faces_per_file", "surface_types", "errors"]
    assert all(decode(png).size == CHART_SIZE for png in charts.values())
