"""Versions of a sharded dataset: the published version, writing a new one and deleting what
no version needs any more (layout in :mod:`cad_assets.storage.dataset_layout`; the writer's
lock is in :mod:`cad_assets.storage.locks`).
"""

import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import zarr

from cad_assets.storage.dataset_layout import (
    FILE_ID,
    FORMAT_VERSION,
    SHARDS_DIR,
    TEMP_PREFIX,
    DatasetLayout,
    ShardRecord,
    new_version_name,
    read_attributes,
)
from cad_assets.storage.schema import Schema, schema_from_json

#: Where format 1 kept the versions of ``<parent>/<name>``: ``<parent>/.versions/<name>-<uuid>``.
LEGACY_VERSIONS_DIR = ".versions"


@dataclass(frozen=True)
class PublishedVersion:
    """A version directory and its attributes."""

    path: Path
    attributes: dict

    @property
    def shards(self) -> list[ShardRecord]:
        return [ShardRecord.from_json(record) for record in self.attributes["shards"]]

    @property
    def schema(self) -> Schema:
        """``{group: {name: ArraySpec}}`` of the stores, without the added ``file_id`` arrays."""
        specs = {
            group: {name: spec for name, spec in described["arrays"].items() if name != FILE_ID}
            for group, described in self.attributes["groups"].items()
        }
        return schema_from_json(specs)


def published_version(layout: DatasetLayout) -> PublishedVersion | None:
    """The version ``layout.out`` points at, or ``None`` if there is none of this format (no
    link, or a format 1 dataset)."""
    try:
        path = layout.out.resolve(strict=True)
        attributes = read_attributes(path)
    except FileNotFoundError:
        return None
    ours = path.parent == layout.versions.resolve()
    if not ours or attributes.get("format_version") != FORMAT_VERSION:
        return None
    return PublishedVersion(path, attributes)


def write_version(layout: DatasetLayout, attributes: dict, shards: Sequence[str]) -> Path:
    """Write a complete, unpublished version directory and return its path.

    Parameters
    ----------
    attributes
        Its root attributes (see the layout).
    shards
        Names of the shards it links to under its ``shards/`` group.
    """
    name = new_version_name()
    temp, final = layout.versions / f"{TEMP_PREFIX}{name}", layout.versions / name
    try:
        root = zarr.create_group(temp, zarr_format=3, attributes=attributes)
        root.create_group(SHARDS_DIR)
        for shard in shards:
            # Relative, so the dataset's folder can be moved or mounted elsewhere as a whole.
            os.symlink(os.path.join("..", "..", "..", SHARDS_DIR, shard), temp / SHARDS_DIR / shard)
        os.rename(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return final


def collect_garbage(layout: DatasetLayout) -> None:
    """Delete every version but the published one and the one it replaced, and every shard
    neither refers to (leftovers of killed writers included).

    A reader that opened the replaced version keeps reading until the next publish.
    """
    published = published_version(layout)
    keep_versions, keep_shards = set(), set()
    if published is not None:
        replaced = published.attributes.get("replaces")
        for name in (published.path.name, replaced):
            try:
                attributes = read_attributes(layout.versions / name) if name else None
            except FileNotFoundError:
                continue
            if attributes is not None:
                keep_versions.add(name)
                keep_shards.update(record["name"] for record in attributes.get("shards", []))
    _remove_all_but(layout.versions, keep_versions)
    _remove_all_but(layout.shards, keep_shards)
    _remove_legacy_versions(layout.out)


def _remove_all_but(folder: Path, keep: set[str]) -> None:
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name not in keep:
            _remove(entry)


def _remove_legacy_versions(out: Path) -> None:
    """Delete the format 1 versions of ``out`` and their lock, once ``out`` is format 2."""
    legacy = out.parent / LEGACY_VERSIONS_DIR
    if not legacy.is_dir():
        return
    # A uuid suffix, so that versions of "ds-big" are not taken for versions of "ds".
    pattern = re.compile(re.escape(out.name) + "-[0-9a-f]{32}")
    for entry in legacy.iterdir():
        if pattern.fullmatch(entry.name):
            _remove(entry)
    (legacy / f".{out.name}.lock").unlink(missing_ok=True)
    try:
        legacy.rmdir()  # only if nothing of another output is left in it
    except OSError:
        pass


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
