"""Train / validation / test splits of a dataset's files, saved beside it for reproducibility.

A split lives at ``<output>/splits/<name>.json``. It names its files by ``partition_key`` and
``sha256`` as well as ``file_id`` (stable while the file's partition exists) and holds the
label key, fractions, seed, and the normalisation statistics of its training files. It keeps
loading when files are added to or removed from the dataset; it refuses files whose content
or encoding changed.

Files with identical content (same sha256: ``cad_infoset``'s ``duplicate_group``) always land
in the same subset, so a copy in train cannot leak its twin in test; ``duplicates="first"``
keeps only one copy of each content in the split.
"""

import json
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from cad_assets.ml.features import FeatureSet
from cad_assets.ml.statistics import ChannelStats, compute_statistics
from cad_assets.ml.stratify import SUBSETS, assign_subsets, check_fractions
from cad_assets.ml.targets import split_targets
from cad_assets.sources import content_groups, describe_conflicts, label_conflicts
from cad_assets.storage import OutputLayout, atomic_write_path

#: Version of the JSON layout.
SPLIT_FORMAT_VERSION = 1
#: Columns naming each file of a split.
FILE_COLUMNS = ["file_id", "partition_key", "sha256", "encoding_version"]
#: What :func:`make_split` does with identical files: keep them ``together`` in one subset,
#: or keep only the ``first`` copy of each content (by partition key) in the split.
DUPLICATE_MODES = ("together", "first")


class SplitMismatchError(RuntimeError):
    """A saved split names files that are missing from the dataset or have changed."""


@dataclass
class Split:
    """Which files are for training, validation and test, and the training statistics.

    Attributes
    ----------
    name, label_key, kind : str
        ``kind`` is ``"single-label"`` or ``"multi-label"`` (see :func:`split_targets`).
    fractions : dict[str, float]
        By subset name: ``train``, ``validation``, ``test``.
    seed : int
    files : pd.DataFrame
        One row per file: ``file_id`` (of the current dataset), ``partition_key``,
        ``sha256``, ``encoding_version``, ``subset``; ordered by ``file_id``.
    statistics : dict[str, ChannelStats]
        Of the training files, by ``"<group>/<array>"``.
    classes : list
        The classes stratified on.
    duplicates : str
        ``"together"`` (every copy of a content in one subset) or ``"first"`` (only the
        first copy of each content in the split; the other copies are in no subset).
    """

    name: str
    label_key: str
    kind: str
    fractions: dict[str, float]
    seed: int
    files: pd.DataFrame
    statistics: dict[str, ChannelStats]
    classes: list = field(default_factory=list)
    duplicates: str = "together"

    def file_ids(self, subset: str) -> np.ndarray:
        """``(n,) int64``: the increasing file ids of ``subset`` (``train``, ...)."""
        if subset not in SUBSETS:
            raise ValueError(f"subset must be one of {SUBSETS}, not {subset!r}")
        return np.sort(self.files.loc[self.files["subset"] == subset, "file_id"].to_numpy(np.int64))


def make_split(folder, name: str, label_key: str, fractions=(0.8, 0.1, 0.1), seed: int = 0,
               features: FeatureSet = FeatureSet(), overwrite: bool = False,
               duplicates: str = "together") -> Split:
    """Split the files of a dataset, compute training statistics, save to ``splits/<name>.json``.

    Parameters
    ----------
    folder : OutputLayout or path
        The pipeline output folder.
    label_key
        An infoset column (``"label"``: stratified by class) or a dataset array
        (``"faces/label"``: stratified by each file's set of face classes).
    fractions
        Always three numbers, (train, validation, test), summing to 1 (or a mapping with
        those keys). A subset may be empty: ``(0.8, 0.0, 0.2)`` makes no validation subset
        (``split.file_ids("validation")`` is empty); train must be above 0.
    seed
        Same dataset, key, fractions and seed: same split.
    overwrite
        Replace a saved split of that name (otherwise ``FileExistsError``).
    duplicates
        Files with identical content (same sha256, one ``duplicate_group`` of the infoset):
        ``"together"`` (default) puts every copy in the same subset, stratifying the groups,
        not the files (a group counts once in the fractions; single-label, it is stratified
        by its first file's class, with a warning when its copies' classes differ);
        ``"first"`` keeps only the first copy of each content (by partition key) in the
        split, the other copies in no subset.
    """
    if duplicates not in DUPLICATE_MODES:
        raise ValueError(f"duplicates must be one of {DUPLICATE_MODES}, not {duplicates!r}")
    folder = OutputLayout.of(folder)
    path = folder.split(name)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists: load it with load_split(), or pass overwrite=True")
    share = check_fractions(fractions)
    dataset, infoset = folder.open_dataset(), folder.read_infoset()
    targets = split_targets(dataset, infoset, label_key)
    files, values, groups = _file_columns(infoset), targets.values, content_groups(infoset)
    if duplicates == "first":
        keep = _first_copies(infoset, groups)
        files, values, groups = files[keep].reset_index(drop=True), values[keep], groups[keep]
    else:
        _warn_of_conflicts(name, infoset, label_key)
    subsets = assign_subsets(values, share, seed, groups=groups.to_numpy())
    files = files.assign(subset=np.asarray(SUBSETS)[subsets])
    train = np.sort(files.loc[files["subset"] == "train", "file_id"].to_numpy(np.int64))
    split = Split(name, label_key, targets.kind, share, seed, files,
                  compute_statistics(dataset, train, features), targets.classes.tolist(),
                  duplicates)
    save_split(folder, split)
    return split


