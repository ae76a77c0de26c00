"""Benchmark: the Dagster pipeline against a plain process pool, on the whole CAD corpus.

(a) the ``build_dataset`` job from an empty Dagster instance (SQLite, on disk) to the merged
    dataset, executed in this process, as (b) is;
(b) ``concurrent.futures.ProcessPoolExecutor`` over the same encoder and the same merge.
Both use 2 workers. The last line is ``efficiency=(b)/(a)`` (target >= 0.85). For reference it
also times (a) through the cron command, ``dagster job execute``, whose extra seconds are the
Python start-up and imports of a new process.

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

import dagster as dg

from cad_assets.builtin import default_pipeline
from cad_assets.defs.definitions import build_definitions
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.encoding import CadFile, EncodedFile, EncodeRequest
from cad_assets.encoding.task import encode_to_store
from cad_assets.sources import discover_cad_files
from cad_assets.storage import MergeEntry, merge_dataset

REPO = Path(__file__).resolve().parents[1]
TELEMETRY_OFF = "telemetry:\n  enabled: false\n"


def run_pipeline(corpus: Path, workers: int, scratch: Path) -> float:
    settings = CadPipelineSettings(
        sources=str(corpus), output_dir=str(scratch / "pipeline"), workers=workers
    )
    job = build_definitions(settings=settings).resolve_job_def("build_dataset")
    home = scratch / "dagster_home_in_process"
    home.mkdir()
    (home / "dagster.yaml").write_text(TELEMETRY_OFF)
    started = time.perf_counter()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        result = job.execute_in_process(instance=instance)
    seconds = time.perf_counter() - started
    if not result.success:
        sys.exit("pipeline failed")
    return seconds


def run_pipeline_command(corpus: Path, workers: int, scratch: Path) -> float:
    home = scratch / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(TELEMETRY_OFF)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "CAD_ASSETS_SOURCES": str(corpus),
        "CAD_ASSETS_OUTPUT": str(scratch / "pipeline_command"),
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
        encoded = encode_to_store(request)
    except Exception:  # noqa: BLE001 - a bad file is skipped, as any such script would
        return None
    return (request, encoded.rows) if isinstance(encoded, EncodedFile) else None


def run_process_pool(corpus: Path, workers: int, scratch: Path) -> tuple[float, int]:
    started = time.perf_counter()
    stores = scratch / "pool" / "encodings"
    pipeline = default_pipeline()
    requests = [
        EncodeRequest(CadFile(f.partition_key, f.path, "x", f.format),
                      str(stores / f"{f.partition_key}.zarr.zip"),
                      pipeline.version, pipeline.encoder_references)
        for f in discover_cad_files([corpus])
    ]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        encoded = [r for r in pool.map(_encode, requests, chunksize=1) if r is not None]
    entries = [MergeEntry(file_id, Path(request.store_path), request.store_path, rows)
               for file_id, (request, rows) in enumerate(encoded)]
    merge_dataset(entries, scratch / "pool" / "cad_dataset.zarr")
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
        command_seconds = run_pipeline_command(args.corpus, args.workers, scratch)
        print(f"    the same through `dagster job execute`: {command_seconds:.1f} s")
        pipeline_seconds = run_pipeline(args.corpus, args.workers, scratch)
        print(f"(a) dagster build_dataset: {pipeline_seconds:.1f} s (from an empty instance)")
    print(f"efficiency={pool_seconds / pipeline_seconds:.2f}")


if __name__ == "__main__":
    main()
