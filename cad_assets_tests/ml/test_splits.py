import json
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from cad_assets.ml import SplitMismatchError, load_split, make_split
from cad_assets.storage import open_dataset
from cad_assets_tests.ml.conftest import FILE_CLASSES, face_class_sets
from cad_assets_tests.ml.synthetic_dataset import write_output

SUBSETS = ("train", "validation", "test")


def _classes_by_subset(split):
    labels = dict(enumerate(FILE_CLASSES))
    return {s: Counter(labels[i] for i in split.file_ids(s)) for s in SUBSETS}


def test_single_label_split_keeps_the_class_proportions(output):
    split = make_split(output, "single", "label", (0.5, 0.25, 0.25), seed=3)
    assert split.kind == "single-label" and split.classes == [0, 1, 2]
    assert _classes_by_subset(split) == {
        "train": {0: 20, 1: 10, 2: 10},
        "validation": {0: 10, 1: 5, 2: 5},
        "test": {0: 10, 1: 5, 2: 5},
    }


def test_multi_label_split_keeps_each_face_class_near_its_share(output):
    split = make_split(output, "multi", "faces/label", (0.6, 0.2, 0.2), seed=1)
    assert split.kind == "multi-label" and split.classes == [0, 1, 2, 3, 4, 5]
    dataset = open_dataset(output / "cad_dataset.zarr")
    labels, files = dataset["faces/label"][...], dataset["faces/file_id"][...]
    sets = [set(labels[files == i].tolist()) for i in range(80)]
    sizes = {s: len(split.file_ids(s)) for s in SUBSETS}
    assert sum(sizes.values()) == 80
    assert abs(sizes["test"] - 16) <= 2 and abs(sizes["validation"] - 16) <= 2
    for face_class in range(6):
        having = {i for i, classes in enumerate(sets) if face_class in classes}
        for subset, share in zip(SUBSETS, (0.6, 0.2, 0.2)):
            count = len(having & set(split.file_ids(subset).tolist()))
            assert abs(count - share * len(having)) <= 2, (face_class, subset, count, len(having))


@pytest.mark.parametrize("label_key", ["label", "faces/label"])
def test_every_file_is_in_exactly_one_subset(output, label_key):
    split = make_split(output, "every", label_key, (0.7, 0.15, 0.15), seed=0, overwrite=True)
    ids = [set(split.file_ids(s).tolist()) for s in SUBSETS]
    assert not (ids[0] & ids[1]) and not (ids[0] & ids[2]) and not (ids[1] & ids[2])
    assert set().union(*ids) == set(range(80))


def test_the_same_seed_gives_the_same_split(output):
    first = make_split(output, "a", "faces/label", seed=7)
    again = make_split(output, "b", "faces/label", seed=7)
    other = make_split(output, "c", "faces/label", seed=8)
    for subset in SUBSETS:
        np.testing.assert_array_equal(first.file_ids(subset), again.file_ids(subset))
    assert not np.array_equal(first.file_ids("test"), other.file_ids("test"))


def test_a_saved_split_reloads_identically(output):
    made = make_split(output, "saved", "label", (0.5, 0.25, 0.25), seed=2)
    data = json.loads((output / "splits" / "saved.json").read_text())
    assert (data["label_key"], data["seed"], data["kind"]) == ("label", 2, "single-label")
    assert data["fractions"] == {"train": 0.5, "validation": 0.25, "test": 0.25}
    assert data["n_files"] == {"train": 40, "validation": 20, "test": 20}
    assert set(data["subsets"]["test"]) == {
        "file_id", "partition_key", "sha256", "encoding_version"}

    loaded = load_split(output, "saved")
    assert (loaded.name, loaded.label_key, loaded.seed, loaded.fractions) == (
        made.name, made.label_key, made.seed, made.fractions)
    assert loaded.files.equals(made.files)
    for key, stats in made.statistics.items():
        np.testing.assert_array_equal(loaded.statistics[key].mean, stats.mean)
        np.testing.assert_array_equal(loaded.statistics[key].std, stats.std)


def test_a_split_is_not_overwritten_by_accident(output):
    make_split(output, "kept", "label")
    with pytest.raises(FileExistsError, match="load_split"):
        make_split(output, "kept", "label")


def test_a_rebuilt_dataset_with_new_file_ids_maps_back(tmp_path):
    classes, sets = FILE_CLASSES[:20], face_class_sets(20)
    write_output(tmp_path, classes, sets)
    made = make_split(tmp_path, "s", "faces/label", seed=0)
    write_output(tmp_path, classes, sets, first_file_id=5)  # rebuilt: ids renumbered
    loaded = load_split(tmp_path, "s")
    for subset in SUBSETS:
        np.testing.assert_array_equal(loaded.file_ids(subset), made.file_ids(subset) + 5)
    assert loaded.files["partition_key"].tolist() == made.files["partition_key"].tolist()


def test_removed_files_leave_the_split_and_changed_files_are_refused(tmp_path):
    classes, sets = FILE_CLASSES[:20], face_class_sets(20)
    write_output(tmp_path, classes, sets)
    made = make_split(tmp_path, "s", "faces/label", seed=0)
    write_output(tmp_path, classes[:19], sets[:19])  # part/19 removed
    with pytest.warns(UserWarning, match="1 file.s. no longer in the dataset, left out: part/19.step"):
        loaded = load_split(tmp_path, "s")
    kept = made.files[made.files["partition_key"] != "part/19.step"].reset_index(drop=True)
    pd.testing.assert_frame_equal(loaded.files, kept)

    write_output(tmp_path, classes[:19], sets[:19], changed=frozenset({4}))
    with pytest.raises(SplitMismatchError) as error, pytest.warns(UserWarning):
        load_split(tmp_path, "s")
    message = str(error.value)
    assert "1 file(s) with changed content (sha256): part/4.step" in message
    assert "make_split" in message


def test_wrong_keys_and_fractions_are_refused(output):
    with pytest.raises(KeyError, match="neither a column of cad_infoset"):
        make_split(output, "x", "faces/nothing")
    with pytest.raises(ValueError, match="sum to 1"):
        make_split(output, "x", "label", (0.5, 0.3, 0.3))
    with pytest.raises(FileNotFoundError):
        load_split(output, "never_made")
