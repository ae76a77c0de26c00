"""Two ``build_dataset`` runs over the same files at the same time (a sensor batch and a manual
run, say) leave complete per-file stores and a merged dataset equal to a single clean build.

Stores are written under a temporary name and renamed, so two writers of one store each put a
complete one in place; merges take turns on a lock beside the dataset's versions. On a Dagster
daemon the run queue also keeps such runs apart (``cad_assets/dataset`` tag limit).
"""

import subprocess

from cad_assets.storage import open_dataset, read_table
from cad_assets_tests.conftest import copy_files
from cad_assets_tests.dataset_equality import assert_same_outputs, file_ids
from cad_assets_tests.test_crash_recovery import BUILD, _build, _environment


def build_twice_at_once(environment: dict) -> None:
    """Two ``build_dataset`` runs started together on one instance and output; both succeed."""
    runs = [subprocess.Popen(BUILD, env=environment, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for run in runs:
        assert run.wait(timeout=600) == 0, run.stderr.read()[-3000:]


def test_overlapping_runs_do_not_interleave_their_writes(tmp_path, shared_cad):
    sources = tmp_path / "sources"
    copy_files(sorted((shared_cad / "mfcad").glob("*.step"))[:24], sources)
    shared, clean = tmp_path / "shared", tmp_path / "clean"
    environment = _environment(shared, sources)

    build_twice_at_once(environment)
    _build(_environment(clean, sources))

    stores = list((shared / "out" / "encodings").glob("**/*.zarr.zip"))
    assert len(stores) == 24
    assert not list((shared / "out").glob("**/.*.tmp-*"))
    assert len(read_table(shared / "out" / "tables" / "cad_infoset.parquet")) == 24
    assert open_dataset(shared / "out" / "cad_dataset.zarr").attrs["n_files"] == 24
    assert_same_outputs(shared / "out", clean / "out")
    assert file_ids(shared / "out") == file_ids(clean / "out")  # new keys get ids in key order
