"""What the pipeline asks a worker to do for one file, and what a worker may answer."""

from dataclasses import dataclass

#: The worker-side function, named for :func:`cad_assets.workers.run_isolated`.
ENCODE_TASK = "cad_assets.encoding.task:encode_to_store"


@dataclass(frozen=True)
class CadFile:
    """The ``cad_file`` injected into encoders: one row of ``cad_files``."""

    partition_key: str
    path: str
    sha256: str
    format: str
    source_root: str = ""
    relative_path: str = ""


@dataclass(frozen=True)
class EncodeRequest:
    """Run ``encoders`` on ``file`` and write the store at ``store_path``.

    ``encoders`` holds ``(name, "module:function", options JSON)`` per encoder, in order
    (:attr:`cad_assets.flow.Pipeline.encoder_references`); ``version`` is the pipeline's.
    """

    file: CadFile
    store_path: str
    version: str
    encoders: tuple[tuple[str, str, str], ...]

    @property
    def partition_key(self) -> str:
        return self.file.partition_key

    @property
    def path(self) -> str:
        return self.file.path

    @property
    def sha256(self) -> str:
        return self.file.sha256


@dataclass(frozen=True)
class SkippedFile:
    """An encoder chose to leave the file out (it returned ``SKIP``, or saved nothing)."""

    task: str
    reason: str


@dataclass(frozen=True)
class EncodedFile:
    """A store was written: everything the catalogue records of it, handed back so that the
    caller never reopens the store.

    Attributes
    ----------
    metadata : dict
        The file-level fields the encoders and the pipeline saved.
    files : dict
        Whole files saved with the arrays, by name (a preview, say).
    rows : dict[str, int]
        Rows of each group of the store.
    cpu_seconds : float
        The worker's CPU time for reading and encoding the file.
    worker_host : str
        Host name of the machine that encoded it (a Ray cluster spreads files over several).
    """

    metadata: dict
    files: dict
    rows: dict
    cpu_seconds: float = 0.0
    worker_host: str = ""
