"""Reading the rows of chosen files from a merged group, chunk by chunk.

Every group stores the rows of each file contiguously, in ``file_id`` order, with a
``file_id`` array naming the file of each row. Rows of a set of files are read by walking each
array's chunks once and keeping the selected rows, never file by file.
"""

from collections.abc import Iterator, Sequence

import numpy as np

from cad_assets.storage.dataset_view import Array, Group


def row_mask(group: Group, file_ids: Sequence[int]) -> np.ndarray:
    """Which rows of ``group`` belong to one of ``file_ids``.

    Returns
    -------
    (n_rows,) bool
    """
    return np.isin(group["file_id"][...], np.asarray(file_ids, dtype=np.int64))


def row_ranges(group: Group, file_ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """First and one-past-last row of each file in ``group``.

    Returns
    -------
    starts, stops : (n_files,) int64
        ``starts == stops`` for a file without rows in this group.
    """
    ids = group["file_id"][...]
    wanted = np.asarray(file_ids, dtype=np.int64)
    return (np.searchsorted(ids, wanted, side="left").astype(np.int64),
            np.searchsorted(ids, wanted, side="right").astype(np.int64))


def iter_selected(array: Array, mask: np.ndarray) -> Iterator[np.ndarray]:
    """The rows of ``array`` where ``mask`` is true, one block per chunk holding any.

    Parameters
    ----------
    array : Array
        ``(n_rows, ...)``.
    mask : (n_rows,) bool
    """
    step = array.chunks[0]
    for start in range(0, array.shape[0], step):
        selected = mask[start:start + step]
        if selected.any():
            block = array[start:start + len(selected)]
            yield block if selected.all() else block[selected]


def read_selected(array: Array, mask: np.ndarray) -> np.ndarray:
    """All rows of ``array`` where ``mask`` is true, in row order.

    Returns
    -------
    (mask.sum(), ...) array of ``array.dtype``
    """
    blocks = list(iter_selected(array, mask))
    if not blocks:
        return np.empty((0, *array.shape[1:]), dtype=array.dtype)
    return np.concatenate(blocks)


def read_files(
    group: Group, names: Sequence[str], file_ids: Sequence[int]
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The rows of ``file_ids`` of the arrays ``names``, with each file's offsets.

    Parameters
    ----------
    file_ids
        Increasing file ids.

    Returns
    -------
    arrays : dict[str, np.ndarray]
        ``(n_selected_rows, ...)`` per name, the files' rows one after the other.
    offsets : (len(file_ids) + 1,) int64
        Rows of the i-th file are ``offsets[i]:offsets[i + 1]``.
    """
    ids = np.asarray(file_ids, dtype=np.int64)
    if np.any(np.diff(ids) <= 0):
        raise ValueError("file_ids must be strictly increasing")
    all_ids = group["file_id"][...]
    mask = np.isin(all_ids, ids)
    counts = np.searchsorted(all_ids, ids, "right") - np.searchsorted(all_ids, ids, "left")
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return {name: read_selected(group[name], mask) for name in names}, offsets
