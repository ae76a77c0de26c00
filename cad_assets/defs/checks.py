"""Asset checks of the dataset's tables and arrays, shown on the assets' *Checks* tab.

They run in every run that materializes their asset (``build_dataset``, ``retry_failed_files``,
sensor batches, *Materialize* in the UI) and can be run by themselves from the UI. A failed check
is an error on the asset, not a failed run: the outputs are published, and the check says
what disagrees.

- ``cad_infoset`` ``rows_match_catalogue``: one row per file the catalogue holds as encoded
  (current content and encoder version), each file once, with a unique ``file_id``; and every
  discovered file is in the infoset, in ``cad_errors`` or skipped.
- ``cad_infoset`` ``declared_columns``: the columns of ``cad_files``, ``file_id``,
  ``store_path`` and every metadata field of the pipeline's schema.
- ``cad_dataset`` ``rows_match_catalogue``: the dataset holds the infoset's files (same count
  and file ids) and, for every group, the rows the catalogue recorded for them.
- ``cad_dataset`` ``declared_arrays``: every group and array of the schema with its dtype and
  row shape, and a ``file_id`` array in each group.
"""

import dagster as dg
import numpy as np
import pandas as pd

from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.flow import Pipeline
from cad_assets.storage.dataset_view import Dataset

#: Columns of ``cad_infoset`` besides ``cad_files``' and the schema's metadata fields.
INFOSET_EXTRA_COLUMNS = ("file_id", "store_path")
#: Problems listed in a failed check's metadata (all are counted).
LISTED = 20


@dg.asset_check(
    asset="cad_infoset",
    name="rows_match_catalogue",
    additional_ins={"cad_files": dg.AssetIn("cad_files"), "cad_errors": dg.AssetIn("cad_errors")},
    description="One row per file the catalogue holds as encoded, each once with its own "
    "file_id; every discovered file is in the infoset, in cad_errors or skipped.",
)
def cad_infoset_rows(
    settings: CadPipelineSettings,
    cad_pipeline: dg.ResourceParam[Pipeline],
    cad_infoset: pd.DataFrame,
    cad_files: pd.DataFrame,
    cad_errors: pd.DataFrame,
) -> dg.AssetCheckResult:
    catalogue = settings.catalogue(cad_pipeline.version)
    status = catalogue.current(cad_files, ["status"]).set_index("partition_key")["status"]
    encoded = set(status.index[status == "encoded"])
    skipped = set(status.index[status == "skipped"])
    in_infoset = set(cad_infoset["partition_key"])
    accounted = in_infoset | set(cad_errors["partition_key"]) | skipped
    problems = {
        "not in the catalogue as encoded": sorted(in_infoset - encoded),
        "encoded but missing": sorted(encoded - in_infoset),
        "listed twice": sorted(cad_infoset.loc[cad_infoset["partition_key"].duplicated(),
                                               "partition_key"]),
        "file_id used twice": sorted(cad_infoset.loc[cad_infoset["file_id"].duplicated(),
                                                     "partition_key"]),
        "discovered but nowhere": sorted(set(cad_files["partition_key"]) - accounted),
    }
    return _result(problems, {
        "rows": len(cad_infoset),
        "encoded_in_catalogue": len(encoded),
        "discovered": len(cad_files),
        "failed": len(cad_errors),
        "skipped": len(skipped),
    })


@dg.asset_check(
    asset="cad_infoset",
    name="declared_columns",
    additional_ins={"cad_files": dg.AssetIn("cad_files")},
    description="The columns of cad_files, file_id, store_path and every metadata field of "
    "the pipeline's schema.",
)
def cad_infoset_columns(
    cad_pipeline: dg.ResourceParam[Pipeline], cad_infoset: pd.DataFrame, cad_files: pd.DataFrame
) -> dg.AssetCheckResult:
    declared = [*cad_files.columns, *INFOSET_EXTRA_COLUMNS,
                *(m.name for m in cad_pipeline.schema.metadata)]
    missing = [column for column in dict.fromkeys(declared) if column not in cad_infoset.columns]
    return _result({"missing columns": missing}, {
        "columns": len(cad_infoset.columns),
        "declared": len(set(declared)),
    })


