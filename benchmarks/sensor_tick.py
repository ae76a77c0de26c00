"""Benchmark: seconds per tick of ``cad_drop_folder_sensor`` over a drop folder of many files.

    python benchmarks/sensor_tick.py [--files 10000]

Generates small placeholder ``.step`` files (the sensor only stats them), then times the ticks
of a first sight, the tick that requests every file (in batches), and a quiet tick.
"""

import argparse
import tempfile
import time
from pathlib import Path

import dagster as dg

from cad_assets.builtin import default_pipeline
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.defs.sensors import cad_drop_folder_sensor


def _tick(instance, settings, cursor):
    started = time.perf_counter()
    result = cad_drop_folder_sensor(
        dg.build_sensor_context(instance=instance, cursor=cursor, resources={"settings": settings, "cad_pipeline": default_pipeline()})
    )
    seconds = time.perf_counter() - started
    for request in result.dynamic_partitions_requests:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, dg.instance_for_test() as instance:
        drop = Path(scratch) / "drop"
        for n in range(args.files):
            folder = drop / f"batch{n // 1000:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"part {n:05d}.step").write_bytes(b"ISO-10303-21;\n")
        settings = CadPipelineSettings(sources=str(drop), output_dir=str(Path(scratch) / "out"))
        first, first_s = _tick(instance, settings, None)
        second, second_s = _tick(instance, settings, first.cursor)
        _, quiet_s = _tick(instance, settings, second.cursor)
        print(f"files={args.files} cursor={len(second.cursor) / 1024:.0f} kB")
        print(f"first sight: {first_s:.2f} s")
        print(f"request all: {second_s:.2f} s ({len(second.run_requests)} runs requested)")
        print(f"quiet tick:  {quiet_s:.2f} s")


if __name__ == "__main__":
    main()
