"""Points, tangents and normals evaluated on faces and along edges.

Normals point out of the material: the surface normal, flipped for reversed faces. Values
that cannot be evaluated are NaN: everything on a face without a surface or an edge without
a curve, and a normal at a singular point (a cone apex) that a small step towards the face's
UV centre does not resolve.
"""

import numpy as np
from OCP.BRep import BRep_Tool
from OCP.Bnd import Bnd_Box
from OCP.BRepAdaptor import BRepAdaptor_Curve2d, BRepAdaptor_Surface
from OCP.BRepBndLib import BRepBndLib
from OCP.BRepLProp import BRepLProp_SLProps
from OCP.gp import gp_Pnt, gp_Vec
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.indexing import IndexedShape

_RESOLUTION = 1e-9  # derivatives shorter than this count as zero (no normal defined)
_SINGULAR_STEP = 1e-6  # fraction of the way to the UV centre stepped to leave a singular point


def bounding_box(shape: TopoDS_Shape) -> np.ndarray:
    """Tight axis-aligned box ``(6,) float64``: x, y, z minimum then maximum; NaN if empty.

    Triangles are used where a face has no surface (tessellated faces).
    """
    box = Bnd_Box()
    BRepBndLib.AddOptimal_s(shape, box, True, False)
    if box.IsVoid():
        return np.full(6, np.nan)
    return np.array([*box.CornerMin().Coord(), *box.CornerMax().Coord()])


def uv_bounds(surface: BRepAdaptor_Surface) -> tuple[float, float, float, float]:
    """``(u_min, u_max, v_min, v_max)`` of the face the surface adaptor is restricted to."""
    return (
        surface.FirstUParameter(), surface.LastUParameter(),
        surface.FirstVParameter(), surface.LastVParameter(),
    )


def uv_centre(surface: BRepAdaptor_Surface) -> np.ndarray:
    """Centre ``(2,) float64`` of the face's UV box (outside the face if it is trimmed there)."""
    u_min, u_max, v_min, v_max = uv_bounds(surface)
    return np.array([(u_min + u_max) / 2, (v_min + v_max) / 2])


def face_points_normals(
    brep: IndexedShape, face: int, uv: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Points and unit outward normals of ``face`` at parameters ``uv`` ``(k, 2)``.

    Returns
    -------
    points, normals : (k, 3) float64
    """
    points, normals = np.full((len(uv), 3), np.nan), np.full((len(uv), 3), np.nan)
    surface = brep.surfaces[face]
    if surface is None:
        return points, normals
    centre = uv_centre(surface)
    props = BRepLProp_SLProps(surface, 1, _RESOLUTION)
    for k, (u, v) in enumerate(uv):
        props.SetParameters(u, v)
        points[k] = props.Value().Coord()
        if not props.IsNormalDefined():
            props.SetParameters(*(np.array([u, v]) + _SINGULAR_STEP * (centre - (u, v))))
        if props.IsNormalDefined():
            normals[k] = props.Normal().Coord()
    return points, -normals if brep.face_reversed[face] else normals


def edge_frames(brep: IndexedShape, edge: int, fractions: np.ndarray) -> np.ndarray:
    """Samples along ``edge``, in the direction its first face traverses it.

    Parameters
    ----------
    fractions : (k,) float64
        Positions along that direction, 0 at the start and 1 at the end of the edge's range.

    Returns
    -------
    (k, 12) float64
        Point, unit tangent, left normal (the first face's) and right normal (the face of the
        other use of the edge; NaN unless the edge has exactly two uses).
    """
    frames = np.full((len(fractions), 12), np.nan)
    curve, uses = brep.curves[edge], brep.edge_coedges[edge]
    if curve is None:
        return frames
    against_curve = bool(uses) and brep.coedge_reversed[uses[0]]
    first, last = curve.FirstParameter(), curve.LastParameter()
    params = first + (1.0 - fractions if against_curve else fractions) * (last - first)
    point, derivative = gp_Pnt(), gp_Vec()
    for k, t in enumerate(params):
        curve.D1(t, point, derivative)
        frames[k, :3] = point.Coord()
        length = derivative.Magnitude()
        if length > _RESOLUTION:
            tangent = np.array(derivative.Coord()) / length
            frames[k, 3:6] = -tangent if against_curve else tangent
    if uses:
        frames[:, 6:9] = _normals_along(brep, uses[0], params)
    if len(uses) == 2:
        frames[:, 9:12] = _normals_along(brep, uses[1], params)
    return frames


def _normals_along(brep: IndexedShape, coedge: int, params: np.ndarray) -> np.ndarray:
    """Normals of the coedge's face at the points of its edge, through the edge's pcurve."""
    face_number = int(brep.coedge_face[coedge])
    face, edge = brep.faces[face_number], brep.coedge_shapes[coedge]
    has_pcurve = (
        brep.surfaces[face_number] is not None
        and BRep_Tool.CurveOnSurface_s(edge, face, 0.0, 0.0) is not None
    )
    if not has_pcurve:
        return np.full((len(params), 3), np.nan)
    pcurve = BRepAdaptor_Curve2d(edge, face)
    uv = np.array([pcurve.Value(t).Coord() for t in params])
    return face_points_normals(brep, face_number, uv)[1]
