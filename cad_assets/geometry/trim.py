"""Which UV samples of a face lie inside its trimming loops: the mask of ``faces/uv_grid``.

OpenCascade's ``IntTools_FClass2d`` answers one point per call, and a point on the boundary
(a third of a grid over a rectangular face: its whole rim) costs it an exact classification of
~35 us. Here the face's loops become one polygon in UV, and all samples are classified in one
numpy pass: a sample on the polygon (within a thousandth of the face's tolerance) is on the
boundary; a sample farther from it than the polygon can stray from the true loops, plus a
wide margin, is inside or outside by the parity of its crossings. Only the samples between
the two, near a curved boundary, go to ``IntTools_FClass2d``, so every answer is the one it
would give. A face whose loops cannot be drawn (an edge without a UV curve, a loop that does
not close) goes to it whole.

Distances are measured in tolerances: u and v are divided by the surface's parameter
resolution for the face's tolerance, so one unit is the face tolerance in 3D on any surface.
"""

import math

import numpy as np
from OCP.BRep import BRep_Tool
from OCP.GeomAbs import GeomAbs_CurveType
from OCP.gp import gp_Pnt2d
from OCP.IntTools import IntTools_FClass2d
from OCP.TopAbs import TopAbs_IN, TopAbs_ON

from cad_assets.geometry.indexing import IndexedShape
from cad_assets.geometry.sampling import has_pcurve, pcurve

_IN_OR_ON = {int(TopAbs_IN), int(TopAbs_ON)}
_ON = 1e-3  # tolerances: a sample this close to a straight boundary is on it
_MARGIN = 100.0  # tolerances: beyond the polygon's deviation, the samples decided by parity
_CURVE_SEGMENTS = 16  # polygon sides per curved UV edge (per full turn of a circle: 64)
_MIN_RESOLUTION = 1e-300  # parameter resolutions below this are degenerate


def inside_or_on(brep: IndexedShape, face: int, uv: np.ndarray) -> np.ndarray:
    """Which of the samples ``uv (k, 2) float64`` are inside the trimmed face or on its
    boundary, ``(k,) bool``: what ``IntTools_FClass2d`` with the face's tolerance answers
    (``TopAbs_IN`` or ``TopAbs_ON``). The face must have a surface."""
    tolerance = BRep_Tool.Tolerance_s(brep.faces[face])
    surface = brep.surfaces[face]
    scale = np.array([surface.UResolution(tolerance), surface.VResolution(tolerance)])
    polygon = None
    if np.all(scale > _MIN_RESOLUTION) and not _spans_more_than_a_period(surface):
        polygon = _loop_polygon(brep, face, scale)
    if polygon is None:
        return _classified_by_opencascade(brep, face, uv, np.ones(len(uv), dtype=bool))
    starts, ends, deviation, corners = polygon
    points = uv / scale
    distance = _distance_to_segments(points, starts, ends)
    on = distance <= _ON
    undecided = ~on & (distance <= 2 * deviation + _MARGIN)
    # OpenCascade answers some points at a loop's corners as outside: ask it there.
    if len(corners):
        near_corner = _distance_to_segments(points, corners, corners) <= 2 * deviation + _MARGIN
        on &= ~near_corner
        undecided |= near_corner
    inside = on | (_crossings_are_odd(points, starts, ends) & ~undecided)
    if undecided.any():
        inside[undecided] = _classified_by_opencascade(brep, face, uv, undecided)[undecided]
    return inside


def _spans_more_than_a_period(surface) -> bool:
    # OpenCascade also classifies such a sample shifted by the period, the polygon does not.
    u_min, u_max = surface.FirstUParameter(), surface.LastUParameter()
    v_min, v_max = surface.FirstVParameter(), surface.LastVParameter()
    return (surface.IsUPeriodic() and u_max - u_min >= surface.UPeriod() * (1 - 1e-9)) or (
        surface.IsVPeriodic() and v_max - v_min >= surface.VPeriod() * (1 - 1e-9)
    )


def _classified_by_opencascade(
    brep: IndexedShape, face: int, uv: np.ndarray, which: np.ndarray
) -> np.ndarray:
    # The face's own tolerance, as OpenCascade's Boolean operations classify with.
    shape = brep.faces[face]
    classifier = IntTools_FClass2d(shape, BRep_Tool.Tolerance_s(shape))
    inside = np.zeros(len(uv), dtype=bool)
    for k in np.flatnonzero(which).tolist():
        # Compared as ints: comparing the enum members themselves costs more than classifying.
        inside[k] = int(classifier.Perform(gp_Pnt2d(*uv[k].tolist()))) in _IN_OR_ON
    return inside


