"""Where CAD files come from: discovery over source folders, partition keys, content hashes.

Knows nothing of OpenCascade or Dagster.
"""

from cad_assets.sources.discovery import CAD_FORMATS, DiscoveredFile, discover_cad_files
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
    "DiscoveredFile",
    "as_discovered",
    "discover_cad_files",
    "hash_files",
    "partition_key",
    "path_for_key",
    "root_labels",
    "sha256_of",
    "split_partition_key",
]
