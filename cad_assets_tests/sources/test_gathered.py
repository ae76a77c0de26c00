import pytest

from cad_assets.sources import as_discovered, discover_cad_files


def _touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"ISO-10303-21;")
    return path


def test_gathered_paths_get_the_keys_discovery_would_give(tmp_path):
    roots = [tmp_path / "cad", tmp_path / "more" / "cad"]
    a, b = _touch(roots[0] / "sub" / "a.STEP"), _touch(roots[1] / "b.igs")
    gathered = as_discovered([str(b), a], roots)
    assert gathered == discover_cad_files(roots)
    assert [f.partition_key for f in gathered] == ["cad/sub/a.STEP", "cad~2/b.igs"]
    assert [f.format for f in gathered] == ["step", "iges"]


def test_paths_outside_the_sources_not_cad_or_twice_are_refused(tmp_path):
    root = tmp_path / "cad"
    inside = _touch(root / "a.step")
    with pytest.raises(ValueError, match="under none of the source folders"):
        as_discovered([_touch(tmp_path / "elsewhere" / "b.step")], [root])
    with pytest.raises(ValueError, match="not a CAD file"):
        as_discovered([_touch(root / "notes.txt")], [root])
    with pytest.raises(ValueError, match="gathered twice"):
        as_discovered([inside, root / "." / "a.step"], [root])
    with pytest.raises(FileNotFoundError):
        as_discovered([root / "missing.step"], [root])
