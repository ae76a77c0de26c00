"""The three kinds of user task, as decorators over plain functions (HOOPS AI's ``@flowtask``).

- ``@gather``: the configured source folders -> the CAD files to process.
- ``@encoder(version=..., schema=...)``: one file -> arrays and metadata in its store; runs in
  the crash-isolated worker pool, with ``cad_file``, ``cad_model``, ``cad_loader``, ``storage``
  and ``options`` injected by parameter name.
- ``@dataset_task``: the merged dataset or the tables -> a table or a JSON-able value; its
  parameters name the assets it reads.

Decorating only records what the function is; :func:`cad_assets.flow.build_definitions` checks
the whole set and turns it into Dagster assets. Plain Python: no CAD kernel, no Dagster.
"""

import dataclasses
import inspect
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from cad_assets.schema import Schema

#: What the framework injects into an encoder, by parameter name.
ENCODER_INPUTS = ("cad_file", "cad_model", "cad_loader", "storage", "options")
#: The inputs that need the CAD kernel loaded in the worker.
KERNEL_INPUTS = frozenset({"cad_model", "cad_loader"})
#: What the framework injects into a gather task, by parameter name.
GATHER_INPUTS = ("sources", "settings")
#: What the framework injects into a dataset task besides its input assets.
DATASET_TASK_EXTRAS = ("output_dir",)


class FlowDefinitionError(ValueError):
    """The tasks do not form a valid pipeline; raised when definitions load, before any run."""


@dataclass(frozen=True)
class GatherTask:
    """``function(sources: list[Path], settings) -> iterable of paths`` (or ``DiscoveredFile``);
    ``settings`` (the pipeline's settings resource) is passed when the function asks for it."""

    name: str
    function: Callable = field(repr=False)

    def gather(self, sources, settings) -> list:
        available = {"sources": sources, "settings": settings}
        wanted = inspect.signature(self.function).parameters
        return list(self.function(**{name: available[name] for name in wanted}))

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)


@dataclass(frozen=True)
class EncoderTask:
    """A per-file encode function, its version, the schema of what it saves, and its options.

    ``schema`` is a :class:`Schema` or a function of the options returning one. ``options`` is
    plain JSON, passed to the function as ``options`` and hashed into the encodings' version.
    """

    name: str
    function: Callable = field(repr=False)
    version: str
    schema: Schema | Callable[[dict], Schema] = field(repr=False)
    options_json: str = "{}"
    description: str = ""

    # Cached: workers ask for these for every file.
    @cached_property
    def options(self) -> dict:
        return json.loads(self.options_json)

    @cached_property
    def inputs(self) -> tuple[str, ...]:
        return tuple(inspect.signature(self.function).parameters)

    @property
    def reads_cad_models(self) -> bool:
        """The encoder asks for ``cad_model`` or ``cad_loader``: the worker needs the kernel."""
        return bool(KERNEL_INPUTS & set(self.inputs))

    @property
    def reference(self) -> str:
        """``module:qualified name``: how a worker process finds the function."""
        return f"{self.function.__module__}:{self.function.__qualname__}"

    def with_options(self, **options) -> "EncoderTask":
        """The same encoder with ``options`` merged into its own."""
        merged = {**self.options, **options}
        return dataclasses.replace(self, options_json=json.dumps(merged, sort_keys=True))

    def declared_schema(self) -> Schema:
        return self.schema(self.options) if callable(self.schema) else self.schema

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)


@dataclass(frozen=True)
class DatasetTask:
    """A function over the merged dataset or tables, materialized as the asset ``name``.

    ``inputs`` maps each parameter to the asset it reads (by default the parameter's name).
    """

    name: str
    function: Callable = field(repr=False)
    inputs: Mapping[str, str] = field(default_factory=dict)
    description: str = ""

    @property
    def wants_output_dir(self) -> bool:
        return "output_dir" in inspect.signature(self.function).parameters

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)


def gather(function: Callable | None = None, *, name: str | None = None):
    """Mark ``function(sources)`` as the pipeline's file gatherer: it gets the configured source
    folders (``list[Path]``) and returns the CAD files to process, each under one of them."""

    def decorate(f: Callable) -> GatherTask:
        unknown = [p for p in inspect.signature(f).parameters if p not in GATHER_INPUTS]
        if unknown:
            raise FlowDefinitionError(f"gather task {name or f.__name__!r} asks for {unknown}; "
                                      f"gather tasks may ask for {list(GATHER_INPUTS)}")
        return GatherTask(name or f.__name__, f)

    return decorate(function) if function else decorate


def encoder(
    *,
    version: str,
    schema: Schema | Callable[[dict], Schema],
    name: str | None = None,
    options: Mapping | None = None,
    description: str | None = None,
):
    """Mark ``function(cad_file, cad_model, storage, ...)`` as a per-file encoder.

    Its parameters are injected by name, from :data:`ENCODER_INPUTS`. It saves arrays with
    ``storage.save_data("group/array", values)`` and scalars with ``storage.save_metadata``,
    all declared in ``schema``. Returning :data:`SKIP` (or ``Skip("why")``), or returning
    without saving anything, skips the file: it is recorded as skipped, not failed.
    Raising fails the file, with this encoder's name on the error.
    """

    def decorate(f: Callable) -> EncoderTask:
        task = EncoderTask(
            name or f.__name__, f, str(version), schema,
            json.dumps(dict(options or {}), sort_keys=True),
            description if description is not None else inspect.getdoc(f) or "",
        )
        unknown = [p for p in task.inputs if p not in ENCODER_INPUTS]
        if unknown:
            raise FlowDefinitionError(
                f"encoder {task.name!r} asks for {unknown}, which nothing provides; "
                f"encoders may ask for {list(ENCODER_INPUTS)}"
            )
        return task

    return decorate


def dataset_task(
    function: Callable | None = None,
    *,
    name: str | None = None,
    inputs: Mapping[str, str] | None = None,
    description: str | None = None,
):
    """Mark ``function(cad_dataset, cad_infoset, ...)`` as a dataset-level task.

    Each parameter reads the asset of the same name (``cad_dataset``: the merged Zarr group;
    ``cad_infoset``, ``cad_attribset``, ``cad_errors``, ``cad_files``: DataFrames; or another
    task's output), unless ``inputs`` maps it to another asset. ``output_dir`` is a folder of
    the task's own for files it writes. A returned DataFrame is stored as Parquet, anything
    else as JSON.
    """

    def decorate(f: Callable) -> DatasetTask:
        parameters = [p for p in inspect.signature(f).parameters if p not in DATASET_TASK_EXTRAS]
        resolved = {p: (inputs or {}).get(p, p) for p in parameters}
        undeclared = set(inputs or {}) - set(parameters)
        if undeclared:
            raise FlowDefinitionError(
                f"dataset task {name or f.__name__!r} maps {sorted(undeclared)} in inputs, "
                "but has no such parameters"
            )
        return DatasetTask(
            name or f.__name__, f, resolved,
            description if description is not None else inspect.getdoc(f) or "",
        )

    return decorate(function) if function else decorate


@dataclass(frozen=True)
class Skip:
    """Returned by an encoder: this file is left out of the dataset, for ``reason``."""

    reason: str = ""


#: ``return SKIP`` from an encoder to leave a file out without giving a reason.
SKIP = Skip()
