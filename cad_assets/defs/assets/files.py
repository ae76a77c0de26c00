"""``cad_files``: the CAD files under the source folders, one row per file."""

import dataclasses

import dagster as dg
import pandas as pd
from sqlalchemy.exc import IntegrityError

from cad_assets.defs.partitions import cad_file_partitions
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.flow import Pipeline
from cad_assets.sources import DiscoveredFile, as_discovered, hash_files
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
    ones (the encoding step then prunes their encodings)."""
    found = gather_files(cad_pipeline, settings)
    table = pd.DataFrame([dataclasses.asdict(f) for f in found], columns=DISCOVERED_COLUMNS)
    table["sha256"] = hash_files(found, _previous_hashes(settings))

    added, removed = sync_file_partitions(context.instance, set(table["partition_key"]))
    context.add_output_metadata(
        {
            "files": len(table),
            "added": len(added),
            "removed": len(removed),
            "unreadable": int(table["sha256"].isna().sum()),
            "by_format": dg.MetadataValue.json(table["format"].value_counts().to_dict()),
        }
    )
    return table


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
