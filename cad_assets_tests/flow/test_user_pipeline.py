"""A user's encoder and dataset tasks through the whole job, on real MFCAD parts: their arrays
join the built-in ones, their errors and skips are per file, debug mode runs in-process."""

import base64
import json
import os
import re
import shutil

import numpy as np
import pytest

from cad_assets.builtin import default_encoders
from cad_assets.defs.definitions import build_definitions
from cad_assets.defs.metadata import INLINE_MARKDOWN_CHARS
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.storage import open_dataset, open_file_store, read_table
from cad_assets_tests.conftest import copy_files
from cad_assets_tests.flow.user_tasks import edge_uses, listed_in_manifest, summarise, uses_by_file


@pytest.fixture(scope="module")
def sources(shared_cad, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources") / "parts"
    parts = copy_files(sorted((shared_cad / "mfcad").glob("*.step"))[:6], folder)
    shutil.copyfile(parts[1], folder / "broken_part.step")
    return folder


def _build(sources, output, instance, debug=False):
    settings = CadPipelineSettings(sources=str(sources), output_dir=str(output), workers=2)
    defs = build_definitions(
        encoders=[*default_encoders(), edge_uses],
        dataset_tasks=[summarise, uses_by_file],  # any order: they are sorted by their inputs
        settings=settings,
        debug=debug,
    )
    result = defs.resolve_job_def("build_dataset").execute_in_process(instance=instance)
    assert result.success
    return result


def _log_messages(instance, result) -> list[str]:
    """What the run's steps wrote with ``context.log`` (as the UI and the console show it)."""
    return [entry.user_message for entry in instance.all_logs(result.run_id)
            if not entry.is_dagster_event]


def test_user_tasks_add_arrays_errors_skips_and_dataset_assets(sources, tmp_path, instance,
                                                               monkeypatch):
    monkeypatch.setattr("cad_assets.encoding.report.PROGRESS_INTERVAL_S", 0.0)  # a line a file
    result = _build(sources, tmp_path, instance)

    # The run log names the one failed file, with its error type, encoder and message.
    messages = _log_messages(instance, result)
    (failed,) = [m for m in messages if "failed to encode" in m]
    assert failed.splitlines() == [
        "1 file failed to encode (RuntimeError 1):",
        "  parts/broken_part.step: RuntimeError in edge_uses: this part is marked broken"]
    progress = [m for m in messages if m.startswith("encoding: ")]
    assert len(progress) == 6  # 7 files; the last one's line is the summary
    assert re.fullmatch(r"encoding: 6 of 7 files \(86%\), [\d.]+ files/s, about .+ left; "
                        r"\d failed, \d skipped so far", progress[-1]), progress[-1]
    assert any(m.startswith("encoding done: 7 files in ") and m.endswith(
        "4 encoded, 1 failed, 2 skipped") for m in messages), messages

    infoset = read_table(tmp_path / "tables" / "cad_infoset.parquet")
    assert sorted(infoset["n_faces"]) == [16, 18, 19, 19]  # 11 and 12 faces: skipped
    dataset = open_dataset(tmp_path / "cad_dataset.zarr")
    uses, face_file = dataset["faces/edge_uses"][:], dataset["faces/file_id"][:]
    assert uses.dtype == np.int32 and uses.shape == dataset["faces/area"].shape
    # Rows line up with the built-in faces: per file, edge uses add up to the coedges.
    coedges_per_file = np.bincount(dataset["coedges/file_id"][:])
    assert np.array_equal(np.bincount(face_file, weights=uses).astype(int), coedges_per_file)
    assert infoset["max_edge_uses"].tolist() == [
        int(uses[face_file == i].max()) for i in infoset["file_id"]]

    errors = read_table(tmp_path / "tables" / "cad_errors.parquet")
    assert errors["partition_key"].tolist() == ["parts/broken_part.step"]
    assert errors.loc[0, "task"] == "edge_uses" and errors.loc[0, "error_type"] == "RuntimeError"
    assert "this part is marked broken" in errors.loc[0, "traceback"]
    assert "user_tasks.py" in errors.loc[0, "traceback"]

    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["file_count"]["skipped"] == 2 and summary["file_count"]["failed"] == 1
    assert all(r.startswith("edge_uses: 1") and "fewer than 15" in r
               for r in summary["skipped"].values())
    observed = {e.partition: e.asset_observation_data.asset_observation.metadata["status"].value
                for e in result.get_asset_observation_events()}
    assert sorted(observed.values()) == ["failed", "skipped", "skipped"]

    # Every encoded part has its preview in its store and on its partition in the UI.
    pictures = {e.partition: e.materialization.metadata["preview"].value
                for e in result.get_asset_materialization_events() if e.partition}
    assert len(pictures) == 4
    assert all(p.startswith("![") and "(data:image/png;base64,iVBOR" in p for p in pictures.values())
    assert all(len(p) < INLINE_MARKDOWN_CHARS for p in pictures.values())
    with open_file_store(infoset.loc[0, "store_path"]) as store:
        assert store.read_file("preview.png").startswith(b"\x89PNG")
        # The worker made the inline thumbnail; the run process only passes it on.
        small = store.read_file("preview_thumbnail.png")
    assert base64.b64encode(small).decode() in pictures[infoset.loc[0, "partition_key"]]
    charts = [e for e in result.get_asset_materialization_events()
              if e.asset_key.to_user_string() == "cad_dataset"][0].materialization.metadata
    assert {"chart/faces_per_file", "chart/surface_types", "chart/face_labels",
            "chart/errors"} <= set(charts)

    per_file = read_table(tmp_path / "tables" / "uses_by_file.parquet")
    assert per_file["file_id"].tolist() == infoset["file_id"].tolist()
    assert np.allclose(per_file["edge_uses"], [uses[face_file == i].mean() for i in per_file["file_id"]])
    task_summary = json.loads((tmp_path / "tasks" / "uses_summary.json").read_text())
    assert task_summary == {"files": 4, "mean_edge_uses": pytest.approx(per_file["edge_uses"].mean())}
    assert (tmp_path / "tasks" / "uses_summary" / "note.txt").exists()


def test_debug_mode_runs_in_this_process_with_the_same_result(sources, tmp_path, instance):
    _build(sources, tmp_path / "debug", instance, debug=True)
    _build(sources, tmp_path / "pool", instance)

    debug_info = read_table(tmp_path / "debug" / "tables" / "cad_infoset.parquet")
    assert set(debug_info["worker_pid"]) == {os.getpid()}
    debug, pool = (open_dataset(tmp_path / name / "cad_dataset.zarr") for name in ("debug", "pool"))
    for name in ("faces/edge_uses", "faces/uv_grid", "graph/src", "edges/convexity"):
        assert np.array_equal(debug[name][:], pool[name][:], equal_nan=name.endswith("grid"))


def test_a_custom_gather_decides_the_files(shared_cad, tmp_path, instance):
    sources = tmp_path / "parts"
    parts = copy_files(sorted((shared_cad / "mfcad").glob("*.step"))[:3], sources)
    (sources / "manifest.txt").write_text(f"{parts[0].name}\n{parts[2].name}\n")
    settings = CadPipelineSettings(sources=str(sources), output_dir=str(tmp_path / "out"), workers=1)
    defs = build_definitions(gather=listed_in_manifest, settings=settings)
    assert defs.resolve_job_def("build_dataset").execute_in_process(instance=instance).success

    infoset = read_table(tmp_path / "out" / "tables" / "cad_infoset.parquet")
    assert infoset["partition_key"].tolist() == [f"parts/{parts[0].name}", f"parts/{parts[2].name}"]
    assert instance.get_dynamic_partitions("cad_file") == infoset["partition_key"].tolist()
