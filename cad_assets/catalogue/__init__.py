"""The catalogue of per-file encodings: one row per file version (partition key, content hash,
encoder version) with its outcome, store, rows, metadata and errors, and every file's stable id.

Knows nothing of Dagster or OpenCascade; the encoding step writes it, the tables read it.
"""

from cad_assets.catalogue.catalogue import ERROR_COLUMNS, Catalogue, EncodingPlan

__all__ = ["ERROR_COLUMNS", "Catalogue", "EncodingPlan"]
