"""A made-up pipeline output folder (merged dataset + cad_infoset) for the ml tests.

Extends ``cad_assets_tests.storage.synthetic`` with every array the loader reads: face and
edge attributes, uv grids with an inside-trim mask, per-face labels and valid face graphs.
No CAD kernel, no Dagster.
"""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from cad_assets.storage import MergeEntry, merge_dataset, write_file_store, write_table
from cad_assets_tests.storage.synthetic import synthetic_groups


def file_groups(faces: int, edges: int, face_classes: list[int], seed: int) -> dict:
    """The arrays of one file, shaped and typed as the encoder writes them."""
    rng = np.random.default_rng(seed)
    groups = synthetic_groups(faces, edges, seed)
    uv = (rng.normal(5.0, 3.0, (faces, 10, 10, 7)) + seed % 7).astype(np.float32)
    uv[..., 6] = rng.random((faces, 10, 10)) < 0.7  # inside-trim mask
    groups["faces"].update(
        uv_grid=uv,
        centroid=rng.normal(5.0, 2.0, (faces, 3)),
        normal=rng.normal(0.0, 1.0, (faces, 3)),
        bbox=rng.random((faces, 6)) * 10,
        n_loops=rng.integers(1, 3, faces, dtype=np.int32),
        n_neighbours=rng.integers(1, 9, faces, dtype=np.int32),
        rational=rng.random(faces) < 0.2,
        label=rng.choice(np.asarray(face_classes, np.int32), faces),
    )
    groups["faces"]["label"][0] = -1  # one unlabelled face per file
    groups["edges"].update(
        dihedral_angle=rng.normal(0.0, 1.5, edges),
        closed=rng.random(edges) < 0.1,
        u_grid=rng.normal(0.0, 2.0, (edges, 10, 12)).astype(np.float32),
    )
    ends = rng.integers(0, faces, (edges, 2), dtype=np.int32)
    edge_ids = np.arange(edges, dtype=np.int32)
    groups["graph"] = {"src": np.concatenate([ends[:, 0], ends[:, 1]]),
                       "dst": np.concatenate([ends[:, 1], ends[:, 0]]),
                       "edge": np.concatenate([edge_ids, edge_ids])}
    return groups


def write_output(output: Path, file_classes: list[int], face_class_sets: list[list[int]],
                 rows_per_chunk: int = 16, first_file_id: int = 0,
                 changed: frozenset = frozenset()) -> pd.DataFrame:
    """Write ``<output>/cad_dataset.zarr`` and ``<output>/tables/cad_infoset.parquet``.

    File ``i`` (partition key ``part/<i>.step``) has the per-file class ``file_classes[i]``
    and face labels drawn from ``face_class_sets[i]``; its file id is ``first_file_id + i``
    (another output of the same files). Files in ``changed`` get other content and sha256.
    Returns the infoset.
    """
    rows, sources = [], []
    for index, (file_class, face_classes) in enumerate(zip(file_classes, face_class_sets)):
        file_id = first_file_id + index
        seed = index + 1000 * (index in changed)
        rng = np.random.default_rng(seed)
        faces, edges = int(rng.integers(3, 9)), int(rng.integers(2, 10))
        path = output / "encodings" / f"{index}-{seed}.zarr.zip"
        counts = write_file_store(path, file_groups(faces, edges, face_classes, seed), {})
        sources.append(MergeEntry(file_id, path, path.name, counts))
        rows.append({"file_id": file_id, "partition_key": f"part/{index}.step",
                     "path": f"/sources/part/{index}.step",
                     "sha256": hashlib.sha256(str(seed).encode()).hexdigest(),
                     "n_faces": faces, "n_edges": edges, "encoding_version": "1-test",
                     "label": file_class})
    merge_dataset(sources, output / "cad_dataset.zarr", rows_per_chunk=rows_per_chunk)
    infoset = pd.DataFrame(rows).astype({"file_id": "int32", "label": "int32"})
    write_table(infoset, output / "tables" / "cad_infoset.parquet")
    return infoset
