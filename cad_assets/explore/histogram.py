"""A histogram of a field: bins, how many values fall in each, and which files they come from."""

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Histogram:
    """Distribution of the values of one field.

    A row with several values (``faces/bbox``, ``faces/uv_grid``) adds each of them.

    Attributes
    ----------
    field : str
        ``faces/area``, ``faces/surface_type``, ``n_faces``, ...
    labels : list[str]
        ``(bins,)``: ``"[0.5, 1)"`` for a numeric bin, the category name for a category.
    counts : np.ndarray
        ``(bins,) int64``: values in each bin.
    files : list[np.ndarray]
        ``bins`` arrays of file ids (``int64``, increasing) with at least one value in the bin.
    edges : np.ndarray or None
        ``(bins + 1,) float64`` bin edges of a numeric histogram (the last bin includes its
        right edge); ``None`` for categories.
    codes : np.ndarray or None
        ``(bins,)`` the value of each category bin (a code, a bool or a text); ``None`` for a
        numeric histogram.
    n_missing : int
        NaN or missing values (in no bin).
    n_outside : int
        Values outside ``edges`` (infinities, or anything outside a range that was given).
    """

    field: str
    labels: list[str]
    counts: np.ndarray
    files: list[np.ndarray]
    edges: np.ndarray | None = None
    codes: np.ndarray | None = None
    n_missing: int = 0
    n_outside: int = 0

    @property
    def n_files(self) -> int:
        """Files with at least one value in a bin."""
        return len(np.unique(np.concatenate([np.zeros(0, np.int64), *self.files])))

    def to_frame(self) -> pd.DataFrame:
        """One row per bin: ``label``, ``low``/``high`` (numeric) or ``code``, ``count``,
        ``n_files`` and ``file_ids`` (a list)."""
        table = pd.DataFrame({"label": self.labels})
        if self.edges is not None:
            table["low"], table["high"] = self.edges[:-1], self.edges[1:]
        if self.codes is not None:
            table["code"] = self.codes
        table["count"] = self.counts
        table["n_files"] = [len(ids) for ids in self.files]
        table["file_ids"] = [ids.tolist() for ids in self.files]
        return table
