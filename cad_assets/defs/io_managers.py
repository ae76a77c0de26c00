"""IO managers: Parquet for tables, what dataset tasks return, and loading the merged dataset."""

import json
from pathlib import Path

import dagster as dg
import pandas as pd

from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.storage import atomic_write_path, open_dataset, read_table, write_table


class ParquetIOManager(dg.ConfigurableIOManager):
    """Stores a DataFrame asset at ``<output>/tables/<asset key>.parquet``, atomically."""

    settings: dg.ResourceDependency[CadPipelineSettings]

    def _get_path(self, context: dg.InputContext | dg.OutputContext) -> Path:
        return self.settings.layout.table(_name(context.asset_key))

    def handle_output(self, context: dg.OutputContext, table: pd.DataFrame) -> None:
        path = self._get_path(context)
        write_table(table, path)
        context.add_output_metadata(
            {"path": dg.MetadataValue.path(str(path)), "dagster/row_count": len(table)}
        )

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        return read_table(self._get_path(context))


class TaskOutputIOManager(dg.ConfigurableIOManager):
    """What a dataset task returns: a DataFrame as ``<output>/tables/<name>.parquet`` (beside
    the pipeline's tables), anything else as ``<output>/tasks/<name>.json``."""

    settings: dg.ResourceDependency[CadPipelineSettings]

    def _get_path(self, context: dg.InputContext | dg.OutputContext, table: bool) -> Path:
        layout, name = self.settings.layout, _name(context.asset_key)
        return layout.table(name) if table else layout.tasks / f"{name}.json"

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


class DatasetIOManager(dg.ConfigurableIOManager):
    """Opens the merged dataset for the assets that read it, pinned to the version published
    now. ``cad_dataset`` writes and publishes the dataset itself (it returns a
    ``MaterializeResult``), so nothing is ever handed to this IO manager to store."""

    settings: dg.ResourceDependency[CadPipelineSettings]

    def handle_output(self, context: dg.OutputContext, obj: object) -> None:
        raise dg.DagsterInvariantViolationError(
            "cad_dataset publishes the dataset itself; return a MaterializeResult"
        )

    def load_input(self, context: dg.InputContext):
        return open_dataset(self.settings.layout.dataset)


def _name(asset_key: dg.AssetKey) -> str:
    return "__".join(asset_key.path)
