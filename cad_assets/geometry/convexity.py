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

#: Where along each edge (see :func:`cad_assets.geometry.sampling.edge_frames`) it is measured.
MIDDLE = 0.5


def edge_convexity(
    brep: IndexedShape, middle_frames: np.ndarray, tolerance_deg: float
) -> tuple[np.ndarray, np.ndarray]:
    """Convexity code and signed dihedral angle of every edge.

    Parameters
    ----------
    middle_frames : (n_edges, 12) float64
        ``edge_frames`` of every edge at :data:`MIDDLE`.
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
    convexity = np.full(len(brep.edges), Convexity.UNDEFINED, dtype=np.int8)
    between_faces = np.zeros(len(brep.edges), dtype=bool)
    for edge, uses in enumerate(brep.edge_coedges):
        if BRep_Tool.Degenerated_s(brep.edges[edge]):
            convexity[edge] = Convexity.DEGENERATE
        elif len(uses) != 2:
            convexity[edge] = Convexity.BOUNDARY
        elif brep.coedge_face[uses[0]] == brep.coedge_face[uses[1]]:
            convexity[edge] = Convexity.SEAM
        else:
            between_faces[edge] = True
    angles = np.where(between_faces, _dihedral_angles(middle_frames), np.nan)
    with np.errstate(invalid="ignore"):  # NaN angles stay UNDEFINED
        smooth = np.abs(angles) < np.radians(tolerance_deg)
        convexity[between_faces & smooth] = Convexity.SMOOTH
        convexity[between_faces & ~smooth & (angles > 0)] = Convexity.CONVEX
        convexity[between_faces & ~smooth & (angles <= 0)] = Convexity.CONCAVE
    return convexity, angles


def _dihedral_angles(frames: np.ndarray) -> np.ndarray:
    tangent, first_normal, second_normal = frames[:, 3:6], frames[:, 6:9], frames[:, 9:12]
    cross = np.cross(first_normal, second_normal)
    sine = np.sqrt(_dot(cross, cross)) * np.sign(_dot(cross, tangent))
    return np.arctan2(sine, _dot(first_normal, second_normal))


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # Row by row through matmul: the same sums, to the bit, as `a[i] @ b[i]` (einsum and
    # `(a * b).sum(1)` add in another order and differ in the last bit).
    return (a[:, None, :] @ b[:, :, None])[:, 0, 0]
