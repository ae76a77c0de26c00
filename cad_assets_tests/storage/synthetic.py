"""Made-up encodings shaped like the encoder's output, for the storage tests."""

import numpy as np


def synthetic_groups(faces: int, edges: int, seed: int = 0) -> dict[str, dict[str, np.ndarray]]:
    """Arrays of one file with ``faces`` faces, ``edges`` edges and ``2 * edges`` coedges."""
    rng = np.random.default_rng(seed)
    coedges = 2 * edges
    return {
        "faces": {
            "area": rng.random(faces),
            "surface_type": rng.integers(0, 9, faces, dtype=np.int32),
            "uv_grid": rng.random((faces, 10, 10, 7), dtype=np.float32),
        },
        "edges": {
            "length": rng.random(edges),
            "curve_type": rng.integers(0, 5, edges, dtype=np.int32),
            "convexity": rng.integers(-1, 2, edges, dtype=np.int8),
        },
        "graph": {
            "src": rng.integers(0, max(faces, 1), coedges, dtype=np.int32),
            "dst": rng.integers(0, max(faces, 1), coedges, dtype=np.int32),
            "edge": rng.integers(0, max(edges, 1), coedges, dtype=np.int32),
        },
        "file": {"bbox": rng.random((1, 6))},
    }
