"""Where per-file encodings and per-file failures live on disk.

Each partition (one CAD file) owns a folder named after its partition key. Inside, artifacts are
named after what they were computed from, so "is this file up to date?" is one ``stat``::

    <root>/<partition key>/<sha256>.v<encoding version>.zarr.zip    the encoded arrays
    <root>/<partition key>/<sha256>.v<encoding version>.error.json  why encoding failed

A changed file (new hash) or a new encoder (new version) simply has no artifact yet. Writes are
atomic, so a killed process leaves the previous artifact or the new one, never half of one.
"""

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from cad_assets.sources import split_partition_key
from cad_assets.storage.atomic import atomic_write_path

STORE_SUFFIX = ".zarr.zip"
FAILURE_SUFFIX = ".error.json"


@dataclass(frozen=True)
class EncodingArtifact:
    """One artifact of a partition: an encoded store or a failure record."""

    partition_key: str
    path: Path
    sha256: str
    version: str

    @property
    def is_failure(self) -> bool:
        return self.path.name.endswith(FAILURE_SUFFIX)


@dataclass(frozen=True)
class EncodingsLayout:
    root: Path

    def partition_dir(self, partition_key: str) -> Path:
        split_partition_key(partition_key)  # rejects keys that would leave the root
        return self.root / partition_key

    def store_path(self, partition_key: str, sha256: str, version: str) -> Path:
        return self.partition_dir(partition_key) / f"{sha256}.v{version}{STORE_SUFFIX}"

    def failure_path(self, partition_key: str, sha256: str, version: str) -> Path:
        return self.partition_dir(partition_key) / f"{sha256}.v{version}{FAILURE_SUFFIX}"

    def artifacts(self, partition_key: str) -> list[EncodingArtifact]:
        """Every artifact of the partition, stale ones included."""
        folder = self.partition_dir(partition_key)
        if not folder.is_dir():
            return []
        found = []
        for path in folder.iterdir():
            for suffix in (STORE_SUFFIX, FAILURE_SUFFIX):
                if path.name.endswith(suffix) and ".v" in path.name:
                    sha256, version = path.name[: -len(suffix)].split(".v", 1)
                    found.append(EncodingArtifact(partition_key, path, sha256, version))
        return found

    def write_failure(self, partition_key: str, sha256: str, version: str, record: dict) -> Path:
        path = self.failure_path(partition_key, sha256, version)
        with atomic_write_path(path) as temp:
            temp.write_text(json.dumps(record, indent=1, default=str))
        return path

    def keep_only(self, partition_key: str, keep: Path) -> None:
        """Delete the partition's other artifacts (older hashes, versions and failures)."""
        for artifact in self.artifacts(partition_key):
            if artifact.path != keep:
                artifact.path.unlink(missing_ok=True)

    def remove_partition(self, partition_key: str) -> None:
        shutil.rmtree(self.partition_dir(partition_key), ignore_errors=True)


def read_failure(path: Path) -> dict:
    return json.loads(Path(path).read_text())
