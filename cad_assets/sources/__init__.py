"""Where CAD files come from: discovery over source folders, partition keys, content hashes
and the groups of identical files they reveal.

Knows nothing of OpenCascade or Dagster.
"""

from cad_assets.sources.discovery import CAD_FORMATS, DiscoveredFile, discover_cad_files
from cad_assets.sources.duplicates import (
    DUPLICATE_COLUMNS,
    content_groups,
    describe_conflicts,
    duplicate_counts,
    face_label_digests,
    label_conflicts,
    with_duplicate_groups,
)
from cad_assets.sources.gathered import as_discovered
from cad_assets.sources.hashing import hash_files, sha256_of
from cad_assets.sources.partition_keys import (
    partition_key,
    path_for_key,
    root_labels,
    split_partition_key,
)

__all__ = [
    "CAD_FORMATS",
    "DUPLICATE_COLUMNS",
    "DiscoveredFile",
    "as_discovered",
    "content_groups",
    "describe_conflicts",
    "discover_cad_files",
    "duplicate_counts",
    "face_label_digests",
    "hash_files",
    "label_conflicts",
    "partition_key",
    "path_for_key",
    "root_labels",
    "sha256_of",
    "split_partition_key",
    "with_duplicate_groups",
]
