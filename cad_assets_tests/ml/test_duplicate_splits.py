"""Identical files (same sha256) in splits: every copy in one subset, or one copy only; and
fractions with an empty subset."""

import json
from contextlib import nullcontext

import numpy as np
import pytest

from cad_assets.ml import assign_subsets, load_split, make_split
from cad_assets.sources import with_duplicate_groups
from cad_assets.storage import write_table
from cad_assets_tests.ml.conftest import FILE_CLASSES, face_class_sets
from cad_assets_tests.ml.synthetic_dataset import write_output

SUBSETS = ("train", "validation", "test")
#: Files 2k and 2k+1 (k < 20) are the same file in two folders: bolt/ and nut/.
PAIRS = [(2 * k, 2 * k + 1) for k in range(20)]


def _copies_in_two_folders(folder, keep_groups=True):
    """The synthetic output, with 20 files each copied into a second folder whose folder
    label (``label``) differs: the user's case, twenty times over."""
    infoset = write_output(folder, FILE_CLASSES, face_class_sets())
    for first, copy in PAIRS:
        infoset.loc[first, "partition_key"] = f"bolt/same-{first}.step"
        infoset.loc[copy, "partition_key"] = f"nut/same-{first}.step"
        infoset.loc[copy, "sha256"] = infoset.loc[first, "sha256"]
    assert (infoset.loc[[a for a, _ in PAIRS], "label"].to_numpy()
            != infoset.loc[[b for _, b in PAIRS], "label"].to_numpy()).any()
    if keep_groups:
        infoset = with_duplicate_groups(infoset)
    write_table(infoset, folder / "tables" / "cad_infoset.parquet")
    return infoset


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    folder = tmp_path_factory.mktemp("copies")
    _copies_in_two_folders(folder)
    return folder


def _subset_of(split):
    return {int(i): s for s in SUBSETS for i in split.file_ids(s)}


@pytest.mark.parametrize("label_key", ["label", "faces/label"])
@pytest.mark.parametrize("seed", range(4))
def test_a_seeded_split_puts_both_copies_in_the_same_subset(copies, label_key, seed):
    with pytest.warns(UserWarning, match="labelled differently") if label_key == "label" else nullcontext():
        split = make_split(copies, f"s{seed}", label_key, (0.5, 0.25, 0.25), seed=seed, overwrite=True)
    subset = _subset_of(split)
    assert set(subset) == set(range(80))  # every copy is in the split
    assert all(subset[a] == subset[b] for a, b in PAIRS), [
        (a, b, subset[a], subset[b]) for a, b in PAIRS if subset[a] != subset[b]]
    # 60 distinct contents: the fractions are of contents, each pair counting once.
    contents = {s: len(set(split.files.loc[split.files["subset"] == s, "sha256"])) for s in SUBSETS}
    assert contents == {"train": 30, "validation": 15, "test": 15} or label_key == "faces/label"
    again = load_split(copies, f"s{seed}")
    assert _subset_of(again) == subset and again.duplicates == "together"


def test_without_grouping_the_same_seeds_would_separate_copies():
    """The test above can fail: file-level stratification splits some pairs."""
    targets = np.asarray(FILE_CLASSES)
    separated = 0
    for seed in range(4):
        subset = assign_subsets(targets, (0.5, 0.25, 0.25), seed)
        separated += sum(subset[a] != subset[b] for a, b in PAIRS)
    assert separated > 0


def test_an_infoset_without_duplicate_group_is_grouped_by_sha256(tmp_path):
    _copies_in_two_folders(tmp_path, keep_groups=False)
    split = make_split(tmp_path, "old", "faces/label", (0.6, 0.2, 0.2), seed=1)
    subset = _subset_of(split)
    assert all(subset[a] == subset[b] for a, b in PAIRS)


def test_groups_of_one_file_change_nothing():
    targets = np.asarray(FILE_CLASSES)
    alone = np.array([f"part/{i}.step" for i in range(len(targets))])
    for seed in range(3):
        np.testing.assert_array_equal(assign_subsets(targets, (0.6, 0.2, 0.2), seed, groups=alone),
                                      assign_subsets(targets, (0.6, 0.2, 0.2), seed))


def test_multi_label_groups_are_stratified_by_the_union_of_their_label_sets():
    targets = np.array([[1, 0], [0, 1], [1, 0], [1, 0]] * 10, dtype=np.uint8)
    groups = np.repeat(np.arange(20), 2)  # files 0 and 1 are one group: classes {0, 1}
    subset = assign_subsets(targets, (0.5, 0.0, 0.5), 0, groups=groups)
    assert (subset[0::2] == subset[1::2]).all()
    assert {int(code) for code in subset} == {0, 2}


def test_duplicates_first_keeps_one_copy_of_each_content(copies):
    split = make_split(copies, "first", "label", (0.5, 0.25, 0.25), seed=0, duplicates="first",
                       overwrite=True)
    in_split = set(split.files["file_id"])
    assert len(in_split) == 60 and in_split == set(range(80)) - {b for _, b in PAIRS}
    assert split.files["sha256"].is_unique
    assert {s: len(split.file_ids(s)) for s in SUBSETS} == {"train": 30, "validation": 15, "test": 15}
    data = json.loads((copies / "splits" / "first.json").read_text())
    assert data["duplicates"] == "first" and sum(data["n_files"].values()) == 60
    assert load_split(copies, "first").duplicates == "first"
    with pytest.raises(ValueError, match="duplicates must be one of"):
        make_split(copies, "bad", "label", duplicates="drop")


@pytest.mark.parametrize("label_key", ["label", "faces/label"])
def test_validation_fraction_zero_gives_an_empty_validation_subset(output, label_key):
    split = make_split(output, f"no-validation-{label_key[:5]}", label_key, (0.8, 0.0, 0.2), seed=0)
    assert len(split.file_ids("validation")) == 0
    assert len(split.file_ids("train")) + len(split.file_ids("test")) == 80
    assert len(split.file_ids("test")) == 16 or label_key == "faces/label"
    assert split.fractions == {"train": 0.8, "validation": 0.0, "test": 0.2}
    loaded = load_split(output, f"no-validation-{label_key[:5]}")
    assert len(loaded.file_ids("validation")) == 0


def test_two_fractions_are_refused_with_what_the_three_are(output):
    with pytest.raises(ValueError, match=r"\(train, validation, test\)"):
        make_split(output, "two", "label", (0.8, 0.2))

