"""The per-face labels of one CAD file, from the label file beside it (if any): what the
built-in ``face_labels`` encoder saves as ``faces/label``."""

from collections.abc import Callable
from os import PathLike
from pathlib import Path

import numpy as np

from cad_assets.labels.errors import LabelError
from cad_assets.labels.face_labels import UNLABELLED, find_face_label_file, read_face_labels

#: ``face_labels`` option: ``auto`` labels files that have a label file and marks the faces of
#: the others :data:`UNLABELLED`; ``required`` makes a missing label file an error; ``none``
#: writes no ``faces/label``. Every file of a dataset gets the same arrays, so the merge works.
FACE_LABEL_MODES = ("auto", "required", "none")
DEFAULT_FACE_LABELS = "auto"


def face_labels_for(
    cad_path: str | PathLike,
    n_faces: int,
    mode: str = DEFAULT_FACE_LABELS,
    face_names: Callable[[], list[str] | None] | None = None,
) -> tuple[np.ndarray | None, str]:
    """``((n_faces,) int32 labels, label file name)`` for the CAD file at ``cad_path``;
    labels are ``None`` with ``mode="none"``, :data:`UNLABELLED` where there is no label file.

    Parameters
    ----------
    face_names : callable, optional
        Returns the STEP entity name of each face in face order, or ``None`` if the file is
        not STEP; called only for a ``.face_truth`` file. Pass ``lambda: model.face_names``
        for a :class:`~cad_assets.geometry.CadModel` of the file, which already read it;
        without it, the file is read again to find the names.

    Raises
    ------
    LabelError
        If the label file does not fit the CAD file (see :func:`read_face_labels`), is a
        ``.face_truth`` beside a file that is not STEP, or is missing with ``"required"``.
    ValueError
        If ``mode`` is not one of :data:`FACE_LABEL_MODES`.
    """
    if mode not in FACE_LABEL_MODES:
        raise ValueError(f"face_labels must be one of {FACE_LABEL_MODES}, got {mode!r}")
    if mode == "none":
        return None, ""
    cad_path = Path(cad_path)
    label_path = find_face_label_file(cad_path)
    if label_path is not None:
        labels = read_face_labels(
            label_path, n_faces, lambda: _step_face_names(cad_path, face_names)
        )
        return labels, label_path.name
    if mode == "required":
        raise LabelError(f"{cad_path.name} has no label file ({cad_path.stem}.face_truth or .seg)")
    return np.full(n_faces, UNLABELLED, dtype=np.int32), ""


def _step_face_names(
    cad_path: Path, face_names: Callable[[], list[str] | None] | None
) -> list[str]:
    names = _read_face_names(cad_path) if face_names is None else face_names()
    if names is None:
        raise LabelError(f"{cad_path.name}: .face_truth labels are indexed by STEP face names; "
                         "this is not a STEP file")
    return names


def _read_face_names(cad_path: Path) -> list[str] | None:
    """The face names of a STEP file read again for them, ``None`` for another format."""
    # Imported here: the CAD kernel loads only in workers that meet a .face_truth file.
    from cad_assets.geometry.face_names import read_step_with_face_names
    from cad_assets.geometry.readers import format_of

    if format_of(cad_path).name != "STEP":
        return None
    return read_step_with_face_names(cad_path)[1]
