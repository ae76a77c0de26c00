"""A checked set of tasks: what :func:`cad_assets.flow.build_definitions` turns into assets."""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from cad_assets.flow.checks import check_dataset_tasks, check_encoders, combine_schemas
from cad_assets.flow.tasks import DatasetTask, EncoderTask, GatherTask
from cad_assets.schema import MetadataSpec, Schema

#: Per-file facts the framework adds to what the encoders save, routed to the infoset.
PIPELINE_METADATA = (
    MetadataSpec("encode_seconds", "float", "seconds to read and encode the file"),
    MetadataSpec("worker_pid", "int", "process that encoded the file"),
    MetadataSpec("encoding_version", "str", "version of the encoders, their options and schema"),
)


@dataclass(frozen=True)
class Pipeline:
    """Gather, encoders and dataset tasks, checked together.

    Attributes
    ----------
    schema : Schema
        Every encoder's arrays and metadata, plus :data:`PIPELINE_METADATA`.
    version : str
        Hash of each encoder's name, version and options and of the schema: part of every
        store's name and the code version of ``cad_encodings``, so changing any encoder's
        version (its code, unless it pins one) or options marks exactly the encodings stale.
    debug : bool
        Run every file in the Dagster process, one by one (breakpoints work).
    """

    gather: GatherTask
    encoders: tuple[EncoderTask, ...]
    dataset_tasks: tuple[DatasetTask, ...]
    schema: Schema
    version: str
    debug: bool = False

    @classmethod
    def create(
        cls,
        gather: GatherTask,
        encoders: Sequence[EncoderTask],
        dataset_tasks: Sequence[DatasetTask] = (),
        debug: bool = False,
    ) -> "Pipeline":
        """Check the tasks and combine their schemas.

        Raises
        ------
        FlowDefinitionError
            If an output is produced twice, an input is produced by nothing, tasks read each
            other in a cycle, or an encoder cannot be imported by the worker processes.
        """
        check_encoders(encoders, in_process=debug)
        ordered = check_dataset_tasks(dataset_tasks)
        schema = combine_schemas(encoders, PIPELINE_METADATA)
        payload = json.dumps(
            [[[t.name, t.version, t.options] for t in encoders], schema.fingerprint()]
        )
        version = hashlib.sha256(payload.encode()).hexdigest()[:10]
        return cls(gather, tuple(encoders), tuple(ordered), schema, version, debug)

    @property
    def encoder_references(self) -> tuple[tuple[str, str, str], ...]:
        """``(name, module:function, options JSON)`` per encoder: what a worker needs."""
        return tuple((t.name, t.reference, t.options_json) for t in self.encoders)

    @property
    def worker_preload(self) -> list[str]:
        """Modules each pool's forkserver imports once: the encoders', and the CAD kernel if
        an encoder reads CAD models (1-2 s, paid once per pool rather than per worker)."""
        modules = sorted({t.function.__module__ for t in self.encoders})
        if any(t.reads_cad_models for t in self.encoders):
            modules += ["cad_assets.geometry.model", "cad_assets.geometry.encode",
                        "cad_assets.geometry.preview"]
        return modules
