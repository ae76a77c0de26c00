"""Where the rows of each file are in a group: rows of a file are contiguous, in file id order."""

from dataclasses import dataclass

import numpy as np

from cad_assets.explore.slices import DEFAULT_MAX_ROWS, row_slices


@dataclass(frozen=True)
class RowIndex:
    """Row bounds of every file present in one group.

    Attributes
    ----------
    file_ids : np.ndarray
        ``(k,) int64``, increasing: the files with at least one row in the group.
    starts, stops : np.ndarray
        ``(k,) int64``: the rows of ``file_ids[i]`` are ``starts[i]:stops[i]``.
    n_rows : int
        Rows of the group.
    """

    file_ids: np.ndarray
    starts: np.ndarray
    stops: np.ndarray
    n_rows: int

    @classmethod
    def build(cls, file_id, max_rows: int = DEFAULT_MAX_ROWS) -> "RowIndex":
        """Scan a group's ``file_id`` array (``(rows,) int32``) once, ``max_rows`` at a time.

        Raises
        ------
        ValueError
            If the file ids decrease somewhere: the rows of a file would not be contiguous.
        """
        run_ids, run_lengths, last = [], [], None
        for rows in row_slices(file_id, max_rows=max_rows):
            ids = np.asarray(file_id[rows], dtype=np.int64)
            if np.any(np.diff(ids) < 0) or (last is not None and ids[0] < last):
                raise ValueError(f"file ids decrease near row {rows.start}: rows not in file order")
            starts = np.flatnonzero(np.diff(ids, prepend=ids[0] - 1))
            run_ids.append(ids[starts])
            run_lengths.append(np.diff(starts, append=len(ids)))
            last = ids[-1]
        if not run_ids:
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, empty, empty, 0)
        # A file whose rows cross a slice boundary has two runs: add them up.
        file_ids, position = np.unique(np.concatenate(run_ids), return_inverse=True)
        counts = np.bincount(position, weights=np.concatenate(run_lengths)).astype(np.int64)
        stops = np.cumsum(counts)
        return cls(file_ids, stops - counts, stops, int(stops[-1]))

    def rows_of(self, file_id: int) -> slice:
        """The rows of ``file_id``: ``slice(start, stop)``, empty if it has none in the group."""
        at = int(np.searchsorted(self.file_ids, file_id))
        if at < len(self.file_ids) and self.file_ids[at] == file_id:
            return slice(int(self.starts[at]), int(self.stops[at]))
        start = int(self.starts[at]) if at < len(self.file_ids) else self.n_rows
        return slice(start, start)

    def counts(self) -> dict[int, int]:
        """``{file_id: rows}`` of the files present in the group."""
        return dict(zip(self.file_ids.tolist(), (self.stops - self.starts).tolist()))
