"""How the two faces of each edge meet: convex, concave or smooth, and at which angle.

The signed dihedral angle is measured at the middle of the edge, between the outward normals
``n1`` of the edge's first face and ``n2`` of its second, with the tangent ``t`` oriented as
the first face traverses the edge (the BRepNet / AAGNet convention): its sign is the sign of
``(n1 x n2) . t``, positive where the edge is convex.
"""

import numpy as np
from OCP.BRep import BRep_Tool

from cad_assets.geometry.categories import Convexity
from cad_assets.geometry.indexing import IndexedShape
from cad_assets.geometry.sampling import edge_frames

_MIDDLE = np.array([0.5])


def edge_convexity(brep: IndexedShape, tolerance_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Convexity code and signed dihedral angle of every edge.

    Parameters
    ----------
    tolerance_deg : float
        Edges whose dihedral angle is smaller in magnitude are ``SMOOTH``.

    Returns
    -------
    convexity : (n_edges,) int8
        :class:`Convexity` codes.
    dihedral_angle : (n_edges,) float64
        Angle between the two outward normals, in radians in ``[-pi, pi]``: 0 where the faces
        are tangent, ``pi / 2`` on a box edge, negative where concave. NaN unless the edge
        joins two different faces whose normals could be evaluated.
    """
    convexity = np.empty(len(brep.edges), dtype=np.int8)
    angles = np.full(len(brep.edges), np.nan)
    tolerance = np.radians(tolerance_deg)
    for edge, uses in enumerate(brep.edge_coedges):
        if BRep_Tool.Degenerated_s(brep.edges[edge]):
            convexity[edge] = Convexity.DEGENERATE
        elif len(uses) != 2:
            convexity[edge] = Convexity.BOUNDARY
        elif brep.coedge_face[uses[0]] == brep.coedge_face[uses[1]]:
            convexity[edge] = Convexity.SEAM
        else:
            angles[edge] = _dihedral_angle(brep, edge)
            convexity[edge] = _classify(angles[edge], tolerance)
    return convexity, angles


def _dihedral_angle(brep: IndexedShape, edge: int) -> float:
    frame = edge_frames(brep, edge, _MIDDLE)[0]
    tangent, first_normal, second_normal = frame[3:6], frame[6:9], frame[9:12]
    cross = np.array(_cross(first_normal.tolist(), second_normal.tolist()))
    sine = np.linalg.norm(cross) * np.sign(cross @ tangent)
    return float(np.arctan2(sine, first_normal @ second_normal))


def _cross(a: list[float], b: list[float]) -> tuple[float, float, float]:
    # What numpy.cross computes for two 3-vectors, without its overhead on single vectors.
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _classify(angle: float, tolerance: float) -> Convexity:
    if np.isnan(angle):
        return Convexity.UNDEFINED
    if abs(angle) < tolerance:
        return Convexity.SMOOTH
    return Convexity.CONVEX if angle > 0 else Convexity.CONCAVE
