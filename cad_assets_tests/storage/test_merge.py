"""merge_dataset: what it publishes, what an incremental merge rewrites and keeps on disk,
crashes, garbage collection and stores that disagree."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import zarr

from cad_assets.storage import (
    MergeEntry,
    SchemaMismatchError,
    merge_dataset,
    open_dataset,
    resolve_published,
    write_file_store,
)
from cad_assets.storage import shard_writer
from cad_assets.storage.dataset_layout import DatasetLayout, disk_bytes
from cad_assets_tests.storage.synthetic import synthetic_groups, write_entry

REPOSITORY = Path(__file__).resolve().parents[2]
#: (faces, edges) of each file; file 20 has no edges (nor coedges).
SIZES = {3: (4, 6), 7: (1, 2), 8: (9, 1), 20: (5, 0), 21: (2, 3),
         22: (3, 3), 30: (1, 1), 31: (6, 2), 40: (2, 5), 41: (3, 1)}
GROUPS = ("faces", "edges", "graph", "file")


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """Stores of the files of SIZES: ``{file_id: (entry, groups)}`` (read-only: tests that edit
    a file write a new store)."""
    folder = tmp_path_factory.mktemp("encodings")
    return {file_id: write_entry(folder, file_id, *size) for file_id, size in SIZES.items()}


def _entries(files):
    return [entry for entry, _ in files.values()]


def _expected(files):
    """``{"group/name": rows of every file in file id order}``, ``file_id`` arrays included."""
    expected = {}
    ordered = [files[file_id] for file_id in sorted(files)]
    for group in GROUPS:
        for name in ordered[0][1][group]:
            expected[f"{group}/{name}"] = np.concatenate(
                [groups[group][name] for _, groups in ordered])
        rows = [entry.rows[group] for entry, _ in ordered]
        expected[f"{group}/file_id"] = np.repeat(sorted(files), rows).astype(np.int32)
    return expected


def _assert_holds(dataset, files):
    """``dataset`` holds exactly the rows of ``files``, in file id order, nothing else."""
    expected = _expected(files)
    found = {f"{group_name}/{name}" for group_name, group in dataset.groups()
             for name, _ in group.arrays()}
    assert found == set(expected)
    for key, values in expected.items():
        array = dataset[key]
        assert array.dtype == values.dtype and array.shape == values.shape, key
        np.testing.assert_array_equal(array[:], values, err_msg=key)
    assert dataset.attrs["n_files"] == len(files)


def _assert_shards_partition_the_files(dataset, files_per_shard):
    shards = dataset.shards
    assert sum(shard.n_files for shard in shards) == dataset.attrs["n_files"]
    for shard, following in zip(shards, shards[1:]):
        assert shard.last_file_id < following.first_file_id
    for shard in shards:
        assert 0 < shard.n_files <= files_per_shard
        assert shard.first_file_id <= shard.last_file_id


def _files_on_disk(out):
    """Every file of the dataset's shards: ``{relative path: (inode, mtime)}``."""
    shards = DatasetLayout(out).shards
    return {str(path.relative_to(shards)): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in shards.rglob("*") if path.is_file()}


def _of_shard(snapshot, name):
    return {path: stamp for path, stamp in snapshot.items() if path.split(os.sep)[0] == name}


def _shard_names(out):
    return [shard.name for shard in open_dataset(out).shards]


