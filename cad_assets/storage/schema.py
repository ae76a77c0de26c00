"""What a store holds: for each array, its dtype and the shape of one row.

Arrays come in groups (``faces``, ``edges``, ...) whose arrays all have one row per entity,
so they share the length of their first axis. A :data:`Schema` records, for every
``group/name``, what one row looks like; merging checks that every file agrees on it.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

#: Arrays of one store, by group then by name.
Groups = Mapping[str, Mapping[str, np.ndarray]]


class SchemaMismatchError(ValueError):
    """Stores that should be merged disagree on which arrays they hold or what those look like."""


@dataclass(frozen=True)
class ArraySpec:
    """The dtype of an array and its shape without the row axis (``()`` for one value a row)."""

    dtype: np.dtype
    trailing_shape: tuple[int, ...]

    @classmethod
    def of(cls, array: np.ndarray) -> "ArraySpec":
        return cls(array.dtype, tuple(array.shape[1:]))

    @classmethod
    def from_json(cls, record: Mapping) -> "ArraySpec":
        return cls(np.dtype(record["dtype"]), tuple(record["trailing_shape"]))

    def to_json(self) -> dict:
        return {"dtype": str(self.dtype), "trailing_shape": list(self.trailing_shape)}

    @property
    def row_bytes(self) -> int:
        return self.dtype.itemsize * int(np.prod(self.trailing_shape, dtype=np.int64))

    def __str__(self) -> str:
        return f"{self.dtype} with rows of shape {self.trailing_shape}"


#: Specs of one store, by group then by array name.
Schema = dict[str, dict[str, ArraySpec]]


def describe_groups(groups: Groups) -> tuple[Schema, dict[str, int]]:
    """The schema and the number of rows of each group.

    Parameters
    ----------
    groups
        ``{group: {name: array}}``; every array has a row axis (``ndim >= 1``) and the
        arrays of one group have the same number of rows.

    Returns
    -------
    schema : Schema
        ``{group: {name: ArraySpec}}``.
    row_counts : dict[str, int]
        ``{group: rows}``.

    Raises
    ------
    ValueError
        If a name contains ``/``, a group is empty, an array is a scalar or holds Python
        objects, or the arrays of a group disagree on their number of rows.
    """
    schema: Schema = {}
    row_counts: dict[str, int] = {}
    for group, arrays in groups.items():
        _check_name(group)
        if not arrays:
            raise ValueError(f"group {group!r} has no arrays")
        for name, array in arrays.items():
            _check_name(name)
            if array.ndim == 0 or array.dtype.hasobject:
                raise ValueError(f"{group}/{name}: need a fixed-size dtype and a row axis")
        lengths = {name: len(array) for name, array in arrays.items()}
        if len(set(lengths.values())) > 1:
            listed = ", ".join(f"{name} has {rows}" for name, rows in lengths.items())
            raise ValueError(f"arrays of group {group!r} disagree on their rows: {listed}")
        schema[group] = {name: ArraySpec.of(array) for name, array in arrays.items()}
        row_counts[group] = next(iter(lengths.values()))
    return schema, row_counts


def schema_to_json(schema: Schema) -> dict:
    return {group: {name: spec.to_json() for name, spec in specs.items()}
            for group, specs in schema.items()}


def schema_from_json(record: Mapping) -> Schema:
    return {group: {name: ArraySpec.from_json(spec) for name, spec in specs.items()}
            for group, specs in record.items()}


def _check_name(name: str) -> None:
    # A "/" would silently nest groups; an empty name has no place in a zarr hierarchy.
    if not name or "/" in name:
        raise ValueError(f"invalid group or array name {name!r}")
