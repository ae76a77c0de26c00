"""What encoding one shape produces: groups of arrays and file-level scalars."""

from dataclasses import dataclass

import numpy as np


@dataclass
class ShapeEncoding:
    """The arrays and metadata of one CAD file.

    Attributes
    ----------
    groups : dict of str to dict of str to numpy.ndarray
        ``{group: {array name: array}}``. All arrays of a group have the same length along
        axis 0 (one row per face, edge, coedge, adjacency pair, ...), so groups of many
        files concatenate row-wise.
    metadata : dict of str to int, float, str or bool
        File-level scalars (counts, bounding box, ...), JSON-able.

    Raises
    ------
    ValueError
        If the arrays of a group differ in length along axis 0.
    """

    groups: dict[str, dict[str, np.ndarray]]
    metadata: dict[str, int | float | str | bool]

    def __post_init__(self):
        for group, arrays in self.groups.items():
            lengths = {name: len(array) for name, array in arrays.items()}
            if len(set(lengths.values())) > 1:
                raise ValueError(f"arrays of group {group!r} differ in length: {lengths}")
