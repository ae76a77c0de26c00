"""Face boxes in closed form on spheres and tori, against OpenCascade's search and the face."""

import math

import numpy as np
import pytest
from OCP.BRep import BRep_Tool
from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeFace, BRepBuilderAPI_Transform
from OCP.BRepFilletAPI import BRepFilletAPI_MakeFillet
from OCP.BRepPrimAPI import BRepPrimAPI_MakeCylinder, BRepPrimAPI_MakeSphere
from OCP.Geom import Geom_ToroidalSurface
from OCP.GeomAbs import GeomAbs_Sphere, GeomAbs_Torus
from OCP.gp import gp_Ax1, gp_Ax3, gp_Dir, gp_Pnt, gp_Trsf, gp_Vec
from OCP.TopAbs import TopAbs_EDGE
from OCP.TopExp import TopExp_Explorer
from OCP.TopoDS import TopoDS

from cad_assets.geometry.boxes import bounding_box, face_boxes
from cad_assets.geometry.indexing import index_shape
from cad_assets.geometry.trim import inside_or_on
from cad_assets_tests.geometry.conftest import make_filleted_box


def _filleted_cylinder():
    """A cylinder with both rims rounded: two torus faces."""
    cylinder = BRepPrimAPI_MakeCylinder(5.0, 8.0).Shape()
    fillet = BRepFilletAPI_MakeFillet(cylinder)
    explorer = TopExp_Explorer(cylinder, TopAbs_EDGE)
    while explorer.More():
        edge = TopoDS.Edge(explorer.Current())
        if not BRep_Tool.Degenerated_s(edge) and BRep_Tool.IsClosed_s(edge):
            fillet.Add(1.5, edge)
        explorer.Next()
    return fillet.Shape()


def _turned(shape):
    """Moved off the axes, so that no extreme point lies on a seam or a pole."""
    turn = gp_Trsf()
    turn.SetRotation(gp_Ax1(gp_Pnt(), gp_Dir(1, 2, 3)), 0.7)
    moved = gp_Trsf()
    moved.SetTranslation(gp_Vec(3, -2, 1))
    return BRepBuilderAPI_Transform(shape, moved.Multiplied(turn), True).Shape()


def _pin_tip(major, minor):
    """A torus patch up to where its tube meets the axis, as on a rounded pin: R <= r."""
    surface = Geom_ToroidalSurface(gp_Ax3(), major, minor)
    return BRepBuilderAPI_MakeFace(surface, 0.3, 2.0, 1.0, math.acos(-major / minor), 1e-7).Face()


SHAPES = {
    "torus fillets": _filleted_cylinder,
    "turned torus fillets": lambda: _turned(_filleted_cylinder()),
    "sphere corners": make_filleted_box,
    "turned sphere corners": lambda: _turned(make_filleted_box()),
    "horn torus tip": lambda: _turned(_pin_tip(1.0, 1.0)),
    "spindle torus tip": lambda: _turned(_pin_tip(0.5, 1.0)),
    "half sphere": lambda: BRepPrimAPI_MakeSphere(3.0, 1.2).Shape(),
    "turned sphere": lambda: _turned(BRepPrimAPI_MakeSphere(3.0).Shape()),
}


@pytest.mark.parametrize("name", SHAPES)
def test_round_faces_are_boxed_as_opencascade_boxes_them(name):
    brep = index_shape(SHAPES[name]())
    boxes = face_boxes(brep)
    round_faces = [face for face, surface in enumerate(brep.surfaces)
                   if surface.GetType() in (GeomAbs_Sphere, GeomAbs_Torus)]
    assert round_faces
    for face in round_faces:
        searched = bounding_box(brep.faces[face])
        size = np.max(searched[3:] - searched[:3])
        np.testing.assert_allclose(boxes[face], searched, rtol=0, atol=1e-6 * size)
        samples = _samples_on(brep, face)  # the box holds every point of the face
        assert (boxes[face][:3] <= samples.min(axis=0) + 1e-9 * size).all()
        assert (boxes[face][3:] >= samples.max(axis=0) - 1e-9 * size).all()


def _samples_on(brep, face, n=80):
    surface = brep.surfaces[face]
    u, v = np.meshgrid(np.linspace(surface.FirstUParameter(), surface.LastUParameter(), n),
                       np.linspace(surface.FirstVParameter(), surface.LastVParameter(), n))
    uv = np.column_stack([u.ravel(), v.ravel()])
    inside = inside_or_on(brep, np.array([face]), uv[None])[0]
    return np.array([surface.Value(*sample).Coord() for sample in uv[inside].tolist()])
