"""Which UV samples of a face lie inside its trimming loops: the mask of ``faces/uv_grid``.

OpenCascade's ``IntTools_FClass2d`` answers one point per call, and a point on the boundary
(a third of a grid over a rectangular face: its whole rim) costs it an exact classification of
~35 us. Here each face's loops become one polygon in UV, and the samples of many faces are
classified in one numpy pass over all their segments: a sample on its polygon (within a
thousandth of the face's tolerance) is on the boundary; a sample farther from it than the
polygon can stray from the true loops, plus a wide margin, is inside or outside by the parity
of its crossings. Only the samples between the two, near a curved boundary or where a loop's
edges do not quite meet, go to ``IntTools_FClass2d``, so every answer is the one it would
give; so do the samples of a face spanning a whole period whose copy one period away comes
near the face. A face whose loops cannot be drawn (an edge without a UV curve, a loop that
does not close) goes to it whole.

Distances are measured in tolerances: u and v are divided by the surface's parameter
resolution for the face's tolerance, so one unit is the face tolerance in 3D on any surface.
"""

import math
from typing import NamedTuple

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
_BATCH = 250_000  # segment-sample pairs classified in one numpy pass (~40 MB of temporaries)


def inside_or_on(brep: IndexedShape, faces: np.ndarray, uv: np.ndarray) -> np.ndarray:
    """Which samples of each face are inside the trimmed face or on its boundary: what
    ``IntTools_FClass2d`` with the face's tolerance answers (``TopAbs_IN`` or ``TopAbs_ON``).

    Parameters
    ----------
    faces : (m,) int
        Faces, each with a surface.
    uv : (m, k, 2) float64
        ``k`` samples of each face in its UV space.

    Returns
    -------
    (m, k) bool
    """
    inside = np.zeros(uv.shape[:2], dtype=bool)
    polygons = []
    for row, face in enumerate(faces.tolist()):
        polygon = _face_polygon(brep, face)
        if polygon is None:
            everything = np.ones(uv.shape[1], dtype=bool)
            inside[row] = _classified_by_opencascade(brep, face, uv[row], everything)
        else:
            polygons.append((row, face, polygon))
    for chunk in _chunks(polygons, uv.shape[1]):
        rows = [row for row, _, _ in chunk]
        inside[rows] = _classified_by_polygons(brep, chunk, uv[rows])
    return inside


class _Polygon(NamedTuple):
    scale: np.ndarray  # (2,) u and v parameter lengths of one tolerance
    starts: np.ndarray  # (s, 2) segment starts and ends, in tolerance units
    ends: np.ndarray
    deviation: float  # how far the segments may stray from the true loops
    corners: np.ndarray  # (c, 2) where two edges of a loop do not quite meet
    periods: np.ndarray  # (2,) u, v periods (tolerance units) of a face spanning one, else inf


def _face_polygon(brep: IndexedShape, face: int) -> _Polygon | None:
    """The face's loops as one polygon in tolerance units; ``None`` if it cannot be drawn."""
    tolerance = BRep_Tool.Tolerance_s(brep.faces[face])
    surface = brep.surfaces[face]
    scale = np.array([surface.UResolution(tolerance), surface.VResolution(tolerance)])
    if np.any(scale <= _MIN_RESOLUTION):
        return None
    loops = _loop_polygon(brep, face, scale)
    return None if loops is None else _Polygon(scale, *loops, _spanned_periods(surface) / scale)


def _chunks(polygons: list, samples_per_face: int):
    """Runs of consecutive faces with at most about ``_BATCH`` segment-sample pairs each."""
    chunk, size = [], 0
    for item in polygons:
        segments = len(item[2].starts)
        if chunk and size + segments * samples_per_face > _BATCH:
            yield chunk
            chunk, size = [], 0
        chunk.append(item)
        size += segments * samples_per_face
    if chunk:
        yield chunk


