"""First pass of a merge: what the merged dataset will hold, from the stores' root metadata only."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cad_assets.storage.file_store import open_file_store
from cad_assets.storage.schema import Schema, SchemaMismatchError

#: Added to every merged group: the id of the file each row comes from.
FILE_ID = "file_id"


@dataclass(frozen=True)
class MergePlan:
    """The sources of a merge, the schema they share and how many rows each brings.

    Attributes
    ----------
    sources : list[tuple[int, Path]]
        ``(file_id, store path)`` in increasing file id order.
    schema : Schema
        ``{group: {name: ArraySpec}}`` shared by all sources (the first one's).
    rows_per_file : dict[str, numpy.ndarray]
        ``{group: (n_files,) int64}``: rows each source has in the group.
    """

    sources: list[tuple[int, Path]]
    schema: Schema
    rows_per_file: dict[str, np.ndarray]

    @property
    def total_rows(self) -> dict[str, int]:
        return {group: int(rows.sum()) for group, rows in self.rows_per_file.items()}

    def rows_of(self, index: int) -> dict[str, int]:
        """Rows of the ``index``-th source (position in :attr:`sources`, not file id)."""
        return {group: int(rows[index]) for group, rows in self.rows_per_file.items()}


def plan_merge(sources: Sequence[tuple[int, Path]]) -> MergePlan:
    """Read every store's schema and row counts and check that they all agree.

    Raises
    ------
    ValueError
        If the file ids are not increasing or do not fit in int32.
    SchemaMismatchError
        If a store lacks an array of the first store, has one the first store lacks, stores
        it with another dtype or row shape, or has an array named ``file_id``.
    """
    sources = [(int(file_id), Path(path)) for file_id, path in sources]
    file_ids = np.array([file_id for file_id, _ in sources], dtype=np.int64)
    if np.any(np.diff(file_ids) <= 0) or np.any(np.abs(file_ids) > np.iinfo(np.int32).max):
        raise ValueError("sources must be in increasing file_id order, with int32 file ids")
    schema: Schema = {}
    reference = None
    rows: list[dict[str, int]] = []
    for file_id, path in sources:
        with open_file_store(path) as store:
            if reference is None:  # the first store sets the schema all others must match
                schema, reference = store.schema, file_id
            _check_schema(file_id, store.schema, schema, reference)
            rows.append(store.row_counts)
    rows_per_file = {
        group: np.array([counts[group] for counts in rows], dtype=np.int64) for group in schema
    }
    return MergePlan(sources, schema, rows_per_file)


def _check_schema(file_id: int, actual: Schema, expected: Schema, reference: int) -> None:
    for group, specs in expected.items():
        for name, spec in specs.items():
            found = actual.get(group, {}).get(name)
            if found is None:
                raise SchemaMismatchError(
                    f"file {file_id} has no array {group}/{name}; expected {spec} "
                    f"(as in file {reference})"
                )
            if found != spec:
                raise SchemaMismatchError(
                    f"file {file_id}: {group}/{name} is {found}; expected {spec} "
                    f"(as in file {reference})"
                )
    for group, specs in actual.items():
        for name in specs:
            if name == FILE_ID:
                raise SchemaMismatchError(
                    f"file {file_id}: {group}/{FILE_ID} is reserved for the merged file ids"
                )
            if name not in expected.get(group, {}):
                raise SchemaMismatchError(
                    f"file {file_id} has an array {group}/{name} that file {reference} lacks"
                )
