"""MFCAD ``.face_truth`` files: a pickled list of ints, read without running any pickle code.

A pickle is a program: ``pickle.load`` on a dropped file runs whatever callable it names. The
unpickler here refuses every global lookup (the only way a pickle reaches a callable), so it
can build only plain containers and scalars; the result must then be a list of ints.
"""

import io
import pickle
from os import PathLike
from pathlib import Path

from cad_assets.labels.errors import LabelError

#: Larger label files are refused before unpickling (MFCAD's are well under 1 kB).
MAX_FACE_TRUTH_BYTES = 16 * 1024 * 1024


class _DataOnlyUnpickler(pickle.Unpickler):
    """An unpickler that cannot import or call anything."""

    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"refused: the pickle asks for {module}.{name}")

    def persistent_load(self, pid):
        raise pickle.UnpicklingError("refused: the pickle uses a persistent id")


def read_face_truth(path: str | PathLike) -> list[int]:
    """The per-face labels of a ``.face_truth`` file, indexed by STEP face entity name.

    Parameters
    ----------
    path : str or PathLike
        A pickle of a list of ints (``labels[N]`` is the label of ``ADVANCED_FACE('N', ...)``).

    Returns
    -------
    list of int

    Raises
    ------
    LabelError
        If the file is larger than :data:`MAX_FACE_TRUTH_BYTES`, is not a valid pickle, names
        any class or function (refused before anything runs), or holds anything but a list of
        ints (a dict, strings, floats, bools, nested lists).
    """
    path = Path(path)
    data = path.read_bytes()
    if len(data) > MAX_FACE_TRUTH_BYTES:
        raise LabelError(f"{path.name} is {len(data)} bytes, over the {MAX_FACE_TRUTH_BYTES} limit")
    try:
        labels = _DataOnlyUnpickler(io.BytesIO(data)).load()
    except Exception as error:  # a malformed pickle raises many kinds of errors
        raise LabelError(f"{path.name} is not a plain pickled list of ints: {error}") from error
    # type() is int, not isinstance: bools are ints too, but not labels.
    if not isinstance(labels, list) or not all(type(label) is int for label in labels):
        raise LabelError(f"{path.name} holds a {_describe(labels)}, not a list of ints")
    return labels


def _describe(value) -> str:
    if isinstance(value, list):
        kinds = sorted({type(item).__name__ for item in value})
        return f"list of {', '.join(kinds)}"
    return type(value).__name__
