"""Dataset-level tasks (``@flow.dataset_task``) as assets downstream of the merge."""

from pathlib import Path

import dagster as dg

from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.flow import DatasetTask

#: The group of user dataset tasks; ``build_dataset`` materializes it with the pipeline's own.
TASKS_GROUP = "dataset_tasks"


def build_dataset_task_asset(task: DatasetTask) -> dg.AssetsDefinition:
    """The asset ``task.name``: reads its inputs through their IO managers, calls the task,
    and stores what it returns through ``task_io_manager`` (Parquet or JSON)."""
    ins = {parameter: dg.AssetIn(key=asset) for parameter, asset in task.inputs.items()}

    @dg.asset(
        name=task.name,
        ins=ins,
        io_manager_key="task_io_manager",
        group_name=TASKS_GROUP,
        description=task.description or None,
        code_version=task.version or None,
        metadata={"function": f"{task.function.__module__}.{task.function.__qualname__}"},
    )
    def run_task(settings: CadPipelineSettings, **inputs):
        if task.wants_output_dir:
            inputs["output_dir"] = _task_folder(settings, task.name)
        return task.function(**inputs)

    return run_task


def _task_folder(settings: CadPipelineSettings, name: str) -> Path:
    folder = settings.layout.tasks / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
