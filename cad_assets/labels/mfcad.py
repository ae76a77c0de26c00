"""The MFCAD machining-feature classes (the codes in its ``.face_truth`` files)."""

from cad_assets.labels.face_labels import UNLABELLED

#: Class names by code (``FEAT_NAMES`` in MFCAD's ``occ/dataset_visualizer.py``).
MFCAD_CLASSES = (
    "rectangular through slot",
    "triangular through slot",
    "rectangular passage",
    "triangular passage",
    "6-sided passage",
    "rectangular through step",
    "2-sided through step",
    "slanted through step",
    "rectangular blind step",
    "triangular blind step",
    "rectangular blind slot",
    "rectangular pocket",
    "triangular pocket",
    "6-sided pocket",
    "chamfer",
    "stock",  # a face of no feature
)
STOCK = MFCAD_CLASSES.index("stock")


def mfcad_face_label_rows(array: str = "faces/label") -> list[dict]:
    """Categorical-table rows for per-face MFCAD labels, ``UNLABELLED`` first.

    Each row has ``array``, ``code``, ``name`` (snake case) and ``description``.
    """
    unlabelled = {"array": array, "code": UNLABELLED, "name": "unlabelled",
                  "description": "no label file beside the CAD file"}
    return [unlabelled] + [
        {"array": array, "code": code, "name": name.replace(" ", "_").replace("-", "_"),
         "description": f"{name} (MFCAD class {code})"}
        for code, name in enumerate(MFCAD_CLASSES)
    ]
