"""Read a sharded dataset as if it were one Zarr group of whole arrays.

Readers (explore, ml, charts) were written against a ``zarr.Group``; :class:`Dataset`,
:class:`Group` and :class:`Array` offer the part of that API they use. An array is the
concatenation along rows of its shards' arrays: a read opens (once) and reads only the shards
its selection overlaps, and returns numpy arrays.
"""

import json
import operator
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import numpy as np
import zarr

from cad_assets.storage.atomic import resolve_published
from cad_assets.storage.dataset_layout import (
    FORMAT_VERSION,
    ShardRecord,
    read_attributes,
    shards_of_version,
)
from cad_assets.storage.schema import ArraySpec


def open_dataset(path: Path) -> "Dataset":
    """Open the dataset published at ``path``, read-only, pinned to the version published now.

    ``path`` is the published link (``<output>/cad_dataset.zarr``) or a version directory.

    Raises
    ------
    FileNotFoundError
        If nothing is published at ``path``.
    ValueError
        If it is a dataset of another format version.
    """
    version = resolve_published(path)
    try:
        attributes = read_attributes(version)
    except FileNotFoundError:
        raise FileNotFoundError(f"no dataset at {path}: {version} has no zarr.json") from None
    found = attributes.get("format_version")
    if found != FORMAT_VERSION:
        hint = " (an unsharded dataset: merge again to rebuild it)" if found == 1 else ""
        raise ValueError(
            f"{path} is a dataset of format_version {found!r}{hint}; this version of cad_assets "
            f"reads format_version {FORMAT_VERSION}"
        )
    return Dataset(version, attributes)


class Dataset:
    """The published dataset: its groups of arrays and its attributes.

    Attributes
    ----------
    path : Path
        The version directory it is pinned to.
    attrs : dict
        The version's attributes: ``format_version``, ``n_files``, ``groups``, ``shards``...
    shards : list[ShardRecord]
        Its shards in file id order (which files each holds: ``first_file_id`` to
        ``last_file_id``).

    Examples
    --------
    >>> dataset = open_dataset(Path("out/cad_dataset.zarr"))  # doctest: +SKIP
    >>> dataset["faces/area"][10:20]                          # rows 10 to 19, across shards
    """

    def __init__(self, path: Path, attributes: dict):
        self.path = Path(path)
        self.attrs = attributes
        self.shards = [ShardRecord.from_json(record) for record in attributes["shards"]]
        shard_dirs = [shards_of_version(self.path) / shard.name for shard in self.shards]
        self._groups = {
            name: Group(name, described["arrays"], shard_dirs,
                        [shard.rows.get(name, 0) for shard in self.shards])
            for name, described in attributes["groups"].items()
        }

    def groups(self) -> Iterator[tuple[str, "Group"]]:
        return iter(self._groups.items())

    def __getitem__(self, key: str) -> "Group | Array":
        """A group (``"faces"``) or an array (``"faces/area"``); ``KeyError`` if unknown."""
        group, _, array = key.strip("/").partition("/")
        if group not in self._groups:
            raise KeyError(f"the dataset has no group {group!r}")
        return self._groups[group][array] if array else self._groups[group]

    def __contains__(self, key: str) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __repr__(self) -> str:
        return f"<Dataset {self.path} n_files={self.attrs['n_files']} shards={len(self.shards)}>"


class Group:
    """One group of the dataset (``faces``, ``edges``...): arrays sharing their rows.

    Parameters
    ----------
    name
        The group's name.
    specs
        ``{array name: {"dtype", "trailing_shape"}}``, as in the version's attributes.
    shard_dirs
        Directory of each shard, in file id order.
    shard_rows
        Rows of this group in each shard.
    """

    def __init__(self, name: str, specs: dict, shard_dirs: list[Path], shard_rows: list[int]):
        self.name = f"/{name}"
        offsets = np.concatenate([[0], np.cumsum(shard_rows, dtype=np.int64)]).astype(np.int64)
        self._arrays = {
            array: Array(f"{name}/{array}", ArraySpec.from_json(spec), shard_dirs, offsets)
            for array, spec in specs.items()
        }

    def arrays(self) -> Iterator[tuple[str, "Array"]]:
        return iter(self._arrays.items())

    def __getitem__(self, name: str) -> "Array":
        try:
            return self._arrays[name]
        except KeyError:
            raise KeyError(f"group {self.name} has no array {name!r}") from None

    def __contains__(self, name: str) -> bool:
        return name in self._arrays

    def __repr__(self) -> str:
        return f"<Group {self.name} arrays={list(self._arrays)}>"


