"""Reading through OpenCascade's data exchange framework (XSControl), shared by STEP and IGES."""

from pathlib import Path

from OCP.IFSelect import IFSelect_ReturnStatus
from OCP.TopoDS import TopoDS_Shape
from OCP.XSControl import XSControl_Reader

from cad_assets.geometry.errors import CadParseError

_FAILURE_REASON = {
    IFSelect_ReturnStatus.IFSelect_RetVoid: "nothing to read",
    IFSelect_ReturnStatus.IFSelect_RetError: "syntax errors",
    IFSelect_ReturnStatus.IFSelect_RetFail: "read failed",
    IFSelect_ReturnStatus.IFSelect_RetStop: "reading stopped early",
}


def read_and_transfer(reader: XSControl_Reader, path: Path, format_name: str) -> TopoDS_Shape:
    """Parse ``path`` with ``reader`` and translate every root entity into one shape.

    Returns
    -------
    TopoDS_Shape
        The only translated shape, or a compound of all of them; a null shape if the file has
        no translatable root.

    Raises
    ------
    CadParseError
        If parsing does not succeed, or translation raises. The status is checked before the
        reader is used again: after a failed parse, OpenCascade crashes on the next call.
    """
    status = reader.ReadFile(str(path))
    if status != IFSelect_ReturnStatus.IFSelect_RetDone:
        raise CadParseError(
            f"the {format_name} reader could not parse {path.name} "
            f"({_FAILURE_REASON[status]}, status {status.name})"
        )
    try:
        reader.TransferRoots()
    except Exception as error:  # OCP maps each OpenCascade exception to its own class
        raise CadParseError(
            f"the {format_name} reader parsed {path.name} but could not translate it: "
            f"{type(error).__name__}: {error}"
        ) from error
    return reader.OneShape()
