"""OpenCascade's native BREP files."""

from pathlib import Path

from OCP.BRep import BRep_Builder
from OCP.BRepTools import BRepTools
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.errors import CadParseError


def read_brep(path: Path) -> TopoDS_Shape:
    """Read the shape stored in a BREP file.

    Raises
    ------
    CadParseError
        If the file is not a readable BREP file.
    """
    shape = TopoDS_Shape()
    try:
        read = BRepTools.Read_s(shape, str(path), BRep_Builder())
    except Exception as error:  # OCP maps each OpenCascade exception to its own class
        raise CadParseError(f"the BREP reader could not parse {path.name}: {error}") from error
    if not read:
        raise CadParseError(f"the BREP reader could not parse {path.name}")
    return shape
