"""Where a pipeline output folder keeps the dataset, its tables and its splits."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import zarr

from cad_assets.storage import open_dataset, read_table


@dataclass(frozen=True)
class DatasetFolder:
    """A pipeline output folder (``CAD_ASSETS_OUTPUT``).

    Attributes
    ----------
    output : Path
        The folder holding ``cad_dataset.zarr``, ``tables/`` and ``splits/``.
    """

    output: Path

    @classmethod
    def of(cls, folder: "DatasetFolder | str | Path") -> "DatasetFolder":
        """``folder`` itself, or a ``DatasetFolder`` of the path ``folder``."""
        return folder if isinstance(folder, DatasetFolder) else cls(Path(folder))

    @property
    def dataset_path(self) -> Path:
        """The merged Zarr dataset (a symlink to its current version)."""
        return self.output / "cad_dataset.zarr"

    @property
    def infoset_path(self) -> Path:
        return self.output / "tables" / "cad_infoset.parquet"

    @property
    def splits_dir(self) -> Path:
        return self.output / "splits"

    def split_path(self, name: str) -> Path:
        """``<output>/splits/<name>.json``."""
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"a split name must be a plain file name, not {name!r}")
        return self.splits_dir / f"{name}.json"

    def open(self) -> zarr.Group:
        """The dataset, read-only, pinned to the version published now."""
        return open_dataset(self.dataset_path)

    def infoset(self) -> pd.DataFrame:
        """``cad_infoset``: one row per file of the dataset, ordered by ``file_id``."""
        return read_table(self.infoset_path).sort_values("file_id", ignore_index=True)
