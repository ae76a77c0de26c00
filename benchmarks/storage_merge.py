"""Benchmark the storage layer: write per-file stores, read them back, merge them into the
sharded dataset from scratch and incrementally.

Synthetic files look like encoded B-reps: 30 +- 20 faces, each with a 10x10 uv grid of 7
channels (xyz, normal, trimming mask), twice as many edges with 10-point u grids, four coedges
per face. For each dataset size N the table gives the seconds and the peak memory of a merge
from nothing, of adding 1 file to the N-file dataset and of editing 1 of its files, each run in
a child process of its own (peak RSS: the child's VmHWM; "+merge" is that minus the RSS it had
before merging, i.e. after imports).

Stores are costly to write (~25 ms each), so ``--distinct`` stores are written and the N files
of a dataset cycle through them: every file is still read from its store and written into the
dataset like a distinct one.

    .venv/bin/python benchmarks/storage_merge.py [--sizes 100 1000 10000] [--workdir /tmp/bench]
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import zarr

from cad_assets.storage import (
    MergeEntry,
    merge_dataset,
    open_dataset,
    open_file_store,
    write_file_store,
)


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
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--distinct", type=int, default=500, help="stores actually written")
    parser.add_argument("--files-per-shard", type=int, default=256)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        return _child(args.child)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="storage-bench-"))
    stores = _write_and_read_stores(workdir, args.distinct)

    print(f"\nmerge, files_per_shard={args.files_per_shard} (seconds; peak RSS of the child "
          "process, +merge: above its RSS after imports)")
    header = f"{'N files':>8}  {'case':<16}{'seconds':>8}  {'peak RSS':>9}  {'+merge':>8}  " \
             f"{'rewritten':>9}  {'shards w/k':>10}  {'on disk':>9}"
    print(header)
    print("-" * len(header))
    for n_files in args.sizes:
        entries = [_entry(file_id, stores[file_id % len(stores)]) for file_id in range(n_files)]
        out = workdir / f"n{n_files}" / "dataset.zarr"
        added = [*entries, _entry(n_files, stores[n_files % len(stores)])]
        edited = list(added)
        middle = n_files // 2
        edited[middle] = _entry(middle, stores[(middle + 1) % len(stores)], token="edited")
        for case, case_entries in (("full merge", entries), ("add 1 file", added),
                                   ("edit 1 file", edited)):
            result = _run_child(workdir, out, case_entries, args.files_per_shard)
            print(f"{n_files:>8,}  {case:<16}{result['seconds']:>8.2f}  "
                  f"{result['peak_mib']:>5.0f} MiB  {result['merge_mib']:>4.0f} MiB  "
                  f"{result['files_rewritten']:>9,}  "
                  f"{result['shards_written']:>4}/{result['shards_kept']:<5}  "
                  f"{result['bytes_on_disk'] / 2**20:>5.0f} MiB")

    faces = open_dataset(workdir / f"n{args.sizes[-1]}" / "dataset.zarr")["faces"]
    started = time.perf_counter()
    faces["uv_grid"][...]
    print(f"\nread faces/uv_grid {faces['uv_grid'].shape} of the {args.sizes[-1] + 1:,}-file "
          f"dataset whole: {time.perf_counter() - started:.2f} s; data in {workdir}")


def _write_and_read_stores(workdir: Path, count: int) -> list[tuple[Path, dict[str, int]]]:
    """Write ``count`` stores; print write and read times; return ``(path, rows)`` of each."""
    rng = np.random.default_rng(0)
    files = [synthetic_groups(rng) for _ in range(count)]
    paths = [workdir / "encodings" / f"{index:06d}.zarr.zip" for index in range(count)]
    started = time.perf_counter()
    rows = [
        write_file_store(path, groups, {"file_index": index, "source_path": f"part_{index}.step"})
        for index, (groups, path) in enumerate(zip(files, paths))
    ]
    report("write", time.perf_counter() - started, count)

    started = time.perf_counter()
    for path in paths:
        with open_file_store(path) as store:
            for group in store.groups:
                store.read_group(group)
    report("read (FileStore)", time.perf_counter() - started, count)

    sample = paths[:100]  # zarr's own reader, for comparison: slow, so on a sample
    started = time.perf_counter()
    for path in sample:
        with zarr.storage.ZipStore(path, mode="r") as store:
            for _, group in zarr.open_group(store, mode="r").groups():
                for _, array in group.arrays():
                    array[...]
    report("read (zarr)", time.perf_counter() - started, len(sample))
    stored = sum(path.stat().st_size for path in paths) / count
    arrays = sum(array.nbytes for groups in files for named in groups.values()
                 for array in named.values()) / count
    print(f"a store: {stored / 1024:.0f} KiB on disk, {arrays / 1024:.0f} KiB of arrays")
    return list(zip(paths, rows))


def _entry(file_id: int, store: tuple[Path, dict[str, int]], token: str = "v1") -> dict:
    path, rows = store
    return {"file_id": file_id, "store_path": str(path), "token": f"{file_id}.{token}",
            "rows": rows}


def _run_child(workdir: Path, out: Path, entries: list[dict], files_per_shard: int) -> dict:
    spec = workdir / "case.json"
    spec.write_text(json.dumps({"out": str(out), "entries": entries,
                                "files_per_shard": files_per_shard}))
    done = subprocess.run([sys.executable, __file__, "--child", str(spec)], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _child(spec_path: Path) -> None:
    """Run one merge; print its report and memory as one JSON line."""
    spec = json.loads(spec_path.read_text())
    entries = [MergeEntry(entry["file_id"], Path(entry["store_path"]), entry["token"],
                          entry["rows"]) for entry in spec["entries"]]
    before = _status_kib("VmRSS")
    merged = merge_dataset(entries, Path(spec["out"]), files_per_shard=spec["files_per_shard"])
    peak = _status_kib("VmHWM")
    print(json.dumps({
        "seconds": merged.seconds, "peak_mib": peak / 1024, "merge_mib": (peak - before) / 1024,
        "files_rewritten": merged.files_rewritten, "shards_written": merged.shards_written,
        "shards_kept": merged.shards_kept, "bytes_on_disk": merged.bytes_on_disk,
    }))


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def report(what: str, seconds: float, count: int) -> None:
    print(f"{what}: {seconds / count * 1e3:.2f} ms per store ({seconds:.2f} s for {count})")


if __name__ == "__main__":
    main()
