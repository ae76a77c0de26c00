"""Where a pipeline output folder (``CAD_ASSETS_OUTPUT``) keeps everything: the one layout
shared by the Dagster definitions, :mod:`cad_assets.explore` and :mod:`cad_assets.ml`.

::

    <output>/cad_dataset.zarr          the merged dataset (a link to its published version)
    <output>/tables/<name>.parquet     cad_files, cad_infoset, cad_attribset, cad_errors, tasks' tables
    <output>/summary.json              the run summary
    <output>/catalogue.sqlite          the catalogue of per-file encodings (one row per file version)
    <output>/encodings/<partition key>/<sha256>.v<encoding version>.zarr.zip   per-file stores
    <output>/splits/<name>.json        saved train / validation / test splits
    <output>/tasks/<name>[.json]       what dataset tasks return (non-table values) or write
"""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cad_assets.storage.dataset_view import Dataset, open_dataset
from cad_assets.storage.tables import read_table

DATASET_NAME = "cad_dataset.zarr"


@dataclass(frozen=True)
class OutputLayout:
    """Paths of one pipeline output folder.

    Attributes
    ----------
    root : Path
        The output folder.
    """

    root: Path

    @classmethod
    def of(cls, path: "OutputLayout | Path | str") -> "OutputLayout":
        """The layout of an output folder, or of the folder holding a ``*.zarr`` dataset."""
        if isinstance(path, OutputLayout):
            return path
        path = Path(path).expanduser()
        return cls(path.parent if path.suffix == ".zarr" else path)

    @property
    def dataset(self) -> Path:
        return self.root / DATASET_NAME

    @property
    def tables(self) -> Path:
        return self.root / "tables"

    def table(self, name: str) -> Path:
        """``<output>/tables/<name>.parquet`` (``name`` as an asset key path joined by ``__``)."""
        return self.tables / f"{name}.parquet"

    @property
    def files(self) -> Path:
        return self.table("cad_files")

    @property
    def infoset(self) -> Path:
        return self.table("cad_infoset")

    @property
    def attribset(self) -> Path:
        return self.table("cad_attribset")

    @property
    def errors(self) -> Path:
        return self.table("cad_errors")

    @property
    def summary(self) -> Path:
        return self.root / "summary.json"

    @property
    def catalogue(self) -> Path:
        return self.root / "catalogue.sqlite"

    @property
    def encodings(self) -> Path:
        return self.root / "encodings"

    @property
    def splits(self) -> Path:
        return self.root / "splits"

    def split(self, name: str) -> Path:
        """``<output>/splits/<name>.json``."""
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"a split name must be a plain file name, not {name!r}")
        return self.splits / f"{name}.json"

    @property
    def tasks(self) -> Path:
        return self.root / "tasks"

    def open_dataset(self) -> Dataset:
        """The dataset, read-only, pinned to the version published now (see
        :func:`cad_assets.storage.open_dataset`)."""
        return open_dataset(self.dataset)

    def read_infoset(self) -> pd.DataFrame:
        """``cad_infoset``: one row per file of the dataset, ordered by ``file_id``."""
        return read_table(self.infoset).sort_values("file_id", ignore_index=True)

    def require_dataset(self) -> Path:
        """The dataset's path; ``FileNotFoundError`` if no build has published one here."""
        if not self.dataset.exists():
            raise FileNotFoundError(
                f"no dataset at {self.dataset}: run build_dataset first (make demo) or pass --output"
            )
        return self.dataset
