"""The :class:`Explorer`: look into, query and summarise a merged dataset and its tables."""

from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from cad_assets.explore import distributions, search
from cad_assets.explore.categories import Categories
from cad_assets.explore.conditions import Condition
from cad_assets.explore.fields import FieldRef, Piece, array_pieces, column_pieces
from cad_assets.explore.files import FileTable
from cad_assets.explore.histogram import Histogram
from cad_assets.explore.row_index import RowIndex
from cad_assets.explore.slices import DEFAULT_MAX_ROWS
from cad_assets.explore.toc import TableOfContents, table_of_contents
from cad_assets.storage import Dataset, OutputLayout, read_table


class Explorer:
    """Read-only access to a dataset; opening it reads metadata only.

    Parameters
    ----------
    dataset
        The merged dataset (:func:`cad_assets.storage.open_dataset`).
    infoset, attribset
        The ``cad_infoset`` and ``cad_attribset`` tables, their Parquet paths (read when first
        needed; a missing file counts as no table) or ``None``.
    max_rows
        Most rows read at once when scanning an array (queries, histograms, row indexes).

    Examples
    --------
    >>> explorer = Explorer.open("data/output")  # doctest: +SKIP
    >>> explorer.files_where("faces/surface_type", "==", "torus")  # infoset rows
    >>> explorer.file_rows("mfcad/0-0-0-0-0-23.step", "faces")["area"]  # (n_faces,) float64
    """

    def __init__(self, dataset: Dataset, infoset: pd.DataFrame | Path | None = None,
                 attribset: pd.DataFrame | Path | None = None, max_rows: int = DEFAULT_MAX_ROWS):
        self.dataset, self.max_rows = dataset, max_rows
        self._tables = {"infoset": infoset, "attribset": attribset}
        self._row_indexes: dict[str, RowIndex] = {}

    @classmethod
    def open(cls, output: Path | str, max_rows: int = DEFAULT_MAX_ROWS) -> "Explorer":
        """Open an output folder (``<output>/cad_dataset.zarr``, ``<output>/tables/``) or a
        ``.zarr`` dataset in one; ``FileNotFoundError`` if there is no dataset."""
        layout = OutputLayout.of(output)
        layout.require_dataset()
        return cls(layout.open_dataset(), layout.infoset, layout.attribset, max_rows)

    @property
    def infoset(self) -> pd.DataFrame | None:
        return self._table("infoset")

    @property
    def attribset(self) -> pd.DataFrame | None:
        return self._table("attribset")

    @cached_property
    def categories(self) -> Categories:
        return Categories(self.attribset)

    @cached_property
    def files(self) -> FileTable:
        return FileTable(self.infoset)

    def toc(self) -> TableOfContents:
        """Groups, arrays, shapes, dtypes, file count and sizes on disk (metadata only)."""
        return table_of_contents(self.dataset)

    def row_index(self, group: str) -> RowIndex:
        """Row bounds of every file in ``group``, built on first use by scanning ``file_id``;
        ``KeyError`` for an unknown group."""
        if group not in self._row_indexes:
            if group not in self.dataset:
                raise KeyError(f"the dataset has no group {group!r}")
            self._row_indexes[group] = RowIndex.build(self.dataset[group]["file_id"], self.max_rows)
        return self._row_indexes[group]

    def file_id(self, key: int | str | Path) -> int:
        """File id of a file id, partition key or path (see :meth:`FileTable.file_id`)."""
        return self.files.file_id(key)

    def paths(self, file_ids: Iterable[int]) -> list[str]:
        """Paths of the CAD files with these ids (``KeyError`` for an unknown id)."""
        return self.files.paths(file_ids)

    def file_rows(self, key: int | str | Path, group: str) -> dict[str, np.ndarray]:
        """All rows of one file in ``group``: ``{array name: (rows_of_file, ...)}``.

        Reads one slice of each array (a file's rows are contiguous), never a whole array.
        ``file_id`` is left out; a file without rows in the group gets arrays of 0 rows.
        ``KeyError`` if the file or the group is unknown.
        """
        rows = self.row_index(group).rows_of(self.file_id(key))
        return {name: array[rows] for name, array in sorted(self.dataset[group].arrays())
                if name != "file_id"}

    def file(self, key: int | str | Path) -> dict[str, dict[str, np.ndarray]]:
        """All rows of one file in every group: ``{group: {array name: rows}}``."""
        return {group: self.file_rows(key, group) for group, _ in sorted(self.dataset.groups())}

    def files_where(self, field: str, op: str | Callable[[np.ndarray], np.ndarray], value=None,
                    *, min_rows: int = 1, every: bool = False) -> pd.DataFrame:
        """Infoset rows of the files with rows where ``field op value`` holds; see
        :func:`cad_assets.explore.search.files_where`."""
        return search.files_where(self, field, op, value, min_rows=min_rows, every=every)

    def query(self, *conditions: str | Condition, min_rows: int = 1, every: bool = False
              ) -> pd.DataFrame:
        """Infoset rows of the files meeting every condition (``"faces/label == 3"``); see
        :func:`cad_assets.explore.search.query`."""
        return search.query(self, *conditions, min_rows=min_rows, every=every)

    def histogram(self, field: str, bins: int = 10, value_range: tuple[float, float] | None = None,
                  discrete: bool | None = None) -> Histogram:
        """Bins, counts and the files in each bin; see
        :func:`cad_assets.explore.distributions.histogram`."""
        return distributions.histogram(self, field, bins, value_range, discrete)

    def category_counts(self, field: str) -> pd.DataFrame:
        """Counts per code joined with ``cad_attribset``; see
        :func:`cad_assets.explore.distributions.category_counts`."""
        return distributions.category_counts(self, field)

    def dtype(self, field: FieldRef) -> np.dtype:
        """The dtype of a field (``KeyError`` if unknown); reads no array chunk."""
        if field.group is not None and field.group in self.dataset \
                and field.name in self.dataset[field.group]:
            return self.dataset[field.group][field.name].dtype
        return next(self.pieces(field))[0].dtype  # an infoset column, or a KeyError

    def pieces(self, field: FieldRef) -> Iterator[Piece]:
        """``(values, file_ids)`` pieces of a field, at most ``max_rows`` rows each."""
        if field.group is None:
            return column_pieces(self.infoset, field)
        return array_pieces(self.dataset, field, self.max_rows)

    def _table(self, name: str) -> pd.DataFrame | None:
        table = self._tables[name]
        if isinstance(table, (str, Path)):
            table = read_table(Path(table)) if Path(table).exists() else None
            self._tables[name] = table
        return table
