"""Planning a merge from entries and the published shards' records alone (no store is opened:
the entries' store paths do not exist)."""

from pathlib import Path

import numpy as np
import pytest

from cad_assets.storage.dataset_layout import ShardRecord, members_digest
from cad_assets.storage.shard_plan import MergeEntry, plan_shards


NOWHERE = Path("/nowhere.zarr.zip")


def _entry(file_id: int, version: int = 0) -> MergeEntry:
    return MergeEntry(file_id, NOWHERE, f"{file_id}-{version}", {"faces": 1})


def _records(shards: list[list[MergeEntry]]) -> list[ShardRecord]:
    """Records of published shards holding these entries."""
    return [
        ShardRecord(
            name=f"shard-{index}", first_file_id=members[0].file_id,
            last_file_id=members[-1].file_id, n_files=len(members), rows={"faces": len(members)},
            digest=members_digest((entry.file_id, entry.token) for entry in members), bytes=1,
        )
        for index, members in enumerate(shards)
    ]


def _published(*ranges: range) -> tuple[list[MergeEntry], list[ShardRecord]]:
    shards = [[_entry(file_id) for file_id in ids] for ids in ranges]
    return [entry for shard in shards for entry in shard], _records(shards)


def _summary(plan) -> list[tuple[str, list[int]]]:
    """``("kept" or "write", file ids)`` of each planned shard."""
    return [("kept" if shard.kept else "write", [entry.file_id for entry in shard.members])
            for shard in plan]


def test_a_first_merge_cuts_the_files_into_full_shards():
    entries = [_entry(file_id) for file_id in range(10)]
    assert _summary(plan_shards(entries, [], 4)) == [
        ("write", [0, 1, 2, 3]), ("write", [4, 5, 6, 7]), ("write", [8, 9])]
    assert plan_shards([], [], 4) == []


def test_unchanged_files_keep_every_shard():
    entries, records = _published(range(0, 4), range(4, 8), range(8, 10))
    plan = plan_shards(entries, records, 4)
    assert [shard.kept for shard in plan] == records


def test_an_edited_file_rewrites_its_shard_only():
    entries, records = _published(range(0, 4), range(4, 8), range(8, 12))
    entries[5] = _entry(5, version=1)
    plan = plan_shards(entries, records, 4)
    assert _summary(plan) == [("kept", [0, 1, 2, 3]), ("write", [4, 5, 6, 7]),
                              ("kept", [8, 9, 10, 11])]
    assert plan[1].members[1].token == "5-1"


def test_a_deleted_file_rewrites_its_shard_and_an_emptied_shard_is_dropped():
    entries, records = _published(range(0, 4), range(4, 8), range(8, 12), range(12, 16))
    kept = [entry for entry in entries if entry.file_id not in (6, 8, 9, 10, 11)]
    assert _summary(plan_shards(kept, records, 4)) == [
        ("kept", [0, 1, 2, 3]), ("write", [4, 5, 7]), ("kept", [12, 13, 14, 15])]


@pytest.mark.parametrize("n_files", [100, 100_000])
def test_adding_a_file_rewrites_at_most_a_quarter_shard_whatever_the_size(n_files):
    # Published as a first merge would have: full shards, then the rest.
    ids = np.arange(n_files)
    entries, records = _published(*(range(start, min(start + 256, n_files))
                                    for start in range(0, n_files, 256)))
    last_size = records[-1].n_files  # 100 and 160: over a quarter shard, a new shard
    plan = plan_shards([*entries, _entry(n_files)], records, 256)
    written = [shard for shard in plan if shard.kept is None]
    assert [len(shard.members) for shard in written] == [1]
    assert plan[-1].members == [_entry(n_files)] and last_size >= 64
    assert len(plan) == len(records) + 1
    assert [entry.file_id for shard in plan for entry in shard.members] == [*ids, n_files]


def test_a_small_last_shard_takes_the_new_files_until_it_is_full():
    entries, records = _published(range(0, 4), range(4, 5))
    new = [_entry(file_id) for file_id in range(5, 15)]
    # 1 file < 8 / 4: the last shard is filled to 8, the rest go into new shards of 8.
    assert _summary(plan_shards([*entries, *new], records, 8)) == [
        ("kept", [0, 1, 2, 3]), ("write", [4, 5, 6, 7, 8, 9, 10, 11]),
        ("write", [12, 13, 14])]


def test_a_last_shard_rewritten_anyway_takes_the_new_files():
    entries, records = _published(range(0, 8), range(8, 12))
    entries[9] = _entry(9, version=1)
    assert _summary(plan_shards([*entries, _entry(12)], records, 8)) == [
        ("kept", list(range(8))), ("write", [8, 9, 10, 11, 12])]
    # Full: no room, the new file gets a shard of its own.
    entries, records = _published(range(0, 8))
    entries[0] = _entry(0, version=1)
    assert _summary(plan_shards([*entries, _entry(8)], records, 8)) == [
        ("write", list(range(8))), ("write", [8])]


def test_a_shard_left_small_is_merged_into_the_smaller_neighbour():
    entries, records = _published(range(0, 4), range(4, 8), range(8, 14))
    kept = [entry for entry in entries if entry.file_id not in (5, 6, 7)]
    # Shard [4] is left with 1 < 8 / 4 files; both neighbours fit with it, the left is smaller.
    assert _summary(plan_shards(kept, records, 8)) == [
        ("write", [0, 1, 2, 3, 4]), ("kept", list(range(8, 14)))]


def test_a_shard_left_small_prefers_a_neighbour_rewritten_anyway():
    entries, records = _published(range(0, 4), range(4, 8), range(8, 14))
    kept = [entry if entry.file_id != 9 else _entry(9, version=1)
            for entry in entries if entry.file_id not in (5, 6, 7)]
    assert _summary(plan_shards(kept, records, 8)) == [
        ("kept", [0, 1, 2, 3]), ("write", [4, 8, 9, 10, 11, 12, 13])]


def test_a_shard_left_small_stays_when_no_neighbour_fits():
    entries, records = _published(range(0, 8), range(8, 12), range(12, 20))
    kept = [entry for entry in entries if entry.file_id not in (9, 10, 11)]
    assert _summary(plan_shards(kept, records, 8)) == [
        ("kept", list(range(8))), ("write", [8]), ("kept", list(range(12, 20)))]


def test_random_plans_cover_the_entries_in_order_with_bounded_shards():
    rng = np.random.default_rng(7)
    entries = [_entry(file_id) for file_id in range(40)]
    records: list[ShardRecord] = []
    for _ in range(60):
        survivors = [entry for entry in entries if rng.random() > 0.1]
        edited = [_entry(entry.file_id, version=int(rng.integers(3)))
                  if rng.random() < 0.05 else entry for entry in survivors]
        next_id = (edited[-1].file_id if edited else 0) + 1
        entries = edited + [_entry(next_id + k) for k in range(int(rng.integers(0, 12)))]
        plan = plan_shards(entries, records, 8)
        assert [entry for shard in plan for entry in shard.members] == entries
        for shard in plan:
            assert 0 < len(shard.members) <= 8
            if shard.kept is not None:
                assert shard.kept.digest == shard.digest
        records = _records([shard.members for shard in plan])


def test_files_per_shard_must_be_positive():
    with pytest.raises(ValueError, match="files_per_shard"):
        plan_shards([_entry(0)], [], 0)
