"""Merge per-file stores into one sharded Zarr v3 dataset, updated incrementally, published
atomically.

The dataset's files are split into shards of consecutive file ids (at most ``files_per_shard``
files each). A merge rewrites only the shards whose files were added, changed or removed (see
:mod:`cad_assets.storage.shard_plan`), reuses the others as they are on disk, writes a new
version listing its shards and then switches the published link to it in one atomic step.
Readers that opened the dataset (with :func:`cad_assets.storage.open_dataset`) keep their
version; a merge killed at any point leaves the published version whole, and the next merge
deletes what the killed one left. The layout is described in
:mod:`cad_assets.storage.dataset_layout`.
"""

import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cad_assets.storage.atomic import publish_version
from cad_assets.storage.dataset_layout import (
    FORMAT_VERSION,
    DatasetLayout,
    ShardRecord,
    disk_bytes,
)
from cad_assets.storage.file_store import open_file_store
from cad_assets.storage.locks import writer_lock
from cad_assets.storage.schema import schema_to_json
from cad_assets.storage.shard_plan import MergeEntry, PlannedShard, plan_shards
from cad_assets.storage.shard_writer import DatasetSchema, write_shard
from cad_assets.storage.versions import (
    PublishedVersion,
    collect_garbage,
    published_version,
    write_version,
)


@dataclass(frozen=True)
class MergeReport:
    """What :func:`merge_dataset` published.

    Attributes
    ----------
    path : Path
        The published link (the ``out`` argument).
    version_path : Path
        The version directory it now points at.
    n_files : int
    rows : dict[str, int]
        Rows of each group.
    seconds : float
    bytes_on_disk : int
        Size of the whole published dataset (its version and all its shards).
    files_rewritten : int
        Files whose stores were read: the members of the shards written.
    shards_written, shards_kept, shards_removed : int
        Shards of the new version written by this merge or reused as they were, and shards of
        the previous version it no longer uses.
    """

    path: Path
    version_path: Path
    n_files: int
    rows: dict[str, int]
    seconds: float
    bytes_on_disk: int
    files_rewritten: int
    shards_written: int
    shards_kept: int
    shards_removed: int


def merge_dataset(
    entries: Sequence[MergeEntry],
    out: Path,
    files_per_shard: int = 256,
    rows_per_chunk: int = 65536,
    files_per_batch: int = 32,
    lock_database: str = "",
) -> MergeReport:
    """Publish at ``out`` a dataset holding exactly ``entries``, rewriting only what changed.

    Shards of the published version whose files are all unchanged (same ``file_id`` and
    ``token``) are kept untouched on disk; only shards with files added, changed or removed
    are written. If nothing changed, nothing is written and the published version stays.

    Parameters
    ----------
    entries
        The files of the dataset, in any order; the dataset holds them in file id order.
    out
        Where the dataset is published: a relative symlink to its current version.
    files_per_shard
        Most files a shard holds: a change to a file rewrites up to this many files' rows.
    rows_per_chunk
        Rows in a chunk of the shards' arrays; arrays with wide rows get fewer, so that no
        chunk holds more than ``MAX_CHUNK_BYTES`` (16 MiB) uncompressed.
    files_per_batch
        Stores read before their rows are written: memory holds about one batch and less than
        one chunk of each array.
    lock_database
        A database the writers of ``out`` share (the catalogue's URL): a PostgreSQL one also
        keeps writers on other machines out while this one merges (see
        :mod:`cad_assets.storage.locks`); otherwise only this machine's are.

    Raises
    ------
    ValueError
        If two entries have the same file id, or a file id does not fit in int32.
    FileExistsError
        If ``out`` exists and is not a symlink (it is never replaced).
    SchemaMismatchError
        If a store to write does not hold the arrays of the dataset (those of the published
        version where shards of it are kept, else those of the first store); nothing is
        published.
    RuntimeError
        If a store does not hold the rows its entry says (it changed while merging).
    """
    started = time.perf_counter()
    out = Path(out)
    entries = _in_file_id_order(entries)
    if out.exists() and not out.is_symlink():
        raise FileExistsError(f"{out} exists and is not a symlink; refusing to replace it")
    layout = DatasetLayout(out)
    # Writers delete what the published version does not need: two must never overlap.
    with writer_lock(layout.lock, str(layout.home.absolute()), lock_database):
        published = published_version(layout)
        previous = published.shards if published is not None else []
        plan = plan_shards(entries, previous, files_per_shard)
        to_write = [shard for shard in plan if shard.kept is None]
        if published is not None and not to_write and len(plan) == len(previous):
            # Nothing changed: nothing to publish.
            version, shards = layout.versions / published.path.name, previous
        else:
            version, shards = _publish(
                layout, plan, published, len(entries), rows_per_chunk, files_per_batch
            )
        collect_garbage(layout)
    return MergeReport(
        path=out,
        version_path=version,
        n_files=len(entries),
        rows=_total_rows(shards),
        seconds=time.perf_counter() - started,
        bytes_on_disk=sum(shard.bytes for shard in shards) + disk_bytes(version),
        files_rewritten=sum(len(shard.members) for shard in to_write),
        shards_written=len(to_write),
        shards_kept=len(plan) - len(to_write),
        shards_removed=len(previous) - (len(plan) - len(to_write)),
    )