def test_merge_concatenates_every_array_and_tags_rows_with_their_file(tmp_path, base):
    out = tmp_path / "dataset.zarr"
    # Any order in; tiny chunks, batches and shards, so rows cross all their boundaries.
    report = merge_dataset(_entries(base)[::-1], out, files_per_shard=4, rows_per_chunk=4,
                           files_per_batch=3)

    dataset = open_dataset(out)
    _assert_holds(dataset, base)
    _assert_shards_partition_the_files(dataset, 4)
    assert [shard.n_files for shard in dataset.shards] == [4, 4, 2]
    # Local indices are not offset: the face ids of file 21 still start from 0.
    graph = dataset["graph"]
    np.testing.assert_array_equal(graph["src"][graph["file_id"][:] == 21],
                                  base[21][1]["graph"]["src"])

    assert report.path == out and report.n_files == 10
    assert resolve_published(out) == report.version_path.resolve() == dataset.path
    assert report.rows == {group: sum(entry.rows[group] for entry, _ in base.values())
                           for group in GROUPS}
    assert (report.files_rewritten, report.shards_written, report.shards_kept,
            report.shards_removed) == (10, 3, 0, 0)
    assert report.bytes_on_disk == disk_bytes(DatasetLayout(out).home) > 0 and report.seconds > 0
    assert os.readlink(out) == os.path.join(".dataset", "versions", dataset.path.name)
    assert dataset.attrs["format_version"] == 2
    assert dataset.attrs["groups"]["faces"]["rows"] == report.rows["faces"]
    assert dataset.attrs["groups"]["faces"]["arrays"]["uv_grid"] == {
        "dtype": "float32", "trailing_shape": [10, 10, 7]}
    assert dataset["faces"]["area"].chunks == (4,)


def test_wide_rows_get_fewer_rows_a_chunk(tmp_path, base, monkeypatch):
    monkeypatch.setattr(shard_writer, "MAX_CHUNK_BYTES", 3 * 2800)  # three rows of uv grid
    dataset = open_dataset(merge_dataset(_entries(base), tmp_path / "dataset.zarr").path)
    assert dataset["faces"]["uv_grid"].chunks == (3, 10, 10, 7)
    assert dataset["faces"]["area"].chunks == (36,)  # never larger than the array (one shard)


def test_unchanged_entries_write_nothing_and_touch_no_file(tmp_path, base):
    out = tmp_path / "dataset.zarr"
    first = merge_dataset(_entries(base), out, files_per_shard=4)
    before = _files_on_disk(out)

    again = merge_dataset(_entries(base)[::-1], out, files_per_shard=4)

    assert (again.files_rewritten, again.shards_written, again.shards_kept,
            again.shards_removed) == (0, 0, 3, 0)
    assert again.version_path.resolve() == first.version_path.resolve() == resolve_published(out)
    assert again.bytes_on_disk == first.bytes_on_disk and again.rows == first.rows
    assert _files_on_disk(out) == before


def test_an_edited_file_rewrites_its_shard_only(tmp_path, base):
    out = tmp_path / "dataset.zarr"
    merge_dataset(_entries(base), out, files_per_shard=4)
    names, before = _shard_names(out), _files_on_disk(out)

    files = {**base, 22: write_entry(tmp_path, 22, 7, 4, version=1)}  # in the 2nd shard
    report = merge_dataset(_entries(files), out, files_per_shard=4)

    assert (report.files_rewritten, report.shards_written, report.shards_kept,
            report.shards_removed) == (4, 1, 2, 1)
    after = _shard_names(out)
    assert after[0] == names[0] and after[2] == names[2] and after[1] not in names
    for name in (names[0], names[2]):  # the same files, never rewritten
        assert _of_shard(_files_on_disk(out), name) == _of_shard(before, name) != {}
    _assert_holds(open_dataset(out), files)


def test_adding_a_file_rewrites_at_most_a_quarter_shard(tmp_path, base):
    out = tmp_path / "dataset.zarr"
    merge_dataset(_entries(base), out, files_per_shard=8)  # shards of 8 and 2 files
    names, before = _shard_names(out), _files_on_disk(out)

    files = {**base, 50: write_entry(tmp_path, 50, 2, 2)}
    report = merge_dataset(_entries(files), out, files_per_shard=8)
    # The last shard holds 2 >= 8 / 4 files: the new file gets a shard of its own.
    assert (report.files_rewritten, report.shards_written, report.shards_kept) == (1, 1, 2)
    assert _shard_names(out)[:2] == names and _files_on_disk(out).items() >= before.items()

    files[51] = write_entry(tmp_path, 51, 1, 1)
    report = merge_dataset(_entries(files), out, files_per_shard=8)
    # Now the last shard holds 1 < 8 / 4 file: it takes the new one.
    assert (report.files_rewritten, report.shards_written, report.shards_kept,
            report.shards_removed) == (2, 1, 2, 1)
    assert _shard_names(out)[:2] == names
    _assert_holds(open_dataset(out), files)


