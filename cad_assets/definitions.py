"""The Dagster code location: ``dagster dev`` and ``dagster job execute -m cad_assets.definitions``."""

import dagster as dg

from cad_assets.defs.assets.attribset import cad_attribset
from cad_assets.defs.assets.dataset import cad_dataset, cad_infoset
from cad_assets.defs.assets.encodings import encode_cad_files
from cad_assets.defs.assets.files import cad_files
from cad_assets.defs.assets.summary import cad_run_summary
from cad_assets.defs.io_managers import DatasetIOManager, EncodingsIOManager, ParquetIOManager
from cad_assets.defs.jobs import build_dataset, retry_failed_files
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.defs.sensors import cad_drop_folder_sensor


def build_definitions(settings: CadPipelineSettings) -> dg.Definitions:
    """Definitions for ``settings``; tests build them on temporary folders."""
    return dg.Definitions(
        assets=[cad_files, encode_cad_files, cad_infoset, cad_dataset, cad_attribset, cad_run_summary],
        jobs=[build_dataset, retry_failed_files],
        sensors=[cad_drop_folder_sensor],
        resources={
            "settings": settings,
            "table_io_manager": ParquetIOManager(settings=settings),
            "encodings_io_manager": EncodingsIOManager(settings=settings),
            "dataset_io_manager": DatasetIOManager(settings=settings),
        },
        # The heavy work runs in the step's own crash-isolated worker pool; a process per step
        # would only add start-up time. Distributed deployments swap in their executor here.
        executor=dg.in_process_executor,
    )


defs = build_definitions(CadPipelineSettings.from_env())