def _first_copies(infoset: pd.DataFrame, groups: pd.Series) -> np.ndarray:
    """``(n_files,) bool``: the file of each content whose partition key sorts first."""
    by_key = infoset["partition_key"].astype(str).sort_values(kind="stable").index
    first = ~groups.loc[by_key].duplicated()
    return first.reindex(infoset.index).to_numpy(bool)


def _warn_of_conflicts(name: str, infoset: pd.DataFrame, label_key: str) -> None:
    if label_key in infoset:
        conflicts = label_conflicts(infoset, [label_key])
        if conflicts:
            warnings.warn(f"split {name!r}: {describe_conflicts(conflicts)}; each group is "
                          "stratified by its first file's class, all its files in one subset",
                          stacklevel=3)


def save_split(folder, split: Split) -> Path:
    """Write ``split`` to ``<output>/splits/<name>.json`` atomically; returns the path."""
    path = OutputLayout.of(folder).split(split.name)
    data = {
        "format_version": SPLIT_FORMAT_VERSION,
        "name": split.name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "label_key": split.label_key,
        "kind": split.kind,
        "classes": split.classes,
        "fractions": split.fractions,
        "seed": split.seed,
        "duplicates": split.duplicates,
        "n_files": {s: int((split.files["subset"] == s).sum()) for s in SUBSETS},
        "subsets": {s: split.files.loc[split.files["subset"] == s, FILE_COLUMNS].to_dict("list")
                    for s in SUBSETS},
        "statistics": {key: stats.to_json() for key, stats in split.statistics.items()},
    }
    with atomic_write_path(path) as temp:
        temp.write_text(_dumps(data) + "\n")
    return path


def load_split(folder, name: str) -> Split:
    """The split saved as ``name``, its files mapped to the current dataset's file ids.

    Raises
    ------
    FileNotFoundError
        No split of that name.
    SplitMismatchError
        A file of the split is no longer in the dataset, or its content (``sha256``) or
        encoder version changed: the split and its statistics no longer describe the data.
    """
    folder = OutputLayout.of(folder)
    data = json.loads(folder.split(name).read_text())
    saved = pd.concat([pd.DataFrame(data["subsets"][s]).assign(subset=s) for s in SUBSETS],
                      ignore_index=True)
    current = _file_columns(folder.read_infoset())
    files = _reconcile(name, saved, current)
    statistics = {key: ChannelStats.from_json(v) for key, v in data["statistics"].items()}
    return Split(data["name"], data["label_key"], data["kind"], data["fractions"], data["seed"],
                 files, statistics, data.get("classes", []), data.get("duplicates", "together"))


def _reconcile(name: str, saved: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    joined = saved.merge(current, on="partition_key", how="left", suffixes=("_saved", ""))
    missing = joined["file_id"].isna()
    if missing.any():
        # Files removed from the dataset leave their subset; the others keep their meaning.
        warnings.warn(f"split {name!r}: " + _listed("no longer in the dataset, left out",
                                                    joined.loc[missing, "partition_key"]),
                      stacklevel=3)
        joined = joined[~missing]
    problems = []
    for column, what in (("sha256", "changed content"), ("encoding_version", "a new encoding")):
        differs = joined[f"{column}_saved"].astype(str) != joined[column].astype(str)
        if differs.any():
            keys = joined.loc[differs, "partition_key"]
            problems.append(_listed(f"with {what} ({column})", keys))
    if problems:
        raise SplitMismatchError(
            f"split {name!r} does not match the dataset: " + "; ".join(problems)
            + ". Make a new split (make_split(..., overwrite=True)) for the current data.")
    files = joined[["file_id", "partition_key", "sha256", "encoding_version", "subset"]]
    return files.astype({"file_id": np.int64}).sort_values("file_id", ignore_index=True)


def _listed(what: str, keys: pd.Series) -> str:
    shown = ", ".join(keys.iloc[:5])
    more = f" and {len(keys) - 5} more" if len(keys) > 5 else ""
    return f"{len(keys)} file(s) {what}: {shown}{more}"


def _file_columns(infoset: pd.DataFrame) -> pd.DataFrame:
    files = infoset.reindex(columns=FILE_COLUMNS)
    files["encoding_version"] = files["encoding_version"].fillna("").astype(str)
    return files.astype({"file_id": np.int64}).sort_values("file_id", ignore_index=True)


def _dumps(value, indent: str = "") -> str:
    """JSON with one line per key of each object and every list on one line."""
    if not isinstance(value, dict) or not value:
        return json.dumps(value, default=_plain)
    inner = indent + " "
    items = [f"{inner}{json.dumps(key)}: {_dumps(item, inner)}" for key, item in value.items()]
    return "{\n" + ",\n".join(items) + f"\n{indent}}}"


def _plain(value):
    """JSON for numpy scalars and missing values."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to a split")
