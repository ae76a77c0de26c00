"""The on-disk format of the sharded dataset: where its parts live and what its metadata says.

For a dataset published at ``<parent>/<name>`` (e.g. ``<output>/cad_dataset.zarr``, stem
``cad_dataset``)::

    <parent>/<name>                      relative symlink -> .<stem>/versions/<version>
    <parent>/.<stem>/.lock               flock of the one writer planning, writing, publishing
    <parent>/.<stem>/versions/<version>/ one published (or previous) version, a Zarr v3 group:
        zarr.json                        attributes: see "Version attributes" below
        shards/zarr.json                 an empty group, so that plain zarr walks on into...
        shards/<shard> -> ../../../shards/<shard>   ...every shard the version is made of
    <parent>/.<stem>/shards/<shard>/     one immutable Zarr v3 group, shared by versions:
        zarr.json                        attributes: file_ids, tokens, rows {group: [per file]}
        faces/area      (F,) float64     rows of the shard's files, in file id order
        faces/uv_grid   (F, 10, 10, 7) float32
        faces/file_id   (F,) int32       id of the file each row comes from
        graph/src       (P,) int32       indices stay local to their file (not offset)
        ...

Version attributes::

    format_version  2
    n_files         files of the dataset
    groups          {group: {"rows": n, "arrays": {name: {"dtype", "trailing_shape"}}}}
    shards          [{name, first_file_id, last_file_id, n_files, rows: {group: n}, digest,
                      bytes}], in file id order: concatenated, they give every group's rows
                      in increasing file id order, each file's rows contiguous
    replaces        the version this one replaced (kept until the next publish), or null

Names: a version is a 32-digit hex uuid; a shard is ``<first id>-<last id>-<8 hex>`` (ids
zero-padded to 10 digits, so names sort in file id order). Anything being written is named
``.tmp-*`` until complete; a killed writer leaves only such entries, or complete entries no
version refers to, and the next writer deletes both.
"""

import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: Version of the layout above (1 was a single merged group under ``<parent>/.versions``).
FORMAT_VERSION = 2
#: Added to every group: the id of the file each row comes from.
FILE_ID = "file_id"
VERSIONS_DIR = "versions"
SHARDS_DIR = "shards"
TEMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class DatasetLayout:
    """Paths of the dataset published at ``out``.

    Attributes
    ----------
    out : Path
        The published link, ``<parent>/<name>``.
    """

    out: Path

    @property
    def home(self) -> Path:
        """``<parent>/.<stem>``: everything but the link."""
        return self.out.parent / f".{Path(self.out.name).stem}"

    @property
    def versions(self) -> Path:
        return self.home / VERSIONS_DIR

    @property
    def shards(self) -> Path:
        return self.home / SHARDS_DIR

    @property
    def lock(self) -> Path:
        return self.home / ".lock"

    def shard(self, name: str) -> Path:
        return self.shards / name


def shards_of_version(version: Path) -> Path:
    """The ``shards/`` directory beside the ``versions/`` directory holding ``version``.

    Readers open shards there rather than through the version's links, so a kept shard stays
    readable even after the version that was opened is deleted.
    """
    return Path(version).parent.parent / SHARDS_DIR


def new_version_name() -> str:
    return uuid.uuid4().hex


def new_shard_name(first_file_id: int, last_file_id: int) -> str:
    return f"{first_file_id:010d}-{last_file_id:010d}-{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class ShardRecord:
    """One shard as the version's attributes describe it (its files are not listed there).

    Attributes
    ----------
    name : str
        Its directory under ``shards/``.
    first_file_id, last_file_id : int
        Smallest and largest file id it holds.
    n_files : int
    rows : dict[str, int]
        Rows of each group.
    digest : str
        :func:`members_digest` of its files: equal digests, same files with the same content.
    bytes : int
        Size of its files on disk.
    """

    name: str
    first_file_id: int
    last_file_id: int
    n_files: int
    rows: dict[str, int]
    digest: str
    bytes: int

    @classmethod
    def from_json(cls, record: Mapping) -> "ShardRecord":
        return cls(
            name=record["name"],
            first_file_id=int(record["first_file_id"]),
            last_file_id=int(record["last_file_id"]),
            n_files=int(record["n_files"]),
            rows={group: int(rows) for group, rows in record["rows"].items()},
            digest=record["digest"],
            bytes=int(record["bytes"]),
        )

    def to_json(self) -> dict:
        return {
            "name": self.name, "first_file_id": self.first_file_id,
            "last_file_id": self.last_file_id, "n_files": self.n_files, "rows": self.rows,
            "digest": self.digest, "bytes": self.bytes,
        }


def members_digest(members: Iterable[tuple[int, str]]) -> str:
    """sha256 of ``(file_id, token)`` pairs in increasing file id order (hex)."""
    digest = hashlib.sha256()
    for file_id, token in members:
        digest.update(f"{file_id}\t{token}\n".encode())
    return digest.hexdigest()


def read_attributes(group: Path) -> dict:
    """The attributes of the Zarr v3 group at ``group`` (``FileNotFoundError`` if none)."""
    return json.loads((Path(group) / "zarr.json").read_text()).get("attributes", {})


def disk_bytes(folder: Path) -> int:
    """Size of the files under ``folder``, not following links (a version's shard links)."""
    return sum(
        os.lstat(os.path.join(parent, name)).st_size
        for parent, _, files in os.walk(folder)
        for name in files
    )
