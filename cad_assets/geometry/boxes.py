"""Tight axis-aligned boxes of faces and of the whole shape (``faces/bbox``, the file's box).

OpenCascade's ``BRepBndLib::AddOptimal`` boxes a face on a plane, cylinder or cone by its
edges, but a face on a sphere or torus by a numerical search over the surface and then a
surface-surface extremum per side: ~1.6 ms per sphere face, ~8 ms per torus face, most of the
encoder's time on filleted parts. Those two surfaces are boxed here in closed form instead:
the box of a trimmed face is the box of its edges (as ``AddOptimal`` boxes them) and of the
surface's extreme points along x, y and z that lie inside the face. Where the face boundary
crosses an extreme circle, the edges reach it already, so one sample of the circle decides.
The two agree within ``2e-5`` of the face's size on ``../shared/cad`` (``1.2e-5`` at most,
``benchmarks/encoder_outputs.py``): both hold the whole face, but OpenCascade trims the loose
boxes of B-spline edges against the surface, and its search stops at its tolerance.
"""

import math

import numpy as np
from OCP.Bnd import Bnd_Box
from OCP.BndLib import BndLib_Add3dCurve
from OCP.BRep import BRep_Builder
from OCP.BRepBndLib import BRepBndLib
from OCP.GeomAbs import GeomAbs_Sphere, GeomAbs_Torus
from OCP.TopAbs import TopAbs_EDGE, TopAbs_FACE, TopAbs_ShapeEnum, TopAbs_VERTEX
from OCP.TopExp import TopExp_Explorer
from OCP.TopoDS import TopoDS_Compound, TopoDS_Shape

from cad_assets.geometry.indexing import IndexedShape
from cad_assets.geometry.sampling import uv_bounds
from cad_assets.geometry.trim import inside_or_on

_AXES = np.eye(3)
_PARALLEL = 1e-12  # a direction this close to a torus axis is along it (extreme circles)


def bounding_box(shape: TopoDS_Shape) -> np.ndarray:
    """Tight axis-aligned box ``(6,) float64``: x, y, z minimum then maximum; NaN if empty.

    Triangles are used where a face has no surface (tessellated faces).
    """
    box = Bnd_Box()
    BRepBndLib.AddOptimal_s(shape, box, True, False)
    if box.IsVoid():
        return np.full(6, np.nan)
    return np.array([*box.CornerMin().Coord(), *box.CornerMax().Coord()])


def face_boxes(brep: IndexedShape) -> np.ndarray:
    """:func:`bounding_box` of every face, ``(n_faces, 6) float64`` (computed once per shape)."""
    if "face_boxes" not in brep.cache:
        boxes = [_face_box(brep, face) for face in range(len(brep.faces))]
        brep.cache["face_boxes"] = np.array(boxes).reshape(-1, 6)
    return brep.cache["face_boxes"]


def _face_box(brep: IndexedShape, face: int) -> np.ndarray:
    surface = brep.surfaces[face]
    kind = None if surface is None else surface.GetType()
    if kind == GeomAbs_Sphere:
        return _round_face_box(brep, face, _sphere_extremes(surface.Sphere(), uv_bounds(surface)))
    if kind == GeomAbs_Torus:
        return _round_face_box(brep, face, _torus_extremes(surface.Torus(), uv_bounds(surface)))
    return bounding_box(brep.faces[face])


def _round_face_box(brep: IndexedShape, face: int, extremes: list[tuple[float, float]]):
    """The box of the face's edges and of those of the surface's extreme points ``(u, v)``
    that lie inside the face (or on its boundary)."""
    surface = brep.surfaces[face]
    u_min, u_max, v_min, v_max = uv_bounds(surface)
    in_range = []
    for u, v in extremes:
        u = _into_period(u, u_min) if surface.IsUPeriodic() else u
        v = _into_period(v, v_min) if surface.IsVPeriodic() else v
        if u_min <= u <= u_max and v_min <= v <= v_max:
            in_range.append((u, v))
    corners = [_edge_box(brep, int(brep.coedge_edge[coedge]))
               for coedge in brep.face_coedges(face)]
    corners = [box.reshape(2, 3) for box in corners if box is not None]
    if in_range:
        uv = np.array(in_range)
        inside = inside_or_on(brep, np.array([face]), uv[None])[0]
        corners += [np.array(surface.Value(u, v).Coord())[None] for u, v in uv[inside].tolist()]
    if not corners:
        return np.full(6, np.nan)
    points = np.vstack(corners)
    return np.concatenate([points.min(axis=0), points.max(axis=0)])


