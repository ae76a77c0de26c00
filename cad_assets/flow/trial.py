"""Run a pipeline's encoders on one CAD file in this process: no Dagster run, no worker pool.

For developing an encoder: ``cad-assets encode PATH`` (or :func:`try_encode` in a notebook or a
test) reads the file once, runs the encoders in order as a worker does, and checks what they
saved with the checks the workers apply (each ``storage.save_data`` against the encoder's
schema, then :func:`cad_assets.schema.validate_groups` over the pipeline's joined schema, and
the metadata's JSON form), then shows every array and metadata field, or the error with its
traceback.

Which encoders run: the ones given, else the project's pipeline, found as Dagster finds it:
``module`` (a definitions module made with :func:`cad_assets.flow.build_definitions`), else
the first ``python_module`` of ``workspace.yaml`` in the current folder, else the built-in
pipeline (:func:`cad_assets.builtin.default_encoders`, with ``CAD_ASSETS_ENCODER_OPTIONS``).

Unlike the worker pool this runs in the caller's process: a file that crashes OpenCascade
takes the process down, and there is no time or memory limit.
"""

import dataclasses
import json
import os
import sys
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np

from cad_assets.encoding.request import CadFile, SkippedFile
from cad_assets.encoding.task import run_encoder_tasks
from cad_assets.flow.checks import check_importable, resolve_task
from cad_assets.flow.pipeline import Pipeline
from cad_assets.flow.tasks import EncoderTask, FlowDefinitionError
from cad_assets.schema import Schema, SchemaViolation, validate_groups
from cad_assets.sources import partition_key, root_labels, sha256_of
from cad_assets.sources.discovery import CAD_FORMATS
from cad_assets.storage import json_metadata

#: The code location of the built-in pipeline: the same as no module at all.
BUILTIN_MODULE = "cad_assets.definitions"


@dataclass(frozen=True)
class TrialError:
    """Why a trial failed.

    Attributes
    ----------
    stage : str
        ``read`` (the file is not usable CAD), ``encoder`` (an encoder raised, including a
        ``SchemaViolation`` from ``storage.save_data``), or ``schema`` (the arrays of all the
        encoders together do not match the pipeline's schema, as a worker would find).
    type, message, traceback : str
        As ``cad_errors`` would hold them (``message`` names the encoder for ``encoder``).
    encoder : str
        The encoder that raised, ``''`` for the other stages.
    exception : Exception
        The exception itself (``raise result.error.exception`` to debug it).
    """

    stage: str
    type: str
    message: str
    traceback: str
    encoder: str = ""
    exception: BaseException | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, stage: str, error: BaseException, encoder: str = "") -> "TrialError":
        message = str(error) or repr(error)
        tb = error.__traceback__
        if encoder:  # worded as the worker words it (cad_assets.encoding.task)
            message = f"in encoder {encoder!r}: {message}"
            tb = tb.tb_next or tb  # from the encoder's own frame on
        text = "".join(traceback.format_exception(type(error), error, tb))
        return cls(stage, type(error).__name__, message, text, encoder, error)

    @property
    def detail(self) -> str:
        """The message without the encoder's name."""
        prefix = f"in encoder {self.encoder!r}: "
        return self.message[len(prefix):] if self.encoder else self.message


