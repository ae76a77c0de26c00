"""The whole ``build_dataset`` job on real CAD files and generated bad inputs."""

import json
import shutil
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from cad_assets.builtin import default_pipeline
from cad_assets.defs.definitions import build_definitions
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.labels import read_face_truth
from cad_assets.storage import open_dataset, read_table
from cad_assets_tests.conftest import copy_files

ENCODINGS = dg.AssetKey("cad_encodings")


@pytest.fixture
def corpus(tmp_path, shared_cad):
    """Two source roots: real parts (MFCAD, NIST, CAx-IF incl. the external-reference assembly)
    and a drop folder with generated bad files; both roots hold a ``same.step``."""
    real = tmp_path / "sources" / "real"
    mfcad = sorted((shared_cad / "mfcad").glob("*.step"))[:16]
    copy_files(mfcad, real / "mfcad")
    copy_files([path.with_suffix(".face_truth") for path in mfcad], real / "mfcad")  # labels
    copy_files([shared_cad / "nist" / "nist_ctc_01_asme1_ap203.stp"], real / "nist")
    copy_files([shared_cad / "caxif" / "s1-c5-214" / "s1-c5-214.stp"], real / "caxif")
    shutil.copyfile(mfcad[0], real / "same.step")

    bad = tmp_path / "sources" / "drop"
    bad.mkdir(parents=True)
    (bad / "empty.step").write_bytes(b"")
    (bad / "garbage.step").write_bytes(np.random.default_rng(0).bytes(5000))
    text = mfcad[1].read_bytes()
    (bad / "truncated, half...step").write_bytes(text[: len(text) // 2])
    shutil.copyfile(mfcad[2], bad / "same.step")
    return real, bad


@pytest.fixture
def settings(tmp_path, corpus):
    real, bad = corpus
    return CadPipelineSettings(
        sources=f"{real}:{bad}", output_dir=str(tmp_path / "out"), workers=2, file_timeout_s=60
    )


def _build(settings, instance, job="build_dataset", **kwargs):
    job_def = build_definitions(settings=settings).resolve_job_def(job)
    return job_def.execute_in_process(instance=instance, raise_on_error=False, **kwargs)


def _changed(settings, **fields):
    # Dagster resources keep the config they were built with: copy by building anew.
    return CadPipelineSettings(**{**settings.model_dump(), **fields})


def _encoded_in(result) -> set[str]:
    return {
        event.partition
        for event in result.all_events
        if event.is_step_materialization and event.asset_key == ENCODINGS
    }


def test_build_encodes_good_files_and_explains_bad_ones(settings, instance, corpus):
    result = _build(settings, instance)
    assert result.success

    files = read_table(settings.layout.table("cad_files"))
    infoset = read_table(settings.layout.table("cad_infoset"))
    errors = read_table(settings.layout.table("cad_errors")).set_index("partition_key")
    assert len(files) == 23
    assert set(infoset["partition_key"]) | set(errors.index) == set(files["partition_key"])
    assert {"real/same.step", "drop/same.step"} <= set(infoset["partition_key"])
    assert errors.loc["real/caxif/s1-c5-214.stp", "error_type"] == "ExternalReferenceError"
    assert errors.loc["drop/empty.step", "error_type"] == "EmptyFileError"
    for key in ["drop/garbage.step", "drop/truncated%2C half%2E%2E.step"]:
        assert errors.loc[key, "message"] and errors.loc[key, "error_type"] != "WorkerCrashed"
    assert errors["worker_pid"].notna().all()

    # Per-file outcome in Dagster: good partitions materialized, bad ones observed with a reason.
    assert instance.get_materialized_partitions(ENCODINGS) == set(infoset["partition_key"])
    observed = {
        event.partition: event.event_specific_data.asset_observation.metadata
        for event in result.all_events
        if event.event_type_value == "ASSET_OBSERVATION"
    }
    assert set(observed) == set(errors.index)

    dataset = open_dataset(settings.layout.dataset)
    n_faces = infoset["n_faces"].to_numpy()
    assert dataset["faces/area"].shape == (n_faces.sum(),)
    np.testing.assert_array_equal(dataset["faces/file_id"][:], np.repeat(infoset["file_id"], n_faces))
    assert dataset["edges/length"].shape == (infoset["n_edges"].sum(),)
    assert set(np.unique(dataset["edges/convexity"][:])) <= {-1, 0, 1, 2, 3, 4}
    src, dst, graph_file = (dataset[f"graph/{name}"][:] for name in ("src", "dst", "file_id"))
    faces_of_file = pd.Series(n_faces, index=infoset["file_id"])[graph_file].to_numpy()
    assert (src < faces_of_file).all() and (dst < faces_of_file).all()
    assert (dataset["faces/area"][:] > 0).all()

    # Per-face labels: MFCAD files' from their .face_truth; -1 for files without a label file.
    labels, face_file = dataset["faces/label"][:], dataset["faces/file_id"][:]
    file_id = infoset.set_index("partition_key")["file_id"]
    part = sorted((corpus[0] / "mfcad").glob("*.step"))[3]
    truth = read_face_truth(part.with_suffix(".face_truth"))
    assert labels.dtype == np.int32 and labels.shape == (n_faces.sum(),)
    assert sorted(labels[face_file == file_id[f"real/mfcad/{part.name}"]]) == sorted(truth)
    for key in ["real/nist/nist_ctc_01_asme1_ap203.stp", "real/same.step"]:
        assert (labels[face_file == file_id[key]] == -1).all()
    attribset = read_table(settings.layout.table("cad_attribset")).set_index(["field", "code"])
    assert attribset.loc[("faces/label", 15), "name"] == "stock"
    assert attribset.loc[("faces/surface_type", 0), "name"] == "plane"
    assert set(attribset.loc["cad_format", "name"]) == {"STEP"}
    # The infoset carries every file-level field the schema routes to it.
    assert {"n_faces", "total_area", "bbox_zmax", "encode_seconds", "face_label_file"} <= set(infoset.columns)

    summary = json.loads(settings.layout.summary.read_text())
    assert summary["file_count"]["in_dataset"] == len(infoset)
    assert summary["file_count"]["failed_this_run"] == len(errors)
    assert summary["error_distribution"]["EmptyFileError"] == 1
    assert {"cad_files", "encode_cad_files", "cad_dataset", "total"} <= set(summary["duration_seconds"])


def test_rebuild_is_incremental_and_follows_changes(settings, instance, corpus):
    real, _ = corpus
    first = _build(settings, instance)
    dataset_before = open_dataset(settings.layout.dataset)["faces/area"][:]

    again = _build(settings, instance)
    assert again.success and _encoded_in(again) == set()
    np.testing.assert_array_equal(open_dataset(settings.layout.dataset)["faces/area"][:], dataset_before)

    changed = real / "same.step"
    shutil.copyfile(real / "nist" / "nist_ctc_01_asme1_ap203.stp", changed)
    sorted((real / "mfcad").glob("*.step"))[0].unlink()  # a CAD file, not its label file
    third = _build(settings, instance)

    assert _encoded_in(third) == {"real/same.step"}
    infoset = read_table(settings.layout.table("cad_infoset"))
    assert len(infoset) == len(_encoded_in(first)) - 1
    assert open_dataset(settings.layout.dataset)["faces/area"].shape == (infoset["n_faces"].sum(),)


def test_failed_files_are_retried_only_on_request(settings, instance):
    _build(settings, instance)
    assert not any(e.event_type_value == "ASSET_OBSERVATION" for e in _build(settings, instance).all_events)

    retry = _build(settings, instance, job="retry_failed_files")
    retried = {e.partition for e in retry.all_events if e.event_type_value == "ASSET_OBSERVATION"}
    assert retried == set(read_table(settings.layout.table("cad_errors"))["partition_key"])
    # Only the 4 bad files were encoded, and all failed again: over the error budget.
    (failure,) = [e for e in retry.all_events if e.is_step_failure]
    assert "more than the error budget" in failure.step_failure_data.user_failure_data.description


def test_run_fails_when_most_files_fail(tmp_path, instance):
    drop = tmp_path / "junk"
    drop.mkdir()
    for n in range(3):
        (drop / f"junk{n}.step").write_bytes(b"not a step file at all")
    settings = CadPipelineSettings(sources=str(drop), output_dir=str(tmp_path / "out"), workers=1)

    result = _build(settings, instance)

    assert not result.success
    errors = read_table(settings.layout.table("cad_errors"))
    assert len(errors) == 3
    # The failure names the error type, with an example file and its message's first line.
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    description = failure.step_failure_data.user_failure_data.description
    error_type, message = errors.sort_values("partition_key").iloc[0][["error_type", "message"]]
    assert description.startswith(
        f"3 of 3 files failed to encode, more than the error budget of 50%: {error_type} 3 "
        f"(e.g. junk/junk0.step: {message.splitlines()[0]})"), description


def test_sensor_batches_encode_only_their_files(settings, instance, corpus):
    from cad_assets.defs.sensors import cad_drop_folder_sensor

    _build(settings, instance)
    real, _ = corpus
    new = real / "mfcad" / "new part.step"
    shutil.copyfile(real / "same.step", new)
    cursor = None
    for _ in range(2):  # the first tick sees the new file, the second finds it settled
        tick = cad_drop_folder_sensor(
            dg.build_sensor_context(instance=instance, cursor=cursor, resources={"settings": settings, "cad_pipeline": default_pipeline()})
        )
        cursor = tick.cursor
    batch = [r for r in tick.run_requests if "new part" in str(r.run_config)]
    assert len(batch) == 1
    instance.add_dynamic_partitions("cad_file", ["real/mfcad/new part.step"])

    result = _build(settings, instance, run_config=batch[0].run_config)

    assert _encoded_in(result) == {"real/mfcad/new part.step"}
    assert "real/mfcad/new part.step" in set(read_table(settings.layout.table("cad_infoset"))["partition_key"])


def test_a_new_instance_records_the_stores_it_finds(settings, instance):
    """Stores written but never recorded (a run killed in between, or a replaced instance)
    are recorded as materialized, not encoded again."""
    _build(settings, instance)
    stores = {p: p.stat().st_mtime_ns for p in settings.layout.root.glob("encodings/**/*.zarr.zip")}
    with dg.instance_for_test() as fresh:
        again = _build(settings, fresh)
        assert again.success
        assert fresh.get_materialized_partitions(ENCODINGS) == instance.get_materialized_partitions(ENCODINGS)
    assert {p: p.stat().st_mtime_ns for p in stores} == stores


def test_per_file_class_labels_from_folders_and_tables(settings, instance, corpus, tmp_path):
    real, _ = corpus
    by_folder = _changed(settings, file_labels="folder")
    assert _build(by_folder, instance).success
    infoset = read_table(settings.layout.table("cad_infoset"))
    assert (infoset["label_name"] == infoset["path"].map(lambda p: Path(p).parent.name)).all()
    vocabulary = sorted(set(infoset["label_name"]))
    assert infoset["label"].tolist() == [vocabulary.index(n) for n in infoset["label_name"]]
    attribset = read_table(settings.layout.table("cad_attribset"))
    assert attribset.loc[attribset["field"] == "label", "name"].tolist() == vocabulary

    table = tmp_path / "classes.csv"
    table.write_text(f"path,label\nnist/nist_ctc_01_asme1_ap203.stp,bracket\n{real / 'same.step'},block\n")
    assert _build(_changed(settings, file_labels=str(table)), instance).success
    labelled = read_table(settings.layout.table("cad_infoset")).set_index("partition_key")
    assert labelled.loc["real/nist/nist_ctc_01_asme1_ap203.stp", ["label_name", "label"]].tolist() == ["bracket", 1]
    assert labelled.loc["real/same.step", "label"] == 0
    assert (labelled.drop(["real/nist/nist_ctc_01_asme1_ap203.stp", "real/same.step"])["label"] == -1).all()
