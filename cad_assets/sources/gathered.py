"""What a gather task returns -> the rows of ``cad_files``."""

from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path, PurePosixPath

from cad_assets.sources.discovery import CAD_FORMATS, DiscoveredFile
from cad_assets.sources.partition_keys import partition_key, root_labels


def as_discovered(
    items: Iterable[DiscoveredFile | str | PathLike], roots: Sequence[Path]
) -> list[DiscoveredFile]:
    """Describe each gathered file (a path, or a :class:`DiscoveredFile` kept as it is), with
    its partition key taken from the source root it lies under; sorted by partition key.

    Raises
    ------
    ValueError
        If a path is under none of ``roots`` (its partition key would not be stable), has no
        CAD suffix, or two items are the same file.
    FileNotFoundError
        If a gathered path does not exist.
    """
    labels = {label: Path(root) for label, root in root_labels(roots).items()}
    found = {}
    for item in items:
        file = item if isinstance(item, DiscoveredFile) else _describe(Path(item), labels)
        if file.partition_key in found:
            raise ValueError(f"{file.path} was gathered twice")
        found[file.partition_key] = file
    return [found[key] for key in sorted(found)]


def _describe(path: Path, labels: dict[str, Path]) -> DiscoveredFile:
    cad_format = CAD_FORMATS.get(path.suffix.lower())
    if cad_format is None:
        raise ValueError(f"gathered {path}, which is not a CAD file ({', '.join(CAD_FORMATS)})")
    for label, root in labels.items():
        # The path as given first (a link inside a root keeps its place), then as resolved.
        for inside, base in ((path.absolute(), root.absolute()), (path.resolve(), root.resolve())):
            if inside.is_relative_to(base):
                relative = PurePosixPath(inside.relative_to(base).as_posix())
                stat = path.stat()
                return DiscoveredFile(partition_key(label, relative), str(path), str(root),
                                      str(relative), cad_format, stat.st_size, stat.st_mtime_ns)
    raise ValueError(
        f"gathered {path}, which is under none of the source folders {sorted(map(str, labels.values()))}: "
        "partition keys are paths relative to a source folder, so add its folder to the sources"
    )
