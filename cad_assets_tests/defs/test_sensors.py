import os

import dagster as dg
import pytest

from cad_assets.builtin import default_pipeline
from cad_assets.defs import sensors
from cad_assets.defs.partitions import cad_file_partitions
from cad_assets.defs.sensors import cad_drop_folder_sensor


def _tick(instance, settings, cursor):
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"settings": settings, "cad_pipeline": default_pipeline()}
    )
    result = cad_drop_folder_sensor(context)
    # Apply what the daemon would apply, so the next tick sees the partitions.
    for request in result.dynamic_partitions_requests:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    return result


def _requested_keys(result):
    return [
        request.run_config["ops"]["encode_cad_files"]["config"]["partition_keys"]
        for request in result.run_requests
    ]


def _write(path, data=b"ISO-10303-21;\n"):
    path.write_bytes(data)
    return path


def test_new_files_wait_one_tick_then_run_in_batches(instance, settings, drop_folder, monkeypatch):
    monkeypatch.setattr(sensors, "BATCH_SIZE", 3)
    for n in range(7):
        _write(drop_folder / f"part {n}.step")

    first = _tick(instance, settings, None)
    assert first.run_requests == [] and first.dynamic_partitions_requests == []

    second = _tick(instance, settings, first.cursor)
    assert [len(batch) for batch in _requested_keys(second)] == [3, 3, 1]
    assert len(instance.get_dynamic_partitions(cad_file_partitions.name)) == 7

    third = _tick(instance, settings, second.cursor)
    assert third.run_requests == []


def test_file_still_being_copied_waits_until_it_stops_growing(instance, settings, drop_folder):
    growing = _write(drop_folder / "big.stp", b"ISO")
    cursor = _tick(instance, settings, None).cursor
    for chunk in (b"-10303", b"-21;"):
        with growing.open("ab") as stream:
            stream.write(chunk)
        result = _tick(instance, settings, cursor)
        assert result.run_requests == []
        cursor = result.cursor
    assert _requested_keys(_tick(instance, settings, cursor)) == [["drop/big.stp"]]


def test_changed_file_is_requested_again(instance, settings, drop_folder):
    part = _write(drop_folder / "a.step")
    cursor = _tick(instance, settings, _tick(instance, settings, None).cursor).cursor
    _write(part, b"ISO-10303-21; changed\n")
    os.utime(part, ns=(1, 2_000_000_000))
    cursor = _tick(instance, settings, cursor).cursor  # seen changed: wait for it to settle
    assert _requested_keys(_tick(instance, settings, cursor)) == [["drop/a.step"]]


def test_deleted_file_removes_its_partition_and_rebuilds(instance, settings, drop_folder):
    keep, gone = _write(drop_folder / "keep.step"), _write(drop_folder / "gone.step")
    cursor = _tick(instance, settings, _tick(instance, settings, None).cursor).cursor
    gone.unlink()

    result = _tick(instance, settings, cursor)

    assert instance.get_dynamic_partitions(cad_file_partitions.name) == ["drop/keep.step"]
    (rebuild,) = result.run_requests
    assert rebuild.run_config == {}
    assert keep.exists()
