"""Files of the dataset, from ``cad_infoset``: resolve a path or key to a file id, and back."""

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

#: Infoset columns a file can be named by, tried in this order after a file id.
KEY_COLUMNS = ("partition_key", "path", "relative_path")


class FileTable:
    """Look files up in the infoset (one row per file, column ``file_id``).

    Parameters
    ----------
    infoset
        The ``cad_infoset`` table, or ``None``: then files are known by id only.
    """

    def __init__(self, infoset: pd.DataFrame | None):
        self.infoset = infoset
        self._by_id = None if infoset is None else infoset.set_index("file_id", drop=False)

    def file_id(self, key: int | str | Path) -> int:
        """The file id of ``key``: a file id, a partition key, a path or a relative path.

        An ``int`` is a file id. A path is also compared after resolving it (``./part.step``
        finds ``/data/part.step``). A text of digits is a file id unless a file has it as key
        or path.

        Raises
        ------
        KeyError
            If no file of the infoset matches (or, without an infoset, ``key`` is not an id).
        """
        text = str(key)
        if not isinstance(key, (int, np.integer)):
            candidates = [(column, text) for column in KEY_COLUMNS]
            if not text.isdigit():
                candidates.append(("path", str(Path(text).expanduser().resolve())))
            for column, value in candidates:
                if (found := self._find(column, value)) is not None:
                    return found
        if isinstance(key, (int, np.integer)) or text.isdigit():
            file_id = int(text)
            if self._by_id is None or file_id in self._by_id.index:
                return file_id
        raise KeyError(f"no file {text!r} in the dataset "
                       "(give a file id, a path or a partition key)")

    def _find(self, column: str, value: str) -> int | None:
        if self._by_id is None or column not in self._by_id:
            return None
        hits = self._by_id.index[self._by_id[column] == value]
        return int(hits[0]) if len(hits) else None

    def info(self, file_id: int) -> pd.Series:
        """The infoset row of ``file_id``.

        Raises
        ------
        KeyError
            If there is no infoset or no such file.
        """
        if self._by_id is None or file_id not in self._by_id.index:
            raise KeyError(f"no infoset row for file id {file_id}")
        return self._by_id.loc[file_id]

    def paths(self, file_ids: Iterable[int]) -> list[str]:
        """Decode file ids to the paths of their CAD files.

        Raises
        ------
        KeyError
            If there is no infoset or an id is not in it.
        """
        return [str(self.info(int(file_id))["path"]) for file_id in file_ids]

    def join(self, table: pd.DataFrame) -> pd.DataFrame:
        """The infoset rows of ``table["file_id"]``, in its order, with its other columns added."""
        if self.infoset is None:
            return table.reset_index(drop=True)
        return table.merge(self.infoset, on="file_id", how="left")[
            [*self.infoset.columns, *(c for c in table.columns if c != "file_id")]
        ]
