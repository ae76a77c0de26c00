from pathlib import Path, PurePosixPath

import pytest
from dagster._core.definitions.partitions.utils.base import (
    raise_error_on_invalid_partition_key_substring,
)

from cad_assets.sources import partition_key, path_for_key, root_labels, split_partition_key

AWKWARD_NAMES = [
    "plain.step",
    "with space.stp",
    "comma,separated.step",
    "dots...step",
    "....step",
    "ümlaut-部品.step",
    "percent%41.step",
    "brackets[1]|pipe*.igs",
    "back\\slash.brep",
]


@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_keys_are_valid_dagster_keys_and_round_trip(name):
    relative = PurePosixPath("sub folder", name)
    key = partition_key("cad", relative)

    raise_error_on_invalid_partition_key_substring([key])
    assert "," not in key and "..." not in key
    assert split_partition_key(key) == ("cad", relative)


def test_same_folder_name_in_two_roots_gets_distinct_labels(tmp_path):
    roots = [tmp_path / "a" / "cad", tmp_path / "b" / "cad", tmp_path / "c" / "other"]
    labels = root_labels(roots)
    assert list(labels) == ["cad", "cad~2", "other"]
    key = partition_key("cad~2", PurePosixPath("x.step"))
    assert path_for_key(key, labels) == tmp_path / "b" / "cad" / "x.step"


@pytest.mark.parametrize("key", ["cad", "cad/", "cad/../etc/passwd", "cad/%2E%2E/x.step"])
def test_keys_that_could_escape_their_root_are_rejected(key):
    with pytest.raises(ValueError):
        split_partition_key(key)


def test_unknown_root_label_is_an_error():
    with pytest.raises(ValueError, match="no configured source root"):
        path_for_key("nowhere/x.step", {"cad": Path("/data")})
