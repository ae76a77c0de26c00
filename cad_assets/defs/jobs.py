"""Jobs: ``build_dataset`` (the cron line) and ``retry_failed_files``."""

import dagster as dg

from cad_assets.defs.assets.tasks import TASKS_GROUP

#: Runs carrying this tag write the merged dataset; dagster.yaml lets one run at a time hold it.
DATASET_WRITER_TAG = {"cad_assets/dataset": "writer"}

# Per-event DEBUG lines (hundreds per run) drown what an operator reads in a cron log.
_INFO_LOGS = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}

# Every asset (the pipeline's and the dataset tasks') but the partitioned cad_encodings, whose partitions the encoding step materializes
# file by file: a run without a partition range can then encode whatever files need it.
_BUILD_SELECTION = dg.AssetSelection.groups("cad", TASKS_GROUP) - dg.AssetSelection.assets(
    "cad_encodings"
)

build_dataset = dg.define_asset_job(
    "build_dataset",
    selection=_BUILD_SELECTION,
    description="Discover CAD files, encode the new and changed ones, merge, write tables and summary.",
    tags=DATASET_WRITER_TAG,
    config=_INFO_LOGS,
)

retry_failed_files = dg.define_asset_job(
    "retry_failed_files",
    selection=_BUILD_SELECTION,
    description="As build_dataset, and also retry the files that failed before.",
    tags=DATASET_WRITER_TAG,
    config={**_INFO_LOGS, "ops": {"encode_cad_files": {"config": {"retry_failed": True}}}},
)
