"""Files whose rows satisfy conditions, returned as rows of ``cad_infoset``."""

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cad_assets.explore.conditions import Condition
from cad_assets.explore.fields import FieldRef
from cad_assets.explore.query import matching_rows, select_files

if TYPE_CHECKING:
    from cad_assets.explore.explorer import Explorer


def files_where(explorer: "Explorer", field: str, op: str | Callable[[np.ndarray], np.ndarray],
                value=None, *, min_rows: int = 1, every: bool = False) -> pd.DataFrame:
    """The files with rows where ``field op value`` holds, as infoset rows.

    Parameters
    ----------
    field
        ``group/array``, ``group/array[i]`` (one column of a ``(rows, n)`` array) or an
        infoset column (one row per file: ``n_faces``, ``label``, ``format``).
    op, value
        An operator of :data:`~cad_assets.explore.conditions.OPERATORS` and its operand; text
        names a category of ``cad_attribset`` (``"torus"``). Or ``op`` is a function of values
        ``(k, ...)`` giving a mask ``(k,)``, and ``value`` is left out.
    min_rows
        Least matching rows a file needs.
    every
        Keep only files all of whose rows in the group match.

    Returns
    -------
    pd.DataFrame
        The infoset rows of the files (all columns, by file id) plus ``matching_rows`` and
        ``rows`` (the file's rows in the field's group); without an infoset, only ``file_id``,
        ``matching_rows`` and ``rows``.

    Raises
    ------
    KeyError
        Unknown field or category name.
    ValueError
        Unknown operator, or text compared with an array that has no category names.
    """
    predicate = op if callable(op) else Condition(field, op, value).predicate(explorer.categories)
    ref = FieldRef.parse(field)
    matches = matching_rows(explorer.pieces(ref), predicate)
    if ref.group is None:
        rows = pd.Series(1, index=explorer.infoset["file_id"].to_numpy(np.int64), dtype=np.int64)
    else:
        index = explorer.row_index(ref.group)
        rows = pd.Series(index.stops - index.starts, index=index.file_ids)
    return explorer.files.join(select_files(matches, rows, min_rows, every))


def query(explorer: "Explorer", *conditions: str | Condition, min_rows: int = 1,
          every: bool = False) -> pd.DataFrame:
    """Files satisfying every condition (``"faces/surface_type == torus"``, ``"n_faces > 9"``).

    Each condition is tested on its own (``min_rows`` and ``every`` apply to each); the result
    is the infoset rows of the files meeting all of them, with the ``matching_rows`` and
    ``rows`` of the first condition.

    Raises
    ------
    ValueError
        If no condition is given or one cannot be parsed; see also :func:`files_where`.
    """
    if not conditions:
        raise ValueError("give at least one condition")
    result = None
    for condition in conditions:
        c = Condition.parse(condition) if isinstance(condition, str) else condition
        found = files_where(explorer, c.field, c.op, c.value, min_rows=min_rows, every=every)
        result = found if result is None else result[result["file_id"].isin(found["file_id"])]
    return result.reset_index(drop=True)
