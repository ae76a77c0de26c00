"""The charts of a merged dataset, as PNG bytes, for the dataset asset's metadata."""

import pandas as pd

from cad_assets.charts.counts import (
    CHUNK_ROWS,
    Dataset,
    category_names,
    error_counts,
    face_label_code_counts,
    faces_per_file,
    file_label_counts,
    named_counts,
    open_dataset,
    surface_type_counts,
)
from cad_assets.charts.plots import CHART_SIZE, bar_png, histogram_png


def faces_per_file_chart(
    infoset: pd.DataFrame | None, dataset: Dataset | None = None, size: tuple[int, int] = CHART_SIZE
) -> bytes:
    """Histogram of the faces per file (the infoset's ``n_faces``, else ``faces/file_id``)."""
    dataset = None if dataset is None else open_dataset(dataset)
    return histogram_png(faces_per_file(infoset, dataset), "Faces per file", "faces",
                         size=size, empty_message="no files")


def surface_type_chart(
    dataset: Dataset, attribset: pd.DataFrame | None, size: tuple[int, int] = CHART_SIZE,
    chunk_rows: int = CHUNK_ROWS,
) -> bytes | None:
    """Bars of the faces of each surface type; None without ``faces/surface_type``."""
    counts = surface_type_counts(open_dataset(dataset), attribset, chunk_rows)
    if counts is None:
        return None
    return bar_png(counts, f"Surface types ({sum(counts.values()):,} faces)", "faces",
                   size=size, empty_message="no faces")


def face_label_chart(
    dataset: Dataset, attribset: pd.DataFrame | None, size: tuple[int, int] = CHART_SIZE,
    chunk_rows: int = CHUNK_ROWS,
) -> bytes | None:
    """Bars of the faces of each per-face class; None without ``faces/label``."""
    codes = face_label_code_counts(open_dataset(dataset), chunk_rows)
    if codes is None:
        return None
    counts = named_counts(codes, {-1: "unlabelled", **category_names(attribset, "faces/label")})
    labelled = sum(count for code, count in codes.items() if code >= 0)
    title = f"Face labels ({labelled:,} of {sum(codes.values()):,} faces labelled)"
    return bar_png(counts, title, "faces", size=size, empty_message="no faces")


def file_label_chart(
    infoset: pd.DataFrame | None, attribset: pd.DataFrame | None, size: tuple[int, int] = CHART_SIZE
) -> bytes | None:
    """Bars of the files of each per-file class; None without an infoset ``label`` column."""
    counts = file_label_counts(infoset, attribset)
    if counts is None:
        return None
    return bar_png(counts, f"File labels ({sum(counts.values()):,} files)", "files",
                   size=size, empty_message="no files")


def error_chart(errors: pd.DataFrame | None, size: tuple[int, int] = CHART_SIZE) -> bytes:
    """Bars of the failed files per error type; a chart saying "no errors" when none failed."""
    counts = error_counts(errors)
    return bar_png(counts, f"Errors by type ({sum(counts.values()):,} files failed)", "files",
                   size=size, empty_message="no errors")


def dataset_charts(
    dataset: Dataset,
    infoset: pd.DataFrame | None,
    attribset: pd.DataFrame | None,
    errors: pd.DataFrame | None,
    size: tuple[int, int] = CHART_SIZE,
    chunk_rows: int = CHUNK_ROWS,
) -> dict[str, bytes]:
    """Every chart that applies, as PNG bytes, keyed (in this order) ``faces_per_file``,
    ``surface_types``, ``face_labels`` (if ``faces/label`` exists), ``file_labels`` (if the
    infoset has ``label``) and ``errors`` (unless ``errors`` is None).

    ``dataset`` is the merged Zarr group, its path, or a mapping of array paths to arrays;
    ``infoset``, ``attribset`` and ``errors`` are the ``cad_infoset``, ``cad_attribset`` and
    ``cad_errors`` tables.

    Examples
    --------
    >>> charts = dataset_charts("out/cad_dataset.zarr", info, attrib, errs)  # doctest: +SKIP
    >>> sorted(charts)  # doctest: +SKIP
    ['errors', 'face_labels', 'faces_per_file', 'surface_types']
    """
    dataset = open_dataset(dataset)
    charts = {
        "faces_per_file": faces_per_file_chart(infoset, dataset, size),
        "surface_types": surface_type_chart(dataset, attribset, size, chunk_rows),
        "face_labels": face_label_chart(dataset, attribset, size, chunk_rows),
        "file_labels": file_label_chart(infoset, attribset, size),
        "errors": None if errors is None else error_chart(errors, size),
    }
    return {name: png for name, png in charts.items() if png is not None}
