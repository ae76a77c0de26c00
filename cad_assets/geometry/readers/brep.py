"""OpenCascade's native BREP files."""

import mmap
import re
from pathlib import Path

from OCP.BRep import BRep_Builder
from OCP.BRepTools import BRepTools
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.errors import CadParseError

_HEADER = b"CASCADE Topology V"
_HEADER_BYTES = 1024  # where the header is looked for (an optional DBRep_DrawableShape line first)
_TSHAPES_LINE = b"\nTShapes"
_TSHAPES = re.compile(rb"\nTShapes[ \t]+(\d+)")
_SHAPE_NUMBER, _LOCATION_NUMBER = re.compile(rb"[+-]\d+"), re.compile(rb"\d+")


def read_brep(path: Path) -> TopoDS_Shape:
    """Read the shape stored in a BREP file.

    Raises
    ------
    CadParseError
        If the file is not a BREP file, or was cut short (checked first: ``BRepTools.Read``
        loops forever on some truncated files), or cannot be parsed.
    """
    with open(path, "rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
        problem = brep_damage(data)  # mapped: only the TShapes section is copied
    if problem:
        raise CadParseError(f"the BREP reader could not parse {path.name}: {problem}")
    shape = TopoDS_Shape()
    try:
        read = BRepTools.Read_s(shape, str(path), BRep_Builder())
    except Exception as error:  # OCP maps each OpenCascade exception to its own class
        raise CadParseError(f"the BREP reader could not parse {path.name}: {error}") from error
    if not read:
        raise CadParseError(f"the BREP reader could not parse {path.name}")
    return shape


def brep_damage(data: bytes | mmap.mmap) -> str:
    """Why ``data`` is not a whole BREP file, in words; ``''`` when it is.

    The rule follows the format, whatever version (1, 2, 3) and content (triangulations,
    normals, locations) wrote it: the last section, ``TShapes N``, holds N shape records,
    and the sub-shape list closing each record ends with one ``*`` (the null shape). After the
    N-th ``*`` comes the root shape: its number and location, or ``*`` for none. Anything after
    it is ignored, as OpenCascade ignores it. A file cut inside the root's location number
    (``+1 12`` cut to ``+1 1``) cannot be told apart: OpenCascade writes no line end after it.
    """
    if _HEADER not in data[:_HEADER_BYTES]:
        return "it does not start with the 'CASCADE Topology V' header of a BREP file"
    cut_short = "it was cut short (truncated): "
    section = data.rfind(_TSHAPES_LINE)  # the last section: found from the end
    shapes = _TSHAPES.match(data, section) if section >= 0 else None
    if shapes is None:
        return cut_short + "it ends before its 'TShapes' section, the last of a BREP file"
    declared = int(shapes.group(1))
    tokens = data[shapes.end():].split()
    closed = [k for k, token in enumerate(tokens) if token == b"*"]
    if len(closed) < declared:
        return cut_short + f"its TShapes section declares {declared} shapes but holds {len(closed)}"
    root = tokens[closed[declared - 1] + 1:closed[declared - 1] + 3] if declared else tokens[:2]
    if root[:1] == [b"*"]:
        return ""
    if len(root) < 2 or not (_SHAPE_NUMBER.fullmatch(root[0]) and _LOCATION_NUMBER.fullmatch(root[1])):
        return cut_short + "it ends before the root shape that closes a BREP file"
    return ""
