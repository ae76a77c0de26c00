"""The duplicates of the dataset in summary.json: counts, and copies labelled differently."""

import pandas as pd

from cad_assets.defs.assets.summary import duplicate_summary
from cad_assets.sources import face_label_digests, with_duplicate_groups


def _files(rows):
    return pd.DataFrame(rows, columns=["partition_key", "sha256"])


def test_summary_counts_duplicates_of_the_dataset_and_compares_face_label_files(tmp_path):
    (tmp_path / "one.seg").write_text("0\n1\n")
    (tmp_path / "same.seg").write_text("0\n1\n")
    (tmp_path / "other.seg").write_text("1\n1\n")
    infoset = with_duplicate_groups(_files([
        ("mfcad/p.step", "aa"), ("real/p.step", "aa"),          # labels file vs none
        ("mfcad/q.step", "bb"), ("drop/q.step", "bb"),          # same label content
        ("mfcad/r.step", "cc"), ("drop/r.step", "cc"),          # different label content
        ("mfcad/s.step", "dd")]))
    infoset["face_label_file"] = [str(tmp_path / "one.seg"), "", str(tmp_path / "one.seg"),
                                  str(tmp_path / "same.seg"), str(tmp_path / "one.seg"),
                                  str(tmp_path / "other.seg"), ""]
    summary = duplicate_summary(infoset)
    assert (summary["groups"], summary["files"], summary["extra_copies"]) == (3, 6, 3)
    assert summary["label_conflicts"] == 2
    assert {c["duplicate_group"] for c in summary["conflicts"]} == {"mfcad/p.step", "drop/r.step"}
    assert face_label_digests(infoset.iloc[[1]]).tolist() == [None]

    unique = duplicate_summary(infoset.iloc[[0, 2, 4, 6]])
    assert unique == {"groups": 0, "files": 0, "extra_copies": 0, "label_conflicts": 0, "conflicts": []}
