"""OpenCascade's native BREP files, in the text format and in the binary one."""

import mmap
import re
from pathlib import Path

from OCP.BinTools import BinTools
from OCP.BRep import BRep_Builder
from OCP.BRepTools import BRepTools
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.errors import CadParseError

_HEADER = b"CASCADE Topology V"
# The binary format (BinTools) starts with its own line: "Open CASCADE Topology V1 (c)" (V1 to
# V3), "Open CASCADE Topology V4, (c) Open Cascade" (V4); the text format never says "Open".
_BINARY_HEADER = re.compile(rb"(?:^|\n)Open CASCADE Topology V\d+,? \(c\)")
_BINARY_TSHAPES = re.compile(rb"\nTShapes (\d+)\n")
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
        loops forever on some truncated files), or cannot be parsed. A binary BREP file
        (``BinTools``) is read by OpenCascade's binary reader, which stops with an error on
        the cut copies it is given (see :func:`binary_brep_damage`).
    """
    with open(path, "rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
        binary = is_binary_brep(data)
        problem = binary_brep_damage(data) if binary else brep_damage(data)  # mapped: no copy
    if problem:
        raise CadParseError(f"the BREP reader could not parse {path.name}: {problem}")
    if binary:
        return _read_binary(path)
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


def is_binary_brep(data: bytes | mmap.mmap) -> bool:
    """Whether ``data`` starts as a binary BREP file (written by ``BinTools``), any version."""
    return _BINARY_HEADER.search(data[:_HEADER_BYTES]) is not None


def binary_brep_damage(data: bytes | mmap.mmap) -> str:
    """Why the binary BREP file ``data`` is cut short, in words; ``''`` when it may be whole.

    The last section, ``TShapes N``, holds N shape records of at least 9 bytes each (type,
    seven flags, ``*`` closing the sub-shape list), then the root shape (``*`` or orientation,
    number and location). A file that ends before its TShapes section or is too short to hold
    them is cut short. The records themselves are binary (their length depends on the
    geometry they point to), so a file cut inside them is left to OpenCascade's binary reader,
    which stops with an error on reading past the end (tested on cut copies of every version).
    """
    cut_short = "it was cut short (truncated): "
    section = data.rfind(b"\nTShapes ")
    shapes = _BINARY_TSHAPES.match(data, section) if section >= 0 else None
    if shapes is None:
        return cut_short + "it ends before its 'TShapes' section, the last of a BREP file"
    declared, left = int(shapes.group(1)), len(data) - shapes.end()
    if left < 9 * declared + 1:
        return cut_short + f"its TShapes section declares {declared} shapes but holds only {left} bytes"
    return ""


def _read_binary(path: Path) -> TopoDS_Shape:
    shape = TopoDS_Shape()
    try:
        read = BinTools.Read_s(shape, str(path))
    except Exception as error:  # e.g. Storage_StreamReadError: it read past the end
        reason = " ".join(str(error).split()) or type(error).__name__
        raise CadParseError(
            f"the BREP reader could not parse the binary BREP file {path.name}: it was cut short "
            f"(truncated) or is damaged ({type(error).__name__}: {reason})"
        ) from error
    if not read or shape.IsNull():
        raise CadParseError(f"the BREP reader could not parse the binary BREP file {path.name}")
    return shape
