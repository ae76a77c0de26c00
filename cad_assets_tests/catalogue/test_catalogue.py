"""The catalogue: planning from its rows, outcomes committed from what workers return, stable
file ids, pruning of vanished files and superseded stores."""

import json
import multiprocessing
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from cad_assets.catalogue import Catalogue
from cad_assets.encoding import CadFile, EncodedFile, EncodeRequest
from cad_assets.storage import write_file_store

VERSION = "1-test"
ENCODERS = (("brep_features", "cad_assets.builtin.brep:brep_features", "{}"),)


def _files(*keys_and_shas):
    return pd.DataFrame(
        [{"partition_key": k, "path": f"/src/{k}", "sha256": sha, "format": "step",
          "source_root": "/src", "relative_path": k} for k, sha in keys_and_shas]
    )


def _catalogue(tmp_path, version=VERSION):
    return Catalogue(tmp_path / "encodings", tmp_path / "catalogue.sqlite", version)


def _request(catalogue, key, sha):
    return EncodeRequest(CadFile(key, f"/src/{key}", sha, "step"),
                         str(catalogue.store_path(key, sha)), catalogue.version, ENCODERS)


def _encode(catalogue, key, sha, faces=3):
    """What a worker does for a good file: write the store, hand back what it stored."""
    request = _request(catalogue, key, sha)
    metadata = {"n_faces": faces, "encode_seconds": 0.5, "worker_pid": 7}
    rows = write_file_store(request.store_path, {"faces": {"area": np.ones(faces)}}, metadata)
    catalogue.record_encoded(request, EncodedFile(metadata, {}, rows, cpu_seconds=0.4,
                                                  worker_host="node-2"), "run-1")
    return request


def test_plan_encodes_what_has_no_current_row_and_leaves_known_outcomes(tmp_path):
    catalogue = _catalogue(tmp_path)
    files = _files(("cad/new.step", "aa"), ("cad/done.step", "bb"), ("cad/bad.step", "cc"),
                   ("cad/changed.step", "dd"))
    catalogue.sync(files)
    _encode(catalogue, "cad/done.step", "bb")
    catalogue.record_unencoded(_request(catalogue, "cad/bad.step", "cc"), "failed",
                               {"error_type": "CadParseError", "message": "no"})
    _encode(catalogue, "cad/changed.step", "old-sha")

    plan = catalogue.plan(files, ENCODERS)

    assert [r.partition_key for r in plan.requests] == ["cad/new.step", "cad/changed.step"]
    assert plan.up_to_date == ["cad/done.step"] and plan.known_failures == ["cad/bad.step"]
    assert plan.requests[1].store_path == str(catalogue.store_path("cad/changed.step", "dd"))
    assert plan.requests[1].encoders == ENCODERS and plan.requests[1].file.sha256 == "dd"
    retry = catalogue.plan(files, ENCODERS, retry_failed=True)
    assert "cad/bad.step" in [r.partition_key for r in retry.requests]
    forced = catalogue.plan(files, ENCODERS, only_keys=["cad/done.step"], force=True)
    assert [r.partition_key for r in forced.requests] == ["cad/done.step"]


def test_a_new_encoder_version_makes_every_row_stale(tmp_path):
    _encode(_catalogue(tmp_path), "cad/a.step", "aa")
    plan = _catalogue(tmp_path, "2-test").plan(_files(("cad/a.step", "aa")), ENCODERS)
    assert [r.partition_key for r in plan.requests] == ["cad/a.step"]


def test_failures_of_an_earlier_version_are_retried_and_said_so(tmp_path):
    old = _catalogue(tmp_path)
    files = _files(("cad/bad.step", "aa"), ("cad/small.step", "bb"), ("cad/good.step", "cc"),
                   ("cad/edited.step", "new-sha"))
    old.sync(files)
    old.record_unencoded(_request(old, "cad/bad.step", "aa"), "failed",
                         {"error_type": "ValueError", "task": "mine", "message": "no"})
    old.record_unencoded(_request(old, "cad/small.step", "bb"), "skipped",
                         {"error_type": "Skipped", "task": "mine", "message": "small"})
    old.record_unencoded(_request(old, "cad/edited.step", "old-sha"), "failed",
                         {"error_type": "ValueError", "task": "mine", "message": "no"})
    _encode(old, "cad/good.step", "cc")
    assert old.plan(files, ENCODERS).known_failures == ["cad/bad.step", "cad/small.step"]

    plan = _catalogue(tmp_path, "2-test").plan(files, ENCODERS)

    assert [r.partition_key for r in plan.requests] == [
        "cad/bad.step", "cad/small.step", "cad/good.step", "cad/edited.step"]
    assert plan.known_failures == []
    # Only the contents that failed or were skipped before are retries; an edited file is new.
    assert plan.retried == ["cad/bad.step", "cad/small.step"]


