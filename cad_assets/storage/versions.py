"""Versioned outputs: write a new version beside the published one, then switch the link.

For an output ``<parent>/<name>``::

    <parent>/<name>                     symlink to the published version
    <parent>/.versions/<name>-<uuid>    one directory per version
    <parent>/.versions/.<name>.lock     held while a version is written and published
"""

import fcntl
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cad_assets.storage.atomic import publish_version

VERSIONS_DIR = ".versions"


@contextmanager
def new_version(out: Path) -> Iterator[Path]:
    """Give a fresh version directory path for ``out``; publish it if the block succeeds.

    On success ``out`` is pointed at the new version and every other version of ``out`` is
    deleted (including leftovers of killed writers). On an exception the new version is
    deleted and the published one is left as it was. Writers of the same ``out`` take turns.
    """
    out = Path(out)
    versions = out.parent / VERSIONS_DIR
    versions.mkdir(parents=True, exist_ok=True)
    # Each writer deletes the versions it does not publish, so two must never overlap.
    with _exclusive_lock(versions / f".{out.name}.lock"):
        version = versions / f"{out.name}-{uuid.uuid4().hex}"
        try:
            yield version
            publish_version(out, version)
        except BaseException:
            shutil.rmtree(version, ignore_errors=True)
            raise
        for other in versions_of(out):
            if other != version:
                shutil.rmtree(other, ignore_errors=True)


def versions_of(out: Path) -> list[Path]:
    """All version directories of ``out``, published or not."""
    out = Path(out)
    prefix = f"{out.name}-"
    return [
        path
        for path in (out.parent / VERSIONS_DIR).glob(f"{prefix}*")
        # A uuid suffix, so that versions of "ds-big" are not taken for versions of "ds".
        if _is_hex_uuid(path.name[len(prefix):])
    ]


def _is_hex_uuid(text: str) -> bool:
    return len(text) == 32 and all(char in "0123456789abcdef" for char in text)


@contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    # flock is released by the kernel when its holder dies: a killed writer blocks no one.
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
