"""Runs inside a worker process: read one CAD file once, run every encoder on it, write its store.

Imports the CAD kernel only when an encoder asks for ``cad_model`` or ``cad_loader``.
"""

import dataclasses
import os
import socket
import time
import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from cad_assets.encoding.request import EncodedFile, EncodeRequest, SkippedFile
from cad_assets.flow.checks import combine_schemas, resolve_task
from cad_assets.flow.pipeline import PIPELINE_METADATA
from cad_assets.flow.storage import FileStorage
from cad_assets.flow.tasks import EncoderTask, Skip
from cad_assets.schema import Schema, validate_groups
from cad_assets.storage import json_metadata, write_file_store
from cad_assets.workers import TaskFailure


def encode_to_store(request: EncodeRequest) -> EncodedFile | SkippedFile | TaskFailure:
    """Encode ``request.file`` with its encoders and write its store.

    Returns what was stored (:class:`EncodedFile`); a :class:`SkippedFile` when an encoder skips the
    file; a :class:`TaskFailure` naming the encoder that raised. Reading errors (a
    :class:`cad_assets.geometry.CadReadError` for files that are not usable CAD) are raised,
    and the pool reports them for this file only.
    """
    started, started_cpu = time.perf_counter(), time.process_time()
    tasks, schema = _encoders(request.encoders)
    loader = _loader() if any(t.reads_cad_models for t in tasks) else None
    injected = {"cad_file": request.file, "cad_loader": loader}
    if loader is not None:
        injected["cad_model"] = loader.load(request.path)
    try:
        outputs = run_encoder_tasks(tasks, injected)
    finally:
        if loader is not None:
            loader.forget()
    if outputs.failed is not None:
        return _failure(*outputs.failed)
    if outputs.skipped is not None:
        return outputs.skipped
    groups, metadata, files = outputs.groups, outputs.metadata, outputs.files
    validate_groups(schema, groups)
    metadata |= {
        "partition_key": request.partition_key,
        "source_path": request.path,
        "sha256": request.sha256,
        "encoding_version": request.version,
        "encode_seconds": time.perf_counter() - started,
        "worker_pid": os.getpid(),
    }
    rows = write_file_store(Path(request.store_path), groups, metadata, files)
    return EncodedFile(json_metadata(metadata), files, rows, time.process_time() - started_cpu,
                       socket.gethostname())


@dataclass
class EncoderOutputs:
    """What the encoders of one file saved, by group and array, and how their run ended."""

    groups: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # per encoder
    skipped: SkippedFile | None = None  # the encoder that skipped the file, and why
    failed: tuple[EncoderTask, Exception] | None = None  # the encoder that raised, and what


def run_encoder_tasks(tasks: list[EncoderTask], injected: dict) -> EncoderOutputs:
    """Run ``tasks`` in order on one file, each with its own ``storage``, the ``options`` it
    declares and what ``injected`` holds (``cad_file``, ``cad_model``, ``cad_loader``).

    Stops at the first encoder that raises or skips the file (returns ``None``, saving
    nothing, or ``Skip``); what each ran encoder saved is kept, the stopping one's included.
    The worker (:func:`encode_to_store`) and ``cad-assets encode`` both run encoders so.
    """
    outputs = EncoderOutputs()
    for task in tasks:
        storage = FileStorage(task.name, task.declared_schema())
        arguments = {**injected, "storage": storage, "options": task.options}
        started = time.perf_counter()
        try:
            result = task.function(**{name: arguments[name] for name in task.inputs})
        except Exception as error:  # noqa: BLE001 - a user's error fails this file only
            outputs.failed = (task, error)
        finally:
            outputs.seconds[task.name] = time.perf_counter() - started
        for group, arrays in storage.groups.items():
            outputs.groups.setdefault(group, {}).update(arrays)
        outputs.metadata.update(storage.metadata)
        outputs.files.update(storage.files)
        if outputs.failed is not None:
            return outputs
        if isinstance(result, Skip) or (result is None and storage.is_empty):
            outputs.skipped = SkippedFile(task.name,
                                          getattr(result, "reason", "") or "saved nothing")
            return outputs
    return outputs


def _failure(task: EncoderTask, error: Exception) -> TaskFailure:
    return TaskFailure(
        type(error).__name__,
        f"in encoder {task.name!r}: {error or repr(error)}",
        "".join(traceback.format_exception(error)),
        os.getpid(),
        task=task.name,
    )


@lru_cache(maxsize=4)
def _encoders(references: tuple[tuple[str, str, str], ...]) -> tuple[list[EncoderTask], Schema]:
    tasks = [
        dataclasses.replace(resolve_task(reference), name=name, options_json=options)
        for name, reference, options in references
    ]
    return tasks, combine_schemas(tasks, PIPELINE_METADATA)


@lru_cache(maxsize=1)
def _loader():
    # One per worker process: the kernel loads here, the first time a file needs it.
    from cad_assets.geometry.model import CadLoader

    return CadLoader()
