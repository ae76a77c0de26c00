"""Fill a pre-sized array front to back, one whole chunk at a time.

Writing rows as they come rewrites the chunk they end in (read, decompress, patch, compress,
write) every time. Holding rows back until they fill whole chunks writes each chunk exactly
once, at the cost of keeping less than one chunk of rows in memory. The writer only cuts the
rows into writes; the caller performs them (the shard writer does those of all its arrays at
once, which saves most of zarr's per-call overhead).
"""

from collections.abc import Iterable

import numpy as np

#: One write: rows ``selection`` of the array get ``values`` (``(stop - start, ...)``).
Write = tuple[slice, np.ndarray]


class ChunkAlignedWriter:
    """Cut rows appended in blocks of any size into chunk-aligned writes of an array.

    Parameters
    ----------
    rows
        Rows of the array (its shape is fixed in advance).
    chunk_rows
        Rows of one of its chunks (it is chunked along the first axis only).
    name
        The array's name, for error messages.

    Examples
    --------
    >>> writer = ChunkAlignedWriter(array.shape[0], array.chunks[0], "faces/area")  # doctest: +SKIP
    >>> for rows, values in writer.append([rows_of_file_0, rows_of_file_1]):
    ...     array[rows] = values
    >>> for rows, values in writer.close():  # the last, partial chunk; checks the row count
    ...     array[rows] = values
    """

    def __init__(self, rows: int, chunk_rows: int, name: str):
        self.rows, self.chunk_rows, self.name = rows, chunk_rows, name
        self.rows_written = 0
        self._pending: list[np.ndarray] = []
        self._pending_rows = 0

    def append(self, blocks: Iterable[np.ndarray]) -> list[Write]:
        """Queue ``blocks`` (each ``(n, ...)``); return the writes of the chunks they complete."""
        for block in blocks:
            self._pending.append(block)
            self._pending_rows += len(block)
        whole_chunks = self._pending_rows // self.chunk_rows * self.chunk_rows
        return [self._take(whole_chunks)] if whole_chunks else []

    def close(self) -> list[Write]:
        """The write of the rows still held back; raise unless the array got exactly its rows."""
        writes = [self._take(self._pending_rows)] if self._pending_rows else []
        if self.rows_written != self.rows:
            raise RuntimeError(f"{self.name}: wrote {self.rows_written} of {self.rows} rows")
        return writes

    def _take(self, rows: int) -> Write:
        start, stop = self.rows_written, self.rows_written + rows
        if stop > self.rows:
            raise RuntimeError(f"{self.name}: more rows than its {self.rows}")
        queued = np.concatenate(self._pending) if len(self._pending) > 1 else self._pending[0]
        # Copy the rest so the rows written can be freed.
        rest = queued[rows:].copy()
        self._pending = [rest] if len(rest) else []
        self._pending_rows = len(rest)
        self.rows_written = stop
        return slice(start, stop), queued[:rows]
