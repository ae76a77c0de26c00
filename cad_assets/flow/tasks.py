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

import ast
import dataclasses
import hashlib
import inspect
import io
import json
import textwrap
import tokenize
import warnings
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


#: Prefix of a version taken from a task's source code, and of the fallback from its bytecode.
SOURCE_VERSION_PREFIX = "source-"
BYTECODE_VERSION_PREFIX = "bytecode-"


def code_version(function: Callable, options_json: str = "{}") -> str:
    """The version of a task that declares none: ``source-`` and 12 hex digits of a hash of
    the function's own source code and its options.

    The source is the function from its ``def`` line on (decorators left out: their options
    count through ``options_json``), without its docstring, comments, blank lines or trailing
    spaces: editing what the function does changes the version, rewording a comment does not.
    Only the function's own code counts, not the helpers it calls (pin ``version=`` and bump it
    when those change). Where the source cannot be read (a function compiled without its
    ``.py`` file), the version is ``bytecode-`` and a hash of its compiled code, with a
    warning: that changes with the Python version, so pass ``version=`` to pin it.
    """
    try:
        text, prefix = _normalised_source(function), SOURCE_VERSION_PREFIX
    except (OSError, TypeError, SyntaxError, tokenize.TokenError) as error:
        code = getattr(function, "__code__", None)
        if code is None:
            raise FlowDefinitionError(
                f"{function!r} has neither source code nor bytecode to derive a version from; "
                "pass version=") from error
        warnings.warn(
            f"the source of {_qualified(function)} cannot be read "
            f"({error}); its version is a hash of its bytecode, which changes with the Python "
            "version: pass version= to pin it", stacklevel=3)
        text, prefix = _bytecode_text(code), BYTECODE_VERSION_PREFIX
    digest = hashlib.sha256(json.dumps([text, options_json]).encode()).hexdigest()
    return prefix + digest[:12]


def _normalised_source(function: Callable) -> str:
    lines, _ = inspect.getsourcelines(inspect.unwrap(function))
    source = textwrap.dedent("".join(lines))
    source_lines = source.splitlines()
    first, docstring = 1, set()
    try:
        node = ast.parse(source).body[0]
    except SyntaxError:  # a lambda inside a larger expression: its whole lines
        node = None
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        first = node.lineno  # the def line, after the decorators
        body = node.body[0]
        if (ast.get_docstring(node, clean=False) is not None and body.lineno > node.lineno
                and len(node.body) > 1):
            docstring = set(range(body.lineno, body.end_lineno + 1))
    # Cut each comment off its line (tokenize knows a "#" inside a string is not one).
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            row, column = token.start
            source_lines[row - 1] = source_lines[row - 1][:column]
    kept = [line.rstrip() for number, line in enumerate(source_lines, 1)
            if number >= first and number not in docstring]
    return "\n".join(line for line in kept if line)


def _qualified(function: Callable) -> str:
    module = getattr(function, "__module__", None)
    return f"{module}.{function.__qualname__}" if module else function.__qualname__


def _bytecode_text(code) -> str:
    consts = [_bytecode_text(c) if inspect.iscode(c) else repr(c) for c in code.co_consts]
    return json.dumps([code.co_code.hex(), consts, list(code.co_names)])


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
    ``version`` is the declared one when ``pinned``, else :func:`code_version` of the function
    and its options (it follows the code, and :meth:`with_options`).
    """

    name: str
    function: Callable = field(repr=False)
    version: str
    schema: Schema | Callable[[dict], Schema] = field(repr=False)
    options_json: str = "{}"
    description: str = ""
    pinned: bool = True

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
        merged = json.dumps({**self.options, **options}, sort_keys=True)
        version = self.version if self.pinned else code_version(self.function, merged)
        return dataclasses.replace(self, options_json=merged, version=version)

    def declared_schema(self) -> Schema:
        return self.schema(self.options) if callable(self.schema) else self.schema

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)


@dataclass(frozen=True)
class DatasetTask:
    """A function over the merged dataset or tables, materialized as the asset ``name``.

    ``inputs`` maps each parameter to the asset it reads (by default the parameter's name).
    ``version`` (the asset's code version) is the declared one, or :func:`code_version` of the
    function.
    """

    name: str
    function: Callable = field(repr=False)
    inputs: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    version: str = ""

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
    schema: Schema | Callable[[dict], Schema],
    version: str | None = None,
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

    ``version`` defaults to a hash of the function's source code and options
    (:func:`code_version`): editing the function re-encodes the files, and retries those that
    failed or were skipped. Pass ``version=`` to pin it, and bump it yourself (when the helpers
    it calls change, or to keep the encodings through a refactoring).
    """

    def decorate(f: Callable) -> EncoderTask:
        options_json = json.dumps(dict(options or {}), sort_keys=True)
        task = EncoderTask(
            name or f.__name__, f,
            code_version(f, options_json) if version is None else str(version), schema,
            options_json,
            description if description is not None else inspect.getdoc(f) or "",
            pinned=version is not None,
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
    version: str | None = None,
):
    """Mark ``function(cad_dataset, cad_infoset, ...)`` as a dataset-level task.

    Each parameter reads the asset of the same name (``cad_dataset``: the merged Zarr group;
    ``cad_infoset``, ``cad_attribset``, ``cad_errors``, ``cad_files``: DataFrames; or another
    task's output), unless ``inputs`` maps it to another asset. ``output_dir`` is a folder of
    the task's own for files it writes. A returned DataFrame is stored as Parquet, anything
    else as JSON. ``version`` (the asset's code version, which Dagster compares to tell a
    stale output) defaults to a hash of the function's source code (:func:`code_version`).
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
            code_version(f) if version is None else str(version),
        )

    return decorate(function) if function else decorate


@dataclass(frozen=True)
class Skip:
    """Returned by an encoder: this file is left out of the dataset, for ``reason``."""

    reason: str = ""


#: ``return SKIP`` from an encoder to leave a file out without giving a reason.
SKIP = Skip()