def _loop_polygon(
    brep: IndexedShape, face: int, scale: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Segment starts and ends ``(s, 2)`` of the face's loops in tolerance units, and how far
    the polygon may stray from the true loops, and the loops' corners ``(c, 2)`` (where their
    edges meet); ``None`` if the polygon cannot be drawn."""
    coedges = _face_coedges(brep, face)
    if len(coedges) == 0:
        return None
    polylines, deviation = {}, 0.0
    for coedge in coedges:
        if not has_pcurve(brep, coedge):
            return None
        points, stray = _polyline(pcurve(brep, coedge), scale)
        if brep.coedge_reversed[coedge]:  # run it the way its loop does
            points = points[::-1]
        polylines[coedge], deviation = points, max(deviation, stray)
    starts, ends, corners = [], [], []
    for coedge, points in polylines.items():
        following = polylines[int(brep.coedge_next[coedge])]
        # The gap to the next edge of the loop: within tolerance on a valid face; a wide one
        # means the loop was not ordered, and the polygon would not be closed.
        gap = np.hypot(*(following[0] - points[-1]))
        if gap > _MARGIN:
            return None
        if gap > _ON:
            corners.append(points[-1:])
        starts.append(points)
        ends.append(np.vstack([points[1:], following[:1]]))
    corners = np.vstack(corners) if corners else np.empty((0, 2))
    return np.vstack(starts), np.vstack(ends), deviation, corners


def _face_coedges(brep: IndexedShape, face: int) -> range:
    """The coedges of ``face``: contiguous, faces numbered in order (see ``index_shape``)."""
    if "face_coedge_starts" not in brep.cache:
        brep.cache["face_coedge_starts"] = np.searchsorted(
            brep.coedge_face, np.arange(len(brep.faces) + 1)
        ).tolist()
    starts = brep.cache["face_coedge_starts"]
    return range(starts[face], starts[face + 1])


def _polyline(curve, scale: np.ndarray) -> tuple[np.ndarray, float]:
    """Points ``(n, 2)`` along a UV curve in tolerance units, and an upper estimate of how far
    its chords stray from it."""
    first, last = curve.FirstParameter(), curve.LastParameter()
    kind = curve.GetType()
    if kind == GeomAbs_CurveType.GeomAbs_Line:
        return np.array([curve.Value(first).Coord(), curve.Value(last).Coord()]) / scale, 0.0
    if kind == GeomAbs_CurveType.GeomAbs_Circle:
        circle = curve.Circle()
        n = max(8, math.ceil(abs(last - first) / (2 * math.pi) * 4 * _CURVE_SEGMENTS))
        angles = np.linspace(first, last, n + 1)
        centre = np.array(circle.Location().Coord())
        x_dir = np.array(circle.XAxis().Direction().Coord())
        y_dir = np.array(circle.YAxis().Direction().Coord())
        radius = circle.Radius()
        points = centre + radius * (np.cos(angles)[:, None] * x_dir + np.sin(angles)[:, None] * y_dir)
        sagitta = radius * (1 - math.cos((last - first) / n / 2))
        return points / scale, sagitta / scale.min()
    parameters = np.linspace(first, last, _CURVE_SEGMENTS + 1)
    samples = np.array([curve.Value(t).Coord() for t in parameters.tolist()]) / scale
    points, middles = samples[::2], samples[1::2]
    # The middle of each arc against its chord, doubled: the chord strays at most about that.
    stray = _distance_to_segments(middles, points[:-1], points[1:], pairwise=True)
    return points, 2 * float(stray.max())


def _distance_to_segments(
    points: np.ndarray, starts: np.ndarray, ends: np.ndarray, pairwise: bool = False
) -> np.ndarray:
    """Distance of each point ``(k, 2)`` to the nearest segment, ``(k,)``; with ``pairwise``,
    of point i to segment i only."""
    if not pairwise:
        points = points[:, None, :]
    along = ends - starts
    length2 = np.einsum("...i,...i->...", along, along)
    offset = points - starts
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.einsum("...i,...i->...", offset, along) / length2, 0.0, 1.0)
    t = np.where(length2 > 0, t, 0.0)
    gap = offset - t[..., None] * along
    distance = np.sqrt(np.einsum("...i,...i->...", gap, gap))
    return distance if pairwise else distance.min(axis=1)


def _crossings_are_odd(points: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Even-odd rule: a ray from each point towards +u crosses the polygon an odd number of
    times, ``(k,) bool``."""
    u, v = points[:, :1], points[:, 1:]
    (u0, v0), (u1, v1) = starts.T, ends.T
    straddles = (v0 > v) != (v1 > v)
    with np.errstate(invalid="ignore", divide="ignore"):
        crossing_u = u0 + (v - v0) * (u1 - u0) / (v1 - v0)
    return (straddles & (crossing_u > u)).sum(axis=1) % 2 == 1
