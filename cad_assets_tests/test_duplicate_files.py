"""The same file in two folders, through the real ``build_dataset`` job: grouped in the tables,
counted in summary.json and the UI, warned about when the copies' labels disagree, and kept in
one subset by a seeded split."""

import json
import logging

import dagster as dg
import pytest

from cad_assets.explore import Explorer
from cad_assets.ml import make_split
from cad_assets.storage import read_table
from cad_assets_tests.test_build_dataset import _build, _changed, corpus, settings  # noqa: F401


def _latest_metadata(instance, key):
    event = instance.get_latest_materialization_event(dg.AssetKey(key))
    return {name: getattr(value, "value", value)
            for name, value in event.asset_materialization.metadata.items()}


def test_copies_in_two_folders_are_grouped_counted_warned_about_and_split_together(
        settings, instance, corpus):  # noqa: F811
    # The corpus holds real/same.step, a copy of the first MFCAD part, and drop/same.step, a
    # copy of the third: labelled by folder, each copy's class contradicts its twin's.
    real, _ = corpus
    mfcad = sorted(path.name for path in (real / "mfcad").glob("*.step"))
    first, third = f"real/mfcad/{mfcad[0]}", f"real/mfcad/{mfcad[2]}"
    by_folder = _changed(settings, file_labels="folder")
    result = _build(by_folder, instance)
    assert result.success

    files = read_table(settings.layout.table("cad_files")).set_index("partition_key")
    assert files.loc[[first, "real/same.step"], "duplicate_group"].tolist() == [first, first]
    assert files.loc[[third, "drop/same.step"], "duplicate_group"].tolist() == ["drop/same.step"] * 2
    assert files.loc[[first, third, "drop/same.step"], "duplicate_count"].tolist() == [2, 2, 2]
    alone = files.drop([first, third, "real/same.step", "drop/same.step"])
    assert (alone["duplicate_group"] == alone.index).all() and (alone["duplicate_count"] == 1).all()

    infoset = read_table(settings.layout.table("cad_infoset")).set_index("partition_key")
    assert infoset.loc[["real/same.step", first], "label_name"].tolist() == ["real", "mfcad"]
    assert (infoset["duplicate_group"] == files.loc[infoset.index, "duplicate_group"]).all()
    assert len(infoset.drop_duplicates("duplicate_group")) == len(infoset) - 2

    # In the explorer: the files with a copy, and the one group's members.
    explorer = Explorer.open(settings.layout.root)
    with_copy = explorer.query("duplicate_count > 1")
    assert set(with_copy["partition_key"]) == {first, third, "real/same.step", "drop/same.step"}
    assert set(explorer.query(f"duplicate_group == {first}")["partition_key"]) == {first, "real/same.step"}

    summary = json.loads(settings.layout.summary.read_text())["duplicates"]
    assert {k: summary[k] for k in ("groups", "files", "extra_copies", "label_conflicts")} == {
        "groups": 2, "files": 4, "extra_copies": 2, "label_conflicts": 2}
    class_conflicts = {c["duplicate_group"]: c["values"] for c in summary["conflicts"]
                       if c["field"] == "label_name"}
    assert class_conflicts == {first: {first: "mfcad", "real/same.step": "real"},
                               "drop/same.step": {"drop/same.step": "drop", third: "mfcad"}}
    # The MFCAD parts have .face_truth files, their copies none: their face labels differ too.
    assert {c["duplicate_group"] for c in summary["conflicts"] if c["field"] == "face_labels"} == {
        first, "drop/same.step"}

    warnings = [entry.user_message for entry in instance.all_logs(result.run_id)
                if entry.level == logging.WARNING and "labelled differently" in entry.user_message]
    assert len(warnings) == 1 and "real/same.step='real'" in warnings[0]

    shown = _latest_metadata(instance, "cad_run_summary")
    assert (shown["duplicate_groups"], shown["files_in_duplicate_groups"],
            shown["duplicate_label_conflicts"]) == (2, 4, 2)
    listed = _latest_metadata(instance, "cad_files")
    assert (listed["duplicate_groups"], listed["files_in_duplicate_groups"]) == (2, 4)
    columns = {c.name: c.description for c in listed["dagster/column_schema"].columns}
    assert "identical content" in columns["duplicate_group"]

    file_id = infoset["file_id"]
    for seed in range(3):
        with pytest.warns(UserWarning, match="labelled differently"):
            split = make_split(settings.layout.root, f"user-{seed}", "label", (0.5, 0.0, 0.5),
                               seed=seed)
        subset = split.files.set_index("file_id")["subset"]
        assert subset[file_id[first]] == subset[file_id["real/same.step"]]
        assert subset[file_id[third]] == subset[file_id["drop/same.step"]]
        assert len(split.file_ids("validation")) == 0
