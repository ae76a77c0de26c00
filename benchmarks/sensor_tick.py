"""Benchmark: seconds per tick of ``cad_drop_folder_sensor`` and its cursor size, over a drop
folder of many files.

    python benchmarks/sensor_tick.py [--files 100000]

Places empty ``.step`` files in a temporary folder (the sensor only stats them), then times
the first tick (every file new and just written: all wait), the tick that requests every file
(in batches), and a quiet tick after a build is recorded as a run would leave it (the
``cad_files`` table and an outcome per file in the catalogue); prints the cursor size after
each, and what committing the outcomes cost the catalogue.
"""

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

import dagster as dg
import pandas as pd

from cad_assets.builtin import default_pipeline
from cad_assets.defs.assets.files import gather_files
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.defs.sensors import cad_drop_folder_sensor
from cad_assets.encoding import CadFile, EncodeRequest
from cad_assets.storage import write_table


def _tick(instance, settings, cursor):
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"settings": settings, "cad_pipeline": default_pipeline()}
    )
    started = time.perf_counter()
    result = cad_drop_folder_sensor(context)
    seconds = time.perf_counter() - started
    # Apply what the daemon would apply (not timed), so the next tick sees the partitions.
    for request in result.dynamic_partitions_requests:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    return result, seconds


def _record_build(settings: CadPipelineSettings) -> float:
    """What a build of the files now on disk leaves for the sensor: the cad_files table and an
    outcome per file in the catalogue (placeholders, so each "failed"); returns the seconds the
    catalogue took to commit them, one transaction a file as the encoding step does."""
    pipeline = default_pipeline()
    table = pd.DataFrame([dataclasses.asdict(f) for f in gather_files(pipeline, settings)])
    table["sha256"] = "placeholder"
    write_table(table, settings.layout.files)
    catalogue = settings.catalogue(pipeline.version)
    catalogue.sync(table)
    started = time.perf_counter()
    for row in table.itertuples():
        file = CadFile(row.partition_key, row.path, row.sha256, row.format)
        request = EncodeRequest(file, str(catalogue.store_path(row.partition_key, row.sha256)),
                                pipeline.version, ())
        catalogue.record_unencoded(request, "failed", {"error_type": "CadParseError"})
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, dg.instance_for_test() as instance:
        drop = Path(scratch) / "drop"
        for n in range(args.files):
            folder = drop / f"batch{n // 1000:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"part {n:06d}.step").touch()
        settings = CadPipelineSettings(sources=str(drop), output_dir=str(Path(scratch) / "out"))

        first, first_s = _tick(instance, settings, None)
        second, second_s = _tick(instance, settings, first.cursor)
        commit_s = _record_build(settings)
        quiet, quiet_s = _tick(instance, settings, second.cursor)

        print(f"files={args.files}")
        print(f"first sight:  {first_s:6.2f} s  {len(first.run_requests):4d} runs  cursor {len(first.cursor):>9,} B")
        print(f"request all:  {second_s:6.2f} s  {len(second.run_requests):4d} runs  cursor {len(second.cursor):>9,} B")
        print(f"quiet tick:   {quiet_s:6.2f} s  {len(quiet.run_requests):4d} runs  cursor {len(quiet.cursor):>9,} B")
        print(f"(the catalogue committed the {args.files} outcomes in {commit_s:.1f} s, "
              f"{1000 * commit_s / args.files:.2f} ms a file)")


if __name__ == "__main__":
    main()
