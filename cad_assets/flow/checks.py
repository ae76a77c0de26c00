"""Definition-time checks: everything a run would otherwise discover file by file."""

import importlib
from collections.abc import Sequence

from cad_assets.flow.tasks import DatasetTask, EncoderTask, FlowDefinitionError
from cad_assets.schema import GroupSpec, MetadataSpec, Schema

#: Assets of the pipeline itself: dataset tasks may read these (and each other's outputs).
PIPELINE_ASSETS = ("cad_files", "cad_errors", "cad_infoset", "cad_attribset", "cad_dataset")
RESERVED_NAMES = (*PIPELINE_ASSETS, "cad_encodings", "cad_run_summary")


def combine_schemas(encoders: Sequence[EncoderTask], extra: Sequence[MetadataSpec]) -> Schema:
    """One schema from every encoder's: groups of the same name are joined (their arrays must
    share a base dimension); an array or metadata field declared twice is an error."""
    groups: dict[str, GroupSpec] = {}
    owner: dict[str, str] = {spec.name: "the pipeline" for spec in extra}
    metadata = list(extra)
    for task in encoders:
        schema = task.declared_schema()
        for group in schema.groups:
            joined = groups.setdefault(group.name, GroupSpec(group.name, group.base_dim, group.description))
            if joined.base_dim != group.base_dim:
                raise FlowDefinitionError(
                    f"encoder {task.name!r} declares group {group.name!r} over "
                    f"{group.base_dim!r}, but {owner[group.name]!r} over {joined.base_dim!r}"
                )
            owner.setdefault(group.name, task.name)
            for array in group.arrays:
                _claim(owner, f"{group.name}/{array.name}", task.name)
            groups[group.name] = GroupSpec(joined.name, joined.base_dim, joined.description,
                                           joined.arrays + group.arrays)
        for spec in schema.metadata:
            _claim(owner, spec.name, task.name)
            metadata.append(spec)
    return Schema("cad_assets", "1", tuple(groups.values()), tuple(metadata))


def _claim(owner: dict[str, str], output: str, task: str) -> None:
    if output in owner:
        raise FlowDefinitionError(
            f"{output!r} is produced by both {owner[output]!r} and {task!r}; "
            "rename one, or leave it to one encoder"
        )
    owner[output] = task


def check_encoders(encoders: Sequence[EncoderTask], in_process: bool) -> None:
    if not encoders:
        raise FlowDefinitionError("a pipeline needs at least one encoder")
    names = [task.name for task in encoders]
    if len(set(names)) < len(names):
        raise FlowDefinitionError(f"encoder names must be unique, got {names}")
    if not in_process:
        for task in encoders:
            check_importable(task)


def check_importable(task: EncoderTask) -> None:
    """Workers import an encoder by ``module:qualified name``; make sure that leads to it."""
    function = task.function
    if function.__module__ == "__main__":
        reason = "it is defined in __main__ (a notebook, or the script being run)"
    elif "<locals>" in function.__qualname__:
        reason = "it is defined inside another function"
    else:
        try:
            found = resolve_task(task.reference)
            reason = "" if found.function is function else f"{task.reference} is another encoder"
        except (ImportError, AttributeError, TypeError) as error:
            reason = f"{task.reference} cannot be imported ({error})"
    if reason:
        raise FlowDefinitionError(
            f"encoder {task.name!r} cannot run in the worker pool: {reason}. Worker processes "
            f"import encoders by module path, so define it at the top level of a .py module "
            "they can import (an installed package, or a folder on PYTHONPATH such as the "
            "workspace's working_directory); or build the definitions with debug=True, which "
            "runs every file in this process."
        )


def resolve_task(reference: str) -> EncoderTask:
    """The encoder that ``module:qualified name`` names, imported as a worker imports it."""
    module, _, qualname = reference.partition(":")
    found = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not isinstance(found, EncoderTask):
        raise TypeError(f"{reference} is not an @encoder-decorated function")
    return found


def check_dataset_tasks(tasks: Sequence[DatasetTask]) -> list[DatasetTask]:
    """Unique outputs, inputs that something produces, no cycles; returns the tasks in an
    order where each comes after the tasks it reads."""
    by_name: dict[str, DatasetTask] = {}
    for task in tasks:
        if task.name in RESERVED_NAMES:
            raise FlowDefinitionError(f"dataset task {task.name!r} would replace the pipeline's "
                                      f"own asset of that name; choose another name")
        if task.name in by_name:
            raise FlowDefinitionError(f"two dataset tasks produce {task.name!r}")
        by_name[task.name] = task
    for task in tasks:
        for parameter, asset in task.inputs.items():
            if asset not in PIPELINE_ASSETS and asset not in by_name:
                raise FlowDefinitionError(
                    f"dataset task {task.name!r} needs input {asset!r} (parameter "
                    f"{parameter!r}), which nothing produces; available: "
                    f"{sorted({*PIPELINE_ASSETS, *by_name} - {task.name})}"
                )
    ordered: list[DatasetTask] = []
    while len(ordered) < len(tasks):
        ready = [t for t in tasks if t not in ordered and all(
            a in PIPELINE_ASSETS or by_name[a] in ordered for a in t.inputs.values())]
        if not ready:
            cycle = sorted(t.name for t in tasks if t not in ordered)
            raise FlowDefinitionError(f"dataset tasks {cycle} read each other in a cycle")
        ordered += ready
    return ordered
