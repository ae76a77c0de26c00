"""One dynamic partition per CAD file; keys come from :mod:`cad_assets.sources.partition_keys`."""

import dagster as dg

cad_file_partitions = dg.DynamicPartitionsDefinition(name="cad_file")