class Array:
    """An array of the dataset, ``(rows, ...)``: its shards' arrays one after the other.

    Index it along rows with an int, a slice (any step), ``...``, a 1-D int array or a boolean
    mask of length ``rows``, or a tuple starting with one of those (the rest then indexes the
    rows read, as numpy would).

    Parameters
    ----------
    path
        ``"<group>/<name>"``, its path inside every shard.
    spec
        Its dtype and row shape.
    shard_dirs
        Directory of each shard, in file id order.
    offsets
        ``(n_shards + 1,) int64``: rows of shard ``i`` are ``offsets[i]:offsets[i + 1]``.
    """

    def __init__(self, path: str, spec: ArraySpec, shard_dirs: list[Path], offsets: np.ndarray):
        self.path, self.name = path, f"/{path}"
        self.dtype = spec.dtype
        self.shape = (int(offsets[-1]), *spec.trailing_shape)
        self._shard_dirs, self._offsets = shard_dirs, offsets
        self._opened: dict[int, zarr.Array] = {}

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def nbytes(self) -> int:
        """Uncompressed size."""
        return int(np.prod(self.shape, dtype=np.int64)) * self.dtype.itemsize

    @cached_property
    def chunks(self) -> tuple[int, ...]:
        """Chunk shape of its largest-chunked shard (reads of that many rows stay cheap)."""
        chunk_shapes = [self._chunk_shape(index) for index in range(len(self._shard_dirs))]
        return max(chunk_shapes, default=tuple(max(1, extent) for extent in (1, *self.shape[1:])))

    def nbytes_stored(self) -> int:
        """Bytes its shards' arrays take on disk (metadata included)."""
        return sum(self._shard(index).nbytes_stored() for index in range(len(self._shard_dirs)))

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key) -> np.ndarray:
        rows = self.shape[0]
        if isinstance(key, tuple):
            if not key or key[0] is Ellipsis:  # numpy's meaning: "..." may stand for the rows
                return self._read_range(0, rows)[key]
            first, rest = key[0], key[1:]
            selected = self[first]
            if not rest:
                return selected
            return selected[rest] if _is_int(first) else selected[(slice(None), *rest)]
        if key is Ellipsis:
            return self._read_range(0, rows)
        if _is_int(key):
            row = operator.index(key)
            if not -rows <= row < rows:
                raise IndexError(f"row {row} is out of bounds for {self.path} of {rows} rows")
            row %= rows
            return self._read_range(row, row + 1)[0]
        if isinstance(key, slice):
            start, stop, step = key.indices(rows)
            if step == 1:
                return self._read_range(start, max(start, stop))
            return self._read_rows(np.arange(start, stop, step, dtype=np.int64))
        return self._read_rows(_row_numbers(key, rows, self.path))

    def __getstate__(self) -> dict:
        # Opened zarr arrays are cheap to reopen: pickle (to a DataLoader worker) paths only.
        return {**self.__dict__, "_opened": {}}

    def __repr__(self) -> str:
        return f"<Array {self.name} shape={self.shape} dtype={self.dtype}>"

    def _read_range(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start:stop`` (``0 <= start <= stop <= rows``)."""
        out = np.empty((stop - start, *self.shape[1:]), dtype=self.dtype)
        first = int(np.searchsorted(self._offsets, start, side="right")) - 1
        for index in range(max(first, 0), len(self._shard_dirs)):
            low, high = self._offsets[index], self._offsets[index + 1]
            if low >= stop:
                break
            begin, end = max(start, low), min(stop, high)
            if end > begin:
                out[begin - start:end - start] = self._shard(index)[begin - low:end - low]
        return out

    def _read_rows(self, rows: np.ndarray) -> np.ndarray:
        """Rows at the positions ``rows`` (``(k,) int64``, in range, any order, repeats)."""
        out = np.empty((len(rows), *self.shape[1:]), dtype=self.dtype)
        shard_of = np.searchsorted(self._offsets, rows, side="right") - 1
        order = np.argsort(shard_of, kind="stable")  # positions of each shard's rows, together
        bounds = np.flatnonzero(np.diff(shard_of[order], prepend=-1, append=len(self._offsets)))
        for begin, end in zip(bounds[:-1], bounds[1:]):
            positions = order[begin:end]
            index = int(shard_of[positions[0]])
            wanted, inverse = np.unique(rows[positions] - self._offsets[index],
                                        return_inverse=True)
            low, high = int(wanted[0]), int(wanted[-1]) + 1
            if high - low <= 4 * len(wanted):  # dense: one slice is cheaper than scattered rows
                block = self._shard(index)[low:high][wanted - low]
            else:
                block = self._shard(index).oindex[wanted]
            out[positions] = block[inverse]
        return out

    def _shard(self, index: int) -> zarr.Array:
        if index not in self._opened:
            self._opened[index] = zarr.open_array(self._shard_dirs[index], path=self.path, mode="r")
        return self._opened[index]

    def _chunk_shape(self, index: int) -> tuple[int, ...]:
        # From the metadata file: opening thousands of zarr arrays just for this is slow.
        metadata = json.loads((self._shard_dirs[index] / self.path / "zarr.json").read_text())
        return tuple(metadata["chunk_grid"]["configuration"]["chunk_shape"])


def _is_int(key) -> bool:
    return isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_))


def _row_numbers(key, rows: int, path: str) -> np.ndarray:
    """Row positions ``(k,) int64`` of a boolean mask or an int array selection."""
    selection = np.asarray(key)
    if selection.dtype == np.bool_:
        if selection.shape != (rows,):
            raise IndexError(f"a boolean mask of {path} must have shape ({rows},), "
                             f"not {selection.shape}")
        return np.flatnonzero(selection)
    if selection.ndim == 1 and (selection.dtype.kind in "iu" or selection.size == 0):
        numbers = selection.astype(np.int64)
        if np.any((numbers < -rows) | (numbers >= rows)):
            raise IndexError(f"a row of the selection is out of bounds for {path} of {rows} rows")
        return np.where(numbers < 0, numbers + rows, numbers)
    raise IndexError(f"unsupported selection of {path}: {key!r} (int, slice, ..., 1-D int array, "
                     "boolean mask, or a tuple starting with one of those)")
