"""One file as a graph of its faces, in numpy: the inputs of a face-graph network."""

import numpy as np

from cad_assets.ml.normalise import Normaliser


def build_graph(faces: dict[str, np.ndarray], edges: dict[str, np.ndarray],
                pairs: dict[str, np.ndarray], normaliser: Normaliser,
                face_label: str | None = None) -> dict[str, np.ndarray]:
    """Standardised inputs of one file's face graph.

    Parameters
    ----------
    faces, edges, pairs
        The file's rows of the ``faces`` and ``edges`` arrays of the normaliser's
        feature set, and of ``graph/src``, ``graph/dst``, ``graph/edge``.
    face_label
        The ``faces`` array with per-face classes (``"label"``), or None.

    Returns
    -------
    dict[str, np.ndarray]
        ``face_features`` ``(n_faces, face_dim) float32``; ``uv_grid``
        ``(n_faces, 10, 10, 7) float32``; ``edge_index`` ``(2, n_pairs) int64`` (source and
        target face, local to the file, both directions); ``edge_features``
        ``(n_pairs, edge_dim) float32`` and ``edge_grid`` ``(n_pairs, 10, 12) float32`` of the
        edge between each pair; with ``face_label``, ``face_label`` ``(n_faces,) int64``
        (-1: unlabelled).

    Raises
    ------
    ValueError
        If a pair names a face or edge the file does not have.
    """
    features = normaliser.features
    n_faces = len(faces[features.face_grid])
    n_edges = len(edges[features.edge_grid])
    edge_index = np.stack([pairs["src"], pairs["dst"]]).astype(np.int64)
    pair_edges = np.asarray(pairs["edge"], np.int64)
    if edge_index.size and (edge_index.min() < 0 or edge_index.max() >= n_faces):
        raise ValueError(f"graph/src or graph/dst outside the file's {n_faces} faces")
    if pair_edges.size and (pair_edges.min() < 0 or pair_edges.max() >= n_edges):
        raise ValueError(f"graph/edge outside the file's {n_edges} edges")
    graph = {
        "face_features": normaliser.faces(faces),
        "uv_grid": normaliser.face_grid(faces[features.face_grid]),
        "edge_index": edge_index,
        "edge_features": normaliser.edges(edges)[pair_edges],
        "edge_grid": normaliser.edge_grid(edges[features.edge_grid])[pair_edges],
    }
    if face_label is not None:
        graph["face_label"] = np.asarray(faces[face_label], np.int64)
    return graph
