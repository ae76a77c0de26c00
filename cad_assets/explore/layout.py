"""Where an output folder keeps the dataset and its tables (see the README's table)."""

from dataclasses import dataclass
from pathlib import Path

DATASET_NAME = "cad_dataset.zarr"


@dataclass(frozen=True)
class OutputLayout:
    """Paths of one pipeline output folder.

    Attributes
    ----------
    dataset : Path
        ``<output>/cad_dataset.zarr``, the merged Zarr dataset (a link to its current version).
    infoset, attribset : Path
        ``<output>/tables/cad_infoset.parquet`` and ``cad_attribset.parquet``.
    summary : Path
        ``<output>/summary.json``.
    """

    dataset: Path
    infoset: Path
    attribset: Path
    summary: Path

    @classmethod
    def of(cls, path: Path | str) -> "OutputLayout":
        """The layout of an output folder, or of the folder holding a dataset given directly.

        Parameters
        ----------
        path
            An output folder, or a ``*.zarr`` dataset inside one (its tables are then looked
            for in the dataset's folder).

        Raises
        ------
        FileNotFoundError
            If there is no dataset at the resolved place (a build has not run there yet).
        """
        path = Path(path).expanduser()
        output = path.parent if path.suffix == ".zarr" else path
        dataset = path if path.suffix == ".zarr" else path / DATASET_NAME
        if not dataset.exists():
            raise FileNotFoundError(
                f"no dataset at {dataset}: run build_dataset first (make demo) or pass --output"
            )
        tables = output / "tables"
        return cls(
            dataset=dataset,
            infoset=tables / "cad_infoset.parquet",
            attribset=tables / "cad_attribset.parquet",
            summary=output / "summary.json",
        )
