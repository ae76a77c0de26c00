"""Coedge topology (group ``coedges``), the BRepNet input: one row per use of an edge by a face."""

import numpy as np

from cad_assets.geometry.indexing import IndexedShape


def coedge_arrays(brep: IndexedShape) -> dict[str, np.ndarray]:
    """Coedges grouped by face, and each face's loops in turn.

    Returns
    -------
    dict
        ``face``, ``edge`` ``(n_coedges,) int32`` the face using the edge and the edge used;
        ``next`` ``(n_coedges,) int32`` the following coedge around the same loop; ``mate``
        ``(n_coedges,) int32`` the other use of the same edge (for a seam, in the same face),
        or the coedge itself when the edge does not have exactly two uses; ``reversed``
        ``(n_coedges,) bool`` the loop runs against the edge's curve.
    """
    return {
        "face": brep.coedge_face,
        "edge": brep.coedge_edge,
        "next": brep.coedge_next,
        "mate": brep.coedge_mate,
        "reversed": brep.coedge_reversed,
    }
