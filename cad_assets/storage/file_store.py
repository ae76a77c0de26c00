"""One Zarr v3 store per CAD file, in a single zip file.

Layout of a store (every array is one chunk: they are small)::

    zarr.json          root attributes: format_version, schema, row_counts, metadata
    faces/area         (F,) float64
    faces/uv_grid      (F, 10, 10, 7) float32
    edges/length       (E,) float64
    ...
    files/preview.png  whole files an encoder saved (not arrays; the merge leaves them out)

Any zarr v3 reader opens it (``zarr.open_group(zarr.storage.ZipStore(path))``). Through zarr,
reading a store of 14 arrays takes 15-20 ms, which adds up when a merge reads thousands of
stores; :class:`FileStore` decodes the chunks straight from the zip instead, in about 1.1 ms
(see :mod:`cad_assets.storage.zip_arrays`).
"""

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePath

import numpy as np

from cad_assets.storage.atomic import atomic_write_path
from cad_assets.storage.schema import (
    Groups,
    Schema,
    describe_groups,
    schema_from_json,
    schema_to_json,
)
from cad_assets.storage.zip_arrays import read_zip_array, write_zip_arrays

#: Version of the layout above; readers refuse stores from a newer one.
FORMAT_VERSION = 1
FILES_PREFIX = "files/"


def write_file_store(
    path: Path, groups: Groups, metadata: Mapping, files: Mapping[str, bytes] | None = None
) -> dict[str, int]:
    """Write the arrays and metadata of one file as a zipped Zarr v3 store at ``path``; return
    the rows of each group.

    Parameters
    ----------
    path
        Where the store goes (by convention ``*.zarr.zip``); replaced atomically if present.
    groups
        ``{group: {name: array}}``; the arrays of a group share their first axis (rows), e.g.
        ``{"faces": {"area": (F,), "uv_grid": (F, 10, 10, 7)}, "file": {"bbox": (1, 6)}}``.
    metadata
        File-level facts; numpy scalars and arrays and paths are converted to JSON.
    files
        Whole files kept with the arrays, by name (e.g. ``{"preview.png": png_bytes}``).

    Raises
    ------
    ValueError
        If the arrays of a group disagree on their number of rows (naming group and arrays).
    TypeError
        If ``metadata`` holds a value that has no JSON form.
    """
    # Stored little-endian, which is what the fast reader and the recorded schema assume.
    arrays = {
        group: {name: _as_little_endian(array) for name, array in named.items()}
        for group, named in groups.items()
    }
    schema, row_counts = describe_groups(arrays)
    attributes = {
        "format_version": FORMAT_VERSION,
        "schema": schema_to_json(schema),
        "row_counts": row_counts,
        "metadata": json_metadata(metadata),
    }
    with atomic_write_path(path) as temp:
        write_zip_arrays(temp, arrays, attributes)
        if files:
            with zipfile.ZipFile(temp, "a") as archive:
                for name, data in files.items():
                    archive.writestr(f"{FILES_PREFIX}{PurePath(name).name}", data)
    return row_counts


class FileStore:
    """Read side of one store; keeps the zip open until :meth:`close` (or the ``with`` block ends).

    Attributes
    ----------
    metadata : dict
        The file-level metadata given to :func:`write_file_store`.
    schema : Schema
        ``{group: {name: ArraySpec}}``: dtype and trailing shape of every array.
    row_counts : dict[str, int]
        Rows of each group.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._zip = zipfile.ZipFile(self.path)
        try:
            attributes = json.loads(self._zip.read("zarr.json"))["attributes"]
            if attributes.get("format_version", FORMAT_VERSION + 1) > FORMAT_VERSION:
                raise ValueError(f"{self.path} is not a file store this version can read")
        except BaseException:
            self._zip.close()
            raise
        self.metadata: dict = attributes["metadata"]
        self.schema: Schema = schema_from_json(attributes["schema"])
        self.row_counts: dict[str, int] = attributes["row_counts"]

    @property
    def groups(self) -> dict[str, list[str]]:
        """Array names of each group."""
        return {group: list(specs) for group, specs in self.schema.items()}

    def read(self, group: str, name: str) -> np.ndarray:
        """The array ``group/name``, e.g. ``read("faces", "uv_grid")`` -> (F, 10, 10, 7)."""
        if name not in self.schema.get(group, {}):
            raise KeyError(f"{self.path} has no array {group}/{name}")
        return read_zip_array(self._zip, f"{group}/{name}")

    def read_group(self, group: str) -> dict[str, np.ndarray]:
        """All arrays of ``group``, by name; each has ``row_counts[group]`` rows."""
        return {name: self.read(group, name) for name in self.schema[group]}

    def read_file(self, name: str) -> bytes | None:
        """A whole file saved with the arrays (see ``files`` of :func:`write_file_store`)."""
        try:
            return self._zip.read(FILES_PREFIX + name)
        except KeyError:
            return None

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "FileStore":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"FileStore({str(self.path)!r}, rows={self.row_counts})"


def open_file_store(path: Path) -> FileStore:
    """Open the store at ``path`` for reading; only its root metadata is read now."""
    return FileStore(path)


def json_metadata(metadata: Mapping) -> dict:
    """``metadata`` as plain JSON values (numpy scalars and arrays, paths converted), as stored.

    Raises
    ------
    TypeError
        If a value has no JSON form.
    """
    return json.loads(json.dumps(metadata, default=_json_default))


def _as_little_endian(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array)
    return array.astype(array.dtype.newbyteorder("<"), copy=False)


def _json_default(value: object) -> object:
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    if isinstance(value, PurePath):
        return str(value)
    raise TypeError(f"metadata value {value!r} ({type(value).__name__}) has no JSON form")
