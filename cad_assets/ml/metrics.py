"""Baselines to compare a model with (numpy only)."""

import numpy as np


def majority_baseline(train_labels: np.ndarray, test_labels: np.ndarray) -> tuple[int, float]:
    """Accuracy of predicting the most frequent training class everywhere.

    Parameters
    ----------
    train_labels, test_labels : (n,) int
        Per-face (or per-file) classes; negative values (unlabelled) are left out.

    Returns
    -------
    cls : int
        The most frequent class among the labelled training rows.
    accuracy : float
        Share of labelled test rows of that class.
    """
    train = np.asarray(train_labels)
    test = np.asarray(test_labels)
    train, test = train[train >= 0], test[test >= 0]
    if not len(train) or not len(test):
        raise ValueError("majority baseline needs labelled training and test rows")
    classes, counts = np.unique(train, return_counts=True)
    majority = int(classes[np.argmax(counts)])
    return majority, float(np.mean(test == majority))