def _publish(
    layout: DatasetLayout,
    plan: list[PlannedShard],
    published: PublishedVersion | None,
    n_files: int,
    rows_per_chunk: int,
    files_per_batch: int,
) -> tuple[Path, list[ShardRecord]]:
    """Write the planned shards and a version of them, and publish it."""
    layout.shards.mkdir(parents=True, exist_ok=True)
    layout.versions.mkdir(parents=True, exist_ok=True)
    schema = _dataset_schema(plan, published)
    shards, written = [], []
    try:
        for planned in plan:
            record = planned.kept
            if record is None:
                record = write_shard(planned.members, schema, layout.shards, rows_per_chunk,
                                     files_per_batch)
                written.append(record)
            shards.append(record)
        version = write_version(layout, _attributes(schema, shards, n_files, published),
                                [shard.name for shard in shards])
        try:
            publish_version(layout.out, version)
        except BaseException:
            shutil.rmtree(version, ignore_errors=True)
            raise
    except BaseException:
        # Nothing refers to them: remove them now rather than at the next merge.
        for record in written:
            shutil.rmtree(layout.shard(record.name), ignore_errors=True)
        raise
    return version, shards


def _dataset_schema(plan: list[PlannedShard], published: PublishedVersion | None) -> DatasetSchema:
    """The arrays every written shard holds: those of the published version if some of its
    shards are kept, else those of the first store written (a schema change rewrites all)."""
    if published is not None and any(shard.kept is not None for shard in plan):
        return DatasetSchema(published.schema, "the published dataset")
    if not plan:
        return DatasetSchema({}, "an empty dataset")
    first = plan[0].members[0]
    with open_file_store(first.store_path) as store:
        return DatasetSchema(store.schema, f"file {first.file_id}")


def _attributes(
    schema: DatasetSchema, shards: list[ShardRecord], n_files: int,
    published: PublishedVersion | None,
) -> dict:
    arrays = schema_to_json(schema.with_file_ids())
    rows = _total_rows(shards)
    return {
        "format_version": FORMAT_VERSION,
        "n_files": n_files,
        "groups": {group: {"rows": rows.get(group, 0), "arrays": arrays[group]}
                   for group in arrays},
        "shards": [shard.to_json() for shard in shards],
        "replaces": published.path.name if published is not None else None,
    }


def _total_rows(shards: list[ShardRecord]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for shard in shards:
        for group, rows in shard.rows.items():
            totals[group] = totals.get(group, 0) + rows
    return totals


def _in_file_id_order(entries: Sequence[MergeEntry]) -> list[MergeEntry]:
    # Plain ints and strs: they go into JSON attributes.
    ordered = sorted(
        (MergeEntry(int(entry.file_id), Path(entry.store_path), str(entry.token),
                    {group: int(rows) for group, rows in entry.rows.items()})
         for entry in entries),
        key=lambda entry: entry.file_id,
    )
    ids = np.array([entry.file_id for entry in ordered], dtype=np.int64)
    repeated = ids[1:][np.diff(ids) == 0]
    if len(repeated):
        listed = sorted(set(repeated.tolist()))[:10]
        raise ValueError(f"file ids must be unique; repeated: {listed}")
    if np.any(np.abs(ids) > np.iinfo(np.int32).max):
        raise ValueError("file ids must fit in int32 (the dataset's file_id arrays)")
    return ordered
