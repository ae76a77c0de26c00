import pandas as pd
import pytest

from cad_assets.explore import FileTable
from cad_assets_tests.explore.sample_dataset import KEYS


def test_files_are_found_by_id_key_path_or_relative_path(explorer, output, monkeypatch):
    files = explorer.files
    assert files.file_id(4) == 4 and files.file_id("4") == 4
    assert files.file_id("src/sub/c.igs") == 2
    assert files.file_id(str(output / "sources" / "src" / "b.step")) == 1
    assert files.file_id("sub/c.igs") == 2
    monkeypatch.chdir(output / "tables")
    assert files.file_id("../sources/src/a.step") == 0  # resolved against the working folder
    assert files.paths([4, 0]) == [str(output / "sources" / KEYS[i]) for i in (4, 0)]
    assert files.info(2)["n_faces"] == 2


@pytest.mark.parametrize("key", [3, "3", "src/none.step"])
def test_unknown_files_raise(explorer, key):
    with pytest.raises(KeyError, match="no file"):
        explorer.files.file_id(key)
    with pytest.raises(KeyError):
        explorer.paths([3])


def test_a_key_that_looks_like_an_id_is_a_key_first():
    files = FileTable(pd.DataFrame({"file_id": [0, 1], "partition_key": ["1", "x"]}))
    assert files.file_id("1") == 0 and files.file_id(1) == 1


def test_without_an_infoset_files_are_known_by_id_only():
    files = FileTable(None)
    assert files.file_id("7") == 7
    with pytest.raises(KeyError):
        files.file_id("src/a.step")
    with pytest.raises(KeyError):
        files.paths([7])
