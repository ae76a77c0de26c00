"""Write one shard: the rows of its files' stores, a few stores at a time, in whole chunks.

Memory stays bounded whatever the shard's size: at most ``files_per_batch`` stores' arrays and
less than one chunk (at most :data:`MAX_CHUNK_BYTES`) of each array are held at once.
"""

import asyncio
import os
import shutil
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import zarr.api.asynchronous as zarr_async
from zarr.core.array import AsyncArray
from zarr.core.sync import sync
from zarr.storage import LocalStore

from cad_assets.storage.chunk_writer import ChunkAlignedWriter, Write
from cad_assets.storage.dataset_layout import (
    FILE_ID,
    TEMP_PREFIX,
    ShardRecord,
    disk_bytes,
    members_digest,
    new_shard_name,
)
from cad_assets.storage.file_store import open_file_store
from cad_assets.storage.schema import ArraySpec, Schema, SchemaMismatchError
from cad_assets.storage.shard_plan import MergeEntry

#: Wide rows (a face's 10x10 uv grid is 2.8 kB) get fewer rows a chunk, so that reading one
#: file's rows never decompresses more than this.
MAX_CHUNK_BYTES = 16 * 2**20

#: An array of a shard: ``(group, name)``.
Key = tuple[str, str]


@dataclass(frozen=True)
class DatasetSchema:
    """The arrays every store of the dataset must hold.

    Attributes
    ----------
    specs : Schema
        ``{group: {name: ArraySpec}}``, without the ``file_id`` arrays the shards add.
    source : str
        Where it comes from, for error messages: ``"file 3"``, ``"the published dataset"``.
    """

    specs: Schema
    source: str

    def with_file_ids(self) -> Schema:
        """The arrays of a shard: :attr:`specs` plus ``file_id`` (int32) in every group."""
        return {group: {**named, FILE_ID: ArraySpec(np.dtype(np.int32), ())}
                for group, named in self.specs.items()}


