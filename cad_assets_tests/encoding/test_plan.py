import pandas as pd

from cad_assets.encoding.plan import current_errors, current_skips, plan_encoding
from cad_assets.storage import EncodingsLayout

VERSION = "1-test"
ENCODERS = (("brep_features", "cad_assets.builtin.brep:brep_features", "{}"),)


def _files(*keys_and_shas):
    return pd.DataFrame(
        [{"partition_key": k, "path": f"/src/{k}", "sha256": sha, "format": "step",
          "source_root": "/src", "relative_path": k} for k, sha in keys_and_shas]
    )


def _touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")


def test_only_files_without_current_artifacts_are_encoded(tmp_path):
    layout = EncodingsLayout(tmp_path)
    files = _files(("cad/new.step", "aa"), ("cad/done.step", "bb"), ("cad/bad.step", "cc"),
                   ("cad/changed.step", "dd"))
    _touch(layout.store_path("cad/done.step", "bb", VERSION))
    layout.write_failure("cad/bad.step", "cc", VERSION, {"error_type": "CadParseError"})
    _touch(layout.store_path("cad/changed.step", "old-sha", VERSION))

    plan = plan_encoding(files, layout, VERSION, ENCODERS)

    assert [r.partition_key for r in plan.requests] == ["cad/new.step", "cad/changed.step"]
    assert plan.up_to_date == ["cad/done.step"] and plan.known_failures == ["cad/bad.step"]
    assert plan.requests[1].store_path == str(layout.store_path("cad/changed.step", "dd", VERSION))
    assert plan.requests[1].encoders == ENCODERS and plan.requests[1].file.sha256 == "dd"
    retry = plan_encoding(files, layout, VERSION, ENCODERS, retry_failed=True)
    assert "cad/bad.step" in [r.partition_key for r in retry.requests]


def test_a_new_encoder_version_makes_every_store_stale(tmp_path):
    layout = EncodingsLayout(tmp_path)
    _touch(layout.store_path("cad/a.step", "aa", VERSION))
    plan = plan_encoding(_files(("cad/a.step", "aa")), layout, "2-test", ENCODERS)
    assert [r.partition_key for r in plan.requests] == ["cad/a.step"]


def test_named_keys_restrict_and_force_re_encodes(tmp_path):
    layout = EncodingsLayout(tmp_path)
    files = _files(("cad/a.step", "aa"), ("cad/b.step", "bb"))
    _touch(layout.store_path("cad/a.step", "aa", VERSION))

    assert plan_encoding(files, layout, VERSION, ENCODERS, only_keys=["cad/a.step"]).requests == []
    forced = plan_encoding(files, layout, VERSION, ENCODERS, only_keys=["cad/a.step"], force=True)
    assert [r.partition_key for r in forced.requests] == ["cad/a.step"]


def test_error_table_lists_current_failures_only(tmp_path):
    layout = EncodingsLayout(tmp_path)
    files = _files(("cad/bad.step", "cc"), ("cad/fixed.step", "ee"))
    layout.write_failure("cad/bad.step", "cc", VERSION,
                         {"partition_key": "cad/bad.step", "error_type": "Timeout", "message": "slow"})
    layout.write_failure("cad/fixed.step", "old", VERSION, {"partition_key": "cad/fixed.step"})

    errors = current_errors(files, layout, VERSION)

    assert errors["partition_key"].tolist() == ["cad/bad.step"]
    assert errors.loc[0, "error_type"] == "Timeout" and errors.loc[0, "message"] == "slow"


def test_skipped_files_are_not_errors_and_are_not_encoded_again(tmp_path):
    layout = EncodingsLayout(tmp_path)
    files = _files(("cad/small.step", "aa"))
    layout.write_failure("cad/small.step", "aa", VERSION, {
        "partition_key": "cad/small.step", "status": "skipped", "error_type": "Skipped",
        "task": "big_parts_only", "message": "6 faces"})

    assert current_errors(files, layout, VERSION).empty
    assert current_skips(files, layout, VERSION) == {"cad/small.step": "big_parts_only: 6 faces"}
    assert plan_encoding(files, layout, VERSION, ENCODERS).known_failures == ["cad/small.step"]
