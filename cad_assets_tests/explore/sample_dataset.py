"""A small output folder (merged dataset and tables) with known values, without the CAD kernel."""

from pathlib import Path

import numpy as np
import pandas as pd

from cad_assets.storage import MergeEntry, merge_dataset, write_file_store, write_table
from cad_assets_tests.storage.synthetic import synthetic_groups

#: Per file id: surface types and face labels (one per face) and the number of edges.
#: File 3 is not in the dataset (as a file that failed); file 1 has no edges nor graph rows.
FACES = {
    0: ([0, 0, 4], [3, 3, 15]),
    1: ([1, 1, 1, 1, 1], [-1, -1, -1, -1, -1]),
    2: ([0, 3], [0, 1]),
    4: ([4, 4, 0, 0, 0, 2], [3, 0, 0, 0, 0, 15]),
}
EDGES = {0: 4, 1: 0, 2: 3, 4: 5}
KEYS = {0: "src/a.step", 1: "src/b.step", 2: "src/sub/c.igs", 4: "src/d.brep"}
FILE_CLASS = {0: (0, "block"), 1: (1, "bracket"), 2: (0, "block"), 4: (-1, None)}
SURFACE_TYPES = ["plane", "cylinder", "cone", "sphere", "torus", "bezier"]


def area_of(file_id: int, faces: int) -> np.ndarray:
    """Face areas of a file: ``10 * file_id + [1, 2, ...]``."""
    return 10.0 * file_id + np.arange(1, faces + 1)


def build_output(out: Path, rows_per_chunk: int = 4) -> Path:
    """Write ``out/cad_dataset.zarr`` and ``out/tables/cad_{infoset,attribset}.parquet``."""
    sources, infoset = [], []
    for file_id, (surface_type, label) in FACES.items():
        groups = synthetic_groups(len(surface_type), EDGES[file_id], seed=file_id)
        faces = groups["faces"]
        faces["surface_type"] = np.array(surface_type, dtype=np.int32)
        faces["label"] = np.array(label, dtype=np.int32)
        faces["area"] = area_of(file_id, len(surface_type))
        faces["rational"] = np.arange(len(surface_type)) % 2 == 1
        if file_id == 4:
            faces["area"][1] = np.nan  # as a face without a surface
        store = out / "encodings" / f"{file_id}.zarr.zip"
        rows = write_file_store(store, groups, {})
        sources.append(MergeEntry(file_id, store, store.name, rows))
        key = KEYS[file_id]
        infoset.append({
            "file_id": file_id, "partition_key": key, "path": str(out / "sources" / key),
            "relative_path": key.split("/", 1)[1], "format": Path(key).suffix[1:],
            "n_faces": len(surface_type), "n_edges": EDGES[file_id],
            "label": FILE_CLASS[file_id][0], "label_name": FILE_CLASS[file_id][1],
        })
    merge_dataset(sources, out / "cad_dataset.zarr", rows_per_chunk=rows_per_chunk)
    infoset = pd.DataFrame(infoset).astype({"label": "int32"})
    write_table(infoset, out / "tables" / "cad_infoset.parquet")
    write_table(attribset(), out / "tables" / "cad_attribset.parquet")
    return out


def attribset() -> pd.DataFrame:
    rows = [("faces/surface_type", code, name) for code, name in enumerate(SURFACE_TYPES)]
    rows += [("faces/label", -1, "unlabelled"), ("faces/label", 0, "slot"),
             ("faces/label", 1, "passage"), ("faces/label", 3, "triangular_passage"),
             ("faces/label", 15, "stock"), ("label", 0, "block"), ("label", 1, "bracket")]
    return pd.DataFrame([{"field": f, "code": c, "name": n, "description": f"{n} ({f})"}
                         for f, c, n in rows])
