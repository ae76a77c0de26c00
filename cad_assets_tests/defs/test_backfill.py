"""The UI's "materialize these partitions" path: a partition-range run of cad_encodings."""

import shutil

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from cad_assets.defs.definitions import build_definitions

ENCODINGS = dg.AssetKey("cad_encodings")


def test_backfill_range_materializes_good_partitions_and_observes_bad(
    settings, instance, drop_folder, shared_cad
):
    shutil.copyfile(sorted((shared_cad / "mfcad").glob("*.step"))[0], drop_folder / "a.step")
    (drop_folder / "b.step").write_bytes(b"")
    defs = build_definitions(settings=settings)
    defs.resolve_job_def("build_dataset").execute_in_process(instance=instance)
    assert instance.get_materialized_partitions(ENCODINGS) == {"drop/a.step"}

    backfill = defs.resolve_implicit_job_def_def_for_assets([ENCODINGS]).execute_in_process(
        instance=instance,
        asset_selection=[ENCODINGS],
        tags={ASSET_PARTITION_RANGE_START_TAG: "drop/a.step", ASSET_PARTITION_RANGE_END_TAG: "drop/b.step"},
    )

    assert backfill.success
    materialized = [e.partition for e in backfill.get_asset_materialization_events()]
    observed = [e.partition for e in backfill.get_asset_observation_events()]
    assert materialized == ["drop/a.step"]  # re-encoded on request, although up to date
    assert observed == ["drop/b.step"]
    assert instance.get_materialized_partitions(ENCODINGS) == {"drop/a.step"}
