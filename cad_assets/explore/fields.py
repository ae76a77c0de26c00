"""Fields the explorer scans: a dataset array (``faces/area``, ``faces/bbox[3]``) or an
infoset column (``n_faces``, ``label``), read as ``(values, file_ids)`` pieces."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cad_assets.explore.slices import DEFAULT_MAX_ROWS, row_slices
from cad_assets.storage import Dataset

_FIELD = re.compile(r"^(?:(?P<group>[^/\[\]\s]+)/)?(?P<name>[^/\[\]\s]+)(?:\[(?P<column>\d+)\])?$")

#: One piece of a field: values ``(k, ...)`` and the file id of each row ``(k,)``.
Piece = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class FieldRef:
    """A parsed field name.

    Attributes
    ----------
    group : str or None
        The dataset group, or ``None`` for a column of ``cad_infoset``.
    name : str
        Array or column name.
    column : int or None
        For ``(rows, n)`` arrays, the one column to use (``faces/bbox[3]`` is xmax).
    """

    group: str | None
    name: str
    column: int | None = None

    @classmethod
    def parse(cls, text: str) -> "FieldRef":
        """Parse ``group/name``, ``group/name[column]`` or ``column_of_infoset``.

        Raises
        ------
        ValueError
            If ``text`` has another form (nested groups, spaces, a bad index).
        """
        match = _FIELD.match(text.strip())
        if match is None:
            raise ValueError(f"not a field: {text!r} (expected group/array, group/array[i] or an "
                             "infoset column)")
        column = match["column"]
        return cls(match["group"], match["name"], None if column is None else int(column))

    @property
    def key(self) -> str:
        """The field's name in ``cad_attribset``: ``faces/surface_type``, ``label``."""
        return self.name if self.group is None else f"{self.group}/{self.name}"

    def __str__(self) -> str:
        return self.key if self.column is None else f"{self.key}[{self.column}]"


def array_pieces(dataset: Dataset, field: FieldRef, max_rows: int = DEFAULT_MAX_ROWS
                 ) -> Iterator[Piece]:
    """Read a dataset array and its group's ``file_id`` a bounded slice at a time.

    Raises
    ------
    KeyError
        If the dataset has no such group or array.
    IndexError
        If ``field.column`` is given for an array that is not ``(rows, n)`` or is ``>= n``.
    """
    if field.group not in dataset or field.name not in dataset[field.group]:
        raise KeyError(f"the dataset has no array {field.key}")
    array, file_id = dataset[field.group][field.name], dataset[field.group]["file_id"]
    if field.column is not None and (array.ndim != 2 or field.column >= array.shape[1]):
        raise IndexError(f"{field}: {field.key} has shape {array.shape}")
    for rows in row_slices(array, max_rows=max_rows):
        values = array[rows] if field.column is None else array[rows, field.column]
        yield values, np.asarray(file_id[rows], dtype=np.int64)


def column_pieces(infoset: pd.DataFrame | None, field: FieldRef) -> Iterator[Piece]:
    """The infoset column ``field.name`` (one value per file) as a single piece.

    Raises
    ------
    KeyError
        If there is no infoset or it has no such column.
    """
    if infoset is None or field.name not in infoset.columns or field.column is not None:
        raise KeyError(f"{field} is neither group/array nor a column of cad_infoset")
    yield infoset[field.name].to_numpy(), infoset["file_id"].to_numpy(dtype=np.int64)
