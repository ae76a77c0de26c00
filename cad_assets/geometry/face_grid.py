"""UV grids of face samples (``faces/uv_grid``), as UV-Net and BRepNet consume them."""

import numpy as np
from OCP.BRep import BRep_Tool
from OCP.gp import gp_Pnt2d
from OCP.IntTools import IntTools_FClass2d
from OCP.TopAbs import TopAbs_IN, TopAbs_ON
from OCP.TopoDS import TopoDS_Face

from cad_assets.geometry.indexing import IndexedShape
from cad_assets.geometry.sampling import face_points_normals, uv_bounds


def uv_grids(brep: IndexedShape, n_u: int, n_v: int) -> np.ndarray:
    """Regular grid of samples over each face's UV box.

    Returns
    -------
    (n_faces, n_u, n_v, 7) float32
        Channels: point x, y, z; unit outward normal; 1 where the sample is inside the trimmed
        face or on its boundary, else 0. Points and normals are NaN (and the mask 0) for a
        face without a surface, normals NaN at singular points.
    """
    grids = np.full((len(brep.faces), n_u, n_v, 7), np.nan, dtype=np.float32)
    grids[..., 6] = 0
    for face, surface in enumerate(brep.surfaces):
        if surface is None:
            continue
        u_min, u_max, v_min, v_max = uv_bounds(surface)
        u = np.linspace(u_min, u_max, n_u).repeat(n_v)
        v = np.tile(np.linspace(v_min, v_max, n_v), n_u)
        uv = np.column_stack([u, v])
        points, normals = face_points_normals(brep, face, uv)
        inside = _inside_or_on(brep.faces[face], uv)
        grids[face] = np.column_stack([points, normals, inside]).reshape(n_u, n_v, 7)
    return grids


def _inside_or_on(face: TopoDS_Face, uv: np.ndarray) -> np.ndarray:
    # The face's own tolerance, as OpenCascade's Boolean operations classify with.
    classifier = IntTools_FClass2d(face, BRep_Tool.Tolerance_s(face))
    states = [classifier.Perform(gp_Pnt2d(u, v)) for u, v in uv]
    return np.array([state in (TopAbs_IN, TopAbs_ON) for state in states], dtype=np.float64)
