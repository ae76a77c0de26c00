"""UV grids of face samples (``faces/uv_grid``), as UV-Net and BRepNet consume them."""

import numpy as np
from OCP.Precision import Precision

from cad_assets.geometry.indexing import IndexedShape
from cad_assets.geometry.sampling import face_points_normals, uv_bounds
from cad_assets.geometry.trim import inside_or_on


def uv_grids(brep: IndexedShape, n_u: int, n_v: int) -> np.ndarray:
    """Regular grid of samples over each face's UV box.

    Returns
    -------
    (n_faces, n_u, n_v, 7) float32
        Channels: point x, y, z; unit outward normal; 1 where the sample is inside the trimmed
        face or on its boundary, else 0. Points and normals are NaN (and the mask 0) for a
        face without a surface or without bounds (an infinite plane with no edges), normals
        NaN at singular points.
    """
    grids = np.full((len(brep.faces), n_u, n_v, 7), np.nan, dtype=np.float32)
    grids[..., 6] = 0
    sampled, face_uv = [], []
    for face, surface in enumerate(brep.surfaces):
        if surface is None:
            continue
        u_min, u_max, v_min, v_max = bounds = uv_bounds(surface)
        if any(Precision.IsInfinite_s(bound) for bound in bounds):
            continue
        u = np.linspace(u_min, u_max, n_u).repeat(n_v)
        v = np.tile(np.linspace(v_min, v_max, n_v), n_u)
        uv = np.column_stack([u, v])
        points, normals = face_points_normals(brep, face, uv)
        samples = grids[face].reshape(n_u * n_v, 7)  # a view: fills grids[face]
        samples[:, :3], samples[:, 3:6] = points, normals
        sampled.append(face)
        face_uv.append(uv)
    if sampled:
        masks = inside_or_on(brep, np.array(sampled), np.array(face_uv))
        grids[sampled, ..., 6] = masks.reshape(len(sampled), n_u, n_v)
    return grids
