"""Which files have rows that satisfy a predicate, scanning a field a piece at a time."""

from collections.abc import Iterable

import numpy as np
import pandas as pd

from cad_assets.explore.conditions import Predicate
from cad_assets.explore.fields import Piece


def matching_rows(pieces: Iterable[Piece], predicate: Predicate) -> pd.Series:
    """Count the rows of each file that satisfy ``predicate``.

    Parameters
    ----------
    pieces
        ``(values (k, ...), file_ids (k,))`` in file id order (see :mod:`.fields`).
    predicate
        Maps values ``(k, ...)`` to a mask ``(k,)`` or ``(k, ...)``; a row with more than one
        value (``faces/bbox``) matches when any of its values does.

    Returns
    -------
    pd.Series
        ``int64`` matching rows, indexed by file id (``int64``, increasing); files without a
        matching row are left out.

    Raises
    ------
    ValueError
        If the mask has neither the values' shape nor one entry per row.
    """
    ids, counts = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for values, file_ids in pieces:
        mask = np.asarray(predicate(values), dtype=bool)
        if mask.ndim > 1:
            mask = mask.reshape(len(mask), -1).any(axis=1)
        if mask.shape != file_ids.shape:
            raise ValueError(f"the predicate gave a mask of shape {mask.shape} for "
                             f"values of shape {np.shape(values)}")
        found, found_counts = np.unique(file_ids[mask], return_counts=True)
        ids.append(found)
        counts.append(found_counts)
    # A file whose rows cross a piece boundary is counted in both pieces.
    file_ids, position = np.unique(np.concatenate(ids), return_inverse=True)
    totals = np.bincount(position, weights=np.concatenate(counts), minlength=len(file_ids))
    return pd.Series(totals.astype(np.int64), index=pd.Index(file_ids, name="file_id"),
                     name="matching_rows")


def select_files(matches: pd.Series, rows: pd.Series, min_rows: int = 1, every: bool = False
                 ) -> pd.DataFrame:
    """Keep the files with enough matching rows.

    Parameters
    ----------
    matches
        Matching rows by file id (from :func:`matching_rows`).
    rows
        All rows of each file in the field's group, by file id.
    min_rows
        Least matching rows a file needs.
    every
        Keep only files whose every row matches (and that have at least one row).

    Returns
    -------
    pd.DataFrame
        Columns ``file_id``, ``matching_rows``, ``rows`` (``int64``), by increasing file id.
    """
    table = pd.DataFrame({"matching_rows": matches}).join(rows.rename("rows"), how="left")
    table["rows"] = table["rows"].fillna(0).astype(np.int64)
    keep = table["matching_rows"] >= max(min_rows, 1)
    if every:
        keep &= table["matching_rows"] == table["rows"]
    return table[keep].reset_index()
