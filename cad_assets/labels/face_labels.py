"""Per-face labels of a CAD file, from the label file beside it, in the encoder's face order.

A label file has the CAD file's stem and one of :data:`FACE_LABEL_SUFFIXES`: ``part.step`` is
labelled by ``part.face_truth`` (MFCAD: indexed by STEP face name) or ``part.seg`` (BRepNet:
one line per face, already in face order).
"""

from collections.abc import Callable
from os import PathLike
from pathlib import Path

import numpy as np

from cad_assets.labels.errors import LabelError
from cad_assets.labels.face_truth import read_face_truth
from cad_assets.labels.seg import read_seg, to_int32

FACE_LABEL_SUFFIXES = (".face_truth", ".seg")

#: The label of a face whose file has no label file (only when label collection is on).
UNLABELLED = -1


def find_face_label_file(cad_path: str | PathLike) -> Path | None:
    """The label file beside ``cad_path`` (same stem), or ``None`` if there is none.

    Raises
    ------
    LabelError
        If there are several (``part.face_truth`` and ``part.seg``): which one is right is
        not ours to guess.
    """
    cad_path = Path(cad_path)
    found = [cad_path.with_suffix(suffix) for suffix in FACE_LABEL_SUFFIXES]
    found = [path for path in found if path.is_file()]
    if len(found) > 1:
        names = ", ".join(path.name for path in found)
        raise LabelError(f"{cad_path.name} has several label files: {names}")
    return found[0] if found else None


def read_face_labels(
    label_path: Path, n_faces: int, face_names: Callable[[], list[str]]
) -> np.ndarray:
    """The labels of a label file, one per face of its CAD file, in face order.

    Parameters
    ----------
    label_path : Path
        A ``.face_truth`` or ``.seg`` file.
    n_faces : int
        Faces of the CAD file, as encoded.
    face_names : callable returning list of str
        The STEP entity name of each face in face order; called only for ``.face_truth``.

    Returns
    -------
    (n_faces,) int32

    Raises
    ------
    LabelError
        If the file cannot be read, holds another number of labels than ``n_faces``, or
        (``.face_truth``) a face's name is not an unused index into the labels.
    """
    in_face_order = label_path.suffix == ".seg"
    labels = read_seg(label_path) if in_face_order else read_face_truth(label_path)
    if len(labels) != n_faces:
        raise LabelError(
            f"{label_path.name} holds {len(labels)} face labels but its CAD file has "
            f"{n_faces} faces (made with another CAD kernel, or for another file?)"
        )
    if in_face_order:
        return labels
    indices = _name_indices(face_names(), n_faces, label_path)
    return to_int32([labels[index] for index in indices], label_path)


def _name_indices(names: list[str], n_faces: int, label_path: Path) -> list[int]:
    """Each face's STEP name as an index into the ``n_faces`` labels; each index used once."""
    if len(names) != n_faces:  # names and faces may come from two reads
        raise LabelError(f"{label_path.name}: {len(names)} STEP face names for {n_faces} faces")
    for face, name in enumerate(names):
        if not (name.isascii() and name.isdigit() and int(name) < n_faces):
            raise LabelError(
                f"{label_path.name}: face {face} of {len(names)} is named {name!r} in the STEP "
                f"file, not an index into the labels"
            )
    indices = [int(name) for name in names]
    if len(set(indices)) < len(indices):
        raise LabelError(
            f"{label_path.name}: {len(indices) - len(set(indices))} STEP face names are used by "
            "several faces, so their labels are ambiguous"
        )
    return indices