@dataclass
class TrialEncoding:
    """What the encoders made of one file (or why they could not).

    Attributes
    ----------
    path : pathlib.Path
    cad_file : CadFile
        What the encoders got as ``cad_file`` (the partition key a build would give the file
        when it lies under a configured source folder).
    pipeline : Pipeline
        The encoders that ran, with the joined ``schema`` and the ``version`` a build would
        write into the file's store name (``encoding_version``).
    source : str
        Where the encoders came from (``built-in``, ``module x.definitions``, ``--encoder``).
    groups : dict[str, dict[str, numpy.ndarray]]
        ``{group: {array: values}}`` as a worker would store them (cast to the declared dtypes).
    metadata : dict
        The file-level fields the encoders saved.
    files : dict[str, bytes]
        Whole files saved with ``storage.save_file`` (``preview.png``).
    seconds : dict[str, float]
        ``read`` (the file into ``cad_model``), then each encoder that ran.
    cad_model : CadModel or None
        The model the encoders got, to look at in a notebook (``None`` if no encoder asks for
        one, or the file could not be read).
    skipped : SkippedFile or None
        An encoder skipped the file: a build leaves it out of the dataset (later encoders
        did not run).
    error : TrialError or None
    notes : list[str]
        Warnings that do not fail the trial, e.g. an encoder the worker pool could not import.
    """

    path: Path
    cad_file: CadFile
    pipeline: Pipeline
    source: str
    groups: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    cad_model: object = field(default=None, repr=False)
    skipped: SkippedFile | None = None
    error: TrialError | None = None
    notes: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No error (a skipped file is not an error)."""
        return self.error is None

    @property
    def arrays(self) -> dict[str, np.ndarray]:
        """``{"group/array": values}``, in the order they were saved."""
        return {f"{g}/{name}": a for g, named in self.groups.items() for name, a in named.items()}

    def __getitem__(self, path: str) -> np.ndarray:
        group, _, name = path.partition("/")
        return self.groups[group][name]

    @property
    def schema(self) -> Schema:
        return self.pipeline.schema

    def raise_error(self) -> "TrialEncoding":
        """Re-raise the error of a failed trial (for a debugger); return ``self`` otherwise."""
        if self.error is not None:
            raise self.error.exception
        return self

    def report(self, head: int = 5) -> str:
        """What ``cad-assets encode`` prints: the file, the encoders, every array (name,
        shape, dtype, first ``head`` values) and metadata field, files, and the outcome."""
        return render_trial(self, head)


# --- which encoders ---------------------------------------------------------------------


def builtin_encoders(options: Mapping | None = None) -> list[EncoderTask]:
    """:func:`cad_assets.builtin.default_encoders` with ``CAD_ASSETS_ENCODER_OPTIONS`` and then
    ``options`` (its switches: ``EncodeOptions`` fields, ``face_labels``, ``preview``)."""
    from cad_assets.builtin import default_encoders

    try:
        configured = json.loads(os.environ.get("CAD_ASSETS_ENCODER_OPTIONS") or "{}")
    except json.JSONDecodeError as error:
        raise FlowDefinitionError(f"CAD_ASSETS_ENCODER_OPTIONS is not JSON: {error}") from error
    return default_encoders({**configured, **(options or {})})


def workspace_module(folder: Path) -> tuple[str, Path] | None:
    """The first ``python_module`` of ``folder/workspace.yaml`` and its working directory."""
    workspace = folder / "workspace.yaml"
    if not workspace.is_file():
        return None
    import yaml

    for location in (yaml.safe_load(workspace.read_text()) or {}).get("load_from") or []:
        entry = (location or {}).get("python_module")
        if isinstance(entry, str):
            return entry, folder
        if isinstance(entry, Mapping) and entry.get("module_name"):
            return entry["module_name"], folder / entry.get("working_directory", ".")
    return None


def project_pipeline(module: str | None = None, folder: Path | None = None):
    """``(encoders, source, source roots)`` of the project's pipeline: ``module``'s
    definitions, else those ``folder/workspace.yaml`` (default: the current folder) names,
    else the built-in pipeline (``None`` encoders: see :func:`builtin_encoders`).

    Raises
    ------
    FlowDefinitionError
        If the module does not hold definitions made by ``flow.build_definitions``.
    """
    roots = _env_source_roots()
    source = f"module {module}"
    if module is None:
        found = workspace_module(Path.cwd() if folder is None else folder)
        if found is None:
            return None, "built-in (no workspace.yaml here)", roots
        module, working_directory = found
        source = f"module {module} (workspace.yaml)"
        if str(working_directory) not in sys.path:
            sys.path.insert(0, str(working_directory))
    if module == BUILTIN_MODULE:  # build_definitions() with the built-in encoders, no Dagster
        return None, f"built-in ({BUILTIN_MODULE})", roots
    from cad_assets.defs.graph_export import (
        load_definitions,  # Dagster: only for a project
    )

    try:
        defs = load_definitions(module)
    except ModuleNotFoundError as error:
        raise FlowDefinitionError(f"cannot import {module}: {error}") from error
    pipeline = (defs.resources or {}).get("cad_pipeline")
    if not isinstance(pipeline, Pipeline):
        raise FlowDefinitionError(f"{module}'s Definitions were not made by "
                                  "flow.build_definitions: no encoders to run")
    settings = defs.resources.get("settings")
    if settings is not None and hasattr(settings, "source_roots"):
        roots = settings.source_roots()
    return list(pipeline.encoders), source, roots


def resolve_encoders(references: Sequence[str | EncoderTask]) -> list[EncoderTask]:
    """``module:function`` references (or encoders) -> encoders, imported as a worker does.

    Raises
    ------
    FlowDefinitionError
        If a reference cannot be imported or is not an ``@encoder``.
    """
    found = []
    for reference in references:
        if isinstance(reference, EncoderTask):
            found.append(reference)
            continue
        if ":" not in reference:
            raise FlowDefinitionError(f"{reference!r}: give an encoder as module:function")
        try:
            found.append(resolve_task(reference))
        except (ImportError, AttributeError, TypeError) as error:
            raise FlowDefinitionError(f"cannot use encoder {reference}: "
                                      f"{type(error).__name__}: {error}") from error
    return found


def apply_options(encoders: Sequence[EncoderTask], options: Mapping) -> list[EncoderTask]:
    """``options`` merged into the encoders' own: ``"encoder.key"`` sets ``key`` of that
    encoder; a plain ``"key"`` sets it on every encoder whose options hold it
    (``brep_features`` takes every ``EncodeOptions`` field).

    Raises
    ------
    FlowDefinitionError
        If an option names no encoder, or no encoder takes it.
    """
    by_name = {task.name: dict(task.options) for task in encoders}
    for key, value in options.items():
        name, dot, option = key.partition(".")
        if dot and name in by_name:
            by_name[name][option] = value
            continue
        if dot:
            raise FlowDefinitionError(f"option {key!r}: no encoder named {name!r} "
                                      f"(encoders: {', '.join(by_name)})")
        takers = [t.name for t in encoders if _takes(t, key)]
        if not takers:
            held = sorted({f"{t.name}.{k}" for t in encoders for k in t.options})
            raise FlowDefinitionError(
                f"option {key!r}: no encoder takes it; give it as ENCODER.{key} "
                f"(options the encoders hold: {', '.join(held) or 'none'})")
        for taker in takers:
            by_name[taker][key] = value
    return [task if by_name[task.name] == task.options else task.with_options(**by_name[task.name])
            for task in encoders]


def _takes(task: EncoderTask, key: str) -> bool:
    if key in task.options:
        return True
    from cad_assets.builtin.brep import brep_features
    from cad_assets.geometry.options import EncodeOptions

    return (task.function is brep_features.function
            and key in {f.name for f in dataclasses.fields(EncodeOptions)})


def make_pipeline(encoders: Sequence[EncoderTask]) -> Pipeline:
    """The encoders checked together as a build checks them (names, joined schema); encoders
    the worker pool could not import are allowed here (see :attr:`TrialEncoding.notes`)."""
    from cad_assets.builtin import discover

    try:
        return Pipeline.create(discover, list(encoders), debug=True)
    except FlowDefinitionError:
        raise
    except (TypeError, ValueError) as error:  # a schema function refusing its options
        raise FlowDefinitionError(f"the encoders' schemas cannot be built: "
                                  f"{type(error).__name__}: {error}") from error


def _env_source_roots() -> list[Path]:
    value = os.environ.get("CAD_ASSETS_SOURCES", "")
    return [Path(part).expanduser() for part in value.split(os.pathsep) if part]


# --- one file -----------------------------------------------------------------------------


def try_encode(
    path: str | os.PathLike,
    encoders: Sequence[str | EncoderTask] | None = None,
    *,
    module: str | None = None,
    options: Mapping | None = None,
) -> TrialEncoding:
    """Run encoders on the CAD file at ``path`` in this process, checked as a worker checks
    them; failures are returned (``result.error``), not raised.

    Parameters
    ----------
    encoders
        ``@encoder`` functions or ``"module:function"`` references, run in this order
        (encoders defined in a notebook work here). Default: the project's pipeline, from
        ``module``, else ``workspace.yaml`` in the current folder, else the built-in one.
    module
        A definitions module (``my_project.definitions``) whose pipeline to run.
    options
        ``{"key": value}`` for every encoder whose options hold ``key`` (for the built-in
        pipeline: the ``CAD_ASSETS_ENCODER_OPTIONS`` switches, e.g. ``{"preview": False}``),
        ``{"encoder.key": value}`` for one encoder.

    Returns
    -------
    TrialEncoding
        ``.arrays`` (``{"faces/area": ...}``), ``.metadata``, ``.files``, ``.error``,
        ``.skipped``, ``.cad_model``; ``.report()`` is what ``cad-assets encode`` prints.

    Raises
    ------
    FlowDefinitionError
        If the encoders cannot be found or do not fit together (nothing was run).

    Examples
    --------
    >>> from cad_assets import flow
    >>> result = flow.try_encode("part.step", [my_encoder])     # doctest: +SKIP
    >>> result.arrays["faces/my_array"].shape                   # doctest: +SKIP
    """
    options = dict(options or {})
    roots = _env_source_roots()
    if encoders is not None:
        tasks, source = resolve_encoders(encoders), "given encoders"
    else:
        tasks, source, roots = project_pipeline(module)
    if tasks is None:  # the built-in pipeline: its switches go through default_encoders
        plain = {k: v for k, v in options.items() if "." not in k}
        tasks = builtin_encoders(plain)
        options = {k: v for k, v in options.items() if k not in plain}
    pipeline = make_pipeline(apply_options(tasks, options))
    return run_encoders(path, pipeline, source, roots)


def run_encoders(path: str | os.PathLike, pipeline: Pipeline, source: str = "",
                 source_roots: Sequence[Path] = ()) -> TrialEncoding:
    """Read ``path`` once and run ``pipeline``'s encoders on it, as
    :func:`cad_assets.encoding.task.encode_to_store` does in a worker, without writing a store."""
    path = Path(os.path.abspath(Path(path).expanduser()))
    trial = TrialEncoding(path, cad_file_for(path, source_roots), pipeline, source)
    trial.notes = _pool_notes(pipeline.encoders)
    tasks = pipeline.encoders
    injected = {"cad_file": trial.cad_file}
    if any(task.reads_cad_models for task in tasks):
        from cad_assets.geometry.model import (
            CadLoader,  # the kernel: only when asked for
        )

        loader = CadLoader()
        started = time.perf_counter()
        try:
            trial.cad_model = loader.load(path)
        except Exception as error:  # noqa: BLE001 - the pool reports it for this file
            trial.error = TrialError.of("read", error)
            return trial
        finally:
            trial.seconds["read"] = time.perf_counter() - started
        injected |= {"cad_loader": loader, "cad_model": trial.cad_model}
    outputs = run_encoder_tasks(tasks, injected)
    trial.groups, trial.metadata, trial.files = outputs.groups, outputs.metadata, outputs.files
    trial.seconds |= outputs.seconds
    if outputs.failed is not None:
        task, error = outputs.failed
        trial.error = TrialError.of("encoder", error, task.name)
        return trial
    if outputs.skipped is not None:
        trial.skipped = outputs.skipped
        return trial
    try:  # what the worker checks once every encoder has run
        validate_groups(pipeline.schema, trial.groups)
        json_metadata(trial.metadata)
    except (SchemaViolation, TypeError) as error:
        trial.error = TrialError.of("schema", error)
    return trial


def cad_file_for(path: Path, source_roots: Sequence[Path] = ()) -> CadFile:
    """The ``cad_file`` a build gives ``path``: its partition key under the first source
    folder holding it, else under its own folder."""
    path = Path(path).absolute()
    labels = root_labels(list(source_roots))
    for label, root in labels.items():
        try:
            relative = path.relative_to(Path(root).expanduser().absolute())
        except ValueError:
            continue
        break
    else:
        (label, root), = root_labels([path.parent]).items()
        relative = Path(path.name)
    posix = PurePosixPath(relative.as_posix())
    return CadFile(partition_key(label, posix), str(path), sha256_of(str(path)) or "",
                   CAD_FORMATS.get(path.suffix.lower(), ""), str(root), str(posix))


def _pool_notes(encoders: Sequence[EncoderTask]) -> list[str]:
    notes = []
    for task in encoders:
        try:
            check_importable(task)
        except FlowDefinitionError as error:
            notes.append(str(error))
    return notes


# --- the report -------------------------------------------------------------------------


def render_trial(trial: TrialEncoding, head: int = 5) -> str:
    """The file, the encoders, every array and metadata field, files and the outcome."""
    model = trial.cad_model
    facts = [] if model is None else [
        f"{model.format}, {model.n_faces} faces, {model.n_edges} edges"]
    facts.append(f"partition key {trial.cad_file.partition_key}")
    timing = ", ".join(f"{name} {seconds:.2f}" for name, seconds in trial.seconds.items())
    lines = [
        f"file      {trial.path}",
        f"          {'; '.join(facts)}",
        f"encoders  {', '.join(t.name for t in trial.pipeline.encoders)}  [{trial.source}]",
        f"version   encoding_version {trial.pipeline.version}",
        f"seconds   {timing}",
    ]
    arrays = trial.arrays
    if arrays:
        width = max(len(name) for name in arrays) + 2
        shapes = {name: str(tuple(array.shape)) for name, array in arrays.items()}
        shape_width = max(len(shape) for shape in shapes.values()) + 2
        categorical = trial.schema.categorical_arrays()
        lines.append("arrays")
        for name, array in arrays.items():
            values = _first_values(array, head, categorical.get(name))
            lines.append(f"  {name:<{width}}{shapes[name]:<{shape_width}}"
                         f"{array.dtype!s:<9}{values}")
    if trial.metadata:
        width = max(len(name) for name in trial.metadata) + 2
        lines.append("metadata")
        lines += [f"  {name:<{width}}{value!r}" for name, value in trial.metadata.items()]
    if trial.files:
        lines.append("files")
        lines += [f"  {name}  {len(data):,} bytes" for name, data in trial.files.items()]
    lines += [f"note: {note}" for note in trial.notes]
    if trial.error is not None:
        error = trial.error
        where = {"read": "reading the file", "encoder": f"in encoder {error.encoder!r}",
                 "schema": "checking the arrays against the pipeline's schema"}[error.stage]
        lines += [f"FAILED {where}: {error.type}: {error.detail}", error.traceback.rstrip()]
    elif trial.skipped is not None:
        lines.append(f"SKIPPED by encoder {trial.skipped.task!r}: {trial.skipped.reason} "
                     "(a build leaves the file out of the dataset; later encoders did not run)")
    else:
        lines.append(f"OK: {_count(len(arrays), 'array')}, "
                     f"{_count(len(trial.metadata), 'metadata field')}, "
                     f"{_count(len(trial.files), 'file')}; checked against the pipeline's schema")
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _first_values(array: np.ndarray, head: int, spec=None) -> str:
    if head <= 0:
        return ""
    flat = array.reshape(-1)
    shown = flat[:head]
    if shown.dtype.kind == "f":
        text = ", ".join(np.format_float_positional(v, precision=4, trim="-") for v in shown)
    else:
        text = ", ".join(str(v) for v in shown.tolist())
    more = ", ..." if flat.size > head else ""
    values = f"[{text}{more}]"
    if spec is not None and shown.size:
        names = {code: name for code, name, _ in spec.categories}
        values += " (" + ", ".join(names.get(int(v), "?") for v in shown) + ")"
    return values