def test_a_deleted_file_rewrites_only_its_shard(tmp_path, base):
    out = tmp_path / "dataset.zarr"
    merge_dataset(_entries(base), out, files_per_shard=4)
    names, before = _shard_names(out), _files_on_disk(out)

    files = {file_id: file for file_id, file in base.items() if file_id != 7}
    report = merge_dataset(_entries(files), out, files_per_shard=4)

    assert (report.files_rewritten, report.shards_written, report.shards_kept,
            report.shards_removed) == (3, 1, 2, 1)
    after = _shard_names(out)
    assert after[0] not in names and after[1:] == names[1:]
    for name in names[1:]:
        assert _of_shard(_files_on_disk(out), name) == _of_shard(before, name)
    _assert_holds(open_dataset(out), files)


def test_a_shard_left_sparse_is_merged_with_its_neighbour(tmp_path, base):
    out = tmp_path / "dataset.zarr"
    merge_dataset(_entries(base), out, files_per_shard=8)  # shards of 8 and 2 files
    # The first shard keeps 1 < 8 / 4 of its files: one shard with the last one's 2.
    files = {file_id: base[file_id] for file_id in (3, 40, 41)}
    report = merge_dataset(_entries(files), out, files_per_shard=8)

    assert (report.files_rewritten, report.shards_written, report.shards_kept,
            report.shards_removed) == (3, 1, 0, 2)
    dataset = open_dataset(out)
    assert [(shard.first_file_id, shard.last_file_id) for shard in dataset.shards] == [(3, 41)]
    _assert_holds(dataset, files)


def test_random_incremental_merges_equal_one_clean_merge(tmp_path, base):
    rng = np.random.default_rng(3)
    out = tmp_path / "incremental" / "dataset.zarr"
    files = dict(base)
    next_id, version = 50, 1
    for _ in range(6):
        for file_id in list(files):
            draw = rng.random()
            if draw < 0.1:
                del files[file_id]
            elif draw < 0.2:
                files[file_id] = write_entry(tmp_path, file_id, *rng.integers(0, 6, 2), version)
                version += 1
        for _ in range(int(rng.integers(0, 4))):
            files[next_id] = write_entry(tmp_path, next_id, *rng.integers(0, 6, 2))
            next_id += int(rng.integers(1, 3))
        entries = _entries(files)
        rng.shuffle(entries)
        merge_dataset(entries, out, files_per_shard=4)
        _assert_shards_partition_the_files(open_dataset(out), 4)

    clean = merge_dataset(_entries(files), tmp_path / "clean" / "dataset.zarr", files_per_shard=4)
    incremental, reference = open_dataset(out), open_dataset(clean.path)
    for group_name, group in reference.groups():
        for name, array in group.arrays():
            np.testing.assert_array_equal(incremental[f"{group_name}/{name}"][:], array[:])
    _assert_holds(incremental, files)


_KILLED_MERGE = """
import json, sys
from pathlib import Path
from cad_assets.storage import MergeEntry, merge_dataset
from cad_assets_tests.paused_merge_run import pause_after_first_batch

marker, entries, out = sys.argv[1:]
pause_after_first_batch(Path(marker))
merge_dataset([MergeEntry(**entry) for entry in json.loads(Path(entries).read_text())],
              Path(out), files_per_shard=4)
"""


