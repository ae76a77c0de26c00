"""IGES files."""

from pathlib import Path

from OCP.IGESControl import IGESControl_Reader
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.readers.xscontrol import read_and_transfer


def read_iges(path: Path) -> TopoDS_Shape:
    """Translate every root entity of an IGES file into one shape."""
    return read_and_transfer(IGESControl_Reader(), path, "IGES")
