"""Partition keys: one per CAD file, derived from its path relative to its source root.

A key reads ``<root label>/<relative posix path>``, e.g. ``mfcad/sub/0-4-19.step``. The root
label is the source folder's name, made unique across roots (``cad``, ``cad~2``) so two roots may
both hold ``a.step``. Characters that Dagster or its UI give a meaning (``,`` separates keys in
the UI, ``...`` is forbidden, ``[ ] |`` mark ranges and multi-partitions) are percent-encoded, as
is ``%`` itself, so every key decodes back to exactly one file.
"""

import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

_RESERVED = set("%,[]|*\\")
_DOT_BEFORE_DOT = re.compile(r"\.(?=\.)")


def _escape(component: str) -> str:
    escaped = "".join(
        f"%{ord(ch):02X}" if ch in _RESERVED or ord(ch) < 32 or ord(ch) == 127 else ch
        for ch in component
    )
    # Dagster rejects "..." anywhere in a key; escaping every dot that precedes another dot
    # leaves no run of dots longer than one.
    return _DOT_BEFORE_DOT.sub("%2E", escaped)


def root_labels(roots: Sequence[Path]) -> dict[str, Path]:
    """Map a unique, key-safe label to each source root, in the given order.

    The label is the folder's name; later roots with a name already taken get ``~2``, ``~3``...
    Labels therefore depend on the order of the configured roots: keep that order stable.
    """
    labels: dict[str, Path] = {}
    for root in roots:
        base = _escape(Path(root).name or "root")
        label, n = base, 1
        while label in labels:
            n += 1
            label = f"{base}~{n}"
        labels[label] = Path(root)
    return labels


def partition_key(label: str, relative_path: PurePosixPath) -> str:
    """The partition key of the file at ``relative_path`` under the root labelled ``label``."""
    return "/".join([label, *(_escape(part) for part in relative_path.parts)])


def split_partition_key(key: str) -> tuple[str, PurePosixPath]:
    """Inverse of :func:`partition_key`: ``(root label, relative path)``.

    Raises ``ValueError`` for keys that could escape their root (empty, ``.`` or ``..`` parts).
    """
    label, *parts = key.split("/")
    decoded = [unquote(part) for part in parts]
    if not parts or any(part in ("", ".", "..") or "/" in part for part in decoded):
        raise ValueError(f"not a CAD file partition key: {key!r}")
    return label, PurePosixPath(*decoded)


def path_for_key(key: str, roots_by_label: dict[str, Path]) -> Path:
    """The file that partition ``key`` stands for, given :func:`root_labels` of the roots."""
    label, relative = split_partition_key(key)
    if label not in roots_by_label:
        raise ValueError(f"partition key {key!r} names no configured source root")
    return roots_by_label[label].joinpath(*relative.parts)