def test_a_killed_merge_leaves_the_published_version_and_the_next_one_completes(tmp_path, base):
    out = tmp_path / "dataset.zarr"
    first = merge_dataset(_entries(base), out, files_per_shard=4)
    before = open_dataset(out)["faces/uv_grid"][:]
    files = {**base, 8: write_entry(tmp_path, 8, 3, 3, version=1),
             60: write_entry(tmp_path, 60, 2, 2)}
    listed = tmp_path / "entries.json"
    listed.write_text(json.dumps([
        {"file_id": entry.file_id, "store_path": str(entry.store_path), "token": entry.token,
         "rows": dict(entry.rows)} for entry in _entries(files)]))
    marker = tmp_path / "merging"

    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_MERGE, str(marker), str(listed), str(out)],
        cwd=REPOSITORY, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    _, stderr = child.communicate()
    assert marker.exists(), f"the kill must land inside the merge: {stderr.decode()[-2000:]}"

    # Readers still get the last complete version; the half-written shard is published nowhere.
    assert resolve_published(out) == first.version_path.resolve()
    np.testing.assert_array_equal(open_dataset(out)["faces/uv_grid"][:], before)
    leftovers = [path.name for path in DatasetLayout(out).shards.iterdir()
                 if path.name.startswith(".tmp-")]
    assert len(leftovers) == 1

    report = merge_dataset(_entries(files), out, files_per_shard=4)  # the lock was released
    _assert_holds(open_dataset(out), files)
    clean = open_dataset(merge_dataset(_entries(files), tmp_path / "clean.zarr",
                                       files_per_shard=4).path)
    for key in _expected(files):
        np.testing.assert_array_equal(open_dataset(out)[key][:], clean[key][:])
    assert not any(path.name.startswith(".tmp-") for path in DatasetLayout(out).shards.iterdir())
    assert report.shards_written == 2  # the edited file's shard and the new file's


def test_garbage_collection_keeps_the_published_and_the_previous_version(tmp_path, base):
    out = tmp_path / "dataset.zarr"
    layout = DatasetLayout(out)
    files = dict(base)
    versions, shards_of = [], []
    for file_id in (3, 30, 40):  # each merge replaces another shard
        files[file_id] = write_entry(tmp_path, file_id, 2, 2, version=1)
        versions.append(merge_dataset(_entries(files), out, files_per_shard=4).version_path)
        shards_of.append(set(_shard_names(out)))
    previous = open_dataset(versions[1])  # a reader of the version the last one replaced
    _assert_holds(previous, {**files, 40: base[40]})

    assert sorted(path.name for path in layout.versions.iterdir()) == sorted(
        version.name for version in versions[1:])
    needed = shards_of[1] | shards_of[2]
    assert {path.name for path in layout.shards.iterdir()} == needed
    # The shard only the first version had is gone, those it shared are not.
    assert shards_of[0] - needed and shards_of[0] & needed

    # Leftovers of killed writers: a shard and a version half written, or written and never
    # published. A merge that changes nothing removes them too.
    shard, version = layout.shards / sorted(needed)[0], versions[2]
    leftovers = [layout.shards / ".tmp-0000000001-0000000002-deadbeef",
                 layout.shards / "0000000001-0000000002-deadbeef",
                 layout.versions / f".tmp-{'a' * 32}", layout.versions / ("b" * 32)]
    for leftover, like in zip(leftovers, (shard, shard, version, version)):
        os.system(f"cp -a {like} {leftover}")
    assert all(leftover.exists() for leftover in leftovers)
    report = merge_dataset(_entries(files), out, files_per_shard=4)
    assert report.shards_written == 0
    assert not any(os.path.lexists(leftover) for leftover in leftovers)
    _assert_holds(previous, {**files, 40: base[40]})  # still readable

    files[7] = write_entry(tmp_path, 7, 1, 1, version=1)
    merge_dataset(_entries(files), out, files_per_shard=4)
    assert not versions[1].exists() and versions[2].exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda g: g["edges"].pop("convexity"),
         "file 20 has no array edges/convexity; expected int8 with rows of shape ()"),
        (lambda g: g["faces"].update(area=np.zeros(5, np.float32)),
         "file 20: faces/area is float32 with rows of shape (); expected float64"),
        (lambda g: g["faces"].update(uv_grid=np.zeros((5, 8, 8, 7), np.float32)),
         "faces/uv_grid is float32 with rows of shape (8, 8, 7); expected float32 with rows "
         "of shape (10, 10, 7) (as in file 3)"),
        (lambda g: g.pop("file"), "file 20 has no array file/bbox"),
        (lambda g: g["faces"].update(extra=np.zeros(5)),
         "file 20 has an array faces/extra that file 3 lacks"),
        (lambda g: g["faces"].update(file_id=np.zeros(5)), "faces/file_id is reserved"),
    ],
)
def test_stores_that_disagree_are_not_merged(tmp_path, base, change, message):
    groups = synthetic_groups(5, 0, seed=20)
    change(groups)
    path = tmp_path / "20.bad.zarr.zip"
    entry = MergeEntry(20, path, "bad", write_file_store(path, groups, {}))
    out = tmp_path / "dataset.zarr"
    with pytest.raises(SchemaMismatchError, match=re.escape(message)):
        merge_dataset([*(e for e in _entries(base) if e.file_id != 20), entry], out,
                      files_per_shard=4)
    assert not os.path.lexists(out)
    layout = DatasetLayout(out)
    assert list(layout.shards.iterdir()) == [] and list(layout.versions.iterdir()) == []


