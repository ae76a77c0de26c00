"""IGES files."""

import re
from pathlib import Path

from OCP.IGESControl import IGESControl_Reader
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.errors import CadParseError
from cad_assets.geometry.readers.tail import last_lines
from cad_assets.geometry.readers.xscontrol import read_and_transfer

# The terminate record closing every IGES file, a whole 80-column record: line counts of the
# S, G, D and P sections, then 'T' in column 73 and its sequence number right-aligned in
# columns 74-80 (so a record cut short is shorter).
_TERMINATE = re.compile(rb"S[ \d]{7}G[ \d]{7}D[ \d]{7}P[ \d]{7} {40}T[ \d]{6}\d")


def read_iges(path: Path) -> TopoDS_Shape:
    """Translate every root entity of an IGES file into one shape.

    Raises
    ------
    CadParseError
        If the file does not end with the terminate record (checked first: on a truncated
        file OpenCascade segfaults, or returns the part it could read as if it were all).
    """
    if not any(_TERMINATE.fullmatch(line) for line in last_lines(path, 1)):
        raise CadParseError(
            f"the IGES reader could not parse {path.name}: it does not end with the terminate "
            "(T) line that closes every IGES file, so it was cut short or is not an IGES file"
        )
    return read_and_transfer(IGESControl_Reader(), path, "IGES")
