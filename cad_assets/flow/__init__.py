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

To try encoders on one file without a Dagster run: ``flow.try_encode("part.step",
[hole_count])`` (or ``cad-assets encode part.step --encoder my_project.tasks:hole_count``).
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
    "TrialEncoding",
    "build_definitions",
    "dataset_task",
    "encoder",
    "gather",
    "try_encode",
]

#: Imported on first use: what they need (zarr, the CAD kernel) only loads then.
_LAZY = {
    "build_definitions": "cad_assets.defs.definitions",
    "try_encode": "cad_assets.flow.trial",
    "TrialEncoding": "cad_assets.flow.trial",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
