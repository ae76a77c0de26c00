"""UV grids of face samples (``faces/uv_grid``), as UV-Net and BRepNet consume them."""

import numpy as np
from OCP.BRep import BRep_Tool
from OCP.gp import gp_Pnt2d
from OCP.IntTools import IntTools_FClass2d
from OCP.TopAbs import TopAbs_IN, TopAbs_ON
from OCP.TopoDS import TopoDS_Face

from cad_assets.geometry.indexing import IndexedShape
from cad_assets.geometry.sampling import face_points_normals, uv_bounds

_IN_OR_ON = {int(TopAbs_IN), int(TopAbs_ON)}


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
        samples = grids[face].reshape(n_u * n_v, 7)  # a view: fills grids[face]
        samples[:, :3], samples[:, 3:6] = points, normals
        samples[:, 6] = _inside_or_on(brep.faces[face], uv)
    return grids


def _inside_or_on(face: TopoDS_Face, uv: np.ndarray) -> list[bool]:
    # The face's own tolerance, as OpenCascade's Boolean operations classify with.
    classifier = IntTools_FClass2d(face, BRep_Tool.Tolerance_s(face))
    # Compared as ints: comparing the enum members themselves costs more than classifying.
    return [int(classifier.Perform(gp_Pnt2d(u, v))) in _IN_OR_ON for u, v in uv.tolist()]
