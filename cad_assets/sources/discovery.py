"""Find the CAD files under one or more source folders."""

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cad_assets.sources.partition_keys import partition_key, root_labels

#: File suffix (lower case) -> format name. Matching is case-insensitive.
CAD_FORMATS = {".step": "step", ".stp": "step", ".iges": "iges", ".igs": "iges", ".brep": "brep"}


@dataclass(frozen=True)
class DiscoveredFile:
    """One CAD file found under a source root, as ``os.stat`` saw it."""

    partition_key: str
    path: str
    source_root: str
    relative_path: str
    format: str
    size_bytes: int
    mtime_ns: int


def discover_cad_files(
    roots: Sequence[Path], follow_external_symlinks: bool = False
) -> list[DiscoveredFile]:
    """Every CAD file under ``roots`` (recursive), sorted by partition key.

    Symlinks are followed while they stay inside their root; a symlink that leads outside is
    skipped unless ``follow_external_symlinks``. Symlink loops are visited once. A missing root
    raises ``FileNotFoundError``: a typo in the configuration must not read as an empty dataset.
    """
    found = []
    for label, root in root_labels(roots).items():
        if not Path(root).is_dir():
            raise FileNotFoundError(f"CAD source folder does not exist: {root}")
        for path in _walk_files(Path(root), follow_external_symlinks):
            fmt = CAD_FORMATS.get(path.suffix.lower())
            if fmt is None:
                continue
            try:
                stat = path.stat()
            except OSError:  # vanished or dangling link: nothing to encode
                continue
            relative = PurePosixPath(path.relative_to(root).as_posix())
            found.append(
                DiscoveredFile(
                    partition_key=partition_key(label, relative),
                    path=str(path),
                    source_root=str(root),
                    relative_path=str(relative),
                    format=fmt,
                    size_bytes=stat.st_size,
                    mtime_ns=stat.st_mtime_ns,
                )
            )
    return sorted(found, key=lambda f: f.partition_key)


def _walk_files(root: Path, follow_external_symlinks: bool) -> Iterator[Path]:
    real_root = root.resolve()
    seen_dirs = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real_dir = Path(dirpath).resolve()
        if real_dir in seen_dirs:  # symlink loop or a second link to the same folder
            dirnames[:] = []
            continue
        seen_dirs.add(real_dir)
        if not follow_external_symlinks:
            dirnames[:] = [
                d for d in dirnames if _inside(Path(dirpath, d).resolve(), real_root)
            ]
        for name in filenames:
            path = Path(dirpath, name)
            # Only a link can lead outside: resolving every file would cost a syscall per
            # component of its path (most of a tick over 100,000 files).
            if path.is_file() and (
                follow_external_symlinks or not path.is_symlink()
                or _inside(path.resolve(), real_root)
            ):
                yield path


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
