import os

import pytest

from cad_assets.storage import atomic_write_path, publish_version, resolve_published


def _names(folder):
    return sorted(os.listdir(folder))


def test_a_written_file_appears_whole_and_leaves_no_temporary(tmp_path):
    final = tmp_path / "deep" / "summary.json"
    with atomic_write_path(final) as temp:
        assert temp.parent == final.parent and temp.name.startswith(".summary.json.tmp-")
        temp.write_text("new")
        assert not final.exists()
    assert final.read_text() == "new"
    assert _names(final.parent) == ["summary.json"]


def test_an_exception_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    final = tmp_path / "summary.json"
    final.write_text("old")
    with pytest.raises(RuntimeError, match="killed"):
        with atomic_write_path(final) as temp:
            temp.write_text("half")
            raise RuntimeError("killed")
    assert final.read_text() == "old"
    assert _names(tmp_path) == ["summary.json"]


def test_a_directory_replaces_an_existing_directory(tmp_path):
    final = tmp_path / "store.zarr"
    (final / "old-chunks").mkdir(parents=True)
    with atomic_write_path(final) as temp:
        temp.mkdir()
        (temp / "zarr.json").write_text("{}")
    assert _names(final) == ["zarr.json"]
    assert _names(tmp_path) == ["store.zarr"]


def test_a_failed_directory_write_is_removed(tmp_path):
    final = tmp_path / "store.zarr"
    with pytest.raises(KeyError):
        with atomic_write_path(final) as temp:
            (temp / "group").mkdir(parents=True)
            raise KeyError("boom")
    assert _names(tmp_path) == []


def test_publish_switches_a_relative_link_between_versions(tmp_path):
    first, second = tmp_path / "v" / "one", tmp_path / "v" / "two"
    first.mkdir(parents=True)
    second.mkdir()
    link = tmp_path / "dataset.zarr"

    publish_version(link, first)
    assert resolve_published(link) == first.resolve()
    assert os.readlink(link) == os.path.join("v", "one")  # the folder can move as a whole
    publish_version(link, second)
    assert resolve_published(link) == second.resolve()
    assert _names(tmp_path) == ["dataset.zarr", "v"]


def test_publish_never_replaces_a_real_directory(tmp_path):
    (tmp_path / "dataset.zarr").mkdir()
    (tmp_path / "v1").mkdir()
    with pytest.raises(FileExistsError, match="not a symlink"):
        publish_version(tmp_path / "dataset.zarr", tmp_path / "v1")


def test_resolving_an_unpublished_link_fails(tmp_path):
    with pytest.raises(FileNotFoundError):
        resolve_published(tmp_path / "dataset.zarr")
