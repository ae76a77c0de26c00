"""``build_dataset``, ``retry_failed_files``, a sensor batch and two overlapping runs on the
documented PostgreSQL instance (deploy/dagster.yaml) with the catalogue in PostgreSQL too:
runs, events, partitions and sensor state land in the database, the outputs are those of a
plain local build."""

import os
import subprocess
import time

import yaml
from dagster import DagsterRunStatus, RunsFilter
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

from cad_assets.defs.jobs import DATASET_WRITER_TAG
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.storage import open_dataset, read_table
from cad_assets_tests.conftest import copy_files
from cad_assets_tests.dataset_equality import assert_same_outputs, file_ids
from cad_assets_tests.postgres.conftest import PG_URL, database_name, instance_of
from cad_assets_tests.sensor_ticks import tick
from cad_assets_tests.test_concurrent_runs import build_twice_at_once
from cad_assets_tests.test_crash_recovery import BUILD, DAGSTER, _build, _environment

TARGET = ["-m", "cad_assets.definitions"]
RETRY = [DAGSTER, "job", "execute", *TARGET, "-j", "retry_failed_files"]


def _mfcad(shared_cad, count):
    return sorted((shared_cad / "mfcad").glob("*.step"))[:count]


def _writer_runs(postgres, environment) -> list[str]:
    """``run_id|status`` of the runs that wrote the dataset, oldest first, read with psql
    (failed files are recorded as runs of their own, left out here)."""
    (tag, value), = DATASET_WRITER_TAG.items()
    return postgres.psql(
        "SELECT runs.run_id, status FROM runs JOIN run_tags ON run_tags.run_id = runs.run_id "
        f"WHERE key = '{tag}' AND value = '{value}' ORDER BY runs.id",
        database_name(environment[PG_URL])).splitlines()


def _materialized_partitions(postgres, environment, run_id) -> set[str]:
    """The ``cad_encodings`` partitions run ``run_id`` materialized, read with psql."""
    rows = postgres.psql(
        "SELECT partition FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION' "
        f"AND run_id = '{run_id}' AND asset_key LIKE '%cad_encodings%'",
        database_name(environment[PG_URL]))
    return set(rows.splitlines())


def test_build_and_retry_record_everything_in_postgres(tmp_path, shared_cad, postgres,
                                                       pg_environment):
    parts = _mfcad(shared_cad, 12)
    copy_files(parts, tmp_path / "sources")
    # The largest file is over the size limit of the first run: it fails without being read.
    sizes = sorted(part.stat().st_size for part in parts)
    limit_mb = (sizes[-2] + sizes[-1]) / 2 / 2**20
    environment = pg_environment(tmp_path, tmp_path / "sources",
                                 CAD_ASSETS_MAX_FILE_MB=str(limit_mb))
    catalogue = database_name(environment["CAD_ASSETS_CATALOGUE_URL"])

    _build(environment)
    (failed,) = read_table(tmp_path / "out" / "tables" / "cad_errors.parquet")["partition_key"]
    assert postgres.psql("SELECT status, count(*) FROM encodings GROUP BY status ORDER BY status",
                         catalogue) == "encoded|11\nfailed|1"
    assert not (tmp_path / "out" / "catalogue.sqlite").exists()

    _build({**environment, "CAD_ASSETS_MAX_FILE_MB": "512"}, RETRY)
    assert postgres.psql("SELECT status, count(*) FROM encodings GROUP BY status",
                         catalogue) == "encoded|12"
    assert open_dataset(tmp_path / "out" / "cad_dataset.zarr").attrs["n_files"] == 12
    assert read_table(tmp_path / "out" / "tables" / "cad_errors.parquet").empty

    with instance_of(environment) as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
        retry, build = instance.get_runs(RunsFilter(tags=DATASET_WRITER_TAG))
        assert [build.job_name, retry.job_name] == ["build_dataset", "retry_failed_files"]
        assert {build.status, retry.status} == {DagsterRunStatus.SUCCESS}
    assert _writer_runs(postgres, environment) == [f"{build.run_id}|SUCCESS",
                                                   f"{retry.run_id}|SUCCESS"]
    assert len(_materialized_partitions(postgres, environment, build.run_id)) == 11
    assert _materialized_partitions(postgres, environment, retry.run_id) == {failed}


def test_sensor_batch_on_postgres(tmp_path, shared_cad, postgres, pg_environment):
    parts = _mfcad(shared_cad, 10)
    sources = tmp_path / "sources"
    copy_files(parts[:6], sources)
    environment = pg_environment(tmp_path, sources)
    _build(environment)
    subprocess.run([DAGSTER, "sensor", "start", *TARGET, "cad_drop_folder_sensor"],
                   env=environment, check=True, capture_output=True)
    dagster_db = database_name(environment[PG_URL])
    assert postgres.psql("SELECT instigator_type, status FROM instigators",
                         dagster_db) == "SENSOR|RUNNING"

    # Files copied a while ago: the sensor takes them at its first tick.
    settled = time.time() - 3600
    for copy in copy_files(parts[6:], sources):
        os.utime(copy, (settled, settled))
    settings = CadPipelineSettings(sources=str(sources), output_dir=str(tmp_path / "out"),
                                   catalogue_url=environment["CAD_ASSETS_CATALOGUE_URL"])
    with instance_of(environment) as instance:
        (request,) = tick(instance, settings, None).run_requests
    batch = request.run_config["ops"]["encode_cad_files"]["config"]["partition_keys"]
    assert len(batch) == 4
    assert postgres.psql("SELECT count(*) FROM dynamic_partitions", dagster_db) == "10"

    config = tmp_path / "batch.yaml"
    config.write_text(yaml.safe_dump(request.run_config))
    _build(environment, [*BUILD, "-c", str(config)])
    run_id, status = _writer_runs(postgres, environment)[-1].split("|")
    assert status == "SUCCESS"
    assert _materialized_partitions(postgres, environment, run_id) == set(batch)
    assert open_dataset(tmp_path / "out" / "cad_dataset.zarr").attrs["n_files"] == 10


def test_overlapping_runs_equal_a_clean_build(tmp_path, shared_cad, postgres, pg_environment):
    sources = tmp_path / "sources"
    copy_files(_mfcad(shared_cad, 12), sources)
    shared, clean = tmp_path / "shared", tmp_path / "clean"
    environment = pg_environment(shared, sources)

    build_twice_at_once(environment)
    _build(_environment(clean, sources))  # SQLite instance and catalogue

    assert [run.split("|")[1] for run in _writer_runs(postgres, environment)] == ["SUCCESS"] * 2
    assert open_dataset(shared / "out" / "cad_dataset.zarr").attrs["n_files"] == 12
    assert_same_outputs(shared / "out", clean / "out")
    assert file_ids(shared / "out") == file_ids(clean / "out")
