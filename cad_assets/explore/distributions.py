"""Distributions of a field: histograms, and category counts joined with ``cad_attribset``."""

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cad_assets.explore import binning
from cad_assets.explore.fields import FieldRef
from cad_assets.explore.histogram import Histogram

if TYPE_CHECKING:
    from cad_assets.explore.explorer import Explorer


def histogram(explorer: "Explorer", field: str, bins: int = 10,
              value_range: tuple[float, float] | None = None,
              discrete: bool | None = None) -> Histogram:
    """Distribution of ``field`` (an array, ``group/array[i]`` or an infoset column).

    Parameters
    ----------
    bins, value_range
        Equal-width bins over ``value_range`` (default: min to max of the finite values).
    discrete
        One bin per distinct value instead. Default: for integer fields named in
        ``cad_attribset`` (bins labelled with their names, all codes listed), booleans and
        text; numeric bins otherwise.

    Raises
    ------
    KeyError
        If the field is unknown.
    ValueError
        If ``bins < 1`` or the range is empty.
    """
    ref = FieldRef.parse(field)
    dtype = explorer.dtype(ref)
    categorical = ref.key in explorer.categories and dtype.kind in "iu" and ref.column is None
    if discrete is None:
        discrete = categorical or dtype.kind in "bOUST"
    if discrete:
        names = explorer.categories.names(ref.key) if categorical else None
        return binning.category_histogram(str(ref), explorer.pieces(ref), names)
    return binning.numeric_histogram(str(ref), lambda: explorer.pieces(ref), bins, value_range)


def category_counts(explorer: "Explorer", field: str) -> pd.DataFrame:
    """How often each value of ``field`` occurs, joined with its ``cad_attribset`` rows.

    Returns
    -------
    pd.DataFrame
        ``code, name, description, count, n_files`` by code, also for codes that never
        occur; only ``code, count, n_files`` for a field without attribset rows.
    """
    found = histogram(explorer, field, discrete=True)
    counts = pd.DataFrame({"code": found.codes, "count": found.counts,
                           "n_files": [len(ids) for ids in found.files]})
    attribset = explorer.attribset
    if attribset is None or not (attribset["field"] == FieldRef.parse(field).key).any():
        return counts
    names = attribset[attribset["field"] == FieldRef.parse(field).key].drop(columns="field")
    table = names.merge(counts, on="code", how="outer").fillna({"count": 0, "n_files": 0})
    return table.astype({"count": np.int64, "n_files": np.int64}).reset_index(drop=True)
