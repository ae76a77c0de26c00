"""Compute a :class:`Histogram` from pieces ``(values, file_ids)``, one piece at a time."""

from collections.abc import Callable, Iterable, Iterator

import numpy as np

from cad_assets.explore.fields import Piece
from cad_assets.explore.histogram import Histogram

#: Makes a fresh iterator over a field's pieces (a numeric histogram without a range scans twice).
Pieces = Callable[[], Iterator[Piece]]


def numeric_histogram(field: str, pieces: Pieces, bins: int = 10,
                      value_range: tuple[float, float] | None = None) -> Histogram:
    """``bins`` equal-width bins over ``value_range`` (default: the finite values' min and max).

    Raises
    ------
    ValueError
        If ``bins < 1`` or the range is not ``low < high`` (a single value gets a unit range).
    """
    if bins < 1:
        raise ValueError(f"need at least one bin, not {bins}")
    low, high = value_range if value_range is not None else _finite_range(pieces())
    if low == high:
        low, high = low - 0.5, high + 0.5
    if not low < high:
        raise ValueError(f"empty range {low}..{high}")
    edges = np.linspace(low, high, bins + 1)
    counts, pairs, missing, outside = np.zeros(bins, np.int64), [], 0, 0
    for values, file_ids in _flat(pieces()):
        values = values.astype(np.float64)
        nan = np.isnan(values)
        index = np.searchsorted(edges, values, side="right") - 1
        index[values == high] = bins - 1  # the last bin is closed
        inside = ~nan & (index >= 0) & (index < bins)
        missing, outside = missing + int(nan.sum()), outside + int((~nan & ~inside).sum())
        counts += np.bincount(index[inside], minlength=bins)
        pairs.append(np.unique(file_ids[inside] * bins + index[inside]))  # (file, bin) keys
    labels = [f"[{a:.4g}, {b:.4g}{']' if i == bins - 1 else ')'}"
              for i, (a, b) in enumerate(zip(edges[:-1], edges[1:]))]
    return Histogram(field, labels, counts, _files_per_bin(pairs, bins), edges=edges,
                     n_missing=missing, n_outside=outside)


def category_histogram(field: str, pieces: Iterable[Piece], names: dict | None = None) -> Histogram:
    """One bin per distinct value (and per code of ``names``, even if absent), sorted.

    ``names`` maps codes to labels (from ``cad_attribset``); other values are labelled as text.
    """
    names = names or {}
    counts: dict = {code: 0 for code in names}
    found: dict = {code: [] for code in names}
    missing = 0
    for values, file_ids in _flat(pieces):
        if values.dtype == object:
            absent = np.array([v is None or v != v for v in values], dtype=bool)  # None, NaN
            missing += int(absent.sum())
            values, file_ids = values[~absent].astype(str), file_ids[~absent]
        distinct, position, per_value = np.unique(values, return_inverse=True, return_counts=True)
        grouped = np.split(file_ids[np.argsort(position, kind="stable")], np.cumsum(per_value)[:-1])
        for value, count, ids in zip(distinct.tolist(), per_value.tolist(), grouped):
            counts[value] = counts.get(value, 0) + count
            found.setdefault(value, []).append(np.unique(ids))
    codes = sorted(found)
    files = [np.unique(np.concatenate([np.zeros(0, np.int64), *found[code]])) for code in codes]
    labels = [str(names.get(code, code)) for code in codes]
    return Histogram(field, labels, np.array([counts[code] for code in codes], dtype=np.int64),
                     files, codes=np.array(codes), n_missing=missing)


def _finite_range(pieces: Iterable[Piece]) -> tuple[float, float]:
    low, high = np.inf, -np.inf
    for values, _ in pieces:
        finite = values[np.isfinite(values)] if values.size else values
        if finite.size:
            low, high = min(low, float(finite.min())), max(high, float(finite.max()))
    return (low, high) if low <= high else (0.0, 1.0)


def _flat(pieces: Iterable[Piece]) -> Iterator[Piece]:
    """Pieces with one value per entry: a row of ``m`` values gives ``m`` entries."""
    for values, file_ids in pieces:
        per_row = int(np.prod(values.shape[1:], dtype=np.int64))
        yield values.reshape(-1), np.repeat(file_ids, per_row)


def _files_per_bin(keys: list[np.ndarray], bins: int) -> list[np.ndarray]:
    """Split ``file_id * bins + bin`` keys into increasing file ids per bin."""
    keys = np.unique(np.concatenate([np.zeros(0, np.int64), *keys]))
    file_ids, bin_of = keys // bins, keys % bins
    order = np.argsort(bin_of, kind="stable")  # file ids stay increasing within a bin
    bounds = np.searchsorted(bin_of[order], np.arange(bins + 1))
    return [file_ids[order][bounds[b]:bounds[b + 1]] for b in range(bins)]
