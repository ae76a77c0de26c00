import base64
import json
import os
import time
import zlib

import pandas as pd

from cad_assets.builtin import default_pipeline
from cad_assets.defs import sensors
from cad_assets.defs.partitions import cad_file_partitions
from cad_assets.encoding import CadFile, EncodeRequest
from cad_assets.sources import sha256_of
from cad_assets.storage import write_table
from cad_assets_tests.sensor_ticks import tick


def _requested_keys(result):
    return [
        request.run_config["ops"]["encode_cad_files"]["config"]["partition_keys"]
        for request in result.run_requests
    ]


def _write(path, data=b"ISO-10303-21;\n"):
    path.write_bytes(data)
    return path


def _record_build(settings, *paths, encoded=None):
    """Write the cad_files table as a run that found ``paths`` (in the drop folder) would, and
    record an outcome in the catalogue for those it ``encoded`` (default: all of them)."""
    stats = [path.stat() for path in paths]
    table = pd.DataFrame(
        {
            "partition_key": [f"drop/{path.name}" for path in paths],
            "size_bytes": [stat.st_size for stat in stats],
            "mtime_ns": [stat.st_mtime_ns for stat in stats],
            "sha256": [sha256_of(path) for path in paths],
        }
    )
    write_table(table, settings.layout.files)  # <output_dir>/tables/cad_files.parquet
    catalogue = settings.catalogue(default_pipeline().version)
    catalogue.sync(table)
    for path in paths if encoded is None else encoded:
        file = CadFile(f"drop/{path.name}", str(path), sha256_of(path), "step")
        store = catalogue.store_path(file.partition_key, file.sha256)
        request = EncodeRequest(file, str(store), catalogue.version, ())
        catalogue.record_unencoded(request, "failed", {"error_type": "CadParseError"})


def _decoded(cursor):
    return json.loads(zlib.decompress(base64.b64decode(cursor)))


def _age(path, seconds):
    """Set ``path``'s mtime ``seconds`` in the past."""
    then = time.time_ns() - seconds * 1_000_000_000
    os.utime(path, ns=(then, then))


def test_new_files_wait_one_tick_then_run_in_batches(instance, settings, drop_folder, monkeypatch):
    monkeypatch.setattr(sensors, "BATCH_SIZE", 3)
    for n in range(7):
        _write(drop_folder / f"part {n}.step")

    first = tick(instance, settings, None)
    assert first.run_requests == [] and first.dynamic_partitions_requests == []

    second = tick(instance, settings, first.cursor)
    assert [len(batch) for batch in _requested_keys(second)] == [3, 3, 1]
    assert len(instance.get_dynamic_partitions(cad_file_partitions.name)) == 7

    third = tick(instance, settings, second.cursor)
    assert third.run_requests == []


def test_file_still_being_copied_waits_until_it_stops_growing(instance, settings, drop_folder):
    growing = _write(drop_folder / "big.stp", b"ISO")
    cursor = tick(instance, settings, None).cursor
    for chunk in (b"-10303", b"-21;"):
        with growing.open("ab") as stream:
            stream.write(chunk)
        result = tick(instance, settings, cursor)
        assert result.run_requests == []
        cursor = result.cursor
    assert _requested_keys(tick(instance, settings, cursor)) == [["drop/big.stp"]]


def test_changed_file_is_requested_again(instance, settings, drop_folder):
    part = _write(drop_folder / "a.step")
    first = tick(instance, settings, tick(instance, settings, None).cursor)
    assert _requested_keys(first) == [["drop/a.step"]]
    _record_build(settings, part)  # the run recorded this version of the file
    quiet = tick(instance, settings, first.cursor)
    assert quiet.run_requests == []

    _write(part, b"ISO-10303-21; changed\n")
    waiting = tick(instance, settings, quiet.cursor)  # changed just now: wait for it to settle
    assert waiting.run_requests == []
    again = tick(instance, settings, waiting.cursor)
    assert _requested_keys(again) == [["drop/a.step"]]
    assert again.run_requests[0].run_key != first.run_requests[0].run_key


