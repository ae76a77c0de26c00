"""Groups of identical files (same sha256), their counts and the copies labelled differently."""

import pandas as pd

from cad_assets.sources import (
    content_groups,
    describe_conflicts,
    duplicate_counts,
    label_conflicts,
    with_duplicate_groups,
)


def _files(rows):
    return pd.DataFrame(rows, columns=["partition_key", "sha256"])


def test_identical_files_share_the_key_of_their_first_file():
    files = _files([("b/same.step", "aa"), ("a/same.step", "aa"), ("a/other.step", "bb"),
                    ("c/third.step", "aa"), ("c/alone.step", "cc")])
    grouped = with_duplicate_groups(files)
    assert grouped["partition_key"].tolist() == files["partition_key"].tolist()  # order kept
    assert grouped["duplicate_group"].tolist() == [
        "a/same.step", "a/same.step", "a/other.step", "a/same.step", "c/alone.step"]
    assert grouped["duplicate_count"].tolist() == [3, 3, 1, 3, 1]
    assert duplicate_counts(grouped) == {"groups": 1, "files": 3, "extra_copies": 2}
    # The first copy of each content is the row naming itself; drop_duplicates keeps one each.
    first = grouped[grouped["duplicate_group"] == grouped["partition_key"]]
    assert sorted(first["partition_key"]) == ["a/other.step", "a/same.step", "c/alone.step"]
    assert len(grouped.drop_duplicates("duplicate_group")) == 3


def test_unreadable_files_are_copies_of_nothing():
    grouped = with_duplicate_groups(_files([("a/x.step", None), ("a/y.step", None), ("a/z.step", "")]))
    assert grouped["duplicate_group"].tolist() == ["a/x.step", "a/y.step", "a/z.step"]
    assert grouped["duplicate_count"].tolist() == [1, 1, 1]
    assert duplicate_counts(grouped) == {"groups": 0, "files": 0, "extra_copies": 0}


def test_a_table_without_the_column_is_grouped_by_sha256():
    old = _files([("a/1.step", "aa"), ("b/1.step", "aa"), ("c/2.step", None)])
    assert content_groups(old).tolist() == ["aa", "aa", "c/2.step"]
    assert duplicate_counts(old)["groups"] == 1


def test_copies_labelled_differently_are_reported():
    table = with_duplicate_groups(_files([("bolt/a.step", "aa"), ("nut/a.step", "aa"),
                                          ("bolt/b.step", "bb"), ("x/b.step", "bb"),
                                          ("nut/c.step", "cc"), ("x/c.step", "cc")]))
    table["label_name"] = ["bolt", "nut", "bolt", "bolt", "nut", None]
    conflicts = label_conflicts(table, ["label_name", "not_a_column"])
    assert conflicts == [
        {"duplicate_group": "bolt/a.step", "field": "label_name",
         "values": {"bolt/a.step": "bolt", "nut/a.step": "nut"}},
        {"duplicate_group": "nut/c.step", "field": "label_name",
         "values": {"nut/c.step": "nut", "x/c.step": None}},
    ]
    line = describe_conflicts(conflicts)
    assert line.startswith("2 group(s) of identical files") and "nut/a.step='nut'" in line
    assert label_conflicts(table.assign(label_name="same"), ["label_name"]) == []