def _classified_by_polygons(brep: IndexedShape, chunk: list, uv: np.ndarray) -> np.ndarray:
    """:func:`inside_or_on` of the faces of ``chunk`` (``(row, face, polygon)``), whose
    samples are ``uv (c, k, 2)``, all segments of all faces in one numpy pass.

    A sample on its face's polygon (within a thousandth of the face's tolerance) is on the
    boundary; one farther from it than the polygon can stray from the true loops, plus a wide
    margin, is inside or outside by the parity of its crossings; the others, near a curved
    boundary or an open corner, are asked of ``IntTools_FClass2d``.
    """
    polygons = [polygon for _, _, polygon in chunk]
    points = uv / np.array([polygon.scale for polygon in polygons])[:, None, :]
    counts = [len(polygon.starts) for polygon in polygons]
    owner = np.repeat(np.arange(len(polygons)), counts)  # segment -> face of the chunk
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    starts = np.vstack([polygon.starts for polygon in polygons])[:, None, :]
    ends = np.vstack([polygon.ends for polygon in polygons])[:, None, :]
    distance = np.minimum.reduceat(_distance_to_segments(points[owner], starts, ends), offsets)
    crossings = _crossings(points[owner], starts, ends)
    odd = np.add.reduceat(crossings, offsets, dtype=np.int64) % 2 == 1
    margin = np.array([2 * polygon.deviation + _MARGIN for polygon in polygons])[:, None]
    on = distance <= _ON
    undecided = ~on & (distance <= margin)
    # On a face spanning a whole period, OpenCascade also classifies a sample shifted by the
    # period, the polygon does not: ask it where the shifted sample comes near the face.
    periods = np.array([polygon.periods for polygon in polygons])[:, None, :]
    if np.isfinite(periods).any():
        low = np.array([polygon.starts.min(axis=0) for polygon in polygons])[:, None, :]
        high = np.array([polygon.starts.max(axis=0) for polygon in polygons])[:, None, :]
        near = margin[..., None]
        shifted_in = (points - periods >= low - near) | (points + periods <= high + near)
        undecided |= shifted_in.any(axis=2)
    # OpenCascade answers some points at a loop's open corners as outside: ask it there.
    corner_counts = [len(polygon.corners) for polygon in polygons]
    if sum(corner_counts):
        corner_owner = np.repeat(np.arange(len(polygons)), corner_counts)
        corners = np.vstack([polygon.corners for polygon in polygons])[:, None, :]
        corner_distance = np.full(points.shape[:2], np.inf)
        np.minimum.at(corner_distance, corner_owner,
                      _distance_to_segments(points[corner_owner], corners, corners))
        near_corner = corner_distance <= margin
        on &= ~near_corner
        undecided |= near_corner
    inside = on | (odd & ~undecided)
    for position in np.flatnonzero(undecided.any(axis=1)).tolist():
        face = chunk[position][1]
        which = undecided[position]
        inside[position, which] = _classified_by_opencascade(brep, face, uv[position], which)[which]
    return inside


def _spanned_periods(surface) -> np.ndarray:
    """``(2,)`` the u and v periods of a face that spans a whole one, else inf."""
    u_min, u_max = surface.FirstUParameter(), surface.LastUParameter()
    v_min, v_max = surface.FirstVParameter(), surface.LastVParameter()
    u_spans = surface.IsUPeriodic() and u_max - u_min >= surface.UPeriod() * (1 - 1e-9)
    v_spans = surface.IsVPeriodic() and v_max - v_min >= surface.VPeriod() * (1 - 1e-9)
    return np.array([surface.UPeriod() if u_spans else np.inf,
                     surface.VPeriod() if v_spans else np.inf])


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
) -> tuple[np.ndarray, np.ndarray, float, np.ndarray] | None:
    """Segment starts and ends ``(s, 2)`` of the face's loops in tolerance units, how far the
    polygon may stray from the true loops, and the loops' open corners ``(c, 2)`` (where two
    edges do not quite meet); ``None`` if the polygon cannot be drawn."""
    coedges = brep.face_coedges(face)
    if len(coedges) == 0:
        return None
    # Python lists of (u, v) in tolerance units until the end: most edges are two points,
    # and a numpy array per edge would cost more than the edge.
    polylines, deviation = {}, 0.0
    for coedge in coedges:
        if not has_pcurve(brep, coedge):
            return None
        points, stray = _polyline(pcurve(brep, coedge), scale)
        if brep.coedge_reversed[coedge]:  # run it the way its loop does
            points.reverse()
        polylines[coedge], deviation = points, max(deviation, stray)
    starts, ends, corners = [], [], []
    for coedge, points in polylines.items():
        following = polylines[int(brep.coedge_next[coedge])][0]
        # The gap to the next edge of the loop: within tolerance on a valid face; a wide one
        # means the loop was not ordered, and the polygon would not be closed.
        gap = math.hypot(following[0] - points[-1][0], following[1] - points[-1][1])
        if gap > _MARGIN:
            return None
        if gap > _ON:
            corners.append(points[-1])
        starts += points
        ends += points[1:]
        ends.append(following)
    corners = np.array(corners).reshape(-1, 2)
    return np.array(starts), np.array(ends), deviation, corners