def write_shard(
    members: Sequence[MergeEntry],
    schema: DatasetSchema,
    shards: Path,
    rows_per_chunk: int,
    files_per_batch: int,
) -> ShardRecord:
    """Write the shard of ``members`` (increasing file ids) as a new directory in ``shards``.

    It is written as ``.tmp-<name>`` and renamed to ``<name>`` once complete; on an exception
    it is removed.

    Raises
    ------
    SchemaMismatchError
        If a store's arrays differ from ``schema`` (naming the file id and the array).
    RuntimeError
        If a store's rows differ from its entry's ``rows`` (the store changed while merging).
    """
    name = new_shard_name(members[0].file_id, members[-1].file_id)
    temp, final = shards / f"{TEMP_PREFIX}{name}", shards / name
    rows = {group: [int(entry.rows.get(group, 0)) for entry in members] for group in schema.specs}
    attributes = {
        "file_ids": [entry.file_id for entry in members],
        "tokens": [entry.token for entry in members],
        "rows": rows,
    }
    try:
        arrays = sync(_create_arrays(temp, attributes, schema.with_file_ids(),
                                     {group: sum(counts) for group, counts in rows.items()},
                                     rows_per_chunk))
        writers = {key: ChunkAlignedWriter(array.shape[0], array.chunks[0], "/".join(key))
                   for key, array in arrays.items()}
        for start in range(0, len(members), files_per_batch):
            blocks = _read_batch(members[start:start + files_per_batch], schema)
            _perform(arrays, {key: writer.append(blocks[key]) for key, writer in writers.items()})
        _perform(arrays, {key: writer.close() for key, writer in writers.items()})
        os.rename(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return ShardRecord(
        name=name,
        first_file_id=members[0].file_id,
        last_file_id=members[-1].file_id,
        n_files=len(members),
        rows={group: sum(counts) for group, counts in rows.items()},
        digest=members_digest((entry.file_id, entry.token) for entry in members),
        bytes=disk_bytes(final),
    )


async def _create_arrays(
    path: Path, attributes: dict, specs: Schema, rows: dict[str, int], rows_per_chunk: int
) -> dict[Key, AsyncArray]:
    """Create the shard's groups and empty arrays, ``{(group, name): array}``."""
    # Concurrently: zarr's overhead of one call after another dominates writing a small shard.
    store = LocalStore(path)
    root = await zarr_async.create_group(store=store, zarr_format=3, attributes=attributes)
    await asyncio.gather(*(root.create_group(group) for group in specs))
    keys = [(group, name) for group, named in specs.items() for name in named]
    arrays = await asyncio.gather(*(
        _create_array(store, f"{group}/{name}", specs[group][name], rows[group], rows_per_chunk)
        for group, name in keys
    ))
    return dict(zip(keys, arrays))


def _perform(arrays: dict[Key, AsyncArray], writes: dict[Key, list[Write]]) -> None:
    """Do the writes of every array at once (one round trip to zarr's event loop)."""
    pending = [(arrays[key], rows, values)
               for key, array_writes in writes.items() for rows, values in array_writes]
    if pending:
        sync(_gather_writes(pending))


async def _gather_writes(pending: list[tuple[AsyncArray, slice, np.ndarray]]) -> None:
    await asyncio.gather(*(array.setitem(rows, values) for array, rows, values in pending))


def _read_batch(
    members: Sequence[MergeEntry], schema: DatasetSchema
) -> dict[Key, list[np.ndarray]]:
    """Arrays of the stores of ``members``, by (group, name), plus their ``file_id`` rows."""
    blocks = defaultdict(list)
    for entry in members:
        with open_file_store(entry.store_path) as store:
            check_schema(entry.file_id, store.schema, schema)
            if store.row_counts != dict(entry.rows):
                raise RuntimeError(
                    f"{entry.store_path} (file {entry.file_id}) changed while being merged: "
                    f"it holds rows {store.row_counts}, its entry says {dict(entry.rows)}"
                )
            for group, rows in store.row_counts.items():
                for name, array in store.read_group(group).items():
                    blocks[group, name].append(array)
                blocks[group, FILE_ID].append(np.full(rows, entry.file_id, dtype=np.int32))
    return blocks


def check_schema(file_id: int, actual: Schema, expected: DatasetSchema) -> None:
    """Raise :class:`SchemaMismatchError` unless a store's ``actual`` schema is ``expected``."""
    source = expected.source
    for group, specs in expected.specs.items():
        for name, spec in specs.items():
            found = actual.get(group, {}).get(name)
            if found is None:
                raise SchemaMismatchError(
                    f"file {file_id} has no array {group}/{name}; expected {spec} (as in {source})"
                )
            if found != spec:
                raise SchemaMismatchError(
                    f"file {file_id}: {group}/{name} is {found}; expected {spec} (as in {source})"
                )
    for group, specs in actual.items():
        for name in specs:
            if name == FILE_ID:
                raise SchemaMismatchError(
                    f"file {file_id}: {group}/{FILE_ID} is reserved for the merged file ids"
                )
            if name not in expected.specs.get(group, {}):
                raise SchemaMismatchError(
                    f"file {file_id} has an array {group}/{name} that {source} lacks"
                )


async def _create_array(
    store: LocalStore, name: str, spec: ArraySpec, rows: int, rows_per_chunk: int
) -> AsyncArray:
    chunk_rows = min(rows_per_chunk, MAX_CHUNK_BYTES // max(1, spec.row_bytes))
    chunk_rows = max(1, min(chunk_rows, rows))  # a chunk larger than the array only wastes
    return await zarr_async.create_array(
        store,
        name=name,
        shape=(rows, *spec.trailing_shape),
        dtype=spec.dtype,
        chunks=(chunk_rows, *(max(1, extent) for extent in spec.trailing_shape)),
        # zarr's default zstd: Blosc-zstd with byte shuffling was 3% smaller but 6% slower to
        # write on benchmarks/storage_merge.py.
    )