def test_outcomes_come_from_what_the_worker_returned(tmp_path):
    catalogue = _catalogue(tmp_path)
    files = _files(("cad/good.step", "aa"), ("cad/bad.step", "bb"), ("cad/small.step", "cc"))
    catalogue.sync(files)
    good = _encode(catalogue, "cad/good.step", "aa", faces=5)
    catalogue.record_unencoded(_request(catalogue, "cad/bad.step", "bb"), "failed",
                               {"error_type": "Timeout", "message": "slow", "worker_pid": 9}, "run-1")
    catalogue.record_unencoded(_request(catalogue, "cad/small.step", "cc"), "skipped",
                               {"error_type": "Skipped", "task": "big_only", "message": "6 faces"})

    current = catalogue.current(files).set_index("partition_key")
    assert current.loc["cad/good.step", "rows"] == {"faces": 5}
    assert current.loc["cad/good.step", "metadata"]["n_faces"] == 5
    assert current.loc["cad/good.step", "store_path"] == good.store_path
    assert current.loc["cad/good.step", "worker_host"] == "node-2"
    errors = catalogue.errors(files)
    assert errors["partition_key"].tolist() == ["cad/bad.step"]
    assert errors.loc[0, "error_type"] == "Timeout" and errors.loc[0, "path"] == "/src/cad/bad.step"
    assert catalogue.skips(files) == {"cad/small.step": "big_only: 6 faces"}
    assert catalogue.outcomes_of_run("run-1") == {
        "encoded": 1, "failed": 1, "skipped": 0, "worker_cpu_seconds": 0.4}


def test_a_catalogue_of_an_earlier_release_gains_the_new_columns(tmp_path):
    old = sa.create_engine(f"sqlite:///{tmp_path / 'catalogue.sqlite'}")
    with old.begin() as db:  # the encodings table before worker_host was added
        db.exec_driver_sql(
            "CREATE TABLE encodings (partition_key TEXT, sha256 TEXT, encoding_version TEXT, "
            "status TEXT NOT NULL, store_path TEXT, rows JSON, metadata JSON, error_type TEXT, "
            "task TEXT, message TEXT, traceback TEXT, worker_pid INTEGER, cpu_seconds FLOAT, "
            "run_id TEXT, recorded_at FLOAT NOT NULL, "
            "PRIMARY KEY (partition_key, sha256, encoding_version))")
    old.dispose()
    catalogue = _catalogue(tmp_path)
    catalogue.sync(_files(("cad/good.step", "aa")))
    _encode(catalogue, "cad/good.step", "aa")
    current = catalogue.current(_files(("cad/good.step", "aa")), ["status", "worker_host"])
    assert current.loc[0, "worker_host"] == "node-2"


def test_a_store_without_a_row_is_adopted_not_encoded_again(tmp_path):
    catalogue = _catalogue(tmp_path)
    files = _files(("cad/a.step", "aa"))
    catalogue.sync(files)
    request = _request(catalogue, "cad/a.step", "aa")
    write_file_store(request.store_path, {"faces": {"area": np.ones(4)}}, {"n_faces": 4})

    plan = catalogue.plan(files, ENCODERS)

    assert plan.requests == [] and plan.up_to_date == ["cad/a.step"]
    assert catalogue.current(files).loc[0, "rows"] == {"faces": 4}


def test_a_failure_record_of_an_earlier_release_is_adopted(tmp_path):
    catalogue = _catalogue(tmp_path)
    files = _files(("cad/bad.step", "bb"))
    catalogue.sync(files)
    legacy = catalogue.store_path("cad/bad.step", "bb").with_name(f"bb.v{VERSION}.error.json")
    legacy.parent.mkdir(parents=True)
    legacy.write_text(json.dumps({"error_type": "CadParseError", "message": "not STEP",
                                  "status": "failed", "worker_pid": 3}))

    plan = catalogue.plan(files, ENCODERS)

    assert plan.requests == [] and plan.known_failures == ["cad/bad.step"]
    assert catalogue.errors(files).loc[0, ["error_type", "message"]].tolist() == [
        "CadParseError", "not STEP"]
    assert not legacy.exists()


def test_file_ids_are_stable_and_never_reused(tmp_path):
    catalogue = _catalogue(tmp_path)
    first = catalogue.sync(_files(("cad/b.step", "1"), ("cad/a.step", "2")))
    assert first == {"cad/a.step": 0, "cad/b.step": 1}

    second = catalogue.sync(_files(("cad/b.step", "1"), ("cad/c.step", "3"), ("cad/0.step", "4")))
    assert second == {"cad/b.step": 1, "cad/0.step": 2, "cad/c.step": 3}

    again = catalogue.sync(_files(("cad/a.step", "2"), ("cad/b.step", "1")))
    assert again == {"cad/a.step": 4, "cad/b.step": 1}  # a came back: a new id, not 0


def test_sync_prunes_vanished_files_and_commits_prune_superseded_stores(tmp_path):
    catalogue = _catalogue(tmp_path)
    files = _files(("cad/keep.step", "aa"), ("cad/gone.step", "bb"))
    catalogue.sync(files)
    old = _encode(catalogue, "cad/keep.step", "aa")
    gone = _encode(catalogue, "cad/gone.step", "bb")

    new = _encode(catalogue, "cad/keep.step", "a2")  # the file changed: its old store goes
    assert not _exists(old.store_path)
    catalogue.sync(_files(("cad/keep.step", "a2")))

    assert not _exists(gone.store_path) and not (tmp_path / "encodings" / "cad" / "gone.step").exists()
    assert _exists(new.store_path)
    assert set(catalogue.file_ids()) == {"cad/keep.step"}
    assert catalogue.current(files.assign(sha256=["a2", "bb"]))["partition_key"].tolist() == [
        "cad/keep.step"]


def _exists(path):
    return Path(path).exists()


def _assign_ids(args):
    root, keys = args
    return Catalogue(root / "encodings", root / "catalogue.sqlite", VERSION).sync(_files(*keys))


def test_two_processes_registering_files_at_once_agree_on_ids(tmp_path):
    keys = [(f"cad/{n:03}.step", str(n)) for n in range(200)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        first, second = pool.map(_assign_ids, [(tmp_path, keys), (tmp_path, keys[::-1])])
    assert first == second and sorted(first.values()) == list(range(200))
