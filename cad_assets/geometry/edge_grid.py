"""Samples along each edge (``edges/u_grid``), in the BRepNet coedge layout."""

import numpy as np


def u_grid_fractions(n_u: int) -> np.ndarray:
    """Where the ``n_u`` samples lie along each edge's parameter range, ``(n_u,) float64``:
    evenly spaced from its start to its end."""
    return np.linspace(0.0, 1.0, n_u)


def u_grids(frames: np.ndarray) -> np.ndarray:
    """The edge grid, from the :func:`cad_assets.geometry.sampling.all_edge_frames` at
    :func:`u_grid_fractions`.

    Samples run in the direction the edge's first face traverses it, so the first face lies
    on the left (seen from outside the material) and the other face on the right.

    Returns
    -------
    (n_edges, n_u, 12) float32
        Channels: point x, y, z; unit tangent; left face's outward normal; right face's
        outward normal. NaN where undefined: everything for an edge without a curve, the
        right normal unless the edge has exactly two uses (for a seam both are the same face).
    """
    return frames.astype(np.float32)
