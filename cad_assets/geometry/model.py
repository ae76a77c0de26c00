"""A CAD file read once, shared by every encoder of that file in a worker.

Encoders receive a :class:`CadModel`: the shape, its format, and the faces and edges indexed
once (``model.brep``), so a user's per-face array lines up row for row with the built-in
``faces`` group. A :class:`CadLoader` lives for the whole worker process (one per worker,
like HOOPS AI's per-worker loader) and keeps the last model, so several encoders, or an encoder
that calls ``loader.load(path)`` itself, read the file once.
"""

from dataclasses import dataclass
from functools import cached_property
from os import PathLike
from pathlib import Path

from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.indexing import IndexedShape, index_shape
from cad_assets.geometry.readers import format_of, read_cad_file
from cad_assets.geometry.stdout import muted_stdout


@dataclass
class CadModel:
    """One CAD file's shape and its indexed topology.

    Attributes
    ----------
    path : pathlib.Path
    format : str
        ``STEP``, ``IGES`` or ``BREP``.
    shape : TopoDS_Shape
        The whole file as one shape (at least one face).
    """

    path: Path
    format: str
    shape: TopoDS_Shape

    @cached_property
    def brep(self) -> IndexedShape:
        """Faces, edges and coedges in ``TopExp.MapShapes`` order: the row order of every
        per-face and per-edge array of the dataset."""
        return index_shape(self.shape)

    @property
    def n_faces(self) -> int:
        return len(self.brep.faces)

    @property
    def n_edges(self) -> int:
        return len(self.brep.edges)


class CadLoader:
    """Reads CAD files for the encoders of one worker process."""

    def __init__(self):
        self._last: CadModel | None = None

    def load(self, path: str | PathLike) -> CadModel:
        """The model of ``path``, read once however often it is asked for in a row.

        Raises
        ------
        CadReadError
            If the file cannot be read into a shape with faces (see :func:`read_cad_file`).
        """
        path = Path(path)
        if self._last is None or self._last.path != path:
            self._last = None  # free the previous model before reading the next one
            with muted_stdout():
                shape = read_cad_file(path)
            self._last = CadModel(path, format_of(path).name, shape)
        return self._last

    #: HOOPS AI's name for :meth:`load`.
    create_from_file = load

    def forget(self) -> None:
        """Drop the cached model (after its file is done)."""
        self._last = None
