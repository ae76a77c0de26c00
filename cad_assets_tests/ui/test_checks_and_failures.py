"""What the UI shows, without a browser: the asset checks of ``cad_infoset`` and
``cad_dataset`` run with them and pass, a failed file's partition is failed (a run of its own
records it; the encoding run succeeds), and a retry that encodes it clears the failure."""

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster._core.storage.partition_status_cache import get_and_update_asset_status_cache_value

from cad_assets.defs.checks import cad_infoset_columns
from cad_assets.defs.definitions import build_definitions
from cad_assets.defs.failed_partitions import FAILED_FILES_OF_TAG
from cad_assets.defs.partitions import cad_file_partitions
from cad_assets.defs.resources import CadPipelineSettings

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "mfcad"
ENCODINGS = dg.AssetKey("cad_encodings")


def _failed(instance) -> set[str]:
    status = get_and_update_asset_status_cache_value(instance, ENCODINGS, cad_file_partitions)
    failed = status.deserialize_failed_partition_subsets(cad_file_partitions)
    return set(failed.get_partition_keys())


def test_checks_pass_and_a_failed_file_is_a_failed_partition_until_it_succeeds(tmp_path, instance):
    parts = tmp_path / "parts"
    parts.mkdir()
    good = sorted(SAMPLE.glob("*.step"))[:2]
    for path in good:
        shutil.copyfile(path, parts / path.name)
    (parts / "bad.step").write_bytes(b"not a STEP file\n")
    settings = CadPipelineSettings(sources=str(parts), output_dir=str(tmp_path / "out"), workers=1)
    defs = build_definitions(settings=settings)

    result = defs.resolve_job_def("build_dataset").execute_in_process(instance=instance)
    assert result.success  # one bad file of three is within the error budget
    checks = {(e.asset_key.to_user_string(), e.check_name): e
              for e in result.get_asset_check_evaluations()}
    assert set(checks) == {("cad_infoset", "rows_match_catalogue"),
                           ("cad_infoset", "declared_columns"),
                           ("cad_dataset", "rows_match_catalogue"),
                           ("cad_dataset", "declared_arrays")}
    assert all(e.passed for e in checks.values()), {k: e.description for k, e in checks.items()}
    rows = checks["cad_dataset", "rows_match_catalogue"].metadata
    assert rows["files"].value == 2 and rows["infoset_rows"].value == 2
    assert checks["cad_infoset", "rows_match_catalogue"].metadata["failed"].value == 1

    assert _failed(instance) == {"parts/bad.step"}
    recorders = [run for run in instance.get_runs() if FAILED_FILES_OF_TAG in run.tags]
    assert [run.tags[FAILED_FILES_OF_TAG] for run in recorders] == [result.run_id]
    assert recorders[0].status == dg.DagsterRunStatus.FAILURE
    assert result.dagster_run.status == dg.DagsterRunStatus.SUCCESS

    # Nothing new: the known failure is left alone, and not recorded again.
    assert defs.resolve_job_def("build_dataset").execute_in_process(instance=instance).success
    assert len([run for run in instance.get_runs() if FAILED_FILES_OF_TAG in run.tags]) == 1
    assert _failed(instance) == {"parts/bad.step"}

    # A fresh instance over the same output shows the failure again.
    with dg.instance_for_test() as fresh:
        assert defs.resolve_job_def("build_dataset").execute_in_process(instance=fresh).success
        assert _failed(fresh) == {"parts/bad.step"}

    shutil.copyfile(good[0], parts / "bad.step")  # fixed: the retry encodes it
    assert defs.resolve_job_def("retry_failed_files").execute_in_process(instance=instance).success
    assert _failed(instance) == set()


def test_a_missing_column_fails_its_check():
    from cad_assets.builtin import default_pipeline

    pipeline = default_pipeline()
    files = pd.DataFrame(columns=["partition_key", "path", "sha256"])
    infoset = pd.DataFrame(columns=["partition_key", "path", "file_id", "store_path",
                                    *(m.name for m in pipeline.schema.metadata)])
    result = cad_infoset_columns(cad_pipeline=pipeline, cad_infoset=infoset, cad_files=files)
    assert not result.passed and result.description == "1 missing columns"
    assert result.metadata["missing columns"].value == "1: sha256"
