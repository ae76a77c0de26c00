"""A CAD file read once, shared by every encoder of that file in a worker.

Encoders receive a :class:`CadModel`: the shape, its format, and the faces and edges indexed
once (``model.brep``), so a user's per-face array lines up row for row with the built-in
``faces`` group. A :class:`CadLoader` lives for the whole worker process (one per worker,
like HOOPS AI's per-worker loader) and keeps the last model, so several encoders, or an encoder
that calls ``loader.load(path)`` itself, read the file once. That one read also serves the STEP
face names that ``.face_truth`` labels are indexed by (``model.face_names``).
"""

from dataclasses import dataclass, field
from functools import cached_property
from os import PathLike
from pathlib import Path

from OCP.STEPControl import STEPControl_Reader
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.face_names import step_face_names
from cad_assets.geometry.indexing import IndexedShape, index_shape
from cad_assets.geometry.readers import STEP, format_of, read_cad_file
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
    step_reader : STEPControl_Reader or None
        The reader that translated a STEP file, kept for :attr:`face_names` until they are
        asked for (``None`` for other formats, and once the names are known).
    """

    path: Path
    format: str
    shape: TopoDS_Shape
    # Keeping the reader keeps its STEP model (every entity of the file) and transfer results,
    # which a read used to free at once: about 4x the file's size (12 MB for a 3.3 MB NIST
    # file, 0.1 MB for a 30 kB MFCAD part), held while the file's encoders run, until
    # face_names are computed or the loader forgets the model. Peak RSS of a read and
    # brep_features rose by at most 9 MB of 320 MB on three NIST files.
    step_reader: STEPControl_Reader | None = field(default=None, repr=False, compare=False)

    @cached_property
    def brep(self) -> IndexedShape:
        """Faces, edges and coedges in ``TopExp.MapShapes`` order: the row order of every
        per-face and per-edge array of the dataset."""
        return index_shape(self.shape)

    @cached_property
    def face_names(self) -> list[str] | None:
        """The STEP entity name of each face, in :attr:`brep` face order (``''`` for a face
        whose entity has no name); ``None`` if the file is not STEP: other formats have no
        face names. Computed on first use from the reader that translated the file, which is
        then let go.

        Raises
        ------
        ValueError
            If the model of a STEP file was made without its reader (not by :class:`CadLoader`).
        """
        if self.format != STEP.name:
            return None
        if self.step_reader is None:
            raise ValueError(
                f"{self.path.name}: this model of a STEP file was made without the reader that "
                "translated it, so its face names are unknown; load it with CadLoader"
            )
        names = step_face_names(self.step_reader, self.brep.faces)
        self.step_reader = None  # the STEP model is no longer needed
        return names

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
            cad_format = format_of(path)
            reader = STEPControl_Reader() if cad_format is STEP else None
            with muted_stdout():
                shape = read_cad_file(path, reader)
            self._last = CadModel(path, cad_format.name, shape, reader)
        return self._last

    #: HOOPS AI's name for :meth:`load`.
    create_from_file = load

    def forget(self) -> None:
        """Drop the cached model (after its file is done)."""
        self._last = None

