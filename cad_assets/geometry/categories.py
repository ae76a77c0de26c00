"""Categorical codes stored in integer arrays, with a name and description per code.

Pure Python (no CAD kernel), so the pipeline can write its categorical table from
:data:`CATEGORICAL_ARRAYS` without loading OpenCascade. The codes are part of the stored data:
never renumber a member, only add new ones (and bump ``ENCODER_VERSION``).
"""

from enum import IntEnum


class _DescribedEnum(IntEnum):
    """An ``IntEnum`` whose members are declared as ``NAME = code, "description"``."""

    def __new__(cls, code: int, description: str):
        member = int.__new__(cls, code)
        member._value_ = code
        member.description = description
        return member


class SurfaceType(_DescribedEnum):
    """Geometry under a face (``faces/surface_type``)."""

    PLANE = 0, "plane"
    CYLINDER = 1, "circular cylinder"
    CONE = 2, "circular cone"
    SPHERE = 3, "sphere"
    TORUS = 4, "torus"
    BEZIER = 5, "Bezier surface"
    BSPLINE = 6, "B-spline (NURBS) surface"
    REVOLUTION = 7, "surface of revolution of a curve"
    EXTRUSION = 8, "surface of linear extrusion of a curve"
    OFFSET = 9, "offset of another surface"
    OTHER = 10, "any other surface kind"
    NO_SURFACE = 11, "face without a surface, e.g. an AP242 tessellated face (triangles only)"


class CurveType(_DescribedEnum):
    """Geometry under an edge (``edges/curve_type``)."""

    LINE = 0, "straight line"
    CIRCLE = 1, "circle or circular arc"
    ELLIPSE = 2, "ellipse or elliptical arc"
    HYPERBOLA = 3, "hyperbola"
    PARABOLA = 4, "parabola"
    BEZIER = 5, "Bezier curve"
    BSPLINE = 6, "B-spline (NURBS) curve"
    OFFSET = 7, "offset of another curve"
    OTHER = 8, "any other curve kind"
    NO_CURVE = 9, "edge without a curve: degenerate (a cone apex, a sphere pole) or broken"


class Convexity(_DescribedEnum):
    """How the faces on both sides of an edge meet (``edges/convexity``)."""

    CONCAVE = -1, "faces meet at an inward (concave) angle, as where a pocket wall meets its floor"
    SMOOTH = 0, "faces meet at an angle within the convexity tolerance (tangent or nearly)"
    CONVEX = 1, "faces meet at an outward (convex) angle, as on the edges of a box"
    SEAM = 2, "seam of a closed surface: the edge bounds the same face twice"
    DEGENERATE = 3, "degenerate edge of zero length (a cone apex, a sphere pole)"
    BOUNDARY = 4, "edge not shared by exactly two faces: border of an open shell, or non-manifold"
    UNDEFINED = 5, "the face normals at the edge could not be evaluated (missing curve or surface)"


def describe(member: _DescribedEnum) -> str:
    """The description of one code, e.g. ``describe(SurfaceType.PLANE) == "plane"``."""
    return member.description


#: Stored array -> (its enum, the function describing a member); one table row per member.
CATEGORICAL_ARRAYS = {
    "faces/surface_type": (SurfaceType, describe),
    "edges/curve_type": (CurveType, describe),
    "edges/convexity": (Convexity, describe),
}
