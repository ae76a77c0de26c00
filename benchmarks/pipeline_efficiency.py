"""Benchmark: the Dagster pipeline against a plain process pool, on the whole CAD corpus.

(a) ``dagster job execute -j build_dataset`` from an empty instance to the merged dataset;
(b) ``concurrent.futures.ProcessPoolExecutor`` over the same encoder and the same merge.
Both use 2 workers. The last line is ``efficiency=(b)/(a)`` (target >= 0.85).

    python benchmarks/pipeline_efficiency.py [--corpus ../shared/cad] [--workers 2]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cad_assets.defs.assets.encodings import ENCODE_OPTIONS, ENCODING_VERSION
from cad_assets.encoding import EncodeRequest
from cad_assets.encoding.task import encode_to_store
from cad_assets.sources import discover_cad_files
from cad_assets.storage import EncodingsLayout, merge_file_stores

REPO = Path(__file__).resolve().parents[1]


def run_pipeline(corpus: Path, workers: int, scratch: Path) -> float:
    home = scratch / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "CAD_ASSETS_SOURCES": str(corpus),
        "CAD_ASSETS_OUTPUT": str(scratch / "pipeline"),
        "CAD_ASSETS_WORKERS": str(workers),
    }
    command = [str(Path(sys.executable).parent / "dagster"), "job", "execute",
               "-m", "cad_assets.definitions", "-j", "build_dataset"]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"pipeline failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds


def _encode(request: EncodeRequest):
    try:
        encode_to_store(request)
        return request
    except Exception:  # noqa: BLE001 - a bad file is skipped, as any such script would
        return None


def run_process_pool(corpus: Path, workers: int, scratch: Path) -> tuple[float, int]:
    started = time.perf_counter()
    layout = EncodingsLayout(scratch / "pool" / "encodings")
    requests = [
        EncodeRequest(f.partition_key, f.path, "x", str(layout.store_path(f.partition_key, "x", ENCODING_VERSION)), ENCODE_OPTIONS)
        for f in discover_cad_files([corpus])
    ]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        encoded = [r for r in pool.map(_encode, requests, chunksize=1) if r is not None]
    sources = [(file_id, Path(r.store_path)) for file_id, r in enumerate(encoded)]
    merge_file_stores(sources, scratch / "pool" / "cad_dataset.zarr")
    return time.perf_counter() - started, len(encoded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "cad")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        pool_seconds, pool_files = run_process_pool(args.corpus, args.workers, scratch)
        print(f"(b) process pool: {pool_seconds:.1f} s, {pool_files} files encoded and merged")
        pipeline_seconds = run_pipeline(args.corpus, args.workers, scratch)
        print(f"(a) dagster build_dataset: {pipeline_seconds:.1f} s (from an empty instance)")
    print(f"efficiency={pool_seconds / pipeline_seconds:.2f}")


if __name__ == "__main__":
    main()
