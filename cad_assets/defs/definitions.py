"""One call from tasks to Dagster definitions: :func:`build_definitions`."""

from collections.abc import Sequence

import dagster as dg

from cad_assets.defs.assets.attribset import cad_attribset
from cad_assets.defs.assets.dataset import cad_dataset, cad_infoset
from cad_assets.defs.assets.encodings import build_encode_assets
from cad_assets.defs.assets.files import cad_files
from cad_assets.defs.assets.summary import cad_run_summary
from cad_assets.defs.assets.tasks import build_dataset_task_asset
from cad_assets.defs.checks import CHECKS
from cad_assets.defs.io_managers import DatasetIOManager, ParquetIOManager, TaskOutputIOManager
from cad_assets.defs.jobs import build_dataset, retry_failed_files
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.defs.sensors import cad_drop_folder_sensor
from cad_assets.flow import DatasetTask, EncoderTask, GatherTask, Pipeline


def build_definitions(
    encoders: Sequence[EncoderTask] | None = None,
    gather: GatherTask | None = None,
    dataset_tasks: Sequence[DatasetTask] = (),
    settings: CadPipelineSettings | None = None,
    debug: bool = False,
) -> dg.Definitions:
    """The assets, jobs, sensor and resources of a pipeline made of these tasks.

    Parameters
    ----------
    encoders
        Run in this order on every file; default :func:`cad_assets.builtin.default_encoders`
        (include those in your list to keep the built-in features).
    gather
        Finds the files; default the built-in ``discover``.
    dataset_tasks
        Each becomes an asset downstream of the merge, materialized by ``build_dataset``.
    settings
        Default :meth:`CadPipelineSettings.from_env` (the ``CAD_ASSETS_*`` variables).
    debug
        Encode files one by one in the Dagster process (breakpoints work in your encoders;
        a crashing file takes the run down), and accept encoders defined in ``__main__``.

    Raises
    ------
    FlowDefinitionError
        When the tasks do not fit together (see :meth:`Pipeline.create`), before any run.
    """
    from cad_assets.builtin import default_encoders, discover

    pipeline = Pipeline.create(
        gather or discover,
        default_encoders() if encoders is None else encoders,
        dataset_tasks,
        debug,
    )
    settings = settings or CadPipelineSettings.from_env()
    return dg.Definitions(
        assets=[
            cad_files, build_encode_assets(pipeline), cad_infoset, cad_dataset, cad_attribset,
            cad_run_summary, *map(build_dataset_task_asset, pipeline.dataset_tasks),
        ],
        # Row counts and schema of cad_infoset and cad_dataset (defs/checks.py), run with them.
        asset_checks=CHECKS,
        jobs=[build_dataset, retry_failed_files],
        sensors=[cad_drop_folder_sensor],
        resources={
            "settings": settings,
            "cad_pipeline": pipeline,
            "table_io_manager": ParquetIOManager(settings=settings),
            "dataset_io_manager": DatasetIOManager(settings=settings),
            "task_io_manager": TaskOutputIOManager(settings=settings),
        },
        # The heavy work runs in the step's own crash-isolated worker pool; a process per step
        # would only add start-up time. Distributed deployments swap in their executor here.
        executor=dg.in_process_executor,
    )
