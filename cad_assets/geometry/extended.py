"""Face-pair features (group ``face_pairs``): graph distance and D2 / A3 shape histograms.

As in HOOPS AI's extended graph, for every ordered pair of faces. The group has
``n_faces ** 2`` rows in row-major order (row ``i * n_faces + j`` is the pair ``(i, j)``),
so ``array.reshape(n_faces, n_faces, ...)`` gives the square matrices. Quadratic in the
number of faces: a file of 1,000 faces gives two ``(10**6, 64)`` histograms.
"""

from collections import deque

import numpy as np

from cad_assets.geometry.face_grid import uv_grids
from cad_assets.geometry.indexing import IndexedShape


def face_pair_arrays(
    brep: IndexedShape, graph: dict[str, np.ndarray], n_bins: int, grid: int
) -> dict[str, np.ndarray]:
    """Graph distance and histograms for every ordered pair of faces.

    Parameters
    ----------
    graph : dict
        The face adjacency graph (``src``, ``dst``).
    n_bins : int
        Bins per histogram.
    grid : int
        Each face is sampled on a ``grid`` x ``grid`` UV grid; samples outside the trimmed
        face are dropped.

    Returns
    -------
    dict
        ``src``, ``dst`` ``(n_faces**2,) int32`` the pair; ``shortest_path`` ``(n_faces**2,)
        int32`` number of adjacency steps between the faces, -1 if unconnected;
        ``d2_histogram`` ``(n_faces**2, n_bins) float32`` distribution of distances between
        the samples of the two faces, over ``[0, diagonal of all samples' box]``; ``a3_histogram``
        ``(n_faces**2, n_bins) float32`` distribution of angles between their normals, over
        ``[0, pi]``. Histograms sum to 1, or are all 0 for a face without usable samples.
    """
    n_faces = len(brep.faces)
    points, normals, owner = _face_samples(brep, grid)
    # Distances are measured in units of the samples' bounding box diagonal.
    diagonal = np.linalg.norm(np.ptp(points, axis=0)) if len(points) else 0.0
    scale = 1.0 / max(diagonal, 1e-12)
    d2 = np.zeros((n_faces, n_faces, n_bins), dtype=np.float32)
    a3 = np.zeros_like(d2)
    for face in range(n_faces):
        mine = owner == face
        distances = np.linalg.norm(points[mine, None] - points[None], axis=-1) * scale
        angles = np.arccos(np.clip(normals[mine] @ normals.T, -1.0, 1.0)) / np.pi
        d2[face] = _histograms(distances, owner, n_faces, n_bins)
        a3[face] = _histograms(angles, owner, n_faces, n_bins)
    src, dst = np.divmod(np.arange(n_faces * n_faces, dtype=np.int32), n_faces)
    return {
        "src": src,
        "dst": dst,
        "shortest_path": _shortest_paths(graph, n_faces).ravel(),
        "d2_histogram": d2.reshape(-1, n_bins),
        "a3_histogram": a3.reshape(-1, n_bins),
    }


def _face_samples(brep: IndexedShape, grid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points and normals ``(n_samples, 3)`` inside the faces, and each one's face index."""
    samples = uv_grids(brep, grid, grid).astype(np.float64).reshape(len(brep.faces), -1, 7)
    usable = (samples[..., 6] > 0) & np.isfinite(samples[..., :6]).all(axis=-1)
    owner = np.nonzero(usable)[0].astype(np.int32)
    return samples[usable, :3], samples[usable, 3:6], owner


def _histograms(values: np.ndarray, owner: np.ndarray, n_faces: int, n_bins: int) -> np.ndarray:
    """Normalised histograms ``(n_faces, n_bins)`` of ``values`` ``(k, n_samples)`` in
    ``[0, 1]``, one per face owning the columns."""
    bins = np.minimum((values * n_bins).astype(np.int64), n_bins - 1)
    counts = np.bincount((owner * n_bins + bins).ravel(), minlength=n_faces * n_bins)
    counts = counts.reshape(n_faces, n_bins).astype(np.float32)
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


def _shortest_paths(graph: dict[str, np.ndarray], n_faces: int) -> np.ndarray:
    """Breadth-first distances ``(n_faces, n_faces) int32`` in the adjacency graph, -1 if none."""
    neighbours = [[] for _ in range(n_faces)]
    for src, dst in zip(graph["src"].tolist(), graph["dst"].tolist()):
        neighbours[src].append(dst)
    distances = np.full((n_faces, n_faces), -1, dtype=np.int32)
    for source in range(n_faces):
        distances[source, source] = 0
        queue = deque([source])
        while queue:
            face = queue.popleft()
            for neighbour in neighbours[face]:
                if distances[source, neighbour] < 0:
                    distances[source, neighbour] = distances[source, face] + 1
                    queue.append(neighbour)
    return distances
