"""Per-face arrays (group ``faces``): surface type, area and the face attribute family."""

import numpy as np
from OCP.BRepAdaptor import BRepAdaptor_Surface
from OCP.BRepGProp import BRepGProp
from OCP.GeomAbs import GeomAbs_SurfaceType
from OCP.GProp import GProp_GProps

from cad_assets.geometry.boxes import face_boxes
from cad_assets.geometry.categories import SurfaceType
from cad_assets.geometry.indexing import IndexedShape
from cad_assets.geometry.sampling import face_points_normals, uv_centre

_SURFACE_TYPES = {
    GeomAbs_SurfaceType.GeomAbs_Plane: SurfaceType.PLANE,
    GeomAbs_SurfaceType.GeomAbs_Cylinder: SurfaceType.CYLINDER,
    GeomAbs_SurfaceType.GeomAbs_Cone: SurfaceType.CONE,
    GeomAbs_SurfaceType.GeomAbs_Sphere: SurfaceType.SPHERE,
    GeomAbs_SurfaceType.GeomAbs_Torus: SurfaceType.TORUS,
    GeomAbs_SurfaceType.GeomAbs_BezierSurface: SurfaceType.BEZIER,
    GeomAbs_SurfaceType.GeomAbs_BSplineSurface: SurfaceType.BSPLINE,
    GeomAbs_SurfaceType.GeomAbs_SurfaceOfRevolution: SurfaceType.REVOLUTION,
    GeomAbs_SurfaceType.GeomAbs_SurfaceOfExtrusion: SurfaceType.EXTRUSION,
    GeomAbs_SurfaceType.GeomAbs_OffsetSurface: SurfaceType.OFFSET,
}


def surface_types(brep: IndexedShape) -> np.ndarray:
    """:class:`SurfaceType` code of every face, ``(n_faces,) int32``; ``NO_SURFACE`` for
    faces without one."""
    return np.array(
        [
            SurfaceType.NO_SURFACE if surface is None
            else _SURFACE_TYPES.get(surface.GetType(), SurfaceType.OTHER)
            for surface in brep.surfaces
        ],
        dtype=np.int32,
    )


def mass_properties(brep: IndexedShape) -> tuple[np.ndarray, np.ndarray]:
    """Area ``(n_faces,) float64`` and area centroid ``(n_faces, 3) float64`` of every face.

    A face without a surface is measured on its triangles; without those either, its area is
    0 and its centroid NaN.
    """
    areas, centroids = np.zeros(len(brep.faces)), np.full((len(brep.faces), 3), np.nan)
    for index, face in enumerate(brep.faces):
        props = GProp_GProps()
        BRepGProp.SurfaceProperties_s(face, props)
        areas[index] = props.Mass()
        if areas[index] > 0:
            centroids[index] = props.CentreOfMass().Coord()
    return areas, centroids


def face_attributes(
    brep: IndexedShape, centroids: np.ndarray, n_neighbours: np.ndarray
) -> dict[str, np.ndarray]:
    """The face attribute family, from the centroids of :func:`mass_properties` and the
    neighbour counts of the adjacency graph.

    Returns
    -------
    dict
        ``centroid (n_faces, 3) float64``; ``bbox (n_faces, 6) float64`` tight box (x, y, z
        minimum then maximum); ``n_loops (n_faces,) int32`` bounding wires;
        ``n_neighbours (n_faces,) int32`` adjacent faces; ``rational (n_faces,) bool``
        rational Bezier or B-spline surface; ``normal (n_faces, 3) float64`` unit outward
        normal at the centre of the face's UV box, NaN without a surface.
    """
    normals = [_centre_normal(brep, face) for face in range(len(brep.faces))]
    return {
        "centroid": centroids,
        "bbox": face_boxes(brep),
        "n_loops": brep.n_loops,
        "n_neighbours": n_neighbours,
        "rational": np.array([_is_rational(surface) for surface in brep.surfaces], dtype=bool),
        "normal": np.array(normals).reshape(-1, 3),
    }


def _is_rational(surface: BRepAdaptor_Surface | None) -> bool:
    # Only Bezier and B-spline surfaces have weights; the adaptor answers False for others.
    return surface is not None and (surface.IsURational() or surface.IsVRational())


def _centre_normal(brep: IndexedShape, face: int) -> np.ndarray:
    surface = brep.surfaces[face]
    if surface is None:
        return np.full(3, np.nan)
    return face_points_normals(brep, face, uv_centre(surface)[None])[1][0]
