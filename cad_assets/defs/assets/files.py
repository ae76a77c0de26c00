"""``cad_files``: the CAD files under the source folders, one row per file."""

import dataclasses

import dagster as dg
import pandas as pd
from sqlalchemy.exc import IntegrityError

from cad_assets.defs.partitions import cad_file_partitions
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.flow import Pipeline
from cad_assets.sources import (
    DUPLICATE_COLUMNS,
    DiscoveredFile,
    as_discovered,
    duplicate_counts,
    hash_files,
    with_duplicate_groups,
)
from cad_assets.storage import read_table

DISCOVERED_COLUMNS = [field.name for field in dataclasses.fields(DiscoveredFile)]


@dg.asset(io_manager_key="table_io_manager", group_name="cad")
def cad_files(
    context: dg.AssetExecutionContext,
    settings: CadPipelineSettings,
    cad_pipeline: dg.ResourceParam[Pipeline],
) -> pd.DataFrame:
    """The CAD files the pipeline's gather task finds (by default: recursive discovery of
    .step .stp .iges .igs .brep, any case) with their size, mtime and SHA-256, and keep the
    ``cad_file`` partitions in step: one per file, added for new files, removed for deleted
    ones (the encoding step then prunes their encodings).

    Files with identical content (same SHA-256) are grouped: ``duplicate_group`` is the
    partition key of the group's first file (a file with no copy names itself) and
    ``duplicate_count`` the files of its group; both reach ``cad_infoset``, and splits keep
    a group's files in one subset."""
    found = gather_files(cad_pipeline, settings)
    table = pd.DataFrame([dataclasses.asdict(f) for f in found], columns=DISCOVERED_COLUMNS)
    table["sha256"] = hash_files(found, _previous_hashes(settings))
    table = with_duplicate_groups(table)
    duplicates = duplicate_counts(table)

    added, removed = sync_file_partitions(context.instance, set(table["partition_key"]))
    context.add_output_metadata(
        {
            "files": len(table),
            "added": len(added),
            "removed": len(removed),
            "unreadable": int(table["sha256"].isna().sum()),
            "by_format": dg.MetadataValue.json(table["format"].value_counts().to_dict()),
            "duplicate_groups": duplicates["groups"],
            "files_in_duplicate_groups": duplicates["files"],
            "dagster/column_schema": column_schema(table),
        }
    )
    return table


#: What the columns of ``cad_files`` (and so of ``cad_infoset``) mean, for the UI.
COLUMN_DESCRIPTIONS = {
    "partition_key": "the file's cad_file partition: source folder label / path inside it",
    "path": "absolute path of the file",
    "source_root": "the source folder it was found under",
    "relative_path": "path inside its source folder",
    "format": "step, iges or brep (from the suffix)",
    "size_bytes": "size when discovered",
    "mtime_ns": "modification time when discovered (ns since the epoch)",
    "sha256": "SHA-256 of the content (hex); null when the file could not be read",
    **DUPLICATE_COLUMNS,
}


def column_schema(table: pd.DataFrame) -> dg.TableSchema:
    """``table``'s columns, their types and :data:`COLUMN_DESCRIPTIONS`, as Dagster shows them."""
    return dg.TableSchema(columns=[
        dg.TableColumn(str(name), str(dtype), description=COLUMN_DESCRIPTIONS.get(str(name)))
        for name, dtype in table.dtypes.items()
    ])


def gather_files(pipeline: Pipeline, settings: CadPipelineSettings) -> list[DiscoveredFile]:
    """Run the pipeline's gather task over the configured source folders."""
    roots = settings.source_roots()
    return as_discovered(pipeline.gather.gather(roots, settings), roots)


def sync_file_partitions(instance: dg.DagsterInstance, keys: set[str]) -> tuple[list[str], list[str]]:
    """Add partitions for new keys and delete those of vanished files; return (added, removed)."""
    name = cad_file_partitions.name
    for attempt in range(3):
        existing = set(instance.get_dynamic_partitions(name))
        added, removed = sorted(keys - existing), sorted(existing - keys)
        try:
            if added:
                instance.add_dynamic_partitions(name, added)
            break
        except IntegrityError:
            # Another run (a sensor batch beside a manual run) added some of them just now.
            if attempt == 2:
                raise
    for key in removed:
        instance.delete_dynamic_partition(name, key)
    return added, removed


def _previous_hashes(settings: CadPipelineSettings) -> dict:
    path = settings.layout.files
    if not path.exists():
        return {}
    previous = read_table(path)
    return {
        row.partition_key: (row.size_bytes, row.mtime_ns, row.sha256)
        for row in previous.itertuples()
    }
