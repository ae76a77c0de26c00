"""STEP entity names of a shape's faces, in the encoder's face order.

Some datasets label faces by the name of their STEP entity, not by position: MFCAD writes each
face as ``ADVANCED_FACE('N', ...)`` and stores its label at index N. The names live in the STEP
model, not in the translated shape, so they are looked up through the reader that translated
the file (its transfer reader maps each result shape back to its entity):
:func:`step_face_names` is that lookup, used both by :attr:`CadModel.face_names
<cad_assets.geometry.model.CadModel.face_names>` (the worker's one read of the file) and by
:func:`read_step_with_face_names` (a read of its own).
"""

from collections.abc import Iterable
from os import PathLike
from pathlib import Path

from OCP.OCP.collections import IndexedMap_TopoDS_Shape_TopTools_ShapeMapHasher as ShapeIndex
from OCP.STEPControl import STEPControl_Reader
from OCP.StepRepr import StepRepr_RepresentationItem
from OCP.TopAbs import TopAbs_FACE
from OCP.TopExp import TopExp
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.readers.step import read_step

# Mode 1 also finds a result bound with another orientation (IsSame): a face listed by
# TopExp.MapShapes need not carry the orientation it was bound with (mode 0 misses some).
_SAME_SHAPE = 1


def step_face_names(reader: STEPControl_Reader, faces: Iterable[TopoDS_Shape]) -> list[str]:
    """The STEP entity name of each of ``faces``, which ``reader`` translated.

    Parameters
    ----------
    reader : STEPControl_Reader
        The reader that translated the file (its STEP model and transfer results are asked).
    faces : iterable of TopoDS_Shape
        Faces of the shape it returned, e.g. ``IndexedShape.faces``.

    Returns
    -------
    list of str
        One per face, in the order of ``faces``; ``''`` for a face whose entity has no name
        or could not be found.
    """
    transfer = reader.WS().TransferReader()
    return [_entity_name(transfer.EntityFromShapeResult(face, _SAME_SHAPE)) for face in faces]


def read_step_with_face_names(path: str | PathLike) -> tuple[TopoDS_Shape, list[str]]:
    """Read a STEP file; also return the STEP entity name of each of its faces.

    A worker's encoders need not read the file again for the names: their
    :class:`~cad_assets.geometry.model.CadModel` gives them (``model.face_names``).

    Parameters
    ----------
    path : str or PathLike
        A STEP file.

    Returns
    -------
    shape : TopoDS_Shape
        The same shape as :func:`cad_assets.geometry.read_cad_file` returns.
    names : list of str
        One per face, in ``TopExp.MapShapes`` order (the row order of every ``faces`` array);
        ``''`` for a face whose entity has no name or could not be found.

    Raises
    ------
    CadParseError
        If the file cannot be parsed or translated (see :func:`read_step`). Unlike
        ``read_cad_file``, a file without faces is not an error here: ``names`` is empty.
    """
    reader = STEPControl_Reader()
    shape = read_step(Path(path), reader)
    faces = ShapeIndex()
    TopExp.MapShapes_s(shape, TopAbs_FACE, faces)
    return shape, step_face_names(reader, (faces.FindKey(k) for k in range(1, faces.Extent() + 1)))


def _entity_name(entity) -> str:
    """The name of a STEP representation item (faces are ones); ``''`` for anything else."""
    if not isinstance(entity, StepRepr_RepresentationItem) or entity.Name() is None:
        return ""
    try:
        return entity.Name().ToCString()
    except UnicodeDecodeError:  # a non-UTF-8 name cannot be a label index anyway
        return ""
