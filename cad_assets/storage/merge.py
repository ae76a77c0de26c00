"""Merge per-file stores into one Zarr v3 dataset, published atomically.

Layout of the merged dataset (a directory store)::

    zarr.json        root attributes: format_version, n_files, groups (rows and array specs)
    faces/area       (sum F,) float64        rows of all files, in file id order
    faces/uv_grid    (sum F, 10, 10, 7) float32
    faces/file_id    (sum F,) int32          id of the file each row comes from
    graph/src        (sum P,) int32          indices stay local to their file (not offset)
    ...

Each merge writes a fresh version, ``<parent>/.versions/<name>-<uuid>``, then points the
symlink ``<parent>/<name>`` at it and deletes the versions no longer pointed at. Readers that
resolve the link (as :func:`open_dataset` does) never see a partial merge.
"""

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import zarr

from cad_assets.storage.atomic import resolve_published
from cad_assets.storage.chunk_writer import ChunkAlignedWriter
from cad_assets.storage.file_store import open_file_store
from cad_assets.storage.merge_plan import FILE_ID, MergePlan, plan_merge
from cad_assets.storage.schema import ArraySpec, schema_to_json
from cad_assets.storage.versions import new_version

#: Version of the layout above.
FORMAT_VERSION = 1
#: Wide rows (a face's 10x10 uv grid is 2.8 kB) get fewer rows a chunk, so that reading one
#: file's rows never decompresses more than this.
MAX_CHUNK_BYTES = 16 * 2**20


@dataclass(frozen=True)
class MergeReport:
    """What :func:`merge_file_stores` published.

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
        Size of the files of the new version.
    """

    path: Path
    version_path: Path
    n_files: int
    rows: dict[str, int]
    seconds: float
    bytes_on_disk: int


def merge_file_stores(
    sources: Sequence[tuple[int, Path]],
    out: Path,
    rows_per_chunk: int = 65536,
    files_per_batch: int = 256,
) -> MergeReport:
    """Concatenate the arrays of per-file stores into one dataset published at ``out``.

    Parameters
    ----------
    sources
        ``(file_id, store path)`` in increasing file id order.
    out
        Where the dataset is published (a symlink to its current version).
    rows_per_chunk
        Rows in a chunk of the merged arrays; arrays with wide rows get fewer, so that no
        chunk holds more than ``MAX_CHUNK_BYTES`` (16 MiB) uncompressed.
    files_per_batch
        Stores read before their rows are written: memory holds about one batch and less than
        one chunk of each array.

    Raises
    ------
    SchemaMismatchError
        If the stores disagree on their arrays (see :func:`plan_merge`); nothing is published.
    """
    started = time.perf_counter()
    plan = plan_merge(sources)
    with new_version(out) as version:
        _write_version(plan, version, rows_per_chunk, files_per_batch)
        bytes_on_disk = sum(file.stat().st_size for file in version.rglob("*") if file.is_file())
    return MergeReport(
        path=Path(out),
        version_path=version,
        n_files=len(plan.sources),
        rows=plan.total_rows,
        seconds=time.perf_counter() - started,
        bytes_on_disk=bytes_on_disk,
    )


def open_dataset(path: Path) -> zarr.Group:
    """Open the merged dataset read-only, pinned to the version published right now."""
    return zarr.open_group(resolve_published(path), mode="r")


def _write_version(plan: MergePlan, version: Path, rows_per_chunk: int, files_per_batch: int):
    specs = {
        group: {**named, FILE_ID: ArraySpec(np.dtype(np.int32), ())}
        for group, named in plan.schema.items()
    }
    specs_json = schema_to_json(specs)
    root = zarr.create_group(version, zarr_format=3, attributes={
        "format_version": FORMAT_VERSION,
        "n_files": len(plan.sources),
        "groups": {
            group: {"rows": rows, "arrays": specs_json[group]}
            for group, rows in plan.total_rows.items()
        },
    })
    writers = {}
    for group, named in specs.items():
        arrays = root.create_group(group)
        for name, spec in named.items():
            rows = plan.total_rows[group]
            writers[group, name] = ChunkAlignedWriter(
                _create_array(arrays, name, spec, rows, rows_per_chunk)
            )
    for start in range(0, len(plan.sources), files_per_batch):
        blocks = _read_batch(plan, range(start, min(start + files_per_batch, len(plan.sources))))
        for key, writer in writers.items():
            writer.append(blocks[key])
    for writer in writers.values():
        writer.close()


def _read_batch(plan: MergePlan, positions: range) -> dict[tuple[str, str], list[np.ndarray]]:
    """Arrays of the sources at ``positions``, by (group, name), plus their ``file_id`` rows."""
    blocks = defaultdict(list)
    for position in positions:
        file_id, path = plan.sources[position]
        with open_file_store(path) as store:
            if store.row_counts != plan.rows_of(position):
                raise RuntimeError(f"{path} changed while being merged")
            for group, rows in store.row_counts.items():
                for name, array in store.read_group(group).items():
                    blocks[group, name].append(array)
                blocks[group, FILE_ID].append(np.full(rows, file_id, dtype=np.int32))
    return blocks


def _create_array(
    group: zarr.Group, name: str, spec: ArraySpec, rows: int, rows_per_chunk: int
) -> zarr.Array:
    chunk_rows = min(rows_per_chunk, MAX_CHUNK_BYTES // max(1, spec.row_bytes))
    chunk_rows = max(1, min(chunk_rows, rows))  # a chunk larger than the array only wastes
    return group.create_array(
        name,
        shape=(rows, *spec.trailing_shape),
        dtype=spec.dtype,
        chunks=(chunk_rows, *(max(1, extent) for extent in spec.trailing_shape)),
        # zarr's default zstd: Blosc-zstd with byte shuffling was 3% smaller but 6% slower to
        # write on benchmarks/storage_merge.py.
    )
