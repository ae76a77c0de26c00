"""The rows of each file of a subset: all read up front in chunks, or one file at a time."""

from collections.abc import Sequence

import numpy as np

from cad_assets.ml.rows import read_files, row_ranges
from cad_assets.storage.dataset_view import Group


class FileRows:
    """Rows of chosen arrays of a group for each of ``file_ids``.

    Parameters
    ----------
    group : Group
        A group of the merged dataset (``faces``, ``edges``, ``graph``).
    names
        Its arrays to read.
    file_ids
        Increasing file ids; position ``i`` of this object is ``file_ids[i]``.
    preload
        Read every selected row now, chunk by chunk (fast to index; memory for all of them),
        or read each file's slice when asked (little memory; each read decompresses whole
        chunks, slow on wide arrays such as ``uv_grid``).
    """

    def __init__(self, group: Group, names: Sequence[str], file_ids: Sequence[int],
                 preload: bool = True):
        self.group, self.names = group, list(names)
        if preload:
            self.arrays, offsets = read_files(group, self.names, file_ids)
            self.starts, self.stops = offsets[:-1], offsets[1:]
        else:
            self.arrays = None
            self.starts, self.stops = row_ranges(group, file_ids)

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, position: int) -> dict[str, np.ndarray]:
        """The rows of the file at ``position``, by array name."""
        rows = slice(int(self.starts[position]), int(self.stops[position]))
        source = self.arrays if self.arrays is not None else self.group
        return {name: np.asarray(source[name][rows]) for name in self.names}
