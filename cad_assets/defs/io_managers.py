"""IO managers: Parquet for tables, Zarr for per-file encodings and for the merged dataset."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd

from cad_assets.charts import dataset_charts
from cad_assets.defs.metadata import png_metadata
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.storage import (
    EncodingArtifact,
    EncodingsLayout,
    atomic_write_path,
    merge_file_stores,
    open_dataset,
    read_table,
    write_table,
)


class ParquetIOManager(dg.ConfigurableIOManager):
    """Stores a DataFrame asset at ``<output>/tables/<asset key>.parquet``, atomically."""

    settings: dg.ResourceDependency[CadPipelineSettings]

    def _get_path(self, context: dg.InputContext | dg.OutputContext) -> Path:
        return table_path(self.settings, context.asset_key)

    def handle_output(self, context: dg.OutputContext, table: pd.DataFrame) -> None:
        path = self._get_path(context)
        write_table(table, path)
        context.add_output_metadata(
            {"path": dg.MetadataValue.path(str(path)), "dagster/row_count": len(table)}
        )

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        return read_table(self._get_path(context))


def table_path(settings: CadPipelineSettings, asset_key: dg.AssetKey) -> Path:
    """Where the table asset ``asset_key`` lives; also read directly to reuse earlier hashes."""
    return settings.tables_dir / f"{'__'.join(asset_key.path)}.parquet"


class TaskOutputIOManager(dg.ConfigurableIOManager):
    """What a dataset task returns: a DataFrame as ``<output>/tables/<name>.parquet`` (beside
    the pipeline's tables), anything else as ``<output>/tasks/<name>.json``."""

    settings: dg.ResourceDependency[CadPipelineSettings]

    def _get_path(self, context: dg.InputContext | dg.OutputContext, table: bool) -> Path:
        if table:
            return table_path(self.settings, context.asset_key)
        return self.settings.output_path / "tasks" / f"{'__'.join(context.asset_key.path)}.json"

    def handle_output(self, context: dg.OutputContext, value) -> None:
        table = isinstance(value, pd.DataFrame)
        path = self._get_path(context, table)
        if table:
            write_table(value, path)
        else:
            with atomic_write_path(path) as temp:
                temp.write_text(json.dumps(value, indent=1, default=str))
        context.add_output_metadata({"path": dg.MetadataValue.path(str(path))})

    def load_input(self, context: dg.InputContext):
        path = self._get_path(context, table=True)
        if path.exists():
            return read_table(path)
        return json.loads(self._get_path(context, table=False).read_text())


class EncodingsIOManager(dg.ConfigurableIOManager):
    """Per-file Zarr stores of ``cad_encodings`` under ``<output>/encodings``, one folder per
    partition (see :class:`cad_assets.storage.EncodingsLayout`).

    The encoding step writes through this IO manager's layout: it takes each store's path and
    failure-record path from it, and has the workers write the stores there (returning the
    arrays through the step would copy every array once more). Loading gives, for each
    requested partition, its encoded stores.
    """

    settings: dg.ResourceDependency[CadPipelineSettings]

    @property
    def layout(self) -> EncodingsLayout:
        return EncodingsLayout(self.settings.output_path / "encodings")

    def handle_output(self, context: dg.OutputContext, obj: object) -> None:
        raise dg.DagsterInvariantViolationError(
            "cad_encodings partitions are written by the worker pool, not returned as outputs"
        )

    def load_input(self, context: dg.InputContext) -> dict[str, list[EncodingArtifact]]:
        return {
            key: [a for a in self.layout.artifacts(key) if not a.is_failure]
            for key in context.asset_partition_keys
        }


@dataclass
class DatasetContents:
    """What ``cad_dataset`` hands its IO manager: the stores to merge, as ``(file_id, path)`` in
    file-id order, and the tables its charts are drawn from."""

    stores: Sequence[tuple[int, Path]]
    infoset: pd.DataFrame
    attribset: pd.DataFrame
    errors: pd.DataFrame | None = None


class DatasetIOManager(dg.ConfigurableIOManager):
    """The merged Zarr dataset at ``<output>/cad_dataset.zarr``.

    Writing merges the stores into a new version and publishes it with one atomic rename, so
    readers never see a partial merge; then the dataset's charts are drawn from the published
    version and shown as metadata.
    """

    settings: dg.ResourceDependency[CadPipelineSettings]

    def handle_output(self, context: dg.OutputContext, contents: DatasetContents) -> None:
        report = merge_file_stores(contents.stores, self.settings.dataset_path)
        charts = dataset_charts(open_dataset(report.version_path), contents.infoset, contents.attribset,
                                contents.errors)
        context.add_output_metadata(
            {
                "path": dg.MetadataValue.path(str(report.path)),
                "files": report.n_files,
                "merge_seconds": round(report.seconds, 3),
                "bytes_on_disk": report.bytes_on_disk,
                **{f"rows/{group}": rows for group, rows in report.rows.items()},
                **{f"chart/{name}": png_metadata(png, name) for name, png in charts.items()},
            }
        )

    def load_input(self, context: dg.InputContext):
        return open_dataset(self.settings.dataset_path)
