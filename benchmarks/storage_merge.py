"""Benchmark the storage layer: write per-file stores, read them back, merge them.

Synthetic files look like encoded B-reps: 30 +- 20 faces, each with a 10x10 uv grid of 7
channels (xyz, normal, trimming mask), twice as many edges, four coedges per edge pair...

    .venv/bin/python benchmarks/storage_merge.py [--files 2000] [--workdir /tmp/bench]
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import zarr

from cad_assets.storage import merge_file_stores, open_dataset, open_file_store, write_file_store


def synthetic_groups(rng: np.random.Generator) -> dict[str, dict[str, np.ndarray]]:
    """Arrays of one made-up file: ``F`` faces, ``E = 2F`` edges, ``P = 2E`` coedges."""
    faces = int(rng.integers(10, 51))
    edges, coedges = 2 * faces, 4 * faces
    # Smooth patches: a plane per face, so the grids compress like real ones rather than noise.
    u, v = np.meshgrid(np.linspace(0, 1, 10), np.linspace(0, 1, 10), indexing="ij")
    origin, axis_u, axis_v = (rng.normal(size=(faces, 1, 1, 3)) for _ in range(3))
    xyz = origin + axis_u * u[..., None] + axis_v * v[..., None]
    normal = np.broadcast_to(np.cross(axis_u, axis_v), xyz.shape)
    mask = (rng.random((faces, 10, 10, 1)) > 0.2).astype(float)
    return {
        "faces": {
            "area": rng.random(faces),
            "surface_type": rng.integers(0, 9, faces, dtype=np.int32),
            "centroid": xyz.mean(axis=(1, 2)),
            "uv_grid": np.concatenate([xyz, normal, mask], axis=-1).astype(np.float32),
        },
        "edges": {
            "length": rng.random(edges),
            "curve_type": rng.integers(0, 5, edges, dtype=np.int32),
            "convexity": rng.integers(-1, 2, edges, dtype=np.int8),
            "u_grid": rng.normal(size=(edges, 10, 6)).astype(np.float32),
        },
        "graph": {
            "src": rng.integers(0, faces, coedges, dtype=np.int32),
            "dst": rng.integers(0, faces, coedges, dtype=np.int32),
            "edge": rng.integers(0, edges, coedges, dtype=np.int32),
        },
        "file": {"bbox": rng.random((1, 6)), "volume": rng.random(1)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="storage-bench-"))
    rng = np.random.default_rng(0)
    files = [synthetic_groups(rng) for _ in range(args.files)]
    paths = [workdir / "encodings" / f"{index:06d}.zarr.zip" for index in range(args.files)]

    started = time.perf_counter()
    for index, (groups, path) in enumerate(zip(files, paths)):
        write_file_store(path, groups, {"file_index": index, "source_path": f"part_{index}.step"})
    report("write", time.perf_counter() - started, args.files)

    started = time.perf_counter()
    for path in paths:
        with open_file_store(path) as store:
            for group in store.groups:
                store.read_group(group)
    report("read (FileStore)", time.perf_counter() - started, args.files)

    sample = paths[:100]  # zarr's own reader, for comparison: slow, so on a sample
    started = time.perf_counter()
    for path in sample:
        with zarr.storage.ZipStore(path, mode="r") as store:
            for _, group in zarr.open_group(store, mode="r").groups():
                for _, array in group.arrays():
                    array[...]
    report("read (zarr)", time.perf_counter() - started, len(sample))

    merged = merge_file_stores(list(enumerate(paths)), workdir / "dataset.zarr")
    rows = ", ".join(f"{group} {count:,}" for group, count in merged.rows.items())
    print(f"merge: {merged.seconds:.2f} s for {merged.n_files} files ({rows}); "
          f"{merged.bytes_on_disk / 2**20:.1f} MiB on disk, "
          f"{sum(path.stat().st_size for path in paths) / 2**20:.1f} MiB of per-file stores")
    faces = open_dataset(workdir / "dataset.zarr")["faces"]
    started = time.perf_counter()
    faces["uv_grid"][...]
    print(f"read merged faces/uv_grid {faces['uv_grid'].shape}: "
          f"{time.perf_counter() - started:.2f} s; data in {workdir}")


def report(what: str, seconds: float, count: int) -> None:
    print(f"{what}: {seconds / count * 1e3:.2f} ms per store ({seconds:.2f} s for {count})")


if __name__ == "__main__":
    main()
