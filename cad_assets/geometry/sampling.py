"""Points, tangents and normals evaluated on faces and along edges.

Normals point out of the material: the surface normal, flipped for reversed faces. Values
that cannot be evaluated are NaN: everything on a face without a surface or an edge without
a curve, and a normal at a singular point (a cone apex) that a small step towards the face's
UV centre does not resolve.

The evaluators (one ``BRepLProp_SLProps`` per face, one pcurve adaptor per coedge) are built
once per shape and kept in ``IndexedShape.cache``: the face grid, the face normals, the
convexity, the edge grid and the trim mask all evaluate the same faces and coedges.
Planes and lines, most faces and edges of machined parts, skip the per-sample calls: a plane's
normal and a line's tangent are the same everywhere, and without a location their points are
``location + u * x_dir + v * y_dir`` and ``location + t * direction``, which numpy computes
in the order OpenCascade does (``ElSLib::PlaneValue``, ``ElCLib::LineValue``), to the bit.
"""

from typing import NamedTuple

import numpy as np
from OCP.BRep import BRep_Tool
from OCP.BRepAdaptor import BRepAdaptor_Curve2d, BRepAdaptor_Surface
from OCP.BRepLProp import BRepLProp_SLProps
from OCP.GeomAbs import GeomAbs_Line, GeomAbs_Plane
from OCP.gp import gp_Pnt, gp_TrsfForm, gp_Vec

from cad_assets.geometry.indexing import IndexedShape

_RESOLUTION = 1e-9  # derivatives shorter than this count as zero (no normal defined)
_SINGULAR_STEP = 1e-6  # fraction of the way to the UV centre stepped to leave a singular point
_NAN3 = (np.nan, np.nan, np.nan)


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
    surface = brep.surfaces[face]
    if surface is None:
        return np.full((len(uv), 3), np.nan), np.full((len(uv), 3), np.nan)
    sampler = _face_sampler(brep, face)
    if sampler.plane_normal is not None:
        return _plane_points(surface, sampler, uv), np.tile(sampler.plane_normal, (len(uv), 1))
    props = sampler.props
    points, normals, singular = [], [], []
    for k, (u, v) in enumerate(uv.tolist()):
        props.SetParameters(u, v)
        points.append(props.Value().Coord())
        if props.IsNormalDefined():
            normals.append(props.Normal().Coord())
        else:
            normals.append(_NAN3)
            singular.append(k)
    points, normals = np.array(points).reshape(-1, 3), np.array(normals).reshape(-1, 3)
    if singular:
        centre = uv_centre(surface)
        for k in singular:
            props.SetParameters(*(uv[k] + _SINGULAR_STEP * (centre - uv[k])))
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
    sampler = _edge_sampler(brep, edge)
    first, last = sampler.first, sampler.last
    params = first + (1.0 - fractions if against_curve else fractions) * (last - first)
    if sampler.line_axes is not None:
        location, direction = sampler.line_axes
        frames[:, :3] = location + params[:, None] * direction
        frames[:, 3:6] = _tangent(sampler.line_derivative, against_curve)
    else:
        point, derivative = gp_Pnt(), gp_Vec()
        rows = []
        for t in params.tolist():
            curve.D1(t, point, derivative)
            rows.append((*point.Coord(), *_tangent(derivative, against_curve)))
        frames[:, :6] = rows
    if uses:
        frames[:, 6:9] = _normals_along(brep, uses[0], params)
    if len(uses) == 2:
        frames[:, 9:12] = _normals_along(brep, uses[1], params)
    return frames


def all_edge_frames(brep: IndexedShape, fractions: np.ndarray) -> np.ndarray:
    """:func:`edge_frames` of every edge at the same ``fractions (k,)``, ``(n_edges, k, 12)
    float64``: the convexity's middle sample and the edge grid come from one pass."""
    return np.array([edge_frames(brep, edge, fractions) for edge in range(len(brep.edges))]
                    ).reshape(len(brep.edges), len(fractions), 12)


def _tangent(derivative: gp_Vec, against_curve: bool) -> tuple[float, float, float]:
    """The unit tangent along a curve derivative (reversed if ``against_curve``), or NaN."""
    length = derivative.Magnitude()
    if length <= _RESOLUTION:
        return _NAN3
    x, y, z = derivative.Coord()
    if against_curve:
        return -(x / length), -(y / length), -(z / length)
    return x / length, y / length, z / length


