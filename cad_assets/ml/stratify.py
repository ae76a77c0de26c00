"""Assign files to train / validation / test, stratified by scikit-learn or iterstrat."""

import warnings
from collections.abc import Mapping

import numpy as np
from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

#: Subset names, in the order of a split's fractions.
SUBSETS = ("train", "validation", "test")


def check_fractions(fractions) -> dict[str, float]:
    """``fractions`` as ``{"train": f, "validation": f, "test": f}``, checked.

    Parameters
    ----------
    fractions
        Three numbers (train, validation, test) or a mapping with those keys; each in [0, 1],
        summing to 1, train above 0. Validation or test may be 0: ``(0.8, 0.0, 0.2)`` is a
        split without validation files. Two numbers are refused (which one is missing would
        be a guess).
    """
    if isinstance(fractions, Mapping):
        if set(fractions) != set(SUBSETS):
            raise ValueError(f"fractions need exactly the keys {SUBSETS}, got {sorted(fractions)}")
        values = [float(fractions[name]) for name in SUBSETS]
    else:
        values = [float(value) for value in fractions]
        if len(values) != 3:
            raise ValueError(f"fractions are (train, validation, test), got {fractions!r}")
    if min(values) < 0 or values[0] <= 0 or abs(sum(values) - 1) > 1e-6:
        raise ValueError(f"fractions must be >= 0, train > 0, and sum to 1; got {values}")
    return dict(zip(SUBSETS, values))


def assign_subsets(targets: np.ndarray, fractions, seed: int, groups=None) -> np.ndarray:
    """The subset of each file: 0 train, 1 validation, 2 test (indices into ``SUBSETS``).

    Test files are drawn first from all files, then validation files from the rest, each
    draw stratified: by class for ``(n_files,)`` targets (scikit-learn's
    StratifiedShuffleSplit), by label set for ``(n_files, n_classes)`` multi-hot targets
    (iterative stratification, MultilabelStratifiedShuffleSplit). Subset sizes are the
    fractions of the number of files (of groups, with ``groups``), rounded. A fraction of 0
    (``(0.8, 0.0, 0.2)``: no validation subset) draws nothing for that subset.

    Parameters
    ----------
    targets : (n_files,) int or (n_files, n_classes) uint8
    fractions
        See :func:`check_fractions`.
    seed : int
        The same seed, targets and fractions give the same assignment.
    groups : (n_files,) array, optional
        Files of the same group (e.g. identical content: ``duplicate_group``) go to the same
        subset: the groups are stratified, not the files. A group's target is its first
        file's class (single-label) or the union of its files' label sets (multi-label).
        With one file per group the assignment is the one without ``groups``.

    Returns
    -------
    (n_files,) int8
    """
    if groups is not None:
        unit, first = group_units(groups)
        if len(first) < len(targets):
            return assign_subsets(_group_targets(targets, unit, first), fractions, seed)[unit]
    share = check_fractions(fractions)
    n = len(targets)
    n_test = int(round(share["test"] * n))
    n_validation = int(round(share["validation"] * n))
    if n and n_test + n_validation >= n:
        raise ValueError(f"{n} files (identical files counted once when grouped) leave none "
                         f"for training with fractions {share}")
    subset = np.zeros(n, dtype=np.int8)
    rest = np.arange(n)
    for code, size in ((2, n_test), (1, n_validation)):
        if size:
            keep, drawn = _draw(targets[rest], size, seed)
            subset[rest[drawn]] = code
            rest = rest[keep]
    return subset


def group_units(groups) -> tuple[np.ndarray, np.ndarray]:
    """``(unit, first)``: the group of each file as ``0..n_groups-1``, numbered in order of
    their first file, and the index of each group's first file."""
    values = np.asarray(groups)
    if values.ndim != 1:
        raise ValueError(f"groups must be one value per file, got shape {values.shape}")
    _, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[inverse.reshape(-1)], first[order]


def _group_targets(targets: np.ndarray, unit: np.ndarray, first: np.ndarray) -> np.ndarray:
    if len(unit) != len(targets):
        raise ValueError(f"{len(unit)} groups for {len(targets)} files")
    if targets.ndim == 2:
        union = np.zeros((len(first), targets.shape[1]), dtype=targets.dtype)
        np.maximum.at(union, unit, targets)
        return union
    return targets[first]


def _draw(targets: np.ndarray, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices kept and drawn when ``size`` of ``targets`` are drawn, stratified."""
    placeholder = np.zeros((len(targets), 1))
    if targets.ndim == 2:
        splitter = MultilabelStratifiedShuffleSplit(n_splits=1, test_size=size, random_state=seed)
        return next(splitter.split(placeholder, targets))
    strata = _pool_rare_classes(targets)
    try:
        splitter = StratifiedShuffleSplit(n_splits=1, test_size=size, random_state=seed)
        return next(splitter.split(placeholder, strata))
    except ValueError as error:  # more classes than files to draw, and the like
        warnings.warn(f"drawing {size} of {len(targets)} files at random, not stratified: {error}",
                      stacklevel=3)
        return next(ShuffleSplit(n_splits=1, test_size=size, random_state=seed).split(placeholder))


def _pool_rare_classes(codes: np.ndarray) -> np.ndarray:
    """Classes of a single file share one stratum (a class of one cannot be stratified)."""
    classes, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
    rare = counts[inverse] < 2
    if rare.sum() == 1:  # a pool of one: join the largest class
        return np.where(rare, classes[np.argmax(counts)], codes)
    return np.where(rare, -(2**62), codes)
