"""Bounded slices of rows, so that long arrays are read a piece at a time."""

from collections.abc import Iterator

import numpy as np

#: Most rows read at once by the explorer's scans (queries, histograms, row indexes).
DEFAULT_MAX_ROWS = 1_000_000
#: Most uncompressed bytes read at once: wide rows (a face's uv grid is 2.8 kB) get fewer rows.
DEFAULT_MAX_BYTES = 64 * 2**20


def row_slices(
    array, max_rows: int = DEFAULT_MAX_ROWS, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[slice]:
    """Consecutive slices covering the rows of ``array``, each a bounded read.

    Parameters
    ----------
    array
        A zarr or numpy array of shape ``(rows, ...)``.
    max_rows, max_bytes
        Bounds on the rows and on the uncompressed bytes of one slice. A slice holds at least
        one row, and whole chunks of the array where the bounds allow more than one chunk.

    Yields
    ------
    slice
        ``slice(start, stop)`` with ``0 <= start < stop <= rows``, in order.
    """
    rows = array.shape[0]
    row_bytes = array.dtype.itemsize * int(np.prod(array.shape[1:], dtype=np.int64))
    step = max(1, min(max_rows, max_bytes // max(1, row_bytes)))
    chunk_rows = getattr(array, "chunks", (rows,))[0] or 1
    if step >= chunk_rows:
        step = step // chunk_rows * chunk_rows  # never decompress a chunk twice
    for start in range(0, rows, step):
        yield slice(start, min(start + step, rows))
