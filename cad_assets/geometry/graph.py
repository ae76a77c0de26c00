"""Face adjacency graph (group ``graph``): one row per shared edge and direction."""

import numpy as np

from cad_assets.geometry.indexing import IndexedShape


def face_adjacency(brep: IndexedShape) -> dict[str, np.ndarray]:
    """Directed face adjacency pairs, both directions, through each shared edge.

    Every edge used by two or more different faces links each ordered pair of them; seams
    (one face twice), borders of open shells and free edges link nothing. Two faces sharing
    several edges are linked once per edge. A box gives 24 pairs.

    Returns
    -------
    dict
        ``src``, ``dst`` ``(n_pairs,) int32`` face indices; ``edge`` ``(n_pairs,) int32`` the
        edge between them.
    """
    coedge_face = brep.coedge_face.tolist()
    pairs = []
    for edge, uses in enumerate(brep.edge_coedges):
        faces = list(dict.fromkeys(coedge_face[coedge] for coedge in uses))  # distinct, in order
        pairs.extend((src, dst, edge) for src in faces for dst in faces if src != dst)
    src, dst, edge = np.array(pairs, dtype=np.int32).reshape(-1, 3).T
    return {"src": src, "dst": dst, "edge": edge}


def neighbour_counts(graph: dict[str, np.ndarray], n_faces: int) -> np.ndarray:
    """Number of distinct faces adjacent to each face, ``(n_faces,) int32``."""
    pairs = np.unique(graph["src"].astype(np.int64) * n_faces + graph["dst"])  # distinct pairs
    return np.bincount(pairs // n_faces, minlength=n_faces).astype(np.int32)
