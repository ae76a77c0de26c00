"""Per-file class labels: the name of the file's folder, or a table of path -> label.

Class names become integer codes through a :class:`LabelVocabulary`, which numbers the sorted
names, so the same set of names always gets the same codes.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from cad_assets.labels.errors import LabelError

_TABLE_READERS = {".csv": lambda path: pd.read_csv(path, dtype=str, keep_default_na=False),
                  ".parquet": pd.read_parquet}


def folder_label(cad_path: str | PathLike) -> str:
    """The class of a file sorted into class folders: its parent folder's name
    (``.../bolt/b1.step`` -> ``"bolt"``)."""
    return Path(cad_path).parent.name


def read_label_table(table_path: str | PathLike) -> dict[str, str]:
    """A CSV or Parquet table with columns ``path`` and ``label``, as ``{path: label}``.

    Paths are either absolute or relative to a source root, and are compared as written
    (``/``-separated, normalised: ``a/./b.step`` is ``a/b.step``).

    Raises
    ------
    LabelError
        If the extension is neither ``.csv`` nor ``.parquet``, a column is missing, a label is
        empty, or a path is listed twice with different labels.
    """
    table_path = Path(table_path)
    reader = _TABLE_READERS.get(table_path.suffix.lower())
    if reader is None:
        raise LabelError(f"{table_path.name}: label tables are .csv or .parquet files")
    table = reader(table_path)
    missing = {"path", "label"} - set(table.columns)
    if missing:
        raise LabelError(f"{table_path.name} lacks the column(s) {', '.join(sorted(missing))}")
    labels: dict[str, str] = {}
    for path, label in zip(table["path"].astype(str), table["label"].astype(str)):
        key, label = _table_key(path), label.strip()
        if not label:
            raise LabelError(f"{table_path.name}: {path} has an empty label")
        if labels.setdefault(key, label) != label:
            raise LabelError(f"{table_path.name} labels {path} both {labels[key]!r} and {label!r}")
    return labels


def table_label(
    labels: dict[str, str], cad_path: str | PathLike, source_root: str | PathLike
) -> str | None:
    """The label of ``cad_path`` in a table from :func:`read_label_table`, looked up by its
    absolute path, then by its path relative to ``source_root``; ``None`` if not listed."""
    cad_path, source_root = Path(cad_path).absolute(), Path(source_root).absolute()
    label = labels.get(_table_key(cad_path.as_posix()))
    if label is None and cad_path.is_relative_to(source_root):
        label = labels.get(_table_key(cad_path.relative_to(source_root).as_posix()))
    return label


def _table_key(path: str) -> str:
    return str(PurePosixPath(path.strip().replace("\\", "/")))


@dataclass(frozen=True)
class LabelVocabulary:
    """Class names and their codes: code ``i`` is ``names[i]``, names sorted.

    Adding a class name can renumber the ones after it: keep the vocabulary of a dataset with
    the dataset (the categorical table) rather than rebuilding it from a different file set.
    """

    names: tuple[str, ...]

    @classmethod
    def from_labels(cls, labels: Iterable[str]) -> "LabelVocabulary":
        """The vocabulary of every distinct label, sorted."""
        return cls(tuple(sorted(set(labels))))

    def code(self, name: str) -> int:
        """The code of ``name``; a :class:`LabelError` if it is not in the vocabulary."""
        try:
            return self.names.index(name)
        except ValueError:
            raise LabelError(
                f"label {name!r} is not in the vocabulary ({len(self.names)} names)"
            ) from None

    def codes(self, names: Iterable[str]) -> np.ndarray:
        """Codes of ``names``, ``(n,) int32``."""
        index = {name: code for code, name in enumerate(self.names)}
        try:
            return np.array([index[name] for name in names], dtype=np.int32)
        except KeyError as missing:
            raise LabelError(f"label {missing.args[0]!r} is not in the vocabulary") from None

    def rows(self, array: str = "file/label") -> list[dict]:
        """One categorical-table row per code: ``array``, ``code``, ``name``, ``description``."""
        return [{"array": array, "code": code, "name": name, "description": f"class {name!r}"}
                for code, name in enumerate(self.names)]


def file_class_names(files: pd.DataFrame, source: str) -> list[str | None]:
    """The class name of every row of a files table (columns ``path`` and ``source_root``).

    ``source`` is ``"folder"`` (each file's parent folder name) or the path of a label table
    (see :func:`read_label_table`); files a table does not list get ``None``.
    """
    if source == "folder":
        return [folder_label(path) for path in files["path"]]
    labels = read_label_table(source)
    return [table_label(labels, path, root) for path, root in zip(files["path"], files["source_root"])]
