"""Synthetic solids built with OpenCascade, and a writer for them in each supported format.

The real CAD corpus comes from the ``shared_cad`` fixture of the top-level conftest.
"""

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from OCP.BRepAlgoAPI import BRepAlgoAPI_Cut
from OCP.BRepFilletAPI import BRepFilletAPI_MakeFillet
from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox, BRepPrimAPI_MakeCylinder
from OCP.BRepTools import BRepTools
from OCP.gp import gp_Ax2, gp_Dir, gp_Pnt
from OCP.IFSelect import IFSelect_ReturnStatus
from OCP.IGESControl import IGESControl_Writer
from OCP.STEPControl import STEPControl_AsIs, STEPControl_Writer
from OCP.TopAbs import TopAbs_EDGE
from OCP.TopExp import TopExp_Explorer
from OCP.TopoDS import TopoDS, TopoDS_Shape

SIDE = 10.0  # every synthetic solid is cut from a SIDE x SIDE x SIDE box at the origin


def make_box() -> TopoDS_Shape:
    return BRepPrimAPI_MakeBox(SIDE, SIDE, SIDE).Shape()


@pytest.fixture(scope="session")
def box() -> TopoDS_Shape:
    return make_box()


@pytest.fixture(scope="session")
def pocket() -> TopoDS_Shape:
    """The box with a 4 x 4 x 5 blind pocket in its top face."""
    cutter = BRepPrimAPI_MakeBox(gp_Pnt(3, 3, 5), 4, 4, SIDE).Shape()
    return BRepAlgoAPI_Cut(make_box(), cutter).Shape()


@pytest.fixture(scope="session")
def drilled() -> TopoDS_Shape:
    """The box with a through hole of radius 2 along z."""
    axis = gp_Ax2(gp_Pnt(SIDE / 2, SIDE / 2, -1), gp_Dir(0, 0, 1))
    return BRepAlgoAPI_Cut(make_box(), BRepPrimAPI_MakeCylinder(axis, 2, SIDE + 2).Shape()).Shape()


@pytest.fixture(scope="session")
def filleted() -> TopoDS_Shape:
    """The box with every edge rounded (radius 1): faces meet tangentially."""
    return make_filleted_box()


def make_filleted_box() -> TopoDS_Shape:
    """The box with every edge rounded (radius 1): sphere corners, cylinder edges."""
    solid = make_box()
    fillet = BRepFilletAPI_MakeFillet(solid)
    explorer = TopExp_Explorer(solid, TopAbs_EDGE)
    while explorer.More():
        fillet.Add(1.0, TopoDS.Edge(explorer.Current()))
        explorer.Next()
    return fillet.Shape()


def is_symmetric(graph: dict[str, np.ndarray]) -> bool:
    """Every (src, dst, edge) row of an adjacency graph has its (dst, src, edge) twin."""
    src, dst, edge = graph["src"].tolist(), graph["dst"].tolist(), graph["edge"].tolist()
    return Counter(zip(src, dst, edge)) == Counter(zip(dst, src, edge))


def write_shape(shape: TopoDS_Shape, path: Path) -> Path:
    """Write ``shape`` as STEP, IGES or BREP, chosen by the extension of ``path``."""
    suffix = path.suffix.lower()
    if suffix in (".step", ".stp"):
        writer = STEPControl_Writer()
        writer.Transfer(shape, STEPControl_AsIs)
        assert writer.Write(str(path)) == IFSelect_ReturnStatus.IFSelect_RetDone
    elif suffix in (".iges", ".igs"):
        writer = IGESControl_Writer("MM", 1)  # mode 1: faces and solids, not trimmed surfaces
        writer.AddShape(shape)
        writer.ComputeModel()
        assert writer.Write(str(path))
    else:
        assert BRepTools.Write_s(shape, str(path))
    return path