def _normals_along(brep: IndexedShape, coedge: int, params: np.ndarray) -> np.ndarray:
    """Normals of the coedge's face at the points of its edge, through the edge's pcurve.

    ``(k, 3)``, or ``(3,)`` (the same for all points) on a plane.
    """
    if not has_pcurve(brep, coedge):
        return _NAN3
    face = int(brep.coedge_face[coedge])
    plane_normal = _face_sampler(brep, face).plane_normal
    if plane_normal is not None:
        return plane_normal
    curve = pcurve(brep, coedge)
    uv = np.array([curve.Value(t).Coord() for t in params.tolist()])
    return face_points_normals(brep, face, uv)[1]


def pcurve(brep: IndexedShape, coedge: int) -> BRepAdaptor_Curve2d:
    """The coedge's curve in its face's UV space, built on first use (see :func:`has_pcurve`)."""
    pcurves = brep.cache.setdefault("pcurves", {})
    if coedge not in pcurves:
        face = brep.faces[int(brep.coedge_face[coedge])]
        pcurves[coedge] = BRepAdaptor_Curve2d(brep.coedge_shapes[coedge], face)
    return pcurves[coedge]


class _FaceSampler(NamedTuple):
    props: BRepLProp_SLProps  # first-order evaluator of the face's surface
    plane_normal: np.ndarray | None  # (3,) outward normal of a plane, else None
    plane_axes: np.ndarray | None  # (3, 3) location, x and y directions of an unmoved plane


def _face_sampler(brep: IndexedShape, face: int) -> _FaceSampler:
    """The face's evaluators, built on first use (its surface must exist)."""
    samplers = brep.cache.setdefault("face_samplers", {})
    if face not in samplers:
        surface = brep.surfaces[face]
        props = BRepLProp_SLProps(surface, 1, _RESOLUTION)
        plane_normal = plane_axes = None
        if surface.GetType() == GeomAbs_Plane:
            props.SetParameters(*uv_centre(surface))
            if props.IsNormalDefined():  # always, the axes of a plane being unit and orthogonal
                plane_normal = np.array(props.Normal().Coord())
                plane_normal = -plane_normal if brep.face_reversed[face] else plane_normal
            if surface.Trsf().Form() == gp_TrsfForm.gp_Identity:
                axes = surface.Plane().Position()
                plane_axes = np.array([
                    axes.Location().Coord(), axes.XDirection().Coord(), axes.YDirection().Coord()
                ])
        samplers[face] = _FaceSampler(props, plane_normal, plane_axes)
    return samplers[face]


def _plane_points(
    surface: BRepAdaptor_Surface, sampler: _FaceSampler, uv: np.ndarray
) -> np.ndarray:
    if sampler.plane_axes is None:  # moved: OpenCascade transforms each point
        return np.array([surface.Value(u, v).Coord() for u, v in uv.tolist()]).reshape(-1, 3)
    location, x_dir, y_dir = sampler.plane_axes
    return uv[:, :1] * x_dir + uv[:, 1:] * y_dir + location


def has_pcurve(brep: IndexedShape, coedge: int) -> bool:
    """The coedge's edge has a curve in its face's UV space, and the face a surface."""
    has_pcurve = brep.cache.setdefault("has_pcurve", {})
    if coedge not in has_pcurve:
        face_number = int(brep.coedge_face[coedge])
        face, edge = brep.faces[face_number], brep.coedge_shapes[coedge]
        has_pcurve[coedge] = (
            brep.surfaces[face_number] is not None
            and BRep_Tool.CurveOnSurface_s(edge, face, 0.0, 0.0) is not None
        )
    return has_pcurve[coedge]


class _EdgeSampler(NamedTuple):
    first: float  # parameter range of the curve
    last: float
    line_axes: np.ndarray | None  # (2, 3) location and direction of an unmoved 3D line
    line_derivative: gp_Vec | None  # its derivative, the same everywhere


def _edge_sampler(brep: IndexedShape, edge: int) -> _EdgeSampler:
    """The edge's curve range and, for an unmoved 3D line, its axis (its curve must exist)."""
    samplers = brep.cache.setdefault("edge_samplers", {})
    if edge not in samplers:
        curve = brep.curves[edge]
        first, last = curve.FirstParameter(), curve.LastParameter()
        line_axes = derivative = None
        if (
            curve.GetType() == GeomAbs_Line
            and curve.Is3DCurve()
            and curve.Trsf().Form() == gp_TrsfForm.gp_Identity
        ):
            axis = curve.Line()
            line_axes = np.array([axis.Location().Coord(), axis.Direction().Coord()])
            derivative = gp_Vec()
            curve.D1(first, gp_Pnt(), derivative)
        samplers[edge] = _EdgeSampler(first, last, line_axes, derivative)
    return samplers[edge]
