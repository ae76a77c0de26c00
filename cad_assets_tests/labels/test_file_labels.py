"""Per-file class labels from folder names and path -> label tables, and their codes."""

import numpy as np
import pandas as pd
import pytest

from cad_assets.labels import LabelError, LabelVocabulary, folder_label, read_label_table, table_label


def test_the_folder_name_is_the_class(tmp_path):
    assert folder_label(tmp_path / "bolts" / "m6.step") == "bolts"


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_table_labels_relative_and_absolute_paths(tmp_path, suffix):
    root = tmp_path / "root"
    table = pd.DataFrame({"path": ["a/./x.step", str(root / "b" / "y.step"), "z.step"],
                          "label": ["gear", " shaft ", "gear"]})
    path = tmp_path / f"labels{suffix}"
    table.to_csv(path, index=False) if suffix == ".csv" else table.to_parquet(path)

    labels = read_label_table(path)

    assert table_label(labels, root / "a" / "x.step", root) == "gear"
    assert table_label(labels, root / "b" / "y.step", root) == "shaft"
    assert table_label(labels, root / "z.step", tmp_path / "elsewhere") is None


@pytest.mark.parametrize(
    "csv, message",
    [("path,class\na.step,x\n", "lacks the column\\(s\\) label"),
     ("path,label\na.step,\n", "a.step has an empty label"),
     ("path,label\na.step,x\n./a.step,y\n", "labels ./a.step both 'x' and 'y'")],
)
def test_bad_tables_are_label_errors(tmp_path, csv, message):
    (tmp_path / "labels.csv").write_text(csv)
    with pytest.raises(LabelError, match=message):
        read_label_table(tmp_path / "labels.csv")


def test_a_table_must_be_csv_or_parquet(tmp_path):
    with pytest.raises(LabelError, match="labels.xlsx: label tables are .csv or .parquet"):
        read_label_table(tmp_path / "labels.xlsx")


def test_codes_follow_sorted_names_whatever_the_order_seen():
    first = LabelVocabulary.from_labels(["shaft", "gear", "bolt", "gear"])
    second = LabelVocabulary.from_labels(["bolt", "shaft", "gear"])
    assert first == second and first.names == ("bolt", "gear", "shaft")
    assert first.code("shaft") == 2
    codes = first.codes(["gear", "bolt"])
    assert codes.dtype == np.int32 and codes.tolist() == [1, 0]
    assert first.rows()[1] == {"array": "file/label", "code": 1, "name": "gear", "description": "class 'gear'"}


def test_unknown_names_have_no_code():
    vocabulary = LabelVocabulary.from_labels(["bolt"])
    with pytest.raises(LabelError, match="'nut' is not in the vocabulary"):
        vocabulary.code("nut")
    with pytest.raises(LabelError, match="'nut' is not in the vocabulary"):
        vocabulary.codes(["bolt", "nut"])


def test_file_class_names_from_folders_and_from_a_table(tmp_path):
    import pandas as pd

    from cad_assets.labels import file_class_names

    root = tmp_path / "parts"
    files = pd.DataFrame({"path": [str(root / "bolt" / "b1.step"), str(root / "nut" / "n1.step")],
                          "source_root": [str(root)] * 2})
    assert file_class_names(files, "folder") == ["bolt", "nut"]
    table = tmp_path / "labels.csv"
    table.write_text("path,label\nbolt/b1.step,fastener\n")
    assert file_class_names(files, str(table)) == ["fastener", None]