def _polyline(curve, scale: np.ndarray) -> tuple[list[list[float]], float]:
    """Points ``[u, v]`` along a UV curve in tolerance units, and an upper estimate of how far
    its chords stray from it."""
    first, last = curve.FirstParameter(), curve.LastParameter()
    kind = curve.GetType()
    if kind == GeomAbs_CurveType.GeomAbs_Line:
        (u0, v0), (u1, v1) = curve.Value(first).Coord(), curve.Value(last).Coord()
        u_scale, v_scale = scale.tolist()
        return [[u0 / u_scale, v0 / v_scale], [u1 / u_scale, v1 / v_scale]], 0.0
    if kind == GeomAbs_CurveType.GeomAbs_Circle:
        circle = curve.Circle()
        n = max(8, math.ceil(abs(last - first) / (2 * math.pi) * 4 * _CURVE_SEGMENTS))
        angles = np.linspace(first, last, n + 1)
        centre = np.array(circle.Location().Coord())
        x_dir = np.array(circle.XAxis().Direction().Coord())
        y_dir = np.array(circle.YAxis().Direction().Coord())
        radius = circle.Radius()
        turns = np.cos(angles)[:, None] * x_dir + np.sin(angles)[:, None] * y_dir
        points = centre + radius * turns
        sagitta = radius * (1 - math.cos((last - first) / n / 2))
        return (points / scale).tolist(), sagitta / scale.min()
    parameters = np.linspace(first, last, _CURVE_SEGMENTS + 1)
    samples = np.array([curve.Value(t).Coord() for t in parameters.tolist()]) / scale
    points, middles = samples[::2], samples[1::2]
    # The middle of each arc against its chord, doubled: the chord strays at most about that.
    stray = _distance_to_segments(middles, points[:-1], points[1:])
    return points.tolist(), 2 * float(stray.max())


def _distance_to_segments(points: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Distance of points ``(..., 2)`` to segments ``(..., 2)``, broadcast, ``(...)``."""
    along = ends - starts
    length2 = np.einsum("...i,...i->...", along, along)
    offset = points - starts
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.einsum("...i,...i->...", offset, along) / length2, 0.0, 1.0)
    t = np.where(length2 > 0, t, 0.0)
    gap = offset - t[..., None] * along
    return np.sqrt(np.einsum("...i,...i->...", gap, gap))


def _crossings(points: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Whether a ray from each point ``(..., 2)`` towards +u crosses each segment, broadcast
    ``(...) bool``: an odd count over a polygon's segments puts the point inside (even-odd)."""
    u, v = points[..., 0], points[..., 1]
    u0, v0, u1, v1 = starts[..., 0], starts[..., 1], ends[..., 0], ends[..., 1]
    straddles = (v0 > v) != (v1 > v)
    with np.errstate(invalid="ignore", divide="ignore"):
        crossing_u = u0 + (v - v0) * (u1 - u0) / (v1 - v0)
    return straddles & (crossing_u > u)
