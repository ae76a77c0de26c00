"""Customise the pipeline with decorated Python functions (HOOPS AI's ``@flowtask``).

A project is a short module::

    from cad_assets import flow
    from cad_assets.builtin import default_encoders

    @flow.encoder(version="1", schema=my_schema)
    def hole_count(cad_model, storage):
        storage.save_metadata("n_holes", count_holes(cad_model.brep))

    @flow.dataset_task
    def face_statistics(cad_dataset, cad_infoset) -> pd.DataFrame: ...

    defs = flow.build_definitions(
        encoders=[*default_encoders(), hole_count], dataset_tasks=[face_statistics]
    )

Everything here is plain Python; :func:`build_definitions` (Dagster) is imported on first use,
so the worker processes that import a user's encoders never load Dagster.
"""

import importlib

from cad_assets.encoding.request import CadFile
from cad_assets.flow.pipeline import Pipeline
from cad_assets.flow.storage import FileStorage
from cad_assets.flow.tasks import (
    SKIP,
    DatasetTask,
    EncoderTask,
    FlowDefinitionError,
    GatherTask,
    Skip,
    dataset_task,
    encoder,
    gather,
)

__all__ = [
    "SKIP",
    "CadFile",
    "DatasetTask",
    "EncoderTask",
    "FileStorage",
    "FlowDefinitionError",
    "GatherTask",
    "Pipeline",
    "Skip",
    "build_definitions",
    "dataset_task",
    "encoder",
    "gather",
]


def __getattr__(name: str):
    if name == "build_definitions":
        return importlib.import_module("cad_assets.defs.definitions").build_definitions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
