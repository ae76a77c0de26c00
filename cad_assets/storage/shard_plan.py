"""Which shards a merge keeps, rewrites and drops: from the entries and the published version's
attributes only, never from the stores.

Shard ``i`` of the published version owns the file ids ``[first_i, first_{i+1})`` (the first
shard also every smaller id, the last one up to its last id). Its new members are the entries in
that range: the same ``(file_id, token)`` pairs (same digest) keep it as it is on disk, any
difference rewrites it, no member drops it. Entries beyond the last shard (the "tail": new
files, whose ids are larger than all earlier ones) fill the last shard if it is rewritten
anyway or holds fewer than a quarter of ``files_per_shard`` files, then go into new shards of
at most ``files_per_shard``. A rewritten shard left with fewer than a quarter is merged with a
neighbour when both fit in one shard. So adding a file rewrites at most a quarter shard, editing
one rewrites its shard, whatever the number of files.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cad_assets.storage.dataset_layout import ShardRecord, members_digest


@dataclass(frozen=True)
class MergeEntry:
    """One file of the dataset to publish.

    Attributes
    ----------
    file_id : int
        Stable id of the file; a new file gets an id larger than every earlier one.
    store_path : Path
        Its per-file store (:func:`cad_assets.storage.write_file_store`).
    token : str
        Identity of the store's content (e.g. ``"<sha256>.v<encoding version>"``): another
        token means other rows.
    rows : Mapping[str, int]
        Rows of each group, as the store holds them.
    """

    file_id: int
    store_path: Path
    token: str
    rows: Mapping[str, int]


@dataclass(frozen=True)
class PlannedShard:
    """One shard of the new version: a published shard kept as it is, or files to write.

    Attributes
    ----------
    members : list[MergeEntry]
        Its files, in increasing file id order.
    kept : ShardRecord or None
        The published shard it reuses untouched, or ``None`` if it is to be written.
    new : bool
        Holds tail files only (never merged away by compaction: it was not "left" small).
    """

    members: list[MergeEntry]
    kept: ShardRecord | None = None
    new: bool = False

    @property
    def digest(self) -> str:
        return members_digest((entry.file_id, entry.token) for entry in self.members)


def plan_shards(
    entries: Sequence[MergeEntry], published: Sequence[ShardRecord], files_per_shard: int
) -> list[PlannedShard]:
    """The shards of the new version, in file id order.

    Parameters
    ----------
    entries
        Every file of the new version, in increasing file id order (no duplicates).
    published
        The shards of the published version, in file id order (empty if there is none).
    files_per_shard
        Most files a shard holds (at least 1).

    Returns
    -------
    list[PlannedShard]
        Their members concatenated are ``entries``; each holds at most ``files_per_shard``
        files, except a kept shard written with a larger ``files_per_shard`` earlier.
    """
    if files_per_shard < 1:
        raise ValueError(f"files_per_shard must be at least 1, not {files_per_shard}")
    ids = np.fromiter((entry.file_id for entry in entries), dtype=np.int64, count=len(entries))
    shards: list[PlannedShard] = []
    start = 0
    for index, record in enumerate(published):
        upper = (published[index + 1].first_file_id if index + 1 < len(published)
                 else record.last_file_id + 1)
        stop = int(np.searchsorted(ids, upper, side="left"))
        members = list(entries[start:stop])
        start = stop
        if members:
            planned = PlannedShard(members)
            kept = planned.digest == record.digest
            shards.append(PlannedShard(members, kept=record) if kept else planned)
    _add_tail(shards, list(entries[start:]), files_per_shard)
    _compact(shards, files_per_shard)
    return shards


def _add_tail(shards: list[PlannedShard], tail: list[MergeEntry], files_per_shard: int) -> None:
    if tail and shards:
        last = shards[-1]
        rewritten_anyway = last.kept is None
        if (rewritten_anyway or len(last.members) < files_per_shard / 4) \
                and len(last.members) < files_per_shard:
            room = files_per_shard - len(last.members)
            shards[-1] = PlannedShard(last.members + tail[:room])
            tail = tail[room:]
    for start in range(0, len(tail), files_per_shard):
        shards.append(PlannedShard(tail[start:start + files_per_shard], new=True))


def _compact(shards: list[PlannedShard], files_per_shard: int) -> None:
    """Merge each rewritten shard left with fewer than a quarter of ``files_per_shard`` files
    into a neighbour they fit in with: one rewritten anyway, else the smaller."""
    merged = True
    while merged:
        merged = False
        for index, shard in enumerate(shards):
            if shard.kept is not None or shard.new or len(shard.members) >= files_per_shard / 4:
                continue
            neighbours = [
                other for other in (index - 1, index + 1)
                if 0 <= other < len(shards)
                and len(shards[other].members) + len(shard.members) <= files_per_shard
            ]
            if not neighbours:
                continue
            other = min(neighbours, key=lambda at: (shards[at].kept is not None,
                                                    len(shards[at].members)))
            first, second = sorted((index, other))
            shards[first:second + 1] = [
                PlannedShard(shards[first].members + shards[second].members)
            ]
            merged = True
            break
