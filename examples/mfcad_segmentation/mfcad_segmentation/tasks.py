"""Dataset-level tasks of the segmentation project: they run on the merged dataset, after
every file is encoded, and read it in slices rather than loading it whole."""

import numpy as np
import pandas as pd

from cad_assets import flow

_CHUNK = 1_000_000  # rows per read: a million faces never sit in memory at once


def _codes(cad_attribset: pd.DataFrame, field: str) -> dict[int, str]:
    rows = cad_attribset[cad_attribset["field"] == field]
    return dict(zip(rows["code"].astype(int), rows["name"]))


@flow.dataset_task
def face_label_statistics(cad_dataset, cad_attribset: pd.DataFrame) -> pd.DataFrame:
    """Per MFCAD class: faces, share of all labelled faces, files that have it, mean face
    area, and the surface type most of its faces have."""
    faces = cad_dataset["faces"]
    n_classes = max(_codes(cad_attribset, "faces/label")) + 1
    n_types = max(_codes(cad_attribset, "faces/surface_type")) + 1
    counts = np.zeros(n_classes, np.int64)
    area = np.zeros(n_classes)
    by_type = np.zeros((n_classes, n_types), np.int64)
    files = [set() for _ in range(n_classes)]
    for start in range(0, faces["label"].shape[0], _CHUNK):
        window = slice(start, start + _CHUNK)
        label, file_id = faces["label"][window], faces["file_id"][window]
        keep = label >= 0  # -1: a face of a file without labels
        label, file_id = label[keep], file_id[keep]
        counts += np.bincount(label, minlength=n_classes)
        area += np.bincount(label, weights=faces["area"][window][keep], minlength=n_classes)
        np.add.at(by_type, (label, faces["surface_type"][window][keep]), 1)
        for code in np.unique(label):
            files[code].update(np.unique(file_id[label == code]).tolist())
    names, types = _codes(cad_attribset, "faces/label"), _codes(cad_attribset, "faces/surface_type")
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "label": np.arange(n_classes),
            "name": [names.get(code, "") for code in range(n_classes)],
            "faces": counts,
            "share": counts / max(counts.sum(), 1),
            "files": [len(f) for f in files],
            "mean_area": area / counts,
            "main_surface_type": [types[int(row.argmax())] if row.any() else "" for row in by_type],
        })


@flow.dataset_task
def label_coverage(cad_infoset: pd.DataFrame, cad_errors: pd.DataFrame) -> dict:
    """Validation: every file in the dataset has a label file, and why the others are missing."""
    return {
        "files_in_dataset": len(cad_infoset),
        "files_without_label_file": int((cad_infoset["face_label_file"] == "").sum()),
        "files_failed": len(cad_errors),
        "failed_by_type": cad_errors["error_type"].value_counts().to_dict(),
    }
