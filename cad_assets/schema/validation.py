"""Check one file's arrays against the schema before they are stored."""

from collections.abc import Mapping

import numpy as np

from cad_assets.schema.spec import Schema


class SchemaViolation(ValueError):
    """A file's arrays do not match the declared schema; the message says which and how."""


def validate_groups(schema: Schema, groups: Mapping[str, Mapping[str, np.ndarray]]) -> None:
    """Raise :class:`SchemaViolation` unless ``groups`` holds exactly the declared arrays, each
    with the declared dtype and dims, and every group's arrays share one row count."""
    problems = []
    for group_name, arrays in groups.items():
        group = schema.group(group_name)
        if group is None:
            problems.append(f"group {group_name!r} is not declared")
            continue
        for name, array in arrays.items():
            spec = group.array(name)
            if spec is None:
                problems.append(f"{group_name}/{name} is not declared")
            elif array.dtype != np.dtype(spec.dtype):
                problems.append(f"{group_name}/{name} is {array.dtype}, declared {spec.dtype}")
            elif array.shape[1:] != spec.row_shape:
                problems.append(
                    f"{group_name}/{name} has shape {array.shape}, declared "
                    f"{(group.base_dim, *spec.row_shape)}"
                )
        if len({len(array) for array in arrays.values()}) > 1:
            problems.append(f"arrays of {group_name} differ in their number of {group.base_dim}s")
    for group in schema.groups:
        missing = [a.name for a in group.arrays if a.name not in groups.get(group.name, {})]
        if missing:
            problems.append(f"{group.name} lacks declared arrays {missing}")
    if problems:
        raise SchemaViolation(f"arrays do not match schema {schema.domain!r}: " + "; ".join(problems))
