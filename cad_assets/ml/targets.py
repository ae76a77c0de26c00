"""What a split stratifies on: one class per file, or the set of classes of each file's rows."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cad_assets.storage import Dataset

#: The label kinds of :class:`SplitTargets`.
SINGLE, MULTI = "single-label", "multi-label"


@dataclass(frozen=True)
class SplitTargets:
    """Per-file stratification targets.

    Attributes
    ----------
    kind : str
        ``"single-label"`` or ``"multi-label"``.
    values : np.ndarray
        ``(n_files,) int64`` class codes (single-label), or ``(n_files, n_classes) uint8``
        multi-hot rows (multi-label), in the order of the infoset's ``file_id``.
    classes : np.ndarray
        ``(n_classes,)`` the class each code or column stands for.
    """

    kind: str
    values: np.ndarray
    classes: np.ndarray


def split_targets(dataset: Dataset, infoset: pd.DataFrame, label_key: str) -> SplitTargets:
    """The targets named by ``label_key`` for every file of ``infoset``.

    Parameters
    ----------
    dataset
        The merged dataset.
    infoset
        ``cad_infoset``, one row per file, ordered by ``file_id``.
    label_key
        A column of the infoset (``"label"``): one class per file, single-label; or an array
        of the dataset, ``"<group>/<array>"`` (``"faces/label"``): the set of its values
        (negative values, as -1 = unlabelled, left out) over each file's rows, multi-label.

    Raises
    ------
    KeyError
        If ``label_key`` names neither an infoset column nor a 1-D dataset array.
    """
    if label_key in infoset.columns:
        classes, codes = np.unique(infoset[label_key].to_numpy(), return_inverse=True)
        return SplitTargets(SINGLE, codes.astype(np.int64), classes)
    if "/" in label_key and label_key in dataset and dataset[label_key].ndim == 1:
        group = dataset[label_key.rsplit("/", 1)[0]]
        return _multi_hot(group["file_id"][...], dataset[label_key][...], infoset["file_id"])
    raise KeyError(
        f"label key {label_key!r} is neither a column of cad_infoset "
        f"({', '.join(infoset.columns)}) nor a 1-D array of the dataset (e.g. 'faces/label')"
    )


def _multi_hot(row_files: np.ndarray, labels: np.ndarray, file_ids: pd.Series) -> SplitTargets:
    labelled = labels >= 0
    classes, columns = np.unique(labels[labelled], return_inverse=True)
    ids = file_ids.to_numpy()
    files = row_files[labelled]
    if not np.isin(files, ids).all():
        raise ValueError("the dataset has rows of files that are not in cad_infoset")
    rows = np.searchsorted(ids, files)
    values = np.zeros((len(ids), len(classes)), dtype=np.uint8)
    values[rows, columns] = 1
    return SplitTargets(MULTI, values, classes)
