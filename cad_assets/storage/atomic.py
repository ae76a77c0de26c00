"""Writes that readers see whole or not at all.

Everything is first written under a temporary name in the destination's folder (so the final
rename stays on one filesystem, where it is atomic), then renamed over the destination. A killed
process leaves at most a hidden ``.{name}.tmp-*`` entry behind, never a half-written file at the
real name. There is no ``fsync``: this protects against crashed processes, not against power loss.
"""

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_write_path(final: Path) -> Iterator[Path]:
    """Give a temporary path to write to; on success move it onto ``final``.

    The temporary path is a sibling of ``final`` named ``.{name}.tmp-{pid}-{random}``; it may
    become a file or a directory. A file replaces ``final`` atomically. An existing directory
    at ``final`` is replaced too (moved aside, the new one moved in, the old one deleted), but
    for an instant nothing is at ``final``: where readers must never see that, use
    :func:`publish_version`. On an exception the temporary path is removed and ``final`` is
    left as it was.

    Examples
    --------
    >>> with atomic_write_path(Path("out/summary.json")) as temp:  # doctest: +SKIP
    ...     temp.write_text("{}")
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = _sibling(final, "tmp")
    try:
        yield temp
        _move_onto(temp, final)
    except BaseException:
        _remove(temp)
        raise


def publish_version(link: Path, target: Path) -> None:
    """Point the symlink ``link`` at ``target`` in one atomic step.

    Readers resolve ``link`` once and then read a complete version, the old or the new one.
    The link is relative, so the folder holding both can be moved or mounted elsewhere.

    Raises
    ------
    FileExistsError
        If ``link`` exists and is not a symlink (a real file or directory is never replaced).
    """
    link, target = Path(link), Path(target)
    if link.exists() and not link.is_symlink():
        raise FileExistsError(f"{link} exists and is not a symlink; refusing to replace it")
    link.parent.mkdir(parents=True, exist_ok=True)
    temp = _sibling(link, "tmp")
    os.symlink(os.path.relpath(target.absolute(), link.parent.absolute()), temp)
    try:
        os.replace(temp, link)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def resolve_published(link: Path) -> Path:
    """The version directory ``link`` points at now (``FileNotFoundError`` if none)."""
    return Path(link).resolve(strict=True)


def _sibling(path: Path, kind: str) -> Path:
    return path.parent / f".{path.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}"


def _move_onto(temp: Path, final: Path) -> None:
    if not (_is_real_dir(temp) and _is_real_dir(final)):
        os.replace(temp, final)
        return
    # os.replace cannot overwrite a non-empty directory: swap through an aside name instead.
    aside = _sibling(final, "old")
    os.replace(final, aside)
    try:
        os.replace(temp, final)
    except BaseException:
        os.replace(aside, final)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _is_real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _remove(path: Path) -> None:
    if _is_real_dir(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
