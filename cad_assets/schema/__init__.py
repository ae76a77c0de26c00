"""Declare what a dataset holds, and check each file against it. Plain Python, no CAD kernel."""

from cad_assets.schema.builder import GroupBuilder, SchemaBuilder
from cad_assets.schema.spec import ArraySpec, GroupSpec, MetadataSpec, Schema
from cad_assets.schema.validation import SchemaViolation, validate_groups

__all__ = [
    "ArraySpec",
    "GroupBuilder",
    "GroupSpec",
    "MetadataSpec",
    "Schema",
    "SchemaBuilder",
    "SchemaViolation",
    "validate_groups",
]
