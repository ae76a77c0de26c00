import os

import pytest

from cad_assets.sources import discover_cad_files, hash_files, path_for_key, root_labels, sha256_of


def _touch(path, data=b"ISO-10303-21;"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_finds_cad_files_recursively_case_insensitively(tmp_path):
    root = tmp_path / "cad"
    for name in ["a.step", "b.STP", "deep/c.IGES", "deep/d.igs", "e.brep", "notes.txt", "f.stl"]:
        _touch(root / name)
    (root / "x.step").mkdir()  # a directory with a CAD name is not a file

    files = discover_cad_files([root])

    assert [f.relative_path for f in files] == ["a.step", "b.STP", "deep/c.IGES", "deep/d.igs", "e.brep"]
    assert [f.format for f in files] == ["step", "step", "iges", "iges", "brep"]
    assert all(f.size_bytes == 13 and f.mtime_ns > 0 for f in files)


def test_same_name_in_two_roots_gives_two_partitions(tmp_path):
    roots = [tmp_path / "one" / "cad", tmp_path / "two" / "cad"]
    for root in roots:
        _touch(root / "a.step")
    files = discover_cad_files(roots)
    assert [f.partition_key for f in files] == ["cad/a.step", "cad~2/a.step"]
    labels = root_labels(roots)
    assert [str(path_for_key(f.partition_key, labels)) for f in files] == [f.path for f in files]


def test_symlink_loops_are_visited_once_and_external_links_skipped(tmp_path):
    root, outside = tmp_path / "cad", tmp_path / "outside"
    _touch(root / "sub" / "a.step")
    _touch(outside / "secret.step")
    os.symlink(root, root / "sub" / "loop")
    os.symlink(outside, root / "escape")
    os.symlink(outside / "secret.step", root / "link.step")

    assert [f.relative_path for f in discover_cad_files([root])] == ["sub/a.step"]
    followed = discover_cad_files([root], follow_external_symlinks=True)
    assert {"escape/secret.step", "link.step"} <= {f.relative_path for f in followed}


def test_missing_root_is_an_error_not_an_empty_dataset(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        discover_cad_files([tmp_path / "typo"])


def test_hashes_are_reused_only_for_unchanged_files(tmp_path):
    path = _touch(tmp_path / "cad" / "a.step", b"one")
    (file,) = discover_cad_files([tmp_path / "cad"])
    (sha,) = hash_files([file])
    assert sha == sha256_of(str(path))

    stale = {file.partition_key: (file.size_bytes, file.mtime_ns, "cached")}
    assert hash_files([file], stale) == ["cached"]
    path.write_bytes(b"two!")
    (changed,) = discover_cad_files([tmp_path / "cad"])
    assert hash_files([changed], stale) == [sha256_of(str(path))]