def test_file_changed_while_its_run_is_pending_is_requested_again(instance, settings, drop_folder):
    part = _write(drop_folder / "a.step")
    first = tick(instance, settings, tick(instance, settings, None).cursor)
    assert _requested_keys(first) == [["drop/a.step"]]
    in_flight = tick(instance, settings, first.cursor)  # no cad_files yet: not asked twice
    assert in_flight.run_requests == []

    _write(part, b"ISO-10303-21; changed before the run recorded it\n")
    _age(part, 2 * sensors.SETTLE_SECONDS)
    again = tick(instance, settings, in_flight.cursor)
    assert _requested_keys(again) == [["drop/a.step"]]
    assert again.run_requests[0].run_key != first.run_requests[0].run_key


def test_deleted_file_removes_its_partition_and_rebuilds(instance, settings, drop_folder):
    keep, gone = _write(drop_folder / "keep.step"), _write(drop_folder / "gone.step")
    cursor = tick(instance, settings, tick(instance, settings, None).cursor).cursor
    gone.unlink()

    result = tick(instance, settings, cursor)

    assert instance.get_dynamic_partitions(cad_file_partitions.name) == ["drop/keep.step"]
    (rebuild,) = result.run_requests
    assert rebuild.run_config == {}
    assert keep.exists()


def test_file_older_than_the_settle_time_is_taken_at_first_sight(instance, settings, drop_folder):
    old = _write(drop_folder / "old.step")
    _age(old, sensors.SETTLE_SECONDS + 5)
    _write(drop_folder / "fresh.step")

    first = tick(instance, settings, None)

    assert _requested_keys(first) == [["drop/old.step"]]
    assert instance.get_dynamic_partitions(cad_file_partitions.name) == ["drop/old.step"]
    assert _requested_keys(tick(instance, settings, first.cursor)) == [["drop/fresh.step"]]


def test_cursor_empties_once_cad_files_records_the_files(instance, settings, drop_folder):
    paths = [_write(drop_folder / f"part {n:04d}.step") for n in range(2000)]
    requesting = tick(instance, settings, tick(instance, settings, None).cursor)
    assert [len(batch) for batch in _requested_keys(requesting)] == [500] * 4
    assert len(_decoded(requesting.cursor)["requested"]) == 2000

    _record_build(settings, *paths)
    quiet = tick(instance, settings, requesting.cursor)

    assert quiet.run_requests == [] and quiet.dynamic_partitions_requests == []
    assert _decoded(quiet.cursor) == {"pending": {}, "requested": {}}
    assert len(quiet.cursor) < 100
    assert tick(instance, settings, quiet.cursor).cursor == quiet.cursor


def test_files_recorded_in_cad_files_are_not_requested_with_an_empty_cursor(
    instance, settings, drop_folder
):
    fresh, old = _write(drop_folder / "fresh.step"), _write(drop_folder / "old.step")
    _age(old, 2 * sensors.SETTLE_SECONDS)
    _record_build(settings, fresh, old)

    cursor = None  # a new or reset sensor
    for _ in range(2):
        result = tick(instance, settings, cursor)
        assert result.run_requests == [] and result.dynamic_partitions_requests == []
        assert _decoded(result.cursor) == {"pending": {}, "requested": {}}
        cursor = result.cursor


def test_waiting_file_recorded_by_another_batch_run_is_still_requested(
    instance, settings, drop_folder
):
    # A run of another batch gathers every file into cad_files but encodes only its own batch.
    late = _write(drop_folder / "late.step")
    waiting = tick(instance, settings, None)
    assert waiting.run_requests == []
    _record_build(settings, late, encoded=[])

    assert _requested_keys(tick(instance, settings, waiting.cursor)) == [["drop/late.step"]]


def test_file_recorded_by_another_batch_run_before_any_tick_is_requested(
    instance, settings, drop_folder
):
    unseen = _write(drop_folder / "unseen.step")
    _age(unseen, 120)
    _record_build(settings, unseen, encoded=[])  # cad_files has it; the catalogue does not
    assert _requested_keys(tick(instance, settings, None)) == [["drop/unseen.step"]]
