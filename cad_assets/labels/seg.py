"""BRepNet-style ``.seg`` files: one integer label per line, one line per face in face order."""

from os import PathLike
from pathlib import Path

import numpy as np

from cad_assets.labels.errors import LabelError


def read_seg(path: str | PathLike) -> np.ndarray:
    """The per-face labels of a ``.seg`` file, in the file's face order.

    Parameters
    ----------
    path : str or PathLike
        Plain text, one integer per line; blank lines (a trailing newline) are ignored.

    Returns
    -------
    (n_faces,) int32

    Raises
    ------
    LabelError
        If a line is not an integer, or a value does not fit in int32.
    """
    path = Path(path)
    labels = []
    for line_number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            labels.append(int(line))
        except ValueError:
            raise LabelError(
                f"{path.name} line {line_number} is not an integer: {line[:40]!r}"
            ) from None
    return to_int32(labels, path)


def to_int32(labels: list[int], path: Path) -> np.ndarray:
    """``labels`` as an int32 array; a :class:`LabelError` naming ``path`` if one overflows."""
    info = np.iinfo(np.int32)
    out_of_range = [label for label in labels if not info.min <= label <= info.max]
    if out_of_range:
        raise LabelError(f"{path.name} holds labels outside int32, e.g. {out_of_range[0]}")
    return np.array(labels, dtype=np.int32)