def test_a_file_disagreeing_with_the_published_dataset_is_not_merged(tmp_path, base):
    out = tmp_path / "dataset.zarr"
    published = merge_dataset(_entries(base), out, files_per_shard=4).version_path.resolve()
    before = _files_on_disk(out)
    groups = synthetic_groups(5, 0, seed=20)
    groups["faces"]["extra"] = np.zeros(5)
    path = tmp_path / "20.extra.zarr.zip"
    files = {**base, 20: (MergeEntry(20, path, "extra", write_file_store(path, groups, {})),
                          groups)}
    with pytest.raises(SchemaMismatchError,
                       match="file 20 has an array faces/extra that the published dataset lacks"):
        merge_dataset(_entries(files), out, files_per_shard=4)
    assert resolve_published(out) == published
    assert _files_on_disk(out) == before
    _assert_holds(open_dataset(out), base)


def test_a_schema_change_rewrites_every_shard(tmp_path, base):
    out = tmp_path / "dataset.zarr"
    merge_dataset(_entries(base), out, files_per_shard=4)
    files = {}
    for file_id, (entry, groups) in base.items():  # a new encoder version: new tokens
        groups = {group: dict(arrays) for group, arrays in groups.items()}
        groups["faces"]["extra"] = np.full(entry.rows["faces"], file_id, dtype=np.int16)
        path = tmp_path / f"{file_id}.v2.zarr.zip"
        files[file_id] = (MergeEntry(file_id, path, f"{file_id}-v2",
                                     write_file_store(path, groups, {})), groups)
    report = merge_dataset(_entries(files), out, files_per_shard=4)
    assert (report.shards_written, report.shards_kept, report.shards_removed) == (3, 0, 3)
    _assert_holds(open_dataset(out), files)


def test_a_store_changed_while_merging_is_not_merged(tmp_path, base):
    entry = base[21][0]
    lying = MergeEntry(21, entry.store_path, entry.token, {**entry.rows, "faces": 99})
    out = tmp_path / "dataset.zarr"
    with pytest.raises(RuntimeError, match=r"\(file 21\) changed while being merged"):
        merge_dataset([base[3][0], lying], out)
    assert not os.path.lexists(out)


