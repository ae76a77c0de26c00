"""Made-up encodings shaped like the encoder's output, for the storage tests."""

from pathlib import Path

import numpy as np

from cad_assets.storage import MergeEntry, write_file_store


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


def write_entry(folder: Path, file_id: int, faces: int, edges: int, version: int = 0
                ) -> tuple[MergeEntry, dict[str, dict[str, np.ndarray]]]:
    """Write the store of one made-up file and describe it as a merge would be told.

    Another ``version`` of the same file gets other arrays (another seed), another store path
    and another token, as an edited CAD file would.

    Returns
    -------
    entry : MergeEntry
    groups : dict[str, dict[str, np.ndarray]]
        The arrays written.
    """
    groups = synthetic_groups(faces, edges, seed=1000 * version + file_id)
    path = Path(folder) / f"{file_id}.v{version}.zarr.zip"
    rows = write_file_store(path, groups, {"file_id": file_id})
    return MergeEntry(file_id, path, f"{file_id}-{version}", rows), groups
