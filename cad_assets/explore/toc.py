"""Table of contents of a merged dataset: groups, arrays, shapes, dtypes and sizes on disk."""

from dataclasses import dataclass

import pandas as pd

from cad_assets.storage import Dataset


@dataclass(frozen=True)
class ArrayInfo:
    """One array of the dataset, from its metadata (no chunk is read).

    Attributes
    ----------
    group, name : str
        ``faces`` and ``area`` for ``faces/area``.
    shape, chunks : tuple[int, ...]
        Shape ``(rows, ...)`` and chunk shape.
    dtype : str
    nbytes : int
        Uncompressed size.
    stored_bytes : int
        Size of its chunks and metadata in the store (compressed).
    """

    group: str
    name: str
    shape: tuple[int, ...]
    dtype: str
    chunks: tuple[int, ...]
    nbytes: int
    stored_bytes: int

    @property
    def path(self) -> str:
        return f"{self.group}/{self.name}"


@dataclass(frozen=True)
class TableOfContents:
    """What a dataset holds.

    Attributes
    ----------
    n_files : int
        Files merged into the dataset.
    rows : dict[str, int]
        Rows of each group.
    arrays : list[ArrayInfo]
        Every array, sorted by group then name.
    """

    n_files: int
    rows: dict[str, int]
    arrays: list[ArrayInfo]

    @property
    def stored_bytes(self) -> int:
        """Size on disk of all arrays."""
        return sum(array.stored_bytes for array in self.arrays)

    @property
    def nbytes(self) -> int:
        """Uncompressed size of all arrays."""
        return sum(array.nbytes for array in self.arrays)

    def to_frame(self) -> pd.DataFrame:
        """One row per array: ``path, group, name, shape, dtype, chunks, nbytes, stored_bytes``."""
        rows = [{"path": array.path, **vars(array)} for array in self.arrays]
        columns = ["path", "group", "name", "shape", "dtype", "chunks", "nbytes", "stored_bytes"]
        return pd.DataFrame(rows, columns=columns)


def table_of_contents(dataset: Dataset) -> TableOfContents:
    """Describe ``dataset`` from its metadata and the sizes of its stored objects.

    Parameters
    ----------
    dataset
        A merged dataset (:func:`cad_assets.storage.open_dataset`): groups of arrays with
        one row per entity.
    """
    arrays, rows = [], {}
    for group_name, group in sorted(dataset.groups()):
        for name, array in sorted(group.arrays()):
            rows.setdefault(group_name, array.shape[0])
            arrays.append(ArrayInfo(
                group=group_name, name=name, shape=tuple(array.shape), dtype=str(array.dtype),
                chunks=tuple(array.chunks), nbytes=int(array.nbytes),
                stored_bytes=int(array.nbytes_stored()),
            ))
    n_files = int(dataset.attrs.get("n_files", 0))
    return TableOfContents(n_files=n_files, rows=rows, arrays=arrays)