def test_merging_nothing_publishes_an_empty_dataset(tmp_path, base):
    out = tmp_path / "dataset.zarr"
    report = merge_dataset([], out)
    assert report.n_files == 0 and report.rows == {} and report.shards_written == 0
    dataset = open_dataset(out)
    assert dataset.attrs["n_files"] == 0 and dataset.attrs["groups"] == {}
    assert list(dataset.groups()) == [] and "faces" not in dataset and dataset.shards == []

    merge_dataset(_entries(base), out, files_per_shard=4)
    report = merge_dataset([], out, files_per_shard=4)
    assert (report.n_files, report.shards_removed, report.shards_kept) == (0, 3, 0)
    assert list(open_dataset(out).groups()) == []


def test_entries_must_have_distinct_int32_file_ids(tmp_path, base):
    entry = base[3][0]
    with pytest.raises(ValueError, match=r"unique; repeated: \[3\]"):
        merge_dataset([entry, entry], tmp_path / "dataset.zarr")
    with pytest.raises(ValueError, match="int32"):
        merge_dataset([MergeEntry(2**31, entry.store_path, entry.token, entry.rows)],
                      tmp_path / "dataset.zarr")


def test_a_real_directory_at_out_is_never_replaced(tmp_path, base):
    (tmp_path / "dataset.zarr").mkdir()
    with pytest.raises(FileExistsError, match="not a symlink"):
        merge_dataset(_entries(base), tmp_path / "dataset.zarr")
    assert not DatasetLayout(tmp_path / "dataset.zarr").shards.exists()


def test_a_format_1_dataset_is_rebuilt_and_its_versions_removed(tmp_path, base):
    out = tmp_path / "dataset.zarr"
    legacy = tmp_path / ".versions"
    old = legacy / f"{out.name}-{'0' * 32}"
    zarr.create_group(old, zarr_format=3, attributes={"format_version": 1, "n_files": 10})
    zarr.create_group(legacy / f"{out.name}-{'1' * 32}", zarr_format=3)  # a killed writer's
    other_output = legacy / f"{out.name}-big-{'0' * 32}"
    zarr.create_group(other_output, zarr_format=3)
    (legacy / f".{out.name}.lock").touch()
    os.symlink(os.path.relpath(old, tmp_path), out)
    with pytest.raises(ValueError, match="format_version 1 .*merge again"):
        open_dataset(out)

    report = merge_dataset(_entries(base), out, files_per_shard=4)

    assert (report.shards_written, report.shards_kept, report.shards_removed) == (3, 0, 0)
    _assert_holds(open_dataset(out), base)
    assert sorted(path.name for path in legacy.iterdir()) == [other_output.name]


def test_open_dataset_refuses_what_it_cannot_read(tmp_path):
    with pytest.raises(FileNotFoundError):
        open_dataset(tmp_path / "dataset.zarr")
    zarr.create_group(tmp_path / "future", zarr_format=3, attributes={"format_version": 99})
    os.symlink("future", tmp_path / "dataset.zarr")
    with pytest.raises(ValueError, match="format_version 99"):
        open_dataset(tmp_path / "dataset.zarr")


def test_plain_zarr_reaches_every_shard_from_the_published_link(tmp_path, base):
    out = tmp_path / "dataset.zarr"
    merge_dataset(_entries(base), out, files_per_shard=4)
    dataset, root = open_dataset(out), zarr.open_group(out, mode="r")
    assert root.attrs["n_files"] == 10
    starts = {group: 0 for group in GROUPS}
    for shard in dataset.shards:
        stored = root["shards"][shard.name]
        members = [file_id for file_id in sorted(base)
                   if shard.first_file_id <= file_id <= shard.last_file_id]
        assert stored.attrs["file_ids"] == members
        assert stored.attrs["tokens"] == [base[file_id][0].token for file_id in members]
        for group in GROUPS:
            assert stored.attrs["rows"][group] == [base[i][0].rows[group] for i in members]
            rows = slice(starts[group], starts[group] + shard.rows[group])
            for name, array in stored[group].arrays():
                np.testing.assert_array_equal(array[:], dataset[f"{group}/{name}"][rows])
            starts[group] = rows.stop
    assert starts == {group: dataset[f"{group}/file_id"].shape[0] for group in GROUPS}
