"""The pipeline's settings, as one Dagster resource read from the environment.

Operators configure without editing code: environment variables (below) set the defaults when
the code location loads, and every field can be overridden per run in the launchpad.
"""

import os
from pathlib import Path

import dagster as dg
from pydantic import Field

from cad_assets.catalogue import Catalogue
from cad_assets.storage import OutputLayout
from cad_assets.workers import PoolSettings

#: The project folder (holds ``data/``), for the defaults of an editable install.
PROJECT_DIR = Path(__file__).resolve().parents[2]
SAMPLE_SOURCES = PROJECT_DIR / "data" / "sample" / "mfcad"
DEFAULT_OUTPUT = PROJECT_DIR / "data" / "output"


class CadPipelineSettings(dg.ConfigurableResource):
    """Where CAD files come from, where results go, and how files are encoded."""

    sources: str = Field(
        default=str(SAMPLE_SOURCES),
        description="Source folders, separated by os.pathsep (':' on Linux). Env: CAD_ASSETS_SOURCES",
    )
    output_dir: str = Field(
        default=str(DEFAULT_OUTPUT), description="Root of all outputs. Env: CAD_ASSETS_OUTPUT"
    )
    workers: int = Field(default=2, description="Worker processes; 0 = debug, in-process")
    file_timeout_s: float = Field(default=120.0, description="Per-file time limit")
    memory_limit_mb: int = Field(default=4096, description="Per-worker address-space limit")
    files_per_worker: int = Field(default=100, description="Recycle a worker after this many files")
    max_file_mb: float = Field(default=512.0, description="Larger files fail without being read")
    error_budget: float = Field(
        default=0.5, description="The run fails when more than this fraction of its files fail"
    )
    file_labels: str = Field(
        default="",
        description="Per-file class labels: '' none, 'folder' (parent folder name), or a "
        ".csv/.parquet table with columns path,label. Env: CAD_ASSETS_FILE_LABELS",
    )
    catalogue_url: str = Field(
        default="",
        description="Database of the encodings catalogue: '' = <output>/catalogue.sqlite, or a "
        "SQLAlchemy URL. Env: CAD_ASSETS_CATALOGUE_URL",
    )
    follow_external_symlinks: bool = Field(
        default=False, description="Follow symlinks that lead outside a source folder"
    )
    ray_address: str = Field(
        default="",
        description="Encode on this Ray cluster (e.g. 10.0.0.5:6379, or 'auto'); '' = the local "
        "worker pool. Every node must see the sources and the output folder at the same paths. "
        "Env: CAD_ASSETS_RAY_ADDRESS",
    )
    ray_node_loss_grace_s: float = Field(
        default=30.0,
        description="On Ray, a file whose worker died waits this long to learn whether its node "
        "was lost (the file runs again) or the file crashed it; at least the time the cluster "
        "takes to mark a node dead. Env: CAD_ASSETS_RAY_NODE_LOSS_GRACE_S",
    )

    @classmethod
    def from_env(cls, **defaults) -> "CadPipelineSettings":
        """Settings from the ``CAD_ASSETS_*`` variables; ``defaults`` (a project's own, e.g.
        its sample folder) apply where a variable is not set."""
        overrides = {
            field: os.environ[variable]
            for field, variable in _ENVIRONMENT.items()
            if os.environ.get(variable)
        }
        return cls(**{**defaults, **overrides})

    def source_roots(self) -> list[Path]:
        return [Path(part).expanduser() for part in self.sources.split(os.pathsep) if part]

    def pool_settings(self, in_process: bool = False) -> PoolSettings:
        """How the worker pool runs; ``in_process`` (debug mode) runs files one by one here."""
        return PoolSettings(
            workers=0 if in_process else self.workers,
            task_timeout_s=self.file_timeout_s,
            memory_limit_mb=self.memory_limit_mb,
            tasks_per_worker=self.files_per_worker,
            ray_address="" if in_process else self.ray_address,
            node_loss_grace_s=self.ray_node_loss_grace_s,
        )

    @property
    def layout(self) -> OutputLayout:
        """Where every output lives (the README's table)."""
        return OutputLayout(Path(self.output_dir).expanduser())

    def catalogue(self, version: str) -> Catalogue:
        """The catalogue of this output's encodings, for pipeline ``version``."""
        layout = self.layout
        return Catalogue(layout.encodings, self.catalogue_url or layout.catalogue, version)


_ENVIRONMENT = {
    "sources": "CAD_ASSETS_SOURCES",
    "output_dir": "CAD_ASSETS_OUTPUT",
    "workers": "CAD_ASSETS_WORKERS",
    "file_timeout_s": "CAD_ASSETS_FILE_TIMEOUT_S",
    "memory_limit_mb": "CAD_ASSETS_MEMORY_LIMIT_MB",
    "files_per_worker": "CAD_ASSETS_FILES_PER_WORKER",
    "max_file_mb": "CAD_ASSETS_MAX_FILE_MB",
    "error_budget": "CAD_ASSETS_ERROR_BUDGET",
    "file_labels": "CAD_ASSETS_FILE_LABELS",
    "catalogue_url": "CAD_ASSETS_CATALOGUE_URL",
    "ray_address": "CAD_ASSETS_RAY_ADDRESS",
    "ray_node_loss_grace_s": "CAD_ASSETS_RAY_NODE_LOSS_GRACE_S",
}
