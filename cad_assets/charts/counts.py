"""What the dataset charts show, counted: plain numpy and pandas, no plotting.

Arrays are read in slices of about :data:`CHUNK_ROWS` rows (rounded to whole Zarr chunks),
so a dataset of many millions of faces is never loaded whole.
"""

from collections.abc import Mapping
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

#: Rows read at a time from a dataset array.
CHUNK_ROWS = 1_000_000

#: A merged dataset: an open Zarr group, its path, or a mapping of array paths
#: (``"faces/surface_type"``) to arrays (numpy or Zarr).
Dataset = Any


def open_dataset(dataset: Dataset) -> Any:
    """A path becomes the read-only Zarr group published there; anything else is kept."""
    if isinstance(dataset, (str, PathLike)):
        from pathlib import Path

        from cad_assets.storage import open_dataset as open_published

        return open_published(Path(dataset))
    return dataset


def dataset_array(dataset: Dataset, name: str) -> Any | None:
    """The array ``name`` (e.g. ``"faces/label"``) of ``dataset``, or None where it has none."""
    try:
        return dataset[name]
    except (KeyError, FileNotFoundError):
        return None


def _chunk_rows(array: Any, chunk_rows: int) -> int:
    """``chunk_rows`` rounded to a whole number of the array's Zarr chunks (at least one)."""
    chunks = getattr(array, "chunks", None)
    if chunks and chunks[0]:
        return max(1, round(chunk_rows / chunks[0])) * chunks[0]
    return max(1, chunk_rows)


def count_codes(array: Any, chunk_rows: int = CHUNK_ROWS) -> dict[int, int]:
    """How many rows hold each integer code of a 1-D array, ``{code: count}`` sorted by code.

    Reads ``array`` (numpy or Zarr) slice by slice and counts each slice with
    :func:`numpy.bincount`, shifted by the slice's smallest code so that negative codes
    (``-1`` = unlabelled) count too. Codes that never occur are left out.
    """
    total: dict[int, int] = {}
    n_rows = array.shape[0] if hasattr(array, "shape") else len(array)
    step = _chunk_rows(array, chunk_rows)
    for start in range(0, n_rows, step):
        codes = np.asarray(array[start:min(start + step, n_rows)]).ravel()
        if codes.size == 0:
            continue
        codes = codes.astype(np.int64, copy=False)
        lowest = int(codes.min())
        counts = np.bincount(codes - lowest)
        for offset in np.flatnonzero(counts):
            code = lowest + int(offset)
            total[code] = total.get(code, 0) + int(counts[offset])
    return dict(sorted(total.items()))


def category_names(attribset: pd.DataFrame | None, field: str) -> dict[int, str]:
    """``{code: name}`` of one categorical field of the attribset table (empty if absent)."""
    if attribset is None or attribset.empty or not {"field", "code", "name"} <= set(attribset):
        return {}
    rows = attribset[attribset["field"] == field]
    return {int(code): str(name) for code, name in zip(rows["code"], rows["name"])}


def named_counts(counts: Mapping[int, int], names: Mapping[int, str]) -> dict[str, int]:
    """``{name: count}`` in code order; a code without a name is shown as its number."""
    return {names.get(code, str(code)): count for code, count in sorted(counts.items())}


def faces_per_file(infoset: pd.DataFrame | None, dataset: Dataset | None = None) -> np.ndarray:
    """Faces of each file: the infoset's ``n_faces`` column or, without it, the rows per file
    of the dataset's ``faces/file_id``. Empty when neither is there."""
    if infoset is not None and "n_faces" in infoset:
        return pd.to_numeric(infoset["n_faces"], errors="coerce").dropna().to_numpy(np.int64)
    file_ids = None if dataset is None else dataset_array(dataset, "faces/file_id")
    if file_ids is None:
        return np.zeros(0, dtype=np.int64)
    return np.array(list(count_codes(file_ids).values()), dtype=np.int64)


def surface_type_counts(
    dataset: Dataset, attribset: pd.DataFrame | None, chunk_rows: int = CHUNK_ROWS
) -> dict[str, int] | None:
    """Faces of each surface type, ``{name: count}``; None without ``faces/surface_type``."""
    array = dataset_array(dataset, "faces/surface_type")
    if array is None:
        return None
    names = category_names(attribset, "faces/surface_type")
    return named_counts(count_codes(array, chunk_rows), names)


def face_label_counts(
    dataset: Dataset, attribset: pd.DataFrame | None, chunk_rows: int = CHUNK_ROWS
) -> dict[str, int] | None:
    """Faces of each per-face class (``faces/label``; -1 is ``unlabelled``), ``{name: count}``;
    None when the dataset has no ``faces/label``."""
    codes = face_label_code_counts(dataset, chunk_rows)
    if codes is None:
        return None
    return named_counts(codes, {-1: "unlabelled", **category_names(attribset, "faces/label")})


def face_label_code_counts(dataset: Dataset, chunk_rows: int = CHUNK_ROWS) -> dict[int, int] | None:
    """Faces of each ``faces/label`` code, ``{code: count}``; None without that array."""
    array = dataset_array(dataset, "faces/label")
    return None if array is None else count_codes(array, chunk_rows)


def file_label_counts(
    infoset: pd.DataFrame | None, attribset: pd.DataFrame | None
) -> dict[str, int] | None:
    """Files of each per-file class (infoset column ``label``, names from the attribset field
    ``label`` or the ``label_name`` column; -1 or missing is ``unlabelled``); None when the
    infoset has no ``label`` column."""
    if infoset is None or "label" not in infoset:
        return None
    labels = pd.to_numeric(infoset["label"], errors="coerce").fillna(-1).astype(np.int64)
    names = {-1: "unlabelled"}
    if "label_name" in infoset:
        pairs = zip(labels, infoset["label_name"])
        names.update({int(code): str(name) for code, name in pairs if code >= 0 and pd.notna(name)})
    names.update(category_names(attribset, "label"))
    return named_counts(count_codes(labels.to_numpy()), names)


def error_counts(errors: pd.DataFrame | None) -> dict[str, int]:
    """Failed files per error type, most frequent first (``{}`` for no errors)."""
    if errors is None or errors.empty or "error_type" not in errors:
        return {}
    counts = errors["error_type"].fillna("unknown").astype(str).value_counts()
    return {str(name): int(count) for name, count in counts.items()}