@dg.asset_check(
    asset="cad_dataset",
    name="rows_match_catalogue",
    additional_ins={"cad_infoset": dg.AssetIn("cad_infoset")},
    description="The dataset holds the infoset's files (count and file ids) and, in every "
    "group, the rows the catalogue recorded for them.",
)
def cad_dataset_rows(
    settings: CadPipelineSettings,
    cad_pipeline: dg.ResourceParam[Pipeline],
    cad_dataset: Dataset,
    cad_infoset: pd.DataFrame,
) -> dg.AssetCheckResult:
    current = settings.catalogue(cad_pipeline.version).current(cad_infoset, ["status", "rows"])
    encoded = current[current["status"] == "encoded"]
    expected: dict[str, int] = {}
    for rows in encoded["rows"]:
        for group, n in (rows or {}).items():
            expected[group] = expected.get(group, 0) + int(n)
    found = {name: sum(shard.rows.get(name, 0) for shard in cad_dataset.shards)
             for name, _ in cad_dataset.groups()}
    dataset_ids = set()
    for shard in cad_dataset.shards:
        if shard.n_files == shard.last_file_id - shard.first_file_id + 1:
            dataset_ids.update(range(shard.first_file_id, shard.last_file_id + 1))
        else:  # a shard with gaps in its id range: its files are in its file/file_id array
            dataset_ids = None
            break
    if dataset_ids is None and "file/file_id" in cad_dataset:
        dataset_ids = set(np.unique(cad_dataset["file/file_id"][:]).tolist())
    infoset_ids = set(cad_infoset["file_id"].astype("int64"))
    groups = sorted(set(expected) | set(found))
    problems = {
        "groups with other row counts": [
            f"{g}: {found.get(g, 0)} rows, catalogue {expected.get(g, 0)}" for g in groups
            if found.get(g, 0) != expected.get(g, 0)
        ],
        "file count": [] if cad_dataset.attrs["n_files"] == len(cad_infoset) else [
            f"{cad_dataset.attrs['n_files']} files in the dataset, {len(cad_infoset)} in the "
            "infoset"
        ],
        "file ids only in the dataset": sorted(dataset_ids - infoset_ids) if dataset_ids else [],
        "file ids only in the infoset": sorted(infoset_ids - dataset_ids)
        if dataset_ids is not None else [],
    }
    return _result(problems, {
        "files": int(cad_dataset.attrs["n_files"]),
        "infoset_rows": len(cad_infoset),
        **{f"rows/{g}": found.get(g, 0) for g in groups},
    })


@dg.asset_check(
    asset="cad_dataset",
    name="declared_arrays",
    description="Every group and array the pipeline's schema declares, with its dtype and row "
    "shape, and a file_id array in each group.",
)
def cad_dataset_arrays(cad_pipeline: dg.ResourceParam[Pipeline], cad_dataset: Dataset
                       ) -> dg.AssetCheckResult:
    problems: dict[str, list[str]] = {"missing": [], "other dtype or shape": []}
    declared = 0
    if cad_dataset.attrs["n_files"]:  # an empty dataset has no arrays to check
        for group in cad_pipeline.schema.groups:
            for spec in (*group.arrays, None):
                name = f"{group.name}/{spec.name if spec else 'file_id'}"
                declared += 1
                if name not in cad_dataset:
                    problems["missing"].append(name)
                    continue
                if spec is None:
                    continue
                array = cad_dataset[name]
                if array.dtype != np.dtype(spec.dtype) or array.shape[1:] != tuple(spec.row_shape):
                    problems["other dtype or shape"].append(
                        f"{name}: {array.dtype} {array.shape[1:]}, declared {spec.dtype} "
                        f"{tuple(spec.row_shape)}")
    arrays = [f"{g}/{a}" for g, group in cad_dataset.groups() for a, _ in group.arrays()]
    return _result(problems, {
        "declared_arrays": declared,
        "arrays": len(arrays),
        "schema": dg.MetadataValue.md(_schema_table(cad_pipeline)),
    })


def _result(problems: dict[str, list], metadata: dict) -> dg.AssetCheckResult:
    """Passed when every list of ``problems`` is empty; else each kind's count and first few
    entries, and a description naming them."""
    found = {kind: items for kind, items in problems.items() if items}
    for kind, items in found.items():
        shown = [str(item) for item in items[:LISTED]]
        more = f" (and {len(items) - LISTED} more)" if len(items) > LISTED else ""
        metadata[kind] = dg.MetadataValue.text(f"{len(items)}: " + ", ".join(shown) + more)
    return dg.AssetCheckResult(
        passed=not found,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata=metadata,
        description="; ".join(f"{len(items)} {kind}" for kind, items in found.items()) or None,
    )


def _schema_table(pipeline: Pipeline) -> str:
    """The schema's arrays as a Markdown table (group, array, dtype, dims, description)."""
    lines = ["| group | array | dtype | dims | description |", "|---|---|---|---|---|"]
    for group in pipeline.schema.groups:
        for spec in group.arrays:
            description = (spec.description or "").replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {group.name} | {spec.name} | {spec.dtype} | "
                         f"{', '.join(map(str, spec.dims))} | {description} |")
    return "\n".join(lines)


CHECKS = [cad_infoset_rows, cad_infoset_columns, cad_dataset_rows, cad_dataset_arrays]
