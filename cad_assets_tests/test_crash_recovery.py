"""``build_dataset`` runs killed with SIGKILL, mid-encoding and mid-merge: readers keep the
last complete dataset, the next run finishes the job, re-encodes only what was not finished,
and the result equals a clean build."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest.mock import patch

from dagster import DagsterInstance

from cad_assets.storage import open_dataset
from cad_assets_tests.conftest import copy_files
from cad_assets_tests.dataset_equality import assert_same_outputs, file_ids

DAGSTER = str(Path(sys.executable).parent / "dagster")
BUILD = [DAGSTER, "job", "execute", "-m", "cad_assets.definitions", "-j", "build_dataset"]


def _environment(root: Path, sources: Path, instance_yaml: Path | None = None,
                 variables: dict | None = None, create_schema: bool = True) -> dict:
    """The environment of runs on a new Dagster home under ``root``: its dagster.yaml is a
    copy of ``instance_yaml`` (default: SQLite, no telemetry), ``variables`` are added.
    ``create_schema=False`` leaves the schema to the first run (for an instance database this
    process cannot reach, on a test host)."""
    home = root / "dagster_home"
    home.mkdir(parents=True)
    if instance_yaml is None:
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    else:
        shutil.copyfile(instance_yaml, home / "dagster.yaml")
    variables = variables or {}
    # Create the instance's schema once, as `dagster dev` or a first run would: two runs
    # started at the same moment on an empty home would both try to create it.
    if create_schema:
        with patch.dict(os.environ, variables), DagsterInstance.from_config(str(home)) as instance:
            instance.get_runs(limit=1)
    return {**os.environ, **variables, "DAGSTER_HOME": str(home),
            "CAD_ASSETS_SOURCES": str(sources), "CAD_ASSETS_OUTPUT": str(root / "out"),
            "CAD_ASSETS_WORKERS": "2"}


def _stores(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (root / "out" / "encodings").glob("**/*.zarr.zip")}


def _build(environment: dict, command: list[str] = BUILD) -> None:
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]


def test_killed_run_resumes_and_equals_a_clean_build(tmp_path, shared_cad):
    sources = tmp_path / "sources"
    copy_files(sorted((shared_cad / "mfcad").glob("*.step"))[:40], sources)
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    environment = _environment(killed, sources)

    # start_new_session: the kill reaches the forkserver and the workers too, as a crash would.
    run = subprocess.Popen(BUILD, env=environment, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(lambda: len(_stores(killed)) >= 8 or run.poll() is not None)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    finished = _stores(killed)
    assert 8 <= len(finished) < 40, "the kill must land while files are being encoded"
    assert not (killed / "out" / "cad_dataset.zarr").exists()

    _build(environment)
    _build(_environment(clean, sources))

    after = _stores(killed)
    assert len(after) == 40
    assert {p: after[p] for p in finished} == finished  # finished files were not encoded again
    assert_same_outputs(killed / "out", clean / "out")
    assert file_ids(killed / "out") == file_ids(clean / "out")  # new keys get ids in key order


def _wait_for(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_killed_merge_leaves_the_last_dataset_and_the_next_run_completes(tmp_path, shared_cad):
    parts = sorted((shared_cad / "mfcad").glob("*.step"))
    sources = tmp_path / "sources"
    copy_files(parts[:12], sources)
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    environment = _environment(killed, sources)
    _build(environment)
    dataset = killed / "out" / "cad_dataset.zarr"
    published = dataset.resolve()

    copy_files(parts[12:16], sources)
    marker = tmp_path / "merging"
    run = subprocess.Popen([sys.executable, "-m", "cad_assets_tests.paused_merge_run", str(marker)],
                           env=environment, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(marker.exists)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    assert marker.exists(), "the kill must land inside the merge"

    # Readers still get the last complete dataset; the half-written shard is not published.
    home = killed / "out" / ".cad_dataset"
    assert dataset.resolve() == published
    assert open_dataset(dataset).attrs["n_files"] == 12
    assert [p.name for p in (home / "shards").iterdir() if p.name.startswith(".tmp-")]

    _build(environment)
    _build(_environment(clean, sources))
    assert open_dataset(dataset).attrs["n_files"] == 16
    # The new version and the one it replaced are kept; nothing of the killed writer is left.
    assert sorted(p.name for p in (home / "versions").iterdir()) == sorted(
        [dataset.resolve().name, published.name])
    assert not [p for p in home.rglob(".tmp-*")]
    assert_same_outputs(killed / "out", clean / "out")
    assert file_ids(killed / "out") == file_ids(clean / "out")  # new keys get ids in key order
