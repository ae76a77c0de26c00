"""Fill a pre-sized zarr array front to back, one whole chunk at a time.

Writing rows as they come rewrites the chunk they end in (read, decompress, patch, compress,
write) every time. Holding rows back until they fill whole chunks writes each chunk exactly
once, at the cost of keeping less than one chunk of rows in memory.
"""

from collections.abc import Iterable

import numpy as np
import zarr


class ChunkAlignedWriter:
    """Append rows to ``array`` (shape fixed in advance) in chunk-aligned slices.

    Parameters
    ----------
    array
        A zarr array of shape ``(rows, ...)`` chunked along the first axis only.

    Examples
    --------
    >>> writer = ChunkAlignedWriter(array)  # doctest: +SKIP
    >>> writer.append([rows_of_file_0, rows_of_file_1])
    >>> writer.close()  # writes the last, partial chunk; checks every row was written
    """

    def __init__(self, array: zarr.Array):
        self.array = array
        self.chunk_rows = array.chunks[0]
        self.rows_written = 0
        self._pending: list[np.ndarray] = []
        self._pending_rows = 0

    def append(self, blocks: Iterable[np.ndarray]) -> None:
        """Queue ``blocks`` (each ``(n, ...)``) and write every chunk they complete."""
        for block in blocks:
            self._pending.append(block)
            self._pending_rows += len(block)
        whole_chunks = self._pending_rows // self.chunk_rows * self.chunk_rows
        if whole_chunks:
            self._write(whole_chunks)

    def close(self) -> None:
        """Write the rows still held back; raise if the array did not get exactly its rows."""
        if self._pending_rows:
            self._write(self._pending_rows)
        if self.rows_written != self.array.shape[0]:
            raise RuntimeError(
                f"{self.array.path}: wrote {self.rows_written} of {self.array.shape[0]} rows"
            )

    def _write(self, rows: int) -> None:
        start, stop = self.rows_written, self.rows_written + rows
        if stop > self.array.shape[0]:
            raise RuntimeError(f"{self.array.path}: more rows than its {self.array.shape[0]}")
        queued = np.concatenate(self._pending) if len(self._pending) > 1 else self._pending[0]
        self.array[start:stop] = queued[:rows]
        # Copy the rest so the written rows can be freed.
        rest = queued[rows:].copy()
        self._pending = [rest] if len(rest) else []
        self._pending_rows = len(rest)
        self.rows_written = stop
