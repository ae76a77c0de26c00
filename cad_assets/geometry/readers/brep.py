"""OpenCascade's native BREP files."""

import re
from pathlib import Path

from OCP.BRep import BRep_Builder
from OCP.BRepTools import BRepTools
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.errors import CadParseError
from cad_assets.geometry.readers.tail import last_lines

# A BREP file ends with its last shape record, whose sub-shape list ends with '*', and then
# the reference to the root shape (orientation and shape number, location number): '+1 0'.
_ROOT_REFERENCE = re.compile(rb"[+-]\d+\s+\d+")


def read_brep(path: Path) -> TopoDS_Shape:
    """Read the shape stored in a BREP file.

    Raises
    ------
    CadParseError
        If the file is not a readable BREP file, or does not end like one (checked first:
        ``BRepTools.Read`` loops forever on some truncated files).
    """
    if not _ends_like_brep(last_lines(path, 2)):
        raise CadParseError(
            f"the BREP reader could not parse {path.name}: it does not end with the closing "
            "shape record and root shape of a BREP file, so it was cut short or is not a BREP file"
        )
    shape = TopoDS_Shape()
    try:
        read = BRepTools.Read_s(shape, str(path), BRep_Builder())
    except Exception as error:  # OCP maps each OpenCascade exception to its own class
        raise CadParseError(f"the BREP reader could not parse {path.name}: {error}") from error
    if not read:
        raise CadParseError(f"the BREP reader could not parse {path.name}")
    return shape


def _ends_like_brep(lines: list[bytes]) -> bool:
    return len(lines) == 2 and lines[0].endswith(b"*") and bool(_ROOT_REFERENCE.fullmatch(lines[1]))
