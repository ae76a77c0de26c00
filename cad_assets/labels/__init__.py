"""Labels for the dataset: per-face classes from label files, per-file classes from folders or
tables.

Pure Python (no CAD kernel, no Dagster). Only :func:`face_labels_for` may load the kernel, and
only for a ``.face_truth`` file, whose labels are indexed by STEP face names, when the caller
does not give the names (the ``face_labels`` encoder gives those of its ``CadModel``).
"""

from cad_assets.labels.attach import FACE_LABEL_MODES, face_labels_for
from cad_assets.labels.errors import LabelError
from cad_assets.labels.face_labels import (
    FACE_LABEL_SUFFIXES,
    UNLABELLED,
    find_face_label_file,
    read_face_labels,
)
from cad_assets.labels.face_truth import read_face_truth
from cad_assets.labels.file_labels import (
    LabelVocabulary,
    file_class_names,
    folder_label,
    read_label_table,
    table_label,
)
from cad_assets.labels.mfcad import MFCAD_CLASSES, mfcad_face_label_rows
from cad_assets.labels.seg import read_seg

__all__ = [
    "FACE_LABEL_MODES",
    "FACE_LABEL_SUFFIXES",
    "MFCAD_CLASSES",
    "UNLABELLED",
    "LabelError",
    "LabelVocabulary",
    "file_class_names",
    "find_face_label_file",
    "folder_label",
    "face_labels_for",
    "mfcad_face_label_rows",
    "read_face_labels",
    "read_face_truth",
    "read_label_table",
    "read_seg",
    "table_label",
]