def _edge_box(brep: IndexedShape, edge: int) -> np.ndarray | None:
    """``AddOptimal``'s box of an edge without tolerance, ``(6,)``; ``None`` for an edge it
    skips (degenerate, or without a curve). Computed once per edge: most have two faces."""
    boxes = brep.cache.setdefault("edge_boxes", {})
    if edge not in boxes:
        curve, box = brep.curves[edge], Bnd_Box()
        if curve is not None:
            BndLib_Add3dCurve.AddOptimal_s(curve, 0.0, box)
        boxes[edge] = None if box.IsVoid() else np.array(
            [*box.CornerMin().Coord(), *box.CornerMax().Coord()]
        )
    return boxes[edge]


def _into_period(value: float, start: float) -> float:
    """``value`` shifted by whole turns to the first one at or after ``start``."""
    return value + 2 * math.pi * math.ceil((start - value) / (2 * math.pi))


def _frame(position) -> np.ndarray:
    """The x, y and axis directions of a surface's placement, as rows ``(3, 3)``."""
    return np.array([position.XDirection().Coord(), position.YDirection().Coord(),
                     position.Direction().Coord()])


def _sphere_extremes(sphere, bounds) -> list[tuple[float, float]]:
    """``(u, v)`` of the points of a sphere farthest along -x, +x, -y, +y, -z and +z:
    ``centre +- radius * axis`` (a pole, where u is free, is sampled at the face's middle u)."""
    frame, u_middle = _frame(sphere.Position()), (bounds[0] + bounds[1]) / 2
    extremes = []
    for axis in _AXES:
        for direction in (axis, -axis):
            x, y, z = (frame @ direction).tolist()
            at_pole = math.hypot(x, y) <= _PARALLEL
            extremes.append((u_middle if at_pole else math.atan2(y, x),
                             math.asin(max(-1.0, min(1.0, z)))))
    return extremes


def _torus_extremes(torus, bounds) -> list[tuple[float, float]]:
    """``(u, v)`` of the critical points of x, y and z on a torus
    ``P = O + (R + r cos v)(cos u X + sin u Y) + r sin v Z``: where d/du = 0, ``tan u = y / x``
    (two u), then where d/dv = 0, ``tan v = z / (x cos u + y sin u)`` (two v each). Along the
    torus axis every u is critical: the extreme circles are sampled at the face's middle u. On
    a horn or spindle torus (R <= r, as on rounded pin tips) d/du is also 0 where the tube meets
    the axis, ``cos v = -R / r``: points where every u meets, sampled at the middle u too."""
    frame, u_middle = _frame(torus.Position()), (bounds[0] + bounds[1]) / 2
    major, minor = torus.MajorRadius(), torus.MinorRadius()
    extremes = []
    if major <= minor:
        on_axis = math.acos(-major / minor)
        extremes += [(u_middle, on_axis), (u_middle, -on_axis)]
    for axis in _AXES:
        x, y, z = (frame @ axis).tolist()
        if math.hypot(x, y) <= _PARALLEL:
            extremes += [(u_middle, math.pi / 2), (u_middle, -math.pi / 2)]
            continue
        for u in (math.atan2(y, x), math.atan2(y, x) + math.pi):
            radial = x * math.cos(u) + y * math.sin(u)
            v = math.atan2(z, radial)
            extremes += [(u, v), (u, v + math.pi)]
    return extremes


def shape_box(shape: TopoDS_Shape, brep: IndexedShape) -> np.ndarray:
    """:func:`bounding_box` of the whole shape, reusing the face boxes.

    ``AddOptimal`` boxes a shape by boxing each face (the face boxes), then adding the edges
    outside faces and the vertices outside edges: the same steps, without boxing the faces
    twice, give the same box to the bit.
    """
    box = Bnd_Box()
    for face_box in face_boxes(brep).tolist():
        if face_box[0] == face_box[0]:  # not NaN: the face has a box
            box.Update(*face_box)
    loose = _sub_shapes_outside(shape, TopAbs_EDGE, TopAbs_FACE)
    loose += _sub_shapes_outside(shape, TopAbs_VERTEX, TopAbs_EDGE)
    if loose:
        compound, builder = TopoDS_Compound(), BRep_Builder()
        builder.MakeCompound(compound)
        for sub_shape in loose:
            builder.Add(compound, sub_shape)
        loose_box = Bnd_Box()
        BRepBndLib.AddOptimal_s(compound, loose_box, True, False)
        box.Add(loose_box)
    if box.IsVoid():
        return np.full(6, np.nan)
    return np.array([*box.CornerMin().Coord(), *box.CornerMax().Coord()])


def _sub_shapes_outside(
    shape: TopoDS_Shape, kind: TopAbs_ShapeEnum, outside: TopAbs_ShapeEnum
) -> list[TopoDS_Shape]:
    found, explorer = [], TopExp_Explorer(shape, kind, outside)
    while explorer.More():
        found.append(explorer.Current())
        explorer.Next()
    return found


