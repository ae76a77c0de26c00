"""Samples along each edge (``edges/u_grid``), in the BRepNet coedge layout."""

import numpy as np

from cad_assets.geometry.indexing import IndexedShape
from cad_assets.geometry.sampling import edge_frames


def u_grids(brep: IndexedShape, n_u: int) -> np.ndarray:
    """Evenly spaced samples along every edge's parameter range.

    Samples run in the direction the edge's first face traverses it, so the first face lies
    on the left (seen from outside the material) and the other face on the right.

    Returns
    -------
    (n_edges, n_u, 12) float32
        Channels: point x, y, z; unit tangent; left face's outward normal; right face's
        outward normal. NaN where undefined: everything for an edge without a curve, the
        right normal unless the edge has exactly two uses (for a seam both are the same face).
    """
    fractions = np.linspace(0.0, 1.0, n_u)
    frames = [edge_frames(brep, edge, fractions) for edge in range(len(brep.edges))]
    return np.array(frames, dtype=np.float32).reshape(-1, n_u, 12)
