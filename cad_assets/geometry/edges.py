"""Per-edge arrays (group ``edges``): curve type, length and the edge attribute family."""

import numpy as np
from OCP.BRep import BRep_Tool
from OCP.BRepGProp import BRepGProp
from OCP.GeomAbs import GeomAbs_CurveType
from OCP.GProp import GProp_GProps

from cad_assets.geometry.categories import CurveType
from cad_assets.geometry.indexing import IndexedShape

_CURVE_TYPES = {
    GeomAbs_CurveType.GeomAbs_Line: CurveType.LINE,
    GeomAbs_CurveType.GeomAbs_Circle: CurveType.CIRCLE,
    GeomAbs_CurveType.GeomAbs_Ellipse: CurveType.ELLIPSE,
    GeomAbs_CurveType.GeomAbs_Hyperbola: CurveType.HYPERBOLA,
    GeomAbs_CurveType.GeomAbs_Parabola: CurveType.PARABOLA,
    GeomAbs_CurveType.GeomAbs_BezierCurve: CurveType.BEZIER,
    GeomAbs_CurveType.GeomAbs_BSplineCurve: CurveType.BSPLINE,
    GeomAbs_CurveType.GeomAbs_OffsetCurve: CurveType.OFFSET,
}


def curve_types(brep: IndexedShape) -> np.ndarray:
    """:class:`CurveType` code of every edge, ``(n_edges,) int32``; ``NO_CURVE`` for
    degenerate edges and edges without any curve."""
    return np.array(
        [
            CurveType.NO_CURVE if curve is None
            else _CURVE_TYPES.get(curve.GetType(), CurveType.OTHER)
            for curve in brep.curves
        ],
        dtype=np.int32,
    )


def edge_lengths(brep: IndexedShape) -> np.ndarray:
    """Length of every edge, ``(n_edges,) float64``: 0 if degenerate, NaN without a curve."""
    lengths = np.full(len(brep.edges), np.nan)
    for index, (edge, curve) in enumerate(zip(brep.edges, brep.curves)):
        if BRep_Tool.Degenerated_s(edge):
            lengths[index] = 0.0
        elif curve is not None:
            props = GProp_GProps()
            BRepGProp.LinearProperties_s(edge, props)
            lengths[index] = props.Mass()
    return lengths


def edge_attributes(brep: IndexedShape, dihedral_angles: np.ndarray) -> dict[str, np.ndarray]:
    """The edge attribute family, from the angles of :func:`edge_convexity`.

    Returns
    -------
    dict
        ``dihedral_angle (n_edges,) float64`` signed angle between the faces' normals, in
        radians (see :mod:`cad_assets.geometry.convexity`); ``closed (n_edges,) bool`` the
        edge starts and ends at the same vertex (a full circle, a degenerate edge).
    """
    return {
        "dihedral_angle": dihedral_angles,
        "closed": np.array([BRep_Tool.IsClosed_s(edge) for edge in brep.edges], dtype=bool),
    }
